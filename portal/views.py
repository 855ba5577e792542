from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """Liveness and database reachability for load balancers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # Kept free of database and context processors: it must render when they fail.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)
