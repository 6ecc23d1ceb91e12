"""Where other apps plug into checkout without checkout importing them.

- Gift card payments: the giftcards app registers one redeemer (from its
  AppConfig.ready). Until one is registered, paying by gift card is refused with a
  clear message. The redeemer runs inside the payment's transaction: a refusal
  (ValidationError) rolls the whole payment back.
- Client badges: short texts shown beside the client at checkout, e.g. the loyalty
  app's "120 points". With no provider registered, nothing is shown.
- Codes typed on a draft go through booking's one code protocol (booking/codes.py).
- Client offers: what a client holds that staff can use in one click at checkout
  (their reward codes, their gift cards). With no provider registered, nothing.
- Invoice sections: titled lists of lines shown on a paid invoice's page, e.g. the
  loyalty app's points the invoice earned, rule by rule. With no provider, nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class OfferedCode:
    """A code the client holds, shown in full: applying it is the button."""

    code: str
    label: str


@dataclass(frozen=True)
class OfferedCard:
    """A gift card the client holds. `key` picks it in URLs; `code` goes only into the
    payment form, the page shows `masked_code`."""

    key: int
    code: str
    masked_code: str
    balance: Decimal


@dataclass(frozen=True)
class ClientOffers:
    codes: tuple[OfferedCode, ...] = ()
    cards: tuple[OfferedCard, ...] = ()


@dataclass(frozen=True)
class InvoiceSection:
    title: str
    lines: tuple[str, ...]


ClientBadgeProvider = Callable[..., str | None]
ClientOffersProvider = Callable[..., ClientOffers]
InvoiceSectionProvider = Callable[..., InvoiceSection | None]

# One slot: two redeemers would each think they own the gift card tender.
_redeemers: list[GiftCardRedeemer] = []
_badge_providers: list[ClientBadgeProvider] = []
_offer_providers: list[ClientOffersProvider] = []
_section_providers: list[InvoiceSectionProvider] = []


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


def register_client_offers(provider: ClientOffersProvider) -> None:
    """`provider(business=..., client=...)` returns the ClientOffers of that client."""
    if provider not in _offer_providers:
        _offer_providers.append(provider)


def unregister_client_offers(provider: ClientOffersProvider) -> None:
    if provider in _offer_providers:
        _offer_providers.remove(provider)


def client_offers(*, business, client) -> ClientOffers:
    if client is None:
        return ClientOffers()
    found = [provider(business=business, client=client) for provider in _offer_providers]
    return ClientOffers(codes=tuple(code for offers in found for code in offers.codes),
                        cards=tuple(card for offers in found for card in offers.cards))


def register_invoice_section(provider: InvoiceSectionProvider) -> None:
    """`provider(business=..., invoice=...)` returns an InvoiceSection, or None for none."""
    if provider not in _section_providers:
        _section_providers.append(provider)


def unregister_invoice_section(provider: InvoiceSectionProvider) -> None:
    if provider in _section_providers:
        _section_providers.remove(provider)


def invoice_sections(*, business, invoice) -> list[InvoiceSection]:
    found = (provider(business=business, invoice=invoice) for provider in _section_providers)
    return [section for section in found if section is not None]
