"""Invoice rules: points when the invoice is paid, taken back by refunds, once."""

from decimal import Decimal

import pytest

from booking.models import Extension
from booking.services import tenants as tenant_services
from checkout import services as checkout_services
from checkout.services import TenderInput
from loyalty import selectors, services
from loyalty.models import EntryKind, PointsEntry
from tests.factories import ProductFactory


@pytest.fixture
def spend_rule(business):
    services.update_program(business=business, spend_points=1, spend_amount=Decimal("5.00"))


@pytest.fixture
def product(business):
    return ProductFactory(business=business, name="Serum", price=Decimal("21.50"),
                          tax_rate=Decimal(20), stock=50)


def sell(business, client, product, *, quantity=1, tenders=None, price=None):
    invoice = checkout_services.start_invoice(business=business, client=client)
    checkout_services.add_product_line(business=business, invoice=invoice, product=product,
                                       quantity=quantity)
    invoice.refresh_from_db()
    checkout_services.pay_invoice(business=business, invoice=invoice,
                                  tenders=tenders or [TenderInput("cash", invoice.total)])
    invoice.refresh_from_db()
    return invoice


def test_spend_is_rounded_down_per_invoice_with_no_carry_over(business, fan, product,
                                                              spend_rule):
    sell(business, fan, product)
    cheap = ProductFactory(business=business, name="Comb", price=Decimal("4.95"), stock=5)
    sell(business, fan, cheap)
    assert [e.points for e in PointsEntry.objects.filter(client=fan)] == [4]


def test_the_invoice_earn_entry_names_the_invoice(business, fan, product, spend_rule):
    invoice = sell(business, fan, product)
    entry = PointsEntry.objects.get(client=fan)
    assert entry.source == f"invoice:{invoice.pk}"
    assert invoice.display_number in entry.description


def test_an_invoice_without_a_client_earns_nothing(business, product, spend_rule):
    sell(business, None, product)
    assert not PointsEntry.objects.exists()


def test_a_full_refund_takes_the_points_back_once(business, fan, product, spend_rule):
    invoice = sell(business, fan, product, quantity=2)
    assert selectors.balance_of(business=business, client=fan) == 8
    checkout_services.refund_invoice(business=business, invoice=invoice)
    assert selectors.balance_of(business=business, client=fan) == 0
    assert PointsEntry.objects.filter(kind=EntryKind.REVERSE).count() == 1


def test_a_partial_refund_takes_back_only_what_the_invoice_no_longer_earns(business, fan,
                                                                           product, spend_rule):
    invoice = sell(business, fan, product, quantity=2)
    line = invoice.lines.get()
    checkout_services.refund_invoice(business=business, invoice=invoice, quantities={line.pk: 1})
    assert selectors.balance_of(business=business, client=fan) == 4
    invoice.refresh_from_db()
    checkout_services.refund_invoice(business=business, invoice=invoice, quantities={line.pk: 1})
    assert selectors.balance_of(business=business, client=fan) == 0


def test_nothing_is_earned_by_invoices_while_the_program_is_off(business, fan, product,
                                                                spend_rule):
    tenant_services.set_extension(business=business, extension=Extension.LOYALTY,
                                  enabled=False)
    business.refresh_from_db()
    sell(business, fan, product)
    assert not PointsEntry.objects.exists()


def test_per_invoice_and_per_unit_rules_credit_on_payment(business, fan, product):
    services.update_program(business=business, points_per_invoice=5, points_per_product_unit=2)
    sell(business, fan, product, quantity=3)
    assert selectors.balance_of(business=business, client=fan) == 11
