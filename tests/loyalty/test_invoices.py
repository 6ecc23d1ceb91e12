"""Invoice rules: points when the invoice is paid, taken back by refunds, once."""

import html
from decimal import Decimal

import pytest
from django.urls import reverse

from checkout.services import drafts, payments, refunds
from checkout.services.payments import TenderInput
from loyalty import selectors
from loyalty.models import EntryKind, EntrySource, PointsEntry
from loyalty.services import ledger as loyalty_ledger
from loyalty.services import program as loyalty_program
from tenancy import services as tenant_services
from tenancy.models import Extension
from tests.factories import ProductFactory


@pytest.fixture
def spend_rule(business):
    loyalty_program.update_program(business=business, spend_points=1, spend_amount=Decimal("5.00"))


@pytest.fixture
def product(business):
    return ProductFactory(business=business, name="Serum", price=Decimal("21.50"),
                          tax_rate=Decimal(20), stock=50)


def sell(business, client, product, *, quantity=1, tenders=None, price=None):
    invoice = drafts.start_invoice(business=business, client=client)
    drafts.add_product_line(business=business, invoice=invoice, product=product,
                            quantity=quantity)
    invoice.refresh_from_db()
    payments.pay_invoice(business=business, invoice=invoice,
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
    assert entry.invoice_id == invoice.pk
    assert invoice.display_number in entry.description


def test_an_invoice_without_a_client_earns_nothing(business, product, spend_rule):
    sell(business, None, product)
    assert not PointsEntry.objects.exists()


def test_a_full_refund_takes_the_points_back_once(business, fan, product, spend_rule):
    invoice = sell(business, fan, product, quantity=2)
    assert selectors.balance_of(business=business, client=fan) == 8
    refunds.refund_invoice(business=business, invoice=invoice)
    assert selectors.balance_of(business=business, client=fan) == 0
    assert PointsEntry.objects.filter(kind=EntryKind.REVERSE).count() == 1


def test_a_partial_refund_takes_back_only_what_the_invoice_no_longer_earns(business, fan,
                                                                           product, spend_rule):
    invoice = sell(business, fan, product, quantity=2)
    line = invoice.lines.get()
    refunds.refund_invoice(business=business, invoice=invoice, quantities={line.pk: 1})
    assert selectors.balance_of(business=business, client=fan) == 4
    invoice.refresh_from_db()
    refunds.refund_invoice(business=business, invoice=invoice, quantities={line.pk: 1})
    assert selectors.balance_of(business=business, client=fan) == 0


def test_nothing_is_earned_by_invoices_while_the_program_is_off(business, fan, product,
                                                                spend_rule):
    tenant_services.set_extension(business=business, extension=Extension.LOYALTY,
                                  enabled=False)
    business.refresh_from_db()
    sell(business, fan, product)
    assert not PointsEntry.objects.exists()


def test_per_invoice_and_per_unit_rules_credit_on_payment(business, fan, product):
    loyalty_program.update_program(business=business, points_per_invoice=5,
                                   points_per_product_unit=2)
    sell(business, fan, product, quantity=3)
    assert selectors.balance_of(business=business, client=fan) == 11


def invoice_page(web_client, business, invoice, user):
    web_client.force_login(user)
    page = web_client.get(reverse("checkout:invoice-detail", args=[business.slug, invoice.pk]))
    assert page.status_code == 200
    return page.content.decode()


def test_the_paid_invoice_page_says_which_rule_gave_which_points(client, business, fan,
                                                                 product, manager):
    # Given 1 point per 5.00 spent and 1 point per paid invoice
    loyalty_program.update_program(business=business, spend_points=1, spend_amount=Decimal("5.00"),
                                   points_per_invoice=1)

    # When a 21.50 serum is paid and the invoice opened in the back office
    invoice = sell(business, fan, product)
    page = invoice_page(client, business, invoice, manager)

    # Then the page lists the 5 points rule by rule
    assert "Loyalty points" in page
    assert "4 points: 1 point per €5.00 spent" in page
    assert "1 point: 1 point per paid invoice" in page


def test_the_invoice_page_shows_what_a_refund_took_back(client, business, fan, product,
                                                        spend_rule, manager):
    invoice = sell(business, fan, product)
    refunds.refund_invoice(business=business, invoice=invoice)
    invoice.refresh_from_db()

    page = invoice_page(client, business, invoice, manager)

    assert "4 points: 1 point per €5.00 spent" in page
    assert (f"\N{MINUS SIGN}4 points: Refund on {invoice.label}: points taken back"
            in html.unescape(page))


def test_an_entry_from_before_rules_were_recorded_is_explained_while_the_rules_hold(
        client, business, fan, product, manager):
    # Given an invoice paid with no invoice rule, then 4 points posted for it as before
    # rules were recorded, under a spend rule set in between
    invoice = sell(business, fan, product)
    loyalty_program.update_program(business=business, spend_points=1, spend_amount=Decimal("5.00"),
                                   spend_scope="products")
    loyalty_ledger.post_entry(business=business, client=fan, kind=EntryKind.EARN, points=4,
                              description="4 points", source=EntrySource(invoice_id=invoice.pk))

    # When the page is opened, then after the rule changed
    unchanged = invoice_page(client, business, invoice, manager)
    loyalty_program.update_program(business=business, spend_points=2)
    changed = invoice_page(client, business, invoice, manager)

    # Then the rules of today explain it while they hold; after, the page says so
    assert "4 points: 1 point per €5.00 spent on products" in unchanged
    assert "4 points: rules not recorded at the time" in changed
