from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """Liveness and database reachability for load balancers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def start_page_for(user) -> str:
    """Where `user` lands after signing in (without a `next`): the workspace
    for marketing admins; "" for the usual start page."""
    from portal.workspace.access import is_marketing_admin

    return reverse("workspace:kit_list") if is_marketing_admin(user) else ""


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # Kept free of database and context processors: it must render when they fail.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)
