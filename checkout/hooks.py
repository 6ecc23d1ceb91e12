"""Where other apps plug into checkout without checkout importing them.

- Gift card payments: the giftcards app registers one redeemer (from its
  AppConfig.ready). Until one is registered, paying by gift card is refused with a
  clear message. The redeemer runs inside the payment's transaction: a refusal
  (ValidationError) rolls the whole payment back.
- Client badges: short texts shown beside the client at checkout, e.g. the loyalty
  app's "120 points". With no provider registered, nothing is shown.
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured


class GiftCardRedeemer(Protocol):
    def redeem(self, *, business, payment, code: str) -> str:
        """Take `payment.amount` from the gift card with `code`, recording `payment` as the
        source; return what to show as the payment's reference (never the full code).
        Raise ValidationError to refuse (unknown code, expired, balance too low)."""

    def refund(self, *, business, payment, amount: Decimal, refund) -> None:
        """Give `amount` of `payment` back to the gift card it came from."""


ClientBadgeProvider = Callable[..., str | None]

# One slot: two redeemers would each think they own the gift card tender.
_redeemers: list[GiftCardRedeemer] = []
_badge_providers: list[ClientBadgeProvider] = []


def register_gift_card_redeemer(redeemer: GiftCardRedeemer) -> None:
    if _redeemers and _redeemers[0] is not redeemer:
        raise ImproperlyConfigured("A gift card redeemer is already registered.")
    _redeemers[:] = [redeemer]


def unregister_gift_card_redeemer(redeemer: GiftCardRedeemer) -> None:
    if redeemer in _redeemers:
        _redeemers.remove(redeemer)


def gift_card_redeemer() -> GiftCardRedeemer | None:
    return _redeemers[0] if _redeemers else None


def register_client_badge(provider: ClientBadgeProvider) -> None:
    """`provider(business=..., client=...)` returns a short text, or None for nothing."""
    if provider not in _badge_providers:
        _badge_providers.append(provider)


def unregister_client_badge(provider: ClientBadgeProvider) -> None:
    if provider in _badge_providers:
        _badge_providers.remove(provider)


def client_badges(*, business, client) -> list[str]:
    if client is None:
        return []
    texts = (provider(business=business, client=client) for provider in _badge_providers)
    return [str(text) for text in texts if text]
