"""Sign-in throttling against password guessing, per account and per client address.

Tries are counted in core.ratelimit's counters (Redis in production, so every web
process sees the same counts) in a fixed window. Once a count reaches its limit, every
attempt for that account, or from that address, is refused until the window ends — even
with the right password, or a guesser would learn when they found it.

`ThrottledModelBackend` enforces it for every `authenticate()` call (back office,
booking site, admin): each call takes a try from both counters in one atomic step, or
is refused when one is full, so simultaneous guesses cannot overshoot the limit; a
right password gives its tries back. A successful sign-in also clears the account's
count, not the address's: an attacker who owns one account must not be able to reset
the count of the addresses they guess from. The forms ask `seconds_locked_out` first
to show a clear message instead of "wrong password".
"""

import hashlib

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.utils.translation import ngettext

from core import ratelimit


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"login-failures:{kind}:{digest}"


def _counters(request, email: str) -> list[ratelimit.Limit]:
    address = ratelimit.client_address(request) if request is not None else "unknown"
    return [(_key("account", email or ""), settings.LOGIN_FAILURES_PER_ACCOUNT),
            (_key("ip", address), settings.LOGIN_FAILURES_PER_IP)]


def seconds_locked_out(request, email: str) -> int:
    """How long sign-in stays refused for this account or address; 0 when it is open."""
    return ratelimit.seconds_locked(_counters(request, email))


def lockout_message(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return ngettext(
        "Too many failed sign-in attempts. Try again in %(minutes)s minute.",
        "Too many failed sign-in attempts. Try again in %(minutes)s minutes.",
        minutes) % {"minutes": minutes}


def clear_account(email: str) -> None:
    ratelimit.clear([_key("account", email)])


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username:
            return super().authenticate(request, username=username, password=password,
                                        **kwargs)
        counters = _counters(request, username)
        if not ratelimit.acquire(counters, settings.LOGIN_FAILURE_WINDOW_SECONDS):
            raise PermissionDenied
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            ratelimit.release([key for key, _limit in counters])
        return user


@receiver(user_logged_in)
def _forget_failures(sender, request, user, **kwargs):
    clear_account(user.email)
