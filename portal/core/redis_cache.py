"""The Redis cache, degrading instead of failing when Redis does not answer.

With IGNORE_EXCEPTIONS on, django-redis answers a failed read with a miss
and a failed write with nothing. Pages, sessions (cached_db falls back to
the database), download passes and rate counters carry on; the render lock
(assets/renditions.py) sees `add` answer None and renders without it. Each
failure logs one warning line on the "portal.cache" logger, without a
traceback, saying the cache is unavailable.
"""

import logging
import sys

from django_redis.cache import RedisCache

log = logging.getLogger("portal.cache")


class _UnavailableLog:
    """Stands in for django-redis's logger of ignored exceptions."""

    def exception(self, *args, **kwargs) -> None:
        error = sys.exc_info()[1]
        cause = getattr(error, "__cause__", None) or error
        log.warning("cache unavailable, carrying on without it: %s", cause)


class DegradingRedisCache(RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._ignore_exceptions = True
        self._log_ignored_exceptions = True
        self.logger = _UnavailableLog()


def redis_cache_config(location: str, *, key_prefix: str, timeout: float) -> dict:
    """The CACHES["default"] entry for a Redis at `location` (settings, tests)."""
    return {
        "BACKEND": "portal.core.redis_cache.DegradingRedisCache",
        "LOCATION": location,
        "KEY_PREFIX": key_prefix,
        "OPTIONS": {
            # Seconds: a Redis that does not answer fails fast instead of hanging.
            "SOCKET_CONNECT_TIMEOUT": timeout,
            "SOCKET_TIMEOUT": timeout,
        },
    }
