# Every page: only our own scripts, styles and images; no inline script.
DEFAULT_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'none'; object-src 'none'"
)
# Django's admin sets a few inline styles; it still runs no inline script.
ADMIN_POLICY = DEFAULT_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
ADMIN_PREFIX = "/admin/"


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
