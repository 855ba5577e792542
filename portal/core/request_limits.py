"""Request bodies are refused by their declared size before anything reads
them. Django caps form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) but streams file
parts of any size to disk, and upload fields check a file's size only once
it has been received in full.

The cap depends on who asks: staff in the admin and the workspace may send
an asset source or a kit ZIP (ASSET_MAX_UPLOAD_BYTES), other signed-in
people a brand profile with two
logos (2 x LOGO_MAX_UPLOAD_BYTES), anonymous visitors plain forms
(DATA_UPLOAD_MAX_MEMORY_SIZE). Each allows FORM_OVERHEAD_BYTES on top for the
other fields. The reverse proxy should refuse the largest of these first
(README, "Production")."""

from django.conf import settings
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat

FORM_OVERHEAD_BYTES = 1024 * 1024
#: Where staff upload asset sources: the admin and the marketing workspace.
STAFF_UPLOAD_PREFIXES = ("/admin/", "/workspace/")


def _anonymous_limit() -> int:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE + FORM_OVERHEAD_BYTES


def request_body_limit(request) -> int:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        if user.is_staff and request.path.startswith(STAFF_UPLOAD_PREFIXES):
            return settings.ASSET_MAX_UPLOAD_BYTES + FORM_OVERHEAD_BYTES
        return 2 * settings.LOGO_MAX_UPLOAD_BYTES + FORM_OVERHEAD_BYTES
    return _anonymous_limit()


class RequestBodyLimitMiddleware:
    """Answer 413 to a request whose Content-Length is over its cap, without
    reading the body. Placed after AuthenticationMiddleware (it needs the
    user); no middleware before it reads the body, and views (and CSRF
    checks) run only after every middleware has let the request through."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        # The smallest cap needs no user: most requests never load one here.
        if length <= _anonymous_limit():
            return self.get_response(request)
        limit = request_body_limit(request)
        if length > limit:
            return HttpResponse(
                f"This request is {filesizeformat(length)}; the limit is {filesizeformat(limit)}.",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
