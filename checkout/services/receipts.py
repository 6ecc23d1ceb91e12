"""Emailing a paid invoice's receipt to its client.

Checkout knows no email: it announces `events.receipt_requested`, and the
notifications app, which listens, records the message in the business's language
and sends it after commit.
"""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from checkout import events
from checkout.models import Invoice
from core.validation import check_same_business
from tenancy.models import Business


@transaction.atomic(durable=True)
def email_receipt(*, business: Business, invoice: Invoice, email: str = "") -> str:
    """Send the receipt to `email`, or to the client's address; return the address."""
    check_same_business(business, invoice, field="__all__")
    invoice = Invoice.objects.for_business(business).select_related("client").get(pk=invoice.pk)
    if invoice.is_draft:
        raise ValidationError(_("Take payment first: a draft has no receipt."))
    if invoice.client is None:
        raise ValidationError({"email": _(
            "A walk-in has no client file to write to: print the receipt instead.")})
    address = (email or invoice.client.email or "").strip()
    if not address:
        raise ValidationError({"email": _("Enter the client's email address.")})
    try:
        validate_email(address)
    except ValidationError as invalid:
        raise ValidationError({"email": _("Enter a valid email address.")}) from invalid
    if not events.receipt_requested.has_listeners(Invoice):
        raise ValidationError(_("Receipts cannot be emailed yet: print the receipt instead."))
    events.receipt_requested.send(sender=Invoice, invoice=invoice, email=address)
    return address
