"""Counters for every rate limit (sign-in failures, wrong gift card codes), and the client
address they are kept per.

A counter lives in a fixed window that starts with its first hit and ends with its expiry.
Each operation is one atomic step: on Redis (shared by every web process) a Lua script
counts and sets the expiry together, so a counter never exists without one (INCR on a
key that expired a moment before would make a counter that never expires: a lockout
that never ends), and `acquire` checks the limits in that same step, so sixty
simultaneous tries against a limit of ten let ten through. Without Redis (a laptop's
`make run`), counts live in the local-memory cache, which belongs to one process, so a
process-wide lock makes the same steps atomic.
"""

import ipaddress
import threading
import time
from collections.abc import Sequence

import redis
from django.conf import settings
from django.core.cache import cache

Limit = tuple[str, int]  # (key, the count at which it refuses)

# KEYS: the counters; ARGV[1]: the window in seconds; ARGV[2..]: one limit per key.
# Returns 0 and counts nothing when a key is at its limit already, else counts one on each.
_ACQUIRE = """
for i, key in ipairs(KEYS) do
    if tonumber(redis.call('GET', key) or '0') >= tonumber(ARGV[i + 1]) then
        return 0
    end
end
for _, key in ipairs(KEYS) do
    redis.call('SET', key, 0, 'EX', ARGV[1], 'NX')
    redis.call('INCR', key)
end
return 1
"""

# Gives one back without touching the expiry; a counter whose window ended stays gone.
_RELEASE = """
for _, key in ipairs(KEYS) do
    if tonumber(redis.call('GET', key) or '0') > 0 then
        redis.call('DECR', key)
    end
end
"""

_connections: dict[str, redis.Redis] = {}
_connections_lock = threading.Lock()
_local_lock = threading.Lock()


def _redis() -> redis.Redis | None:
    url = settings.REDIS_URL
    if not url:
        return None
    with _connections_lock:
        if url not in _connections:
            _connections[url] = redis.Redis.from_url(url)
        return _connections[url]


def _named(keys: Sequence[str]) -> list[str]:
    # Under the cache's key prefix, as every other key this site keeps in Redis: deployments
    # (or parallel test workers) sharing one Redis keep their counters apart.
    return [cache.make_key(key) for key in keys]


def _local_read(key: str, now: float) -> tuple[int, float]:
    """(count, expiry time) of a local counter; (0, 0) when its window is over."""
    count, expires_at = cache.get(key) or (0, 0.0)
    return (count, expires_at) if expires_at > now else (0, 0.0)


def _local_acquire(limits: Sequence[Limit], window: int) -> bool:
    with _local_lock:
        now = time.time()
        current = {key: _local_read(key, now) for key, _limit in limits}
        if any(current[key][0] >= limit for key, limit in limits):
            return False
        for key, _limit in limits:
            count, expires_at = current[key]
            expires_at = expires_at or now + window
            cache.set(key, (count + 1, expires_at), timeout=expires_at - now)
        return True


def acquire(limits: Sequence[Limit], window: int) -> bool:
    """Count one try on every key and return True, unless a key is at its limit already:
    then count nothing and return False."""
    connection = _redis()
    if connection is None:
        return _local_acquire(limits, window)
    keys = _named([key for key, _limit in limits])
    return bool(connection.eval(_ACQUIRE, len(keys), *keys, window,
                                *[limit for _key, limit in limits]))


def release(keys: Sequence[str]) -> None:
    """Give back a try counted by `acquire` that turned out right."""
    connection = _redis()
    if connection is not None:
        connection.eval(_RELEASE, len(keys), *_named(keys))
        return
    with _local_lock:
        now = time.time()
        for key in keys:
            count, expires_at = _local_read(key, now)
            if count > 0:
                cache.set(key, (count - 1, expires_at), timeout=expires_at - now)


def seconds_locked(limits: Sequence[Limit]) -> int:
    """How long until every key is below its limit again; 0 when none is at it."""
    connection = _redis()
    keys = [key for key, _limit in limits]
    if connection is None:
        now = time.time()
        states = [_local_read(key, now) for key in keys]
        left = [(count, expires_at - now) for count, expires_at in states]
    else:
        with connection.pipeline(transaction=False) as pipe:
            for key in _named(keys):
                pipe.get(key)
                pipe.pttl(key)
            answers = pipe.execute()
        left = [(int(answers[i] or 0), answers[i + 1] / 1000)
                for i in range(0, len(answers), 2)]
    locked = [seconds for (count, seconds), (_key, limit) in zip(left, limits, strict=True)
              if count >= limit]
    return int(max(locked)) + 1 if locked else 0


def clear(keys: Sequence[str]) -> None:
    connection = _redis()
    if connection is None:
        cache.delete_many(keys)
    else:
        connection.delete(*_named(keys))


def client_address(request) -> str:
    """The address of the client that sent `request`, for keeping counts per address.

    Behind TRUSTED_PROXY_COUNT reverse proxies, REMOTE_ADDR is the nearest proxy and each
    proxy appends the address it received the request from to X-Forwarded-For, so the
    client is the Nth entry from the right; entries further left come from the client
    and are ignored (anyone can send them). A header with fewer entries, or a garbled
    one, did not come through the proxies: the peer's own address is used then.
    """
    remote = request.META.get("REMOTE_ADDR") or "unknown"
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return remote
    forwarded = [entry.strip() for entry in
                 request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
    if len(forwarded) < proxies:
        return remote
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
