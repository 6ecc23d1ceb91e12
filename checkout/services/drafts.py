"""Draft invoices: starting and discarding them, their client, their lines and
discounts, and the coupon or reward code applied to them.

A draft is repriced on every change, so its stored totals are always those of its lines.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from booking import codes
from booking import locks as booking_locks
from booking.codes import CodeKind, CodeScope
from booking.models import Appointment, AppointmentState, Client, Service
from checkout import locks, pricing, selectors
from checkout.models import (
    DiscountKind,
    Invoice,
    InvoiceLine,
    LineKind,
    Product,
)
from checkout.services.checkout_settings import service_tax_rate_for
from checkout.services.checks import discount_error, price_error, quantity_error, rate_error
from core.validation import check_same_business, refuse
from tenancy.models import Business

LINE_PRICE_FIELDS = ["line_discount", "code_discount", "invoice_discount", "amount",
                     "tax_amount"]


INVOICE_TOTAL_FIELDS = ["subtotal", "discount_total", "code_discount", "total", "tax_total"]


CODE_FIELDS = ["code", "code_label", "code_kind", "code_value", "code_scope", "code_service"]


# The line kinds each code scope covers (gift card sales never take a discount).
CODE_SCOPE_KINDS = {CodeScope.SERVICES: {LineKind.SERVICE},
                    CodeScope.PRODUCTS: {LineKind.PRODUCT},
                    CodeScope.BOTH: {LineKind.SERVICE, LineKind.PRODUCT}}


@transaction.atomic(durable=True)
def start_invoice(*, business: Business, client: Client | None = None, by=None) -> Invoice:
    """A new draft for `client`, or for a walk-in without one."""
    check_same_business(business, client, field="client")
    return Invoice.objects.create(business=business, client=client, created_by=by)


def _lock_draft(business: Business, invoice: Invoice) -> Invoice:
    check_same_business(business, invoice, field="__all__")
    locked = locks.lock_invoice(business, invoice.pk)
    if not locked.is_draft:
        raise ValidationError(_("%(invoice)s is already paid: it can no longer change.")
                              % {"invoice": locked.label})
    return locked


def invoice_lines(business: Business, invoice: Invoice) -> list[InvoiceLine]:
    return list(InvoiceLine.objects.for_business(business).filter(invoice=invoice)
                .order_by("pk"))


def _code_covers(draft: Invoice, line: InvoiceLine) -> bool:
    if not draft.code or line.kind == LineKind.GIFT_CARD:
        return False
    if draft.code_kind == CodeKind.FREE_SERVICE:
        return (line.kind == LineKind.SERVICE and line.service_id is not None
                and line.service_id == draft.code_service_id)
    return line.kind in CODE_SCOPE_KINDS.get(draft.code_scope, ())


def reprice(business: Business, draft: Invoice) -> list[InvoiceLine]:
    lines = invoice_lines(business, draft)
    price = pricing.price_invoice(
        [pricing.LineInput(unit_price=line.unit_price, quantity=line.quantity,
                           tax_rate=line.tax_rate, discount_kind=line.discount_kind,
                           discount_value=line.discount_value,
                           discountable=line.kind != LineKind.GIFT_CARD,
                           code_covered=_code_covers(draft, line)) for line in lines],
        discount_kind=draft.discount_kind, discount_value=draft.discount_value,
        code=(pricing.CodeInput(kind=draft.code_kind, value=draft.code_value)
              if draft.code else None))
    for line, priced in zip(lines, price.lines, strict=True):
        for name in LINE_PRICE_FIELDS:
            setattr(line, name, getattr(priced, name))
    InvoiceLine.objects.bulk_update(lines, LINE_PRICE_FIELDS)
    for name in INVOICE_TOTAL_FIELDS:
        setattr(draft, name, getattr(price, name))
    draft.save(update_fields=INVOICE_TOTAL_FIELDS)
    return lines


def _add_line(business: Business, draft: Invoice, line: InvoiceLine) -> InvoiceLine:
    line.full_clean(exclude=["business", "invoice", "appointment", "service", "product"],
                    validate_unique=False, validate_constraints=False)
    line.save()
    reprice(business, draft)
    line.refresh_from_db()
    return line


@transaction.atomic(durable=True)
def set_invoice_client(*, business: Business, invoice: Invoice, client: Client | None
                       ) -> Invoice:
    check_same_business(business, client, field="client")
    draft = _lock_draft(business, invoice)
    others = InvoiceLine.objects.for_business(business).filter(
        invoice=draft, appointment__isnull=False)
    if client is not None:
        others = others.exclude(appointment__client=client)
    if others.exists():
        raise ValidationError({"client": _(
            "This invoice holds another client's appointments: remove them first.")})
    if draft.code:
        _recheck_code(business, draft, client)
    draft.client = client
    draft.save(update_fields=["client"])
    return draft


@transaction.atomic(durable=True)
def add_appointment_line(*, business: Business, invoice: Invoice, appointment: Appointment,
                         tax_rate: Decimal | None = None) -> InvoiceLine:
    """Charge an appointment at its booked price; a walk-in draft becomes its client's."""
    check_same_business(business, appointment, field="appointment")
    return _charge_appointment(business, _lock_draft(business, invoice), appointment, tax_rate)


def _charge_appointment(business: Business, draft: Invoice, appointment: Appointment,
                        tax_rate: Decimal | None = None) -> InvoiceLine:
    appointment = booking_locks.lock_appointment(business, appointment.pk)
    tax_rate = service_tax_rate_for(business) if tax_rate is None else tax_rate
    refuse({"tax_rate": rate_error(tax_rate)})
    if appointment.state == AppointmentState.CANCELLED:
        raise ValidationError({"appointment": _("A cancelled appointment cannot be charged.")})
    if draft.client_id is not None and draft.client_id != appointment.client_id:
        raise ValidationError({"appointment": _("This appointment is another client's.")})
    holder = selectors.invoice_holding(business=business, appointment=appointment)
    if holder is not None:
        raise ValidationError({"appointment": _("This appointment is already on %(invoice)s.")
                               % {"invoice": holder.label}})
    if draft.client_id is None:
        draft.client_id = appointment.client_id
        draft.save(update_fields=["client"])
    return _add_line(business, draft, InvoiceLine(
        business=business, invoice=draft, kind=LineKind.SERVICE,
        description=f"{appointment.title} · {appointment.staff_member}"[:200],
        appointment=appointment, service=appointment.service, quantity=1,
        unit_price=appointment.price, tax_rate=tax_rate))


@transaction.atomic(durable=True)
def start_for_appointment(*, business: Business, appointment: Appointment, by=None) -> Invoice:
    """The draft that charges `appointment`: the open one that already holds it, or a new
    one for its client holding its line. An appointment paid already is refused."""
    check_same_business(business, appointment, field="appointment")
    holder = selectors.invoice_holding(business=business, appointment=appointment)
    if holder is not None:
        if holder.is_draft:
            return holder
        raise ValidationError({"appointment": _("This appointment is already on %(invoice)s.")
                               % {"invoice": holder.label}})
    invoice = Invoice.objects.create(business=business, client_id=appointment.client_id,
                                     created_by=by)
    _charge_appointment(business, _lock_draft(business, invoice), appointment)
    return invoice


@transaction.atomic(durable=True)
def add_service_line(*, business: Business, invoice: Invoice, service: Service,
                     description: str = "", unit_price: Decimal | None = None,
                     quantity: int = 1, tax_rate: Decimal | None = None) -> InvoiceLine:
    """A service done without an appointment; description and price default to the
    catalog's."""
    check_same_business(business, service, field="service")
    draft = _lock_draft(business, invoice)
    unit_price = service.price if unit_price is None else unit_price
    tax_rate = service_tax_rate_for(business) if tax_rate is None else tax_rate
    refuse({"unit_price": price_error(unit_price), "quantity": quantity_error(quantity),
             "tax_rate": rate_error(tax_rate)})
    return _add_line(business, draft, InvoiceLine(
        business=business, invoice=draft, kind=LineKind.SERVICE,
        description=(description or "").strip() or service.name, service=service,
        quantity=quantity, unit_price=unit_price, tax_rate=tax_rate))


@transaction.atomic(durable=True)
def add_product_line(*, business: Business, invoice: Invoice, product: Product,
                     quantity: int = 1) -> InvoiceLine:
    """Sell `quantity` of a product; a product already on the draft gets more units.

    Stock is taken when the invoice is paid, not here: a draft reserves nothing.
    """
    check_same_business(business, product, field="product")
    draft = _lock_draft(business, invoice)
    refuse({"quantity": quantity_error(quantity)})
    if not product.is_active:
        raise ValidationError({"product": _("%(product)s is no longer on sale.")
                               % {"product": product.name}})
    existing = (InvoiceLine.objects.for_business(business)
                .filter(invoice=draft, product=product).first())
    if existing is not None:
        existing.quantity += quantity
        refuse({"quantity": quantity_error(existing.quantity)})
        existing.save(update_fields=["quantity"])
        reprice(business, draft)
        existing.refresh_from_db()
        return existing
    return _add_line(business, draft, InvoiceLine(
        business=business, invoice=draft, kind=LineKind.PRODUCT, description=product.name,
        product=product, quantity=quantity, unit_price=product.price,
        tax_rate=product.tax_rate))


@transaction.atomic(durable=True)
def add_gift_card_line(*, business: Business, invoice: Invoice, amount: Decimal,
                       description: str = "") -> InvoiceLine:
    """Sell a gift card of `amount`. The card itself is issued by the giftcards app when
    it hears `invoice_paid`; checkout records only the sale."""
    draft = _lock_draft(business, invoice)
    refuse({"amount": price_error(amount, positive=True)})
    return _add_line(business, draft, InvoiceLine(
        business=business, invoice=draft, kind=LineKind.GIFT_CARD,
        description=(description or "").strip() or _("Gift card"), quantity=1,
        unit_price=amount, tax_rate=Decimal(0)))


def _line_of(business: Business, draft: Invoice, line: InvoiceLine) -> InvoiceLine:
    check_same_business(business, line, field="line")
    found = InvoiceLine.objects.for_business(business).filter(invoice=draft, pk=line.pk).first()
    if found is None:
        raise ValidationError({"line": _("This line is not on this invoice.")})
    return found


@transaction.atomic(durable=True)
def remove_line(*, business: Business, invoice: Invoice, line: InvoiceLine) -> Invoice:
    draft = _lock_draft(business, invoice)
    _line_of(business, draft, line).delete()
    reprice(business, draft)
    return draft


@transaction.atomic(durable=True)
def set_line_quantity(*, business: Business, invoice: Invoice, line: InvoiceLine,
                      quantity: int) -> InvoiceLine:
    """Sell more or fewer units of a service or product line; an appointment is charged
    once and a gift card is one card, so their lines stay at one."""
    draft = _lock_draft(business, invoice)
    line = _line_of(business, draft, line)
    if line.appointment_id is not None or line.kind == LineKind.GIFT_CARD:
        raise ValidationError({"quantity": _(
            "This line is one appointment or one gift card: its quantity cannot change.")})
    refuse({"quantity": quantity_error(quantity)})
    line.quantity = quantity
    line.save(update_fields=["quantity"])
    reprice(business, draft)
    line.refresh_from_db()
    return line


@transaction.atomic(durable=True)
def set_line_discount(*, business: Business, invoice: Invoice, line: InvoiceLine, kind: str,
                      value: Decimal = Decimal(0)) -> InvoiceLine:
    draft = _lock_draft(business, invoice)
    line = _line_of(business, draft, line)
    if line.kind == LineKind.GIFT_CARD and kind != DiscountKind.NONE:
        raise ValidationError({"discount_kind": _(
            "Gift cards are sold at their value: they take no discount.")})
    refuse({"discount_value": discount_error(kind, value, base=line.gross)})
    line.discount_kind = kind
    line.discount_value = value if kind != DiscountKind.NONE else Decimal(0)
    line.save(update_fields=["discount_kind", "discount_value"])
    reprice(business, draft)
    line.refresh_from_db()
    return line


@transaction.atomic(durable=True)
def set_invoice_discount(*, business: Business, invoice: Invoice, kind: str,
                         value: Decimal = Decimal(0)) -> Invoice:
    """A discount on the whole invoice, shared over its service and product lines."""
    draft = _lock_draft(business, invoice)
    base = sum((line.gross - line.line_discount - line.code_discount
                for line in invoice_lines(business, draft) if line.kind != LineKind.GIFT_CARD),
               Decimal(0))
    refuse({"discount_value": discount_error(kind, value, base=base)})
    draft.discount_kind = kind
    draft.discount_value = value if kind != DiscountKind.NONE else Decimal(0)
    draft.save(update_fields=["discount_kind", "discount_value"])
    reprice(business, draft)
    return draft


def _code_applier(business: Business | None = None) -> codes.CodeApplier:
    """The registered applier; with `business`, one that this business has turned on."""
    applier = codes.code_applier()
    if applier is None:
        raise ValidationError({"code": _("Codes cannot be used at checkout yet.")})
    if business is not None and not applier.enabled(business=business):
        raise ValidationError({"code": _("Turn on Coupons & gift cards under Settings, "
                                         "Business extensions, to take codes.")})
    return applier


def _recheck_code(business: Business, draft: Invoice, client: Client | None) -> None:
    """A client-bound code must stay with its client: changing the client of a draft
    with such a code is refused rather than losing the code silently."""
    try:
        _code_applier().find_for_invoice(business=business, client=client, code=draft.code,
                                         now=timezone.now())
    except ValidationError as refusal:
        raise ValidationError({"client": _(
            "Code %(code)s cannot be used for this client: remove it first.") % {
            "code": draft.code}}) from refusal


def _nothing_off_error(draft: Invoice) -> ValidationError:
    return ValidationError({"code": _(
        "Code %(code)s applies to none of the lines on this invoice.") % {"code": draft.code}})


@transaction.atomic(durable=True)
def apply_code(*, business: Business, invoice: Invoice, code: str, now=None) -> Invoice:
    """Take a coupon or loyalty reward code off the lines it covers, in place of any
    code applied before. The code is only checked here: its use is recorded when the
    invoice is paid, in the payment's transaction, so a draft that is changed or
    abandoned holds no use back and limits hold under concurrency."""
    draft = _lock_draft(business, invoice)
    typed = (code or "").strip()
    if not typed:
        raise ValidationError({"code": _("Enter a code.")})
    found = _code_applier(business).find_for_invoice(business=business, client=draft.client,
                                                     code=typed, now=now or timezone.now())
    draft.code, draft.code_label = found.code, found.label[:120]
    draft.code_kind, draft.code_value = found.kind, found.value
    draft.code_scope, draft.code_service_id = found.scope, found.service_id
    draft.save(update_fields=CODE_FIELDS)
    reprice(business, draft)
    if not draft.code_discount:
        # Raised inside the transaction: the draft is left as it was.
        raise _nothing_off_error(draft)
    return draft


@transaction.atomic(durable=True)
def remove_code(*, business: Business, invoice: Invoice) -> Invoice:
    draft = _lock_draft(business, invoice)
    draft.code = draft.code_label = draft.code_kind = draft.code_scope = ""
    draft.code_value, draft.code_service, draft.code_discount = Decimal(0), None, Decimal(0)
    draft.save(update_fields=[*CODE_FIELDS, "code_discount"])
    reprice(business, draft)
    return draft


def use_code(business: Business, invoice: Invoice, now) -> None:
    """Record the code's use with the payment: the applier locks the code and checks its
    limits again, so two desks paying with a single-use code cannot both use it."""
    if not invoice.code_discount:
        raise _nothing_off_error(invoice)
    _code_applier(business).use_for_invoice(business=business, invoice=invoice,
                                            code=invoice.code, amount=invoice.code_discount,
                                            now=now)


@transaction.atomic(durable=True)
def discard_invoice(*, business: Business, invoice: Invoice) -> None:
    """Delete a draft: it never had a number, so no number goes missing."""
    _lock_draft(business, invoice).delete()
