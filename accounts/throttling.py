"""Sign-in throttling against password guessing, per account and per client IP.

Failures are counted in the cache (Redis in production, so every web process sees
the same counts) in a fixed window. Once a count reaches its limit, every attempt
for that account, or from that address, is refused until the window ends — even
with the right password, or a guesser would learn when they found it. A successful
sign-in clears the account's count, not the address's: an attacker who owns one
account must not be able to reset the count of the addresses they guess from.

`ThrottledModelBackend` enforces it for every `authenticate()` call (back office,
booking site, admin); the forms ask `seconds_locked_out` first to show a clear
message instead of "wrong password".
"""

import hashlib

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import ngettext


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"login-failures:{kind}:{digest}"


def _client_ip(request) -> str:
    return (request.META.get("REMOTE_ADDR") or "unknown") if request is not None else "unknown"


def _counters(request, email: str) -> list[tuple[str, int]]:
    return [(_key("account", email or ""), settings.LOGIN_FAILURES_PER_ACCOUNT),
            (_key("ip", _client_ip(request)), settings.LOGIN_FAILURES_PER_IP)]


def seconds_locked_out(request, email: str) -> int:
    """How long sign-in stays refused for this account or address; 0 when it is open."""
    now = timezone.now().timestamp()
    remaining = 0
    for key, limit in _counters(request, email):
        if (cache.get(key) or 0) >= limit:
            started = cache.get(f"{key}:started") or now
            remaining = max(remaining,
                            int(started + settings.LOGIN_FAILURE_WINDOW_SECONDS - now) + 1)
    return remaining


def lockout_message(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return ngettext(
        "Too many failed sign-in attempts. Try again in %(minutes)s minute.",
        "Too many failed sign-in attempts. Try again in %(minutes)s minutes.",
        minutes) % {"minutes": minutes}


def record_failure(request, email: str) -> None:
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    now = timezone.now().timestamp()
    for key, _limit in _counters(request, email):
        # add() sets the window's start once; incr() is atomic, so concurrent guesses
        # are all counted.
        cache.add(f"{key}:started", now, timeout=window)
        cache.add(key, 0, timeout=window)
        try:
            cache.incr(key)
        except ValueError:  # the window ended between add() and incr()
            cache.set(key, 1, timeout=window)


def clear_account(email: str) -> None:
    key = _key("account", email)
    cache.delete_many([key, f"{key}:started"])


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username and seconds_locked_out(request, username):
            raise PermissionDenied
        return super().authenticate(request, username=username, password=password, **kwargs)


@receiver(user_login_failed)
def _count_failure(sender, credentials, request=None, **kwargs):
    record_failure(request, credentials.get("username", ""))


@receiver(user_logged_in)
def _forget_failures(sender, request, user, **kwargs):
    clear_account(user.email)
