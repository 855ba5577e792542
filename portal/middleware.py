from portal.core.csp import ADMIN_POLICY, DEFAULT_POLICY

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
