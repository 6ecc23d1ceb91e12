"""Loyalty's subscriptions to booking's and checkout's events (connected in apps.py).
They run inside the sender's transaction: points move with the payment, the refund or
the cancellation, or not at all."""

from loyalty.services import credit_queue, crediting, invoices, program


def on_invoice_paid(*, invoice, **_kwargs) -> None:
    invoices.credit_invoice(invoice=invoice)


def on_invoice_refunded(*, invoice, refund, **_kwargs) -> None:
    invoices.reverse_for_refund(invoice=invoice, refund=refund)


def on_appointment_state_changed(*, appointment, from_state, to_state, **_kwargs) -> None:
    crediting.on_appointment_state_changed(appointment=appointment, from_state=from_state,
                                           to_state=to_state)


def on_appointment_saved(*, instance, created, update_fields=None, **_kwargs) -> None:
    """The crediting queue follows the appointment row itself, whatever saved it."""
    credit_queue.follow_appointment(instance, created=created, update_fields=update_fields)


def on_extension_switched(*, business, extension, enabled, **_kwargs) -> None:
    if extension == "loyalty":
        program.on_loyalty_switched(business=business, enabled=enabled)
