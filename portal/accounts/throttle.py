"""Login throttling: after too many failures for one address, or from one
client, sign-in is refused for a while without the password being checked.

Counts live in the cache (Redis in production, so every web process sees
them)."""

import hashlib

from django.conf import settings
from django.core.cache import cache

from portal.core.counters import cache_count


def _keys(email: str, client_ip: str) -> list[str]:
    email_key = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return [f"login-fail:email:{email_key}", f"login-fail:ip:{client_ip}"]


def login_is_blocked(email: str, client_ip: str) -> bool:
    limit = settings.LOGIN_FAILURE_LIMIT
    # An address is blocked after `limit` failures; a client after a few times
    # that, so one office behind one address can still sign in.
    email_key, ip_key = _keys(email, client_ip)
    counts = cache.get_many([email_key, ip_key])
    return counts.get(email_key, 0) >= limit or counts.get(ip_key, 0) >= limit * 4


def login_failed(email: str, client_ip: str) -> None:
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    for key in _keys(email, client_ip):
        cache_count(key, timeout=window)


def login_succeeded(email: str, client_ip: str) -> None:
    cache.delete(_keys(email, client_ip)[0])
