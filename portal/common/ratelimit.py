"""Rate limits shared by every process: a token bucket for provider accounts (in Redis when REDIS_URL is set,
else per process), and an hourly counter for people submitting forms (in Redis, else in the cache).

Celery's own `rate_limit` counts per worker; a provider counts per account, so the bucket must be shared.
"""

import hashlib
import threading
import time
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.cache import cache

# KEYS[1] the bucket; ARGV: rate per second, burst, cost, now. Returns the seconds to wait (0: taken).
_TAKE = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens >= cost then
  tokens = tokens - cost
else
  wait = (cost - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'at', now)
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 60)
return tostring(wait)
"""

_local_lock = threading.Lock()
_local: dict[str, tuple[float, float]] = {}


@lru_cache(maxsize=1)
def _redis() -> Any:
    # Imported on first use: the embedded `make run` has no Redis, and the counters then live in this process.
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    return client, client.register_script(_TAKE)


def take(key: str, *, rate: float, burst: float, cost: float = 1.0) -> float:
    """Take `cost` tokens if the bucket has them and return 0, else return how long to wait."""
    if rate <= 0:
        return 0.0
    now = time.time()
    if settings.REDIS_URL:
        _client, script = _redis()
        return float(script(keys=[f"ratelimit:{key}"], args=[rate, burst, cost, now]))
    with _local_lock:
        tokens, at = _local.get(key, (burst, now))
        tokens = min(burst, tokens + max(0.0, now - at) * rate)
        if tokens >= cost:
            _local[key] = (tokens - cost, now)
            return 0.0
        _local[key] = (tokens, now)
        return (cost - tokens) / rate


def over_hourly_limit(keys: Iterable[str], limit: int) -> bool:
    """Count one attempt against each key (an IP, a phone) for the current hour; true once any count is over
    `limit`. Every key is counted, even after one is over: a phone that keeps trying from a new IP stays limited."""
    keys = [f"ratelimit:hourly:{key}" for key in keys]
    if settings.REDIS_URL:
        # One round trip for all keys on the process's own client: the public form runs this on every report,
        # and Django's cache builds a new Redis client object for each call.
        client, _script = _redis()
        pipe = client.pipeline(transaction=False)
        for key in keys:
            pipe.incr(key)
            pipe.expire(key, 3600, nx=True)
        counts = pipe.execute()[::2]
        return any(count > limit for count in counts)
    return any([_cache_count(key) > limit for key in keys])


def _cache_count(key: str) -> int:
    try:
        return cache.incr(key)
    except ValueError:
        # First in this hour; add() so two first requests racing here cannot both start at one.
        return 1 if cache.add(key, 1, timeout=3600) else cache.incr(key)


def lockout_until(keys: Iterable[str]) -> float | None:
    """When the latest of the locks on these keys ends (a Unix time), or None when none is locked."""
    found = cache.get_many([_cache_key("until", key) for key in keys])
    return max(found.values()) if found else None


def _cache_key(what: str, key: str) -> str:
    """A lock's cache key: the caller's key (which may hold whatever a client typed as a code) as a digest."""
    return f"lockout:{what}:{hashlib.sha256(key.encode('utf-8', 'surrogatepass')).hexdigest()}"


def lockout_failure(limits: dict[str, int], *, seconds: int = 3600) -> float | None:
    """Count one wrong try against each key; a key that reaches its limit within the hour is locked for an hour
    whatever is typed next. Returns when the lock ends if this try locked a key."""
    now = time.time()
    locked = None
    for key, limit in limits.items():
        count_key = _cache_key("count", key)
        if cache.add(count_key, 1, timeout=seconds):
            count = 1
        else:
            try:
                count = cache.incr(count_key)
            except ValueError:  # expired between add() and incr()
                cache.add(count_key, 1, timeout=seconds)
                count = 1
        if count >= limit:
            locked = now + seconds
            cache.set(_cache_key("until", key), locked, timeout=seconds)
            cache.delete(count_key)
    return locked
