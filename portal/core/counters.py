from django.core.cache import cache


def cache_count(key: str, *, timeout: int) -> int:
    """Add one to a counter kept in the cache (shared by every process when the
    cache is Redis) and return the new value. The counter lives `timeout`
    seconds from its first count."""
    if cache.add(key, 1, timeout=timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1
