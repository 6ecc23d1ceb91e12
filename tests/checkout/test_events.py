"""`invoice_paid` and `invoice_refunded` are sent inside the payment's transaction:
a receiver's writes commit with it, and a receiver that raises undoes it. Numbers
stay without gaps when a payment rolls back."""

from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.db import connection

from booking.models import Client
from checkout import events
from checkout.models import Invoice, InvoiceState, Payment, Product, Refund
from checkout.services import payments, refunds
from tests.checkout.conftest import cash, draft, paid

pytestmark = pytest.mark.django_db(transaction=True)


class ReceiverFailed(Exception):
    pass


@contextmanager
def receiving(signal, receiver):
    signal.connect(receiver, weak=False)
    try:
        yield
    finally:
        signal.disconnect(receiver)


def test_a_receivers_write_commits_with_the_payment(business, salon_client, shampoo):
    invoice = draft(business, salon_client, products=[(shampoo, 1)])
    heard = []

    def note_visit(sender, invoice, **kwargs):
        heard.append((sender, connection.in_atomic_block, invoice.state, invoice.number))
        Client.objects.for_business(invoice.business).filter(pk=invoice.client_id).update(
            notes=f"Bought on invoice {invoice.display_number}")

    with receiving(events.invoice_paid, note_visit):
        payments.pay_invoice(business=business, invoice=invoice, tenders=[cash("18")])

    salon_client.refresh_from_db()
    assert heard == [(Invoice, True, InvoiceState.PAID, 1)]
    assert salon_client.notes == "Bought on invoice 000001"


def test_a_receiver_that_raises_rolls_the_payment_back(business, salon_client, shampoo):
    invoice = draft(business, salon_client, products=[(shampoo, 2)])

    def fail(sender, invoice, **kwargs):
        Client.objects.for_business(invoice.business).filter(pk=invoice.client_id).update(
            notes="should not stay")
        raise ReceiverFailed

    with receiving(events.invoice_paid, fail), pytest.raises(ReceiverFailed):
        payments.pay_invoice(business=business, invoice=invoice, tenders=[cash("40")])

    invoice.refresh_from_db()
    salon_client.refresh_from_db()
    assert (invoice.state, invoice.number, invoice.paid_at) == (InvoiceState.DRAFT, None, None)
    assert not Payment.objects.exists()
    assert Product.objects.get(pk=shampoo.pk).stock == 5
    assert salon_client.notes == ""


def test_a_rolled_back_payment_gives_its_number_back(business, haircut):
    # Given invoice 1 paid, and a second payment undone by a failing receiver
    first = paid(business, services_=[haircut])
    undone = draft(business, services_=[haircut])

    def fail(sender, invoice, **kwargs):
        raise ReceiverFailed

    with receiving(events.invoice_paid, fail), pytest.raises(ReceiverFailed):
        payments.pay_invoice(business=business, invoice=undone, tenders=[cash("45")])

    # When two more invoices are paid
    third = paid(business, services_=[haircut])
    payments.pay_invoice(business=business, invoice=undone, tenders=[cash("45")])

    # Then the numbers run 1, 2, 3 without a gap
    undone.refresh_from_db()
    assert [first.number, third.number, undone.number] == [1, 2, 3]


def test_the_refund_event_carries_the_refund_and_a_failing_receiver_undoes_it(
        business, shampoo):
    invoice = paid(business, products=[(shampoo, 2)])
    heard = []

    def record(sender, invoice, refund, **kwargs):
        heard.append((invoice.state, refund.amount))

    def fail(sender, invoice, refund, **kwargs):
        raise ReceiverFailed

    with receiving(events.invoice_refunded, fail), pytest.raises(ReceiverFailed):
        refunds.refund_invoice(business=business, invoice=invoice)
    with receiving(events.invoice_refunded, record):
        refunds.refund_invoice(business=business, invoice=invoice,
                               quantities={invoice.lines.get().pk: 1})

    assert heard == [(InvoiceState.PARTIALLY_REFUNDED, Decimal("18.00"))]
    assert Refund.objects.count() == 1
    assert Product.objects.get(pk=shampoo.pk).stock == 4
