"""Two desks at the same moment, with real threads on PostgreSQL: an invoice is paid
once, numbers have no gaps or doubles, a refund never exceeds what was paid."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from checkout.models import Invoice, InvoiceState, Payment, Product, Refund
from checkout.services import payments, refunds
from tests.checkout.conftest import card, cash, draft, paid

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(attempts):
    """Run the callables at the same moment in threads; return "ok" or the refusal of each."""
    results, barrier = [], threading.Barrier(len(attempts))

    def run(attempt):
        barrier.wait()
        try:
            attempt()
            results.append("ok")
        except ValidationError as refused:
            results.append(refused.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(attempt,)) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_staff_paying_the_same_invoice_at_once_pay_it_once(business, shampoo, haircut):
    # Given one draft on two screens
    invoice = draft(business, products=[(shampoo, 1)], services_=[haircut])

    # When both desks take payment at the same moment, one in cash and one by card
    results = race([
        lambda: payments.pay_invoice(business=business, invoice=invoice, tenders=[cash("70")]),
        lambda: payments.pay_invoice(business=business, invoice=invoice, tenders=[card("63")]),
    ])

    # Then exactly one succeeds, the other is told it is paid, and stock moves once
    assert results.count("ok") == 1
    assert any("already paid" in result for result in results)
    invoice.refresh_from_db()
    assert (invoice.state, invoice.number) == (InvoiceState.PAID, 1)
    assert Payment.objects.filter(invoice=invoice).count() == 1
    assert Product.objects.get(pk=shampoo.pk).stock == 4


def test_invoices_paid_at_once_get_consecutive_numbers(business, haircut):
    drafts = [draft(business, services_=[haircut]) for _ in range(8)]

    results = race([
        lambda invoice=invoice: payments.pay_invoice(business=business, invoice=invoice,
                                                     tenders=[cash("45")])
        for invoice in drafts])

    assert results == ["ok"] * 8
    numbers = sorted(Invoice.objects.for_business(business).values_list("number", flat=True))
    assert numbers == list(range(1, 9))


def test_two_refunds_of_the_last_unit_at_once_give_it_back_once(business, shampoo):
    invoice = paid(business, products=[(shampoo, 1)])
    line = invoice.lines.get()

    results = race([
        lambda: refunds.refund_invoice(business=business, invoice=invoice,
                                       quantities={line.pk: 1})
        for _ in range(2)])

    assert results.count("ok") == 1
    invoice.refresh_from_db()
    assert invoice.refunded_amount == Decimal("18.00")
    assert Refund.objects.count() == 1
    assert Product.objects.get(pk=shampoo.pk).stock == 5


def test_sales_of_one_product_at_once_all_take_from_its_stock(business, shampoo):
    drafts = [draft(business, products=[(shampoo, 1)]) for _ in range(6)]

    results = race([
        lambda invoice=invoice: payments.pay_invoice(business=business, invoice=invoice,
                                                     tenders=[cash("18")])
        for invoice in drafts])

    assert results == ["ok"] * 6
    assert Product.objects.get(pk=shampoo.pk).stock == -1
