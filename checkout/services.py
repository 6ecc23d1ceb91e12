"""Every write of checkout: products, draft invoices and their lines, payments, refunds.

Refusals raise ValidationError (keyed by the field at fault when there is one) and
change nothing. Use cases on an invoice lock it first ("lock, then check"), then
the invoice counter and products (see locks.py for the order). A draft is repriced
on every change, so its stored totals are always those of its lines.

Paying sends `events.invoice_paid` and refunding `events.invoice_refunded` inside
the transaction: a receiver that raises undoes the payment or refund.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from booking import locks as booking_locks
from booking.models import Appointment, AppointmentState, Client, Service
from checkout import events, hooks, locks, pricing
from checkout.models import (
    CheckoutSettings,
    CodeKind,
    CodeScope,
    DiscountKind,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    InvoiceState,
    LineKind,
    Payment,
    Product,
    Refund,
    RefundAllocation,
    RefundLine,
    Tender,
)
from core.money import format_money, quantize
from core.validation import check_same_business, refuse
from tenancy.models import Business

MAX_QUANTITY = 999
MAX_PRICE = Decimal("1000000.00")
PRODUCT_FIELDS = ("name", "sku", "price", "tax_rate", "stock", "is_active")
# Refunds go back to money first, card before cash; gift cards last.
REFUND_ORDER = {Tender.CARD: 0, Tender.CASH: 1, Tender.GIFT_CARD: 2}
LINE_PRICE_FIELDS = ["line_discount", "code_discount", "invoice_discount", "amount",
                     "tax_amount"]
INVOICE_TOTAL_FIELDS = ["subtotal", "discount_total", "code_discount", "total", "tax_total"]
CODE_FIELDS = ["code", "code_label", "code_kind", "code_value", "code_scope", "code_service"]
# The line kinds each code scope covers (gift card sales never take a discount).
CODE_SCOPE_KINDS = {CodeScope.SERVICES: {LineKind.SERVICE},
                    CodeScope.PRODUCTS: {LineKind.PRODUCT},
                    CodeScope.BOTH: {LineKind.SERVICE, LineKind.PRODUCT}}


@dataclass(frozen=True)
class TenderInput:
    """One way the client pays: `reference` is the card terminal's receipt number or
    the gift card's code."""

    tender: str
    amount: Decimal
    reference: str = ""


@dataclass(frozen=True)
class PaymentResult:
    invoice: Invoice
    change: Decimal
    warnings: list[str] = field(default_factory=list)


# Checks ------------------------------------------------------------------------------------

def _has_cents_only(value: Decimal) -> bool:
    try:
        return quantize(value) == value
    except (InvalidOperation, TypeError):
        return False


def _price_error(value, *, positive: bool = False) -> str | None:
    if value is None:
        return _("Enter an amount.")
    if not isinstance(value, Decimal) or not value.is_finite() or not _has_cents_only(value):
        return _("Enter an amount with at most two decimals.")
    if value < 0:
        return _("An amount cannot be negative.")
    if positive and value == 0:
        return _("Enter an amount above zero.")
    if value > MAX_PRICE:
        return _("An amount cannot exceed %(max)s.") % {"max": MAX_PRICE}
    return None


def _rate_error(value) -> str | None:
    if (not isinstance(value, Decimal) or not value.is_finite() or not _has_cents_only(value)
            or not 0 <= value <= 100):
        return _("A tax rate is a percentage between 0 and 100.")
    return None


def _quantity_error(value) -> str | None:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_QUANTITY:
        return _("The quantity must be a whole number between 1 and %(max)d.") % {
            "max": MAX_QUANTITY}
    return None


def _discount_error(kind: str, value, *, base: Decimal) -> str | None:
    if kind not in DiscountKind.values:
        return _("Choose an amount or a percent discount.")
    if kind == DiscountKind.NONE:
        return None
    error = _price_error(value)
    if error:
        return error
    if kind == DiscountKind.PERCENT and value > 100:
        return _("A percent discount cannot exceed 100.")
    if kind == DiscountKind.AMOUNT and value > base:
        return _("The discount cannot exceed %(amount)s.") % {"amount": base}
    return None


# Products ----------------------------------------------------------------------------------

def _save_product(business: Business, product: Product) -> Product:
    product.name = (product.name or "").strip()
    product.sku = (product.sku or "").strip()
    refuse({
        "name": None if product.name else _("Enter a name."),
        "sku": None if product.sku else _("Enter a SKU."),
        "price": _price_error(product.price),
        "tax_rate": _rate_error(product.tax_rate),
        "stock": None if isinstance(product.stock, int) else _("Enter a whole number."),
    })
    product.full_clean(exclude=["business"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            product.save()
    except IntegrityError as clash:
        raise ValidationError({"sku": _("Another product already has this SKU.")}) from clash
    return product


@transaction.atomic(durable=True)
def create_product(*, business: Business, name: str, sku: str, price: Decimal,
                   tax_rate: Decimal, stock: int = 0, is_active: bool = True) -> Product:
    return _save_product(business, Product(business=business, name=name, sku=sku, price=price,
                                           tax_rate=tax_rate, stock=stock, is_active=is_active))


@transaction.atomic(durable=True)
def update_product(*, business: Business, product: Product, **changes) -> Product:
    """Change a product; `stock` is set to the count the manager gives (after a delivery
    or an inventory), on a locked row so that a sale in between is not lost."""
    unknown = set(changes) - set(PRODUCT_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    check_same_business(business, product, field="__all__")
    locked = locks.lock_products(business, [product.pk])[product.pk]
    for name, value in changes.items():
        setattr(locked, name, value)
    return _save_product(business, locked)


@transaction.atomic(durable=True)
def update_checkout_settings(*, business: Business, service_tax_rate: Decimal
                             ) -> CheckoutSettings:
    refuse({"service_tax_rate": _rate_error(service_tax_rate)})
    settings, _created = CheckoutSettings.objects.update_or_create(
        business=business, defaults={"service_tax_rate": service_tax_rate})
    return settings


def _service_tax_rate(business: Business) -> Decimal:
    settings = CheckoutSettings.objects.for_business(business).first()
    return settings.service_tax_rate if settings else CheckoutSettings().service_tax_rate


# Drafts ------------------------------------------------------------------------------------

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


def _lines(business: Business, invoice: Invoice) -> list[InvoiceLine]:
    return list(InvoiceLine.objects.for_business(business).filter(invoice=invoice)
                .order_by("pk"))


def _code_covers(draft: Invoice, line: InvoiceLine) -> bool:
    if not draft.code or line.kind == LineKind.GIFT_CARD:
        return False
    if draft.code_kind == CodeKind.FREE_SERVICE:
        return (line.kind == LineKind.SERVICE and line.service_id is not None
                and line.service_id == draft.code_service_id)
    return line.kind in CODE_SCOPE_KINDS.get(draft.code_scope, ())


def _reprice(business: Business, draft: Invoice) -> list[InvoiceLine]:
    lines = _lines(business, draft)
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
    _reprice(business, draft)
    line.refresh_from_db()
    return line


def _invoice_holding(business: Business, appointment: Appointment) -> Invoice | None:
    """The draft or paid invoice that charges `appointment` (unless refunded in full)."""
    line = (InvoiceLine.objects.for_business(business).select_related("invoice")
            .filter(appointment=appointment, refunded_quantity__lt=F("quantity")).first())
    return line and line.invoice


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
    draft = _lock_draft(business, invoice)
    appointment = booking_locks.lock_appointment(business, appointment.pk)
    tax_rate = _service_tax_rate(business) if tax_rate is None else tax_rate
    refuse({"tax_rate": _rate_error(tax_rate)})
    if appointment.state == AppointmentState.CANCELLED:
        raise ValidationError({"appointment": _("A cancelled appointment cannot be charged.")})
    if draft.client_id is not None and draft.client_id != appointment.client_id:
        raise ValidationError({"appointment": _("This appointment is another client's.")})
    holder = _invoice_holding(business, appointment)
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
def add_service_line(*, business: Business, invoice: Invoice, service: Service,
                     description: str = "", unit_price: Decimal | None = None,
                     quantity: int = 1, tax_rate: Decimal | None = None) -> InvoiceLine:
    """A service done without an appointment; description and price default to the
    catalog's."""
    check_same_business(business, service, field="service")
    draft = _lock_draft(business, invoice)
    unit_price = service.price if unit_price is None else unit_price
    tax_rate = _service_tax_rate(business) if tax_rate is None else tax_rate
    refuse({"unit_price": _price_error(unit_price), "quantity": _quantity_error(quantity),
             "tax_rate": _rate_error(tax_rate)})
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
    refuse({"quantity": _quantity_error(quantity)})
    if not product.is_active:
        raise ValidationError({"product": _("%(product)s is no longer on sale.")
                               % {"product": product.name}})
    existing = (InvoiceLine.objects.for_business(business)
                .filter(invoice=draft, product=product).first())
    if existing is not None:
        existing.quantity += quantity
        refuse({"quantity": _quantity_error(existing.quantity)})
        existing.save(update_fields=["quantity"])
        _reprice(business, draft)
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
    refuse({"amount": _price_error(amount, positive=True)})
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
    _reprice(business, draft)
    return draft


@transaction.atomic(durable=True)
def set_line_discount(*, business: Business, invoice: Invoice, line: InvoiceLine, kind: str,
                      value: Decimal = Decimal(0)) -> InvoiceLine:
    draft = _lock_draft(business, invoice)
    line = _line_of(business, draft, line)
    if line.kind == LineKind.GIFT_CARD and kind != DiscountKind.NONE:
        raise ValidationError({"discount_kind": _(
            "Gift cards are sold at their value: they take no discount.")})
    refuse({"discount_value": _discount_error(kind, value, base=line.gross)})
    line.discount_kind = kind
    line.discount_value = value if kind != DiscountKind.NONE else Decimal(0)
    line.save(update_fields=["discount_kind", "discount_value"])
    _reprice(business, draft)
    line.refresh_from_db()
    return line


@transaction.atomic(durable=True)
def set_invoice_discount(*, business: Business, invoice: Invoice, kind: str,
                         value: Decimal = Decimal(0)) -> Invoice:
    """A discount on the whole invoice, shared over its service and product lines."""
    draft = _lock_draft(business, invoice)
    base = sum((line.gross - line.line_discount - line.code_discount
                for line in _lines(business, draft) if line.kind != LineKind.GIFT_CARD),
               Decimal(0))
    refuse({"discount_value": _discount_error(kind, value, base=base)})
    draft.discount_kind = kind
    draft.discount_value = value if kind != DiscountKind.NONE else Decimal(0)
    draft.save(update_fields=["discount_kind", "discount_value"])
    _reprice(business, draft)
    return draft


# Codes -------------------------------------------------------------------------------------

def _code_applier(business: Business | None = None) -> hooks.CodeApplier:
    """The registered applier; with `business`, one that this business has turned on."""
    applier = hooks.code_applier()
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
        _code_applier().find(business=business, client=client, code=draft.code,
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
    found = _code_applier(business).find(business=business, client=draft.client,
                                         code=typed, now=now or timezone.now())
    draft.code, draft.code_label = found.code, found.label[:120]
    draft.code_kind, draft.code_value = found.kind, found.value
    draft.code_scope, draft.code_service_id = found.scope, found.service_id
    draft.save(update_fields=CODE_FIELDS)
    _reprice(business, draft)
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
    _reprice(business, draft)
    return draft


def _use_code(business: Business, invoice: Invoice, now) -> None:
    """Record the code's use with the payment: the applier locks the code and checks its
    limits again, so two desks paying with a single-use code cannot both use it."""
    if not invoice.code_discount:
        raise _nothing_off_error(invoice)
    _code_applier(business).use(business=business, invoice=invoice, code=invoice.code,
                                amount=invoice.code_discount, now=now)


@transaction.atomic(durable=True)
def discard_invoice(*, business: Business, invoice: Invoice) -> None:
    """Delete a draft: it never had a number, so no number goes missing."""
    _lock_draft(business, invoice).delete()


# Paying ------------------------------------------------------------------------------------

def _check_tenders(tenders: Sequence[TenderInput], due: Decimal, currency: str) -> Decimal:
    """Refuse tenders that do not settle `due`; return the change to give back."""
    for tender in tenders:
        if tender.tender not in Tender.values:
            raise ValidationError({"tenders": _("Choose cash, card or gift card.")})
        refuse({tender.tender: _price_error(tender.amount, positive=True)})
    gift_cards = [t for t in tenders if t.tender == Tender.GIFT_CARD]
    if gift_cards and hooks.gift_card_redeemer() is None:
        raise ValidationError({"gift_card": _(
            "Gift cards cannot pay at checkout yet: take another payment method.")})
    if any(not t.reference.strip() for t in gift_cards):
        raise ValidationError({"gift_card_code": _("Enter the gift card's code.")})
    cash = sum((t.amount for t in tenders if t.tender == Tender.CASH), Decimal(0))
    other = sum((t.amount for t in tenders if t.tender != Tender.CASH), Decimal(0))
    if other > due:
        raise ValidationError({"card": _(
            "Card and gift card payments cannot exceed the %(due)s due; give change "
            "only for cash.") % {"due": format_money(due, currency)}})
    if cash + other < due:
        raise ValidationError(_("%(missing)s is still due.") % {
            "missing": format_money(due - cash - other, currency)})
    if cash and other == due:
        raise ValidationError({"cash": _("The other payments already cover the total: "
                                         "no cash is needed.")})
    return cash + other - due


def _next_number(business: Business) -> int:
    InvoiceCounter.objects.get_or_create(business=business)
    counter = locks.lock_invoice_counter(business)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _units_by_product(lines: Sequence[InvoiceLine], quantity_of) -> dict[int, int]:
    units = defaultdict(int)
    for line in lines:
        if line.kind == LineKind.PRODUCT and line.product_id is not None:
            units[line.product_id] += quantity_of(line)
    return {pk: count for pk, count in units.items() if count}


def _move_stock(business: Business, units: Mapping[int, int], *, sign: int) -> list[str]:
    """Add `sign` x units to each product's stock; warn of each that goes below zero."""
    warnings = []
    for pk, product in locks.lock_products(business, units).items():
        Product.objects.for_business(business).filter(pk=pk).update(
            stock=F("stock") + sign * units[pk])
        left = product.stock + sign * units[pk]
        if left < 0:
            warnings.append(_("%(product)s: %(sold)d sold with %(stock)d in stock; the stock "
                              "now reads %(left)d, please recount it.") % {
                "product": product.name, "sold": units[pk], "stock": product.stock,
                "left": left})
    return warnings


def _record_payments(business: Business, invoice: Invoice, tenders: Sequence[TenderInput],
                     change: Decimal) -> None:
    for tender in (t for t in tenders if t.tender == Tender.GIFT_CARD):
        payment = Payment.objects.create(business=business, invoice=invoice,
                                         tender=Tender.GIFT_CARD, amount=tender.amount,
                                         received=tender.amount)
        reference = hooks.gift_card_redeemer().redeem(business=business, payment=payment,
                                                       code=tender.reference.strip())
        payment.reference = (reference or "")[:100]
        payment.save(update_fields=["reference"])
    for tender in (t for t in tenders if t.tender == Tender.CARD):
        Payment.objects.create(business=business, invoice=invoice, tender=Tender.CARD,
                               amount=tender.amount, received=tender.amount,
                               reference=tender.reference.strip()[:100])
    cash = sum((t.amount for t in tenders if t.tender == Tender.CASH), Decimal(0))
    if cash:
        # Cash is one payment however it was keyed in: change comes out of it.
        Payment.objects.create(business=business, invoice=invoice, tender=Tender.CASH,
                               amount=cash - change, received=cash)


@transaction.atomic(durable=True)
def pay_invoice(*, business: Business, invoice: Invoice, tenders: Sequence[TenderInput],
                by=None, now=None) -> PaymentResult:
    """Take payment for a draft in full, with one or several tenders, and number it.

    Cash may exceed what is due (the rest is change); card and gift card may not.
    Product stock is taken now; selling more than the stock is allowed and warned
    about (the client has the product in hand; the count was wrong).
    """
    check_same_business(business, invoice, field="__all__")
    locked = locks.lock_invoice(business, invoice.pk)
    if not locked.is_draft:
        raise ValidationError(_("%(invoice)s is already paid.") % {"invoice": locked.label})
    # Read from the row: the caller's copy of the business may predate the switch.
    if not Business.objects.filter(pk=business.pk, accept_payments_enabled=True).exists():
        raise ValidationError(_("Turn on Accept payments under Settings, Business extensions, "
                                "to take payments."))
    lines = _reprice(business, locked)
    if not lines:
        raise ValidationError(_("Add at least one line before taking payment."))
    change = _check_tenders(tenders, locked.total, business.currency)

    now = now or timezone.now()
    locked.number = _next_number(business)
    warnings = _move_stock(business, _units_by_product(lines, lambda line: line.quantity),
                           sign=-1)
    if locked.code:
        _use_code(business, locked, now)
    _record_payments(business, locked, tenders, change)
    locked.state = InvoiceState.PAID
    locked.paid_at = now
    locked.paid_by = by
    locked.paid_amount = locked.total
    locked.change_given = change
    locked.save(update_fields=["number", "state", "paid_at", "paid_by", "paid_amount",
                               "change_given"])
    events.invoice_paid.send(sender=Invoice, invoice=locked)
    return PaymentResult(invoice=locked, change=change, warnings=warnings)


# Refunds -----------------------------------------------------------------------------------

def _refund_quantities(lines: Mapping[int, InvoiceLine], quantities: Mapping[int, int] | None
                       ) -> dict[int, int]:
    if quantities is None:
        return {pk: line.refundable_quantity for pk, line in lines.items()
                if line.refundable_quantity}
    chosen = {}
    for pk, quantity in quantities.items():
        line = lines.get(pk)
        if line is None:
            raise ValidationError({"lines": _("This line is not on this invoice.")})
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 0:
            raise ValidationError({"lines": _("Enter whole numbers of units to refund.")})
        if quantity > line.refundable_quantity:
            raise ValidationError({"lines": _(
                "%(line)s: only %(left)d of %(quantity)d can still be refunded.") % {
                "line": line.description, "left": line.refundable_quantity,
                "quantity": line.quantity}})
        if quantity:
            chosen[pk] = quantity
    if not chosen:
        raise ValidationError({"lines": _("Choose what to refund.")})
    return chosen


def _allocate(business: Business, invoice: Invoice, refund: Refund) -> None:
    """Give `refund.amount` back through the invoice's payments, money first."""
    payments = sorted(Payment.objects.for_business(business).filter(invoice=invoice),
                      key=lambda p: (REFUND_ORDER[p.tender], -p.pk))
    left = refund.amount
    for payment in payments:
        take = min(left, payment.amount - payment.refunded_amount)
        if take <= 0:
            continue
        if payment.tender == Tender.GIFT_CARD:
            redeemer = hooks.gift_card_redeemer()
            if redeemer is None:
                raise ValidationError(_("Gift card refunds are not available: the gift card "
                                        "app is not installed."))
            redeemer.refund(business=business, payment=payment, amount=take, refund=refund)
        RefundAllocation.objects.create(business=business, refund=refund, payment=payment,
                                        amount=take)
        payment.refunded_amount += take
        payment.save(update_fields=["refunded_amount"])
        left -= take
        if not left:
            return
    if left:
        raise ValidationError(_("A refund cannot exceed what was paid."))


@transaction.atomic(durable=True)
def refund_invoice(*, business: Business, invoice: Invoice,
                   quantities: Mapping[int, int] | None = None, reason: str = "", by=None,
                   now=None) -> Refund:
    """Refund some units of some lines (`{line_id: quantity}`), or all that is left
    (`quantities=None`), to the tenders the invoice was paid with; restock products."""
    check_same_business(business, invoice, field="__all__")
    locked = locks.lock_invoice(business, invoice.pk)
    if locked.is_draft:
        raise ValidationError(_("A draft has not been paid: discard it instead."))
    if locked.state == InvoiceState.REFUNDED:
        raise ValidationError(_("%(invoice)s is already refunded in full.")
                              % {"invoice": locked.label})
    lines = {line.pk: line for line in _lines(business, locked)}
    chosen = _refund_quantities(lines, quantities)
    shares = {pk: pricing.refund_share(
        amount=lines[pk].amount, quantity=lines[pk].quantity,
        refunded_quantity=lines[pk].refunded_quantity,
        refunded_amount=lines[pk].refunded_amount, refund_quantity=quantity)
        for pk, quantity in chosen.items()}
    total = sum(shares.values(), Decimal(0))
    if total > locked.paid_amount - locked.refunded_amount:
        raise ValidationError(_("A refund cannot exceed what was paid."))

    refund = Refund.objects.create(business=business, invoice=locked, amount=total,
                                   reason=(reason or "").strip()[:200], created_by=by,
                                   created_at=now or timezone.now())
    RefundLine.objects.bulk_create([
        RefundLine(business=business, refund=refund, line=lines[pk], quantity=quantity,
                   amount=shares[pk]) for pk, quantity in chosen.items()])
    for pk, quantity in chosen.items():
        lines[pk].refunded_quantity += quantity
        lines[pk].refunded_amount += shares[pk]
    InvoiceLine.objects.bulk_update([lines[pk] for pk in chosen],
                                    ["refunded_quantity", "refunded_amount"])
    _move_stock(business, _units_by_product([lines[pk] for pk in chosen],
                                            lambda line: chosen[line.pk]), sign=1)
    _allocate(business, locked, refund)
    locked.refunded_amount += total
    fully = all(not line.refundable_quantity for line in lines.values())
    locked.state = InvoiceState.REFUNDED if fully else InvoiceState.PARTIALLY_REFUNDED
    locked.save(update_fields=["refunded_amount", "state"])
    events.invoice_refunded.send(sender=Invoice, invoice=locked, refund=refund)
    return refund
