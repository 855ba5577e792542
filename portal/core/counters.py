import hashlib
import time

from django.conf import settings
from django.core.cache import cache


def cache_count(key: str, *, timeout: int) -> int:
    """Add one to a counter kept in the cache (shared by every process when the
    cache is Redis) and return the new value. The counter lives `timeout`
    seconds from its first count. 0 when the cache does not answer
    (portal/core/redis_cache.py): nothing is counted, nothing refused."""
    added = cache.add(key, 1, timeout=timeout)
    if added is None:
        return 0
    if added:
        return 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1
    return count or 0


def rate_exceeded(scope: str, subject: str, *, limit: int, window: int) -> bool:
    """Count one event by `subject` (an address, a user id) under `scope` and
    say whether it goes past `limit` in the current fixed window of `window`
    seconds. Every call counts, refused ones too. `limit` 0 turns it off.
    The subject is hashed: not even the cache holds addresses in clear."""
    if limit <= 0:
        return False
    window = max(1, window)
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{subject}".encode()).hexdigest()[:32]
    key = f"rate:{scope}:{digest}:{int(time.time() // window)}"
    return cache_count(key, timeout=window + 5) > limit
