"""Wrong codes counted against guessing, wherever a client types a code.

Each wrong code (unknown, another business's, or refused) adds one to two counters
in Redis: the client's address at this business, and the business as a whole
(guessing spread over many addresses). Once either reaches its limit within the
window, codes are refused with "try again later" until the window ends, right
ones included, or a guesser would learn when they found one.

A counter is incremented and given its expiry in one Lua script, so concurrent
requests are all counted and a counter never outlives its window (DRF's throttles
read, then write: concurrent guesses slip through, and they count requests, not
failures). Without Redis (a laptop's `make run`), the local cache counts instead.
"""

import contextvars
import hashlib
import threading

import redis
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

FAILURES_PER_ADDRESS = 10
FAILURES_PER_BUSINESS = 100
WINDOW_SECONDS = 60

# INCR each key; the first increment (or a key somehow left without expiry) starts its
# window. Returns the new counts.
_COUNT = """
local counts = {}
for i, key in ipairs(KEYS) do
    local count = redis.call('INCR', key)
    if count == 1 or redis.call('TTL', key) < 0 then
        redis.call('EXPIRE', key, ARGV[1])
    end
    counts[i] = count
end
return counts
"""

# The address of the request being served (set by giftcards.middleware), so that the
# booking code resolver, which booking calls without the request, can count too.
client_address: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "giftcards_client_address", default=None)

_client_lock = threading.Lock()
_redis: redis.Redis | None = None


def _connection() -> redis.Redis | None:
    global _redis
    if not settings.REDIS_URL:
        return None
    with _client_lock:
        if _redis is None:
            _redis = redis.Redis.from_url(settings.REDIS_URL)
        return _redis


def _keys(business_id: int, address: str) -> list[str]:
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return [f"giftcards:code-failures:{business_id}:address:{digest}",
            f"giftcards:code-failures:{business_id}:all"]


LIMITS = (FAILURES_PER_ADDRESS, FAILURES_PER_BUSINESS)


def record_failure(business, address: str) -> None:
    keys = _keys(business.pk, address)
    connection = _connection()
    if connection is not None:
        connection.eval(_COUNT, len(keys), *keys, WINDOW_SECONDS)
        return
    for key in keys:
        cache.add(key, 0, timeout=WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # the window ended between add() and incr()
            cache.set(key, 1, timeout=WINDOW_SECONDS)


def is_locked(business, address: str) -> bool:
    keys = _keys(business.pk, address)
    connection = _connection()
    if connection is not None:
        counts = [int(count or 0) for count in connection.mget(keys)]
    else:
        counts = [cache.get(key) or 0 for key in keys]
    return any(count >= limit for count, limit in zip(counts, LIMITS, strict=True))


def locked_error() -> ValidationError:
    return ValidationError({"code": _("Too many wrong codes were tried. Please try again in "
                                      "a minute.")})


def refuse_if_locked(business, address: str | None) -> None:
    if address is not None and is_locked(business, address):
        raise locked_error()
