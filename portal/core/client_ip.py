from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address. Behind a reverse proxy, CLIENT_IP_HEADER names the
    header that proxy sets (e.g. HTTP_X_FORWARDED_FOR); the last address in it
    is the one the trusted proxy saw, so a client can't choose its own."""
    header = settings.CLIENT_IP_HEADER
    if header:
        value = request.META.get(header, "")
        addresses = [part.strip() for part in value.split(",") if part.strip()]
        if addresses:
            return addresses[-1]
    return request.META.get("REMOTE_ADDR", "") or "unknown"
