from django.conf import settings

# Every page: only our own scripts, styles and images; no inline script.
DEFAULT_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'none'; object-src 'none'"
)
# Django's admin sets a few inline styles; it still runs no inline script.
ADMIN_POLICY = DEFAULT_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


class ContentSecurityPolicyMiddleware:
    """A Content-Security-Policy on every response that has none yet."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/admin/"

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            policy = ADMIN_POLICY if request.path.startswith(self.admin_prefix) else DEFAULT_POLICY
            response["Content-Security-Policy"] = (
                getattr(settings, "CONTENT_SECURITY_POLICY", None) or policy
            )
        return response
