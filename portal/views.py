from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from portal.health import health_check


@never_cache
def healthz(request):
    """For load balancers and monitoring: 200 when the database, cache,
    storage and queue all answer (portal/health.py), else 503 naming
    the failing ones. Every check is reported either way."""
    checks = health_check()
    failing = [name for name, check in checks.items() if not check.ok]
    body = {
        "status": "failing" if failing else "ok",
        "checks": {name: check.as_dict() for name, check in checks.items()},
    }
    if failing:
        body["failing"] = failing
    return JsonResponse(body, status=503 if failing else 200)


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
