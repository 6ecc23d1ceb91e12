"""Wrong codes counted against guessing, wherever a client types a code.

Each wrong code (unknown, another business's, or refused) adds one to two counters
in Redis: the client's address at this business, and the business as a whole
(guessing spread over many addresses). Once either reaches its limit within the
window, codes are refused with "try again later" until the window ends, right
ones included, or a guesser would learn when they found one.

A try takes its place in both counters before the code is looked up, in one atomic step
that refuses it when either is full (core.ratelimit), and a right code gives its place
back: however many requests arrive at once, no more codes are looked up than the
limit (reading the count first, then looking up, let simultaneous guesses through).
"""

import contextvars
import hashlib

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core import ratelimit

FAILURES_PER_ADDRESS = 10
FAILURES_PER_BUSINESS = 100
WINDOW_SECONDS = 60

# The address of the request being served (set by giftcards.middleware), so that the
# booking code resolver, which booking calls without the request, can count too.
request_address: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "giftcards_client_address", default=None)


def _keys(business_id: int, address: str) -> list[str]:
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return [f"giftcards:code-failures:{business_id}:address:{digest}",
            f"giftcards:code-failures:{business_id}:all"]


LIMITS = (FAILURES_PER_ADDRESS, FAILURES_PER_BUSINESS)


def start_try(business, address: str) -> bool:
    """Count a try at a code, to be looked up only if this returns True (False: too many
    wrong codes, nothing counted). A right code then calls `forget_try`."""
    return ratelimit.acquire(list(zip(_keys(business.pk, address), LIMITS, strict=True)),
                             WINDOW_SECONDS)


def forget_try(business, address: str) -> None:
    ratelimit.release(_keys(business.pk, address))


def locked_error() -> ValidationError:
    return ValidationError({"code": _("Too many wrong codes were tried. Please try again in "
                                      "a minute.")})
