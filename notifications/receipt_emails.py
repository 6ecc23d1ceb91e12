"""The receipt email: what staff send from the register once an invoice is paid.

The receiver runs on `checkout.events.receipt_requested`, inside the request's
transaction; `notify` records the message and sends it after commit. Values are
formatted here, in the business's language and time zone.
"""

from django.utils import translation

from checkout.models import Invoice, InvoiceLine, Payment
from core.money import format_money
from notifications import formatting
from notifications.kinds import MessageKind
from notifications.services import notify


def receipt_values(invoice: Invoice) -> dict[str, str]:
    business = invoice.business
    currency, language = business.currency, business.language

    def money(amount) -> str:
        return format_money(amount, currency, language)

    lines = (InvoiceLine.objects.for_business(business).filter(invoice=invoice)
             .order_by("pk"))
    payments = (Payment.objects.for_business(business).filter(invoice=invoice)
                .order_by("pk"))
    with translation.override(language):
        paid = [f"{payment.get_tender_display()}: {money(payment.received)}"
                for payment in payments]
        if invoice.change_given:
            paid.append(f"{translation.gettext('Change given')}: "
                        f"{money(invoice.change_given)}")
    return {
        "receipt_number": invoice.display_number,
        "receipt_date": formatting.local_datetime(invoice.paid_at, business=business),
        "receipt_lines": "\n".join(f"{line.quantity} \N{MULTIPLICATION SIGN} {line.description}: "
                                   f"{money(line.amount)}" for line in lines),
        "receipt_total": money(invoice.total),
        "receipt_payments": "\n".join(paid),
    }


def on_receipt_requested(*, invoice: Invoice, email: str, **_kwargs) -> None:
    notify(MessageKind.RECEIPT, invoice.client, receipt_values(invoice), recipient_email=email)
