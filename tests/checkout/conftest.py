"""Checkout tests: a business that accepts payments, and helpers to build sales
through the services, as the desk does."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from checkout import hooks
from checkout.services import drafts, payments
from checkout.services.payments import TenderInput
from tenancy import services as tenant_services
from tenancy.models import Extension
from tests.factories import AppointmentFactory, ProductFactory, ServiceFactory


@pytest.fixture
def business(business):
    business, _also = tenant_services.set_extension(
        business=business, extension=Extension.ACCEPT_PAYMENTS, enabled=True)
    return business


@pytest.fixture
def without_gift_card_app():
    """Checkout as it behaves when no app redeems gift cards (giftcards registers one)."""
    installed = hooks.gift_card_redeemer()
    if installed is not None:
        hooks.unregister_gift_card_redeemer(installed)
    yield
    if installed is not None:
        hooks.register_gift_card_redeemer(installed)


@pytest.fixture
def shampoo(business):
    return ProductFactory(business=business, name="Shampoo", sku="SH-1",
                          price=Decimal("18.00"), tax_rate=Decimal("20.00"), stock=5)


@pytest.fixture
def haircut(business):
    return ServiceFactory(business=business, name="Haircut", price=Decimal("45.00"))


def cash(amount) -> TenderInput:
    return TenderInput(tender="cash", amount=Decimal(amount))


def card(amount, reference: str = "") -> TenderInput:
    return TenderInput(tender="card", amount=Decimal(amount), reference=reference)


def draft(business, client=None, *, products=(), services_=(), gift_cards=()):
    """A draft with (product, quantity) and service lines, and gift card amounts."""
    invoice = drafts.start_invoice(business=business, client=client)
    for product, quantity in products:
        drafts.add_product_line(business=business, invoice=invoice, product=product,
                                quantity=quantity)
    for service in services_:
        drafts.add_service_line(business=business, invoice=invoice, service=service)
    for amount in gift_cards:
        drafts.add_gift_card_line(business=business, invoice=invoice, amount=Decimal(amount))
    invoice.refresh_from_db()
    return invoice


def paid(business, client=None, *, tenders=None, **lines):
    """A draft as `draft` makes it, paid in cash (or with `tenders`)."""
    invoice = draft(business, client, **lines)
    payments.pay_invoice(business=business, invoice=invoice,
                         tenders=tenders if tenders is not None
                         else ([cash(invoice.total)] if invoice.total else []))
    invoice.refresh_from_db()
    return invoice


def today_appointment(business, client, **values):
    """An appointment that started two hours ago."""
    start = timezone.now().replace(microsecond=0) - timedelta(hours=2)
    return AppointmentFactory(business=business, client=client, starts_at=start,
                              ends_at=start + timedelta(hours=1), busy_from=start,
                              busy_until=start + timedelta(hours=1), **values)
