"""Taking money for a gift card bought on the booking site, through a payment provider.

A provider is asked to collect a purchase's amount and answers: paid now, failed, or
pending with a page to send the client to (a card form, a bank's check). A pending
purchase is completed later, by the provider's notification or the client's return,
through `giftcards.services.purchases.complete_purchase`, which issues the card once however
often it is called. `OfflineProvider` (the default, for `make run` and tests) takes
every payment at once and moves no money: a real provider is an adapter written
against `PaymentProvider` and named in the GIFT_CARD_PAYMENT_PROVIDER setting.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class Outcome:
    PAID = "paid"
    PENDING = "pending"
    FAILED = "failed"


@dataclass(frozen=True)
class PaymentRequest:
    reference: str  # ours, unique per business: the provider sends it back
    amount: Decimal
    currency: str
    description: str
    customer_email: str
    return_url: str


@dataclass(frozen=True)
class PaymentAnswer:
    outcome: str
    provider_reference: str = ""
    redirect_url: str = ""
    message: str = ""


class PaymentProvider(Protocol):
    name: str

    def start(self, request: PaymentRequest) -> PaymentAnswer:
        """Ask for the payment; called outside any database transaction, since it may
        wait on the network."""


class OfflineProvider:
    """Accepts every payment at once, with a reference of its own: no money moves."""

    name = "offline"

    def start(self, request: PaymentRequest) -> PaymentAnswer:
        return PaymentAnswer(outcome=Outcome.PAID,
                             provider_reference=f"offline-{request.reference}")


def provider() -> PaymentProvider:
    path = getattr(settings, "GIFT_CARD_PAYMENT_PROVIDER", "giftcards.payments.OfflineProvider")
    return import_string(path)()
