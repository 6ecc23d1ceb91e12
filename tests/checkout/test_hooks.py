"""Plug-in points for apps checkout does not know: a gift card redeemer, client
badges (e.g. the loyalty balance at checkout) and invoice sections (e.g. the points an
invoice earned)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.urls import reverse

from checkout import hooks
from checkout.models import InvoiceState, Payment, Tender
from checkout.services import drafts, payments, refunds
from checkout.services.payments import TenderInput
from tests.checkout.conftest import card, cash, draft

pytestmark = pytest.mark.django_db


class FakeRedeemer:
    """A gift card app with one card, CARD-1, holding `balance`."""

    def __init__(self, balance):
        self.balance = Decimal(balance)
        self.refunds = []

    def redeem(self, *, business, payment, code):
        if code != "CARD-1" or payment.amount > self.balance:
            raise ValidationError({"gift_card": "This gift card cannot pay that much."})
        self.balance -= payment.amount
        return "Gift card …RD-1"

    def refund(self, *, business, payment, amount, refund):
        self.balance += amount
        self.refunds.append((payment.pk, amount, refund.pk))


@pytest.fixture
def redeemer(without_gift_card_app):
    fake = FakeRedeemer("30")
    hooks.register_gift_card_redeemer(fake)
    yield fake
    hooks.unregister_gift_card_redeemer(fake)


def gift_card(amount, code="CARD-1"):
    return TenderInput(tender=Tender.GIFT_CARD, amount=Decimal(amount), reference=code)


def test_a_registered_redeemer_lets_a_gift_card_pay_part_of_an_invoice(
        business, haircut, redeemer):
    invoice = draft(business, services_=[haircut])

    result = payments.pay_invoice(business=business, invoice=invoice,
                                  tenders=[gift_card("30"), card("15")])

    payment = Payment.objects.get(tender=Tender.GIFT_CARD)
    assert result.invoice.state == InvoiceState.PAID
    assert redeemer.balance == 0
    assert payment.reference == "Gift card …RD-1"  # never the code itself


def test_the_redeemers_refusal_rolls_the_whole_payment_back(business, haircut, redeemer):
    invoice = draft(business, services_=[haircut])

    with pytest.raises(ValidationError, match="cannot pay that much"):
        payments.pay_invoice(business=business, invoice=invoice,
                             tenders=[gift_card("40"), card("5")])

    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.DRAFT
    assert not Payment.objects.exists()


def test_a_gift_card_payment_needs_its_code(business, haircut, redeemer):
    invoice = draft(business, services_=[haircut])

    with pytest.raises(ValidationError, match="code"):
        payments.pay_invoice(business=business, invoice=invoice,
                             tenders=[gift_card("30", code=" "), card("15")])


def test_a_refund_goes_back_to_money_first_then_to_the_gift_card(business, haircut, redeemer):
    # Given 45.00 paid with 30.00 of gift card and 15.00 by card
    invoice = draft(business, services_=[haircut])
    payments.pay_invoice(business=business, invoice=invoice,
                         tenders=[gift_card("30"), card("15")])

    # When everything is refunded
    refund = refunds.refund_invoice(business=business, invoice=invoice)

    # Then the card gets its 15.00 back and the gift card its 30.00
    allocations = {a.payment.tender: a.amount for a in refund.allocations.all()}
    assert allocations == {Tender.CARD: Decimal("15.00"), Tender.GIFT_CARD: Decimal("30.00")}
    assert redeemer.balance == Decimal("30")
    assert redeemer.refunds[0][1] == Decimal("30.00")


def test_only_one_gift_card_redeemer_can_be_registered(redeemer):
    with pytest.raises(ImproperlyConfigured):
        hooks.register_gift_card_redeemer(FakeRedeemer("0"))


def test_without_badge_providers_the_client_shows_no_badge(business, salon_client):
    assert hooks.client_badges(business=business, client=salon_client) == []


def test_a_client_badge_shows_at_checkout_when_the_client_is_chosen(
        client, business, staff, salon_client):
    def points(*, business, client):
        return f"{len(client.first_name)} points"

    invoice = drafts.start_invoice(business=business, client=salon_client)
    walk_in = drafts.start_invoice(business=business)
    client.force_login(staff)
    hooks.register_client_badge(points)
    try:
        with_client = client.get(reverse("checkout:draft", args=[business.slug, invoice.pk]))
        without = client.get(reverse("checkout:draft", args=[business.slug, walk_in.pk]))
    finally:
        hooks.unregister_client_badge(points)

    assert f"{len(salon_client.first_name)} points" in with_client.content.decode()
    assert "points" not in without.content.decode()


def test_an_invoice_section_shows_on_the_paid_invoice_s_page(client, business, staff,
                                                             haircut):
    def stamps(*, business, invoice):
        return hooks.InvoiceSection(title="Stamps", lines=(f"1 stamp for {invoice.label}",))

    invoice = draft(business, services_=[haircut])
    payments.pay_invoice(business=business, invoice=invoice, tenders=[cash("45.00")])
    invoice.refresh_from_db()
    client.force_login(staff)
    hooks.register_invoice_section(stamps)
    try:
        page = client.get(reverse("checkout:invoice-detail", args=[business.slug, invoice.pk]))
    finally:
        hooks.unregister_invoice_section(stamps)

    assert "<h2>Stamps</h2>" in page.content.decode()
    assert f"<li>1 stamp for {invoice.label}</li>" in page.content.decode()
