"""Site-wide middleware: the request id, the security policy header, and
the one handler that turns the project's errors into pages."""

import logging

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from portal.core import log_context
from portal.core.csp import ADMIN_POLICY, DEFAULT_POLICY
from portal.core.errors import CobrandError

log = logging.getLogger(__name__)
ADMIN_PREFIX = "/admin/"
REQUEST_ID_HEADER = "X-Request-ID"


class RequestIdMiddleware:
    """Gives each request an id (the proxy's X-Request-ID when it sends a
    sane one, else a new one), puts it in the log context with the request
    (portal/core/log_context.py) and echoes it in the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = log_context.request_id_from(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id
        tokens = log_context.start(request_id=request_id, request=request)
        try:
            response = self.get_response(request)
        finally:
            log_context.end(tokens)
        response[REQUEST_ID_HEADER] = request_id
        return response


class ContentSecurityPolicyMiddleware:
    """A Content-Security-Policy on every response that has none yet."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            admin = request.path.startswith(ADMIN_PREFIX)
            response["Content-Security-Policy"] = ADMIN_POLICY if admin else DEFAULT_POLICY
        return response


class ErrorResponseMiddleware:
    """The one place a CobrandError raised in a view becomes a response: a page
    with its message and status (only the message for htmx requests, which
    swap it into the page)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, CobrandError):
            return None
        return error_response(request, exception)


def error_response(request, error: CobrandError) -> HttpResponse:
    status = error.status
    if status == 401:
        response = redirect_to_login(request.get_full_path())
        if getattr(request, "htmx", False):
            # The browser would follow a redirect inside the swap: let htmx go.
            return HttpResponse(status=204, headers={"HX-Redirect": response.url})
        return response
    level = logging.ERROR if status >= 500 else logging.WARNING if status == 409 else logging.INFO
    log.log(
        level,
        "%s %s answered %d: %s: %s",
        request.method,
        request.path,
        status,
        type(error).__name__,
        error.message,
    )
    context = {"error": error, "title": error.title, "message": error.message}
    if getattr(request, "htmx", False):
        return render(request, "_error.html", context, status=status)
    referrer = request.headers.get("Referer", "")
    if referrer and url_has_allowed_host_and_scheme(
        referrer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        context["back_url"] = referrer
    return render(request, error.template, context, status=status)
