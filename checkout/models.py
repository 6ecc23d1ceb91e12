"""Products, invoices and their lines, payments and refunds.

Prices are tax-inclusive, as salons in France and Ukraine display them: a line's
`amount` is what the client pays for it, and `tax_amount` is the part of it that
is tax. Amounts on an invoice and its lines are stored when they are computed
(services reprice a draft on every change), so that lists and receipts read them
without arithmetic and a paid invoice never changes when a price does.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.codes import CodeKind, CodeScope
from core.tenancy import TenantModel, TenantQuerySet

MONEY = {"max_digits": 12, "decimal_places": 2}
RATE = {"max_digits": 5, "decimal_places": 2}


class DiscountKind(models.TextChoices):
    NONE = "", _("No discount")
    AMOUNT = "amount", _("Amount")
    PERCENT = "percent", _("Percent")


class ProductQuerySet(TenantQuerySet):
    def active(self):
        return self.filter(is_active=True)


class Product(TenantModel):
    """Something sold over the counter (shampoo, a brush); `stock` may go below zero:
    the sale is recorded and the shortage shown, because the bottle is in the
    client's hands whatever the count says."""

    name = models.CharField(_("name"), max_length=120)
    sku = models.CharField(_("SKU"), max_length=64,
                           help_text=_("Your reference for this product, unique in your "
                                       "business."))
    price = models.DecimalField(_("price (tax included)"), **MONEY)
    tax_rate = models.DecimalField(_("tax rate (%)"), **RATE)
    stock = models.IntegerField(_("in stock"), default=0)
    is_active = models.BooleanField(_("on sale"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = models.Manager.from_queryset(ProductQuerySet)()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["business", "sku"], name="product_unique_sku"),
            models.CheckConstraint(condition=Q(price__gte=0), name="product_price_not_negative"),
            models.CheckConstraint(condition=Q(tax_rate__gte=0) & Q(tax_rate__lte=100),
                                   name="product_tax_rate_percent"),
        ]

    def __str__(self) -> str:
        return self.name


class CheckoutSettings(TenantModel):
    """Checkout defaults of one business."""

    service_tax_rate = models.DecimalField(
        _("tax rate of services (%)"), **RATE, default=Decimal("20.00"),
        help_text=_("Proposed on service lines at checkout; each line may change it."))

    class Meta:
        verbose_name = _("checkout settings")
        verbose_name_plural = _("checkout settings")
        constraints = [
            models.UniqueConstraint(fields=["business"], name="checkout_settings_one_per_business"),
            models.CheckConstraint(
                condition=Q(service_tax_rate__gte=0) & Q(service_tax_rate__lte=100),
                name="checkout_settings_tax_rate_percent"),
        ]


class InvoiceCounter(TenantModel):
    """The last invoice number of a business.

    Paying an invoice locks this row, takes the next number and writes it back in the
    payment's transaction: a payment that rolls back gives its number back, so the
    numbers have no gaps (a French legal requirement), unlike MAX()+1 under
    concurrency or a database sequence after a rollback.
    """

    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["business"], name="invoice_counter_one_per_business"),
        ]


class InvoiceState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PAID = "paid", _("Paid")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
    REFUNDED = "refunded", _("Refunded")


class InvoiceQuerySet(TenantQuerySet):
    def drafts(self):
        return self.filter(state=InvoiceState.DRAFT)


class Invoice(TenantModel):
    """What a client pays at the desk. A draft changes freely and has no number; paying
    it gives it the next number of the business, and from then on only refunds
    change it."""

    client = models.ForeignKey("booking.Client", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="invoices",
                               verbose_name=_("client"))
    state = models.CharField(_("state"), max_length=20, choices=InvoiceState.choices,
                             default=InvoiceState.DRAFT)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    discount_kind = models.CharField(_("discount"), max_length=10, blank=True,
                                     choices=DiscountKind.choices, default=DiscountKind.NONE)
    discount_value = models.DecimalField(**MONEY, default=0)
    # A coupon or loyalty reward code, with its terms as they were when it was applied
    # (the app that owns codes records its use when the invoice is paid).
    code = models.CharField(_("code"), max_length=32, blank=True)
    code_label = models.CharField(max_length=120, blank=True)
    code_kind = models.CharField(max_length=12, blank=True, choices=CodeKind.choices)
    code_value = models.DecimalField(**MONEY, default=0)
    code_scope = models.CharField(max_length=10, blank=True, choices=CodeScope.choices)
    code_service = models.ForeignKey("booking.Service", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    subtotal = models.DecimalField(_("subtotal"), **MONEY, default=0)
    discount_total = models.DecimalField(_("discounts"), **MONEY, default=0)
    code_discount = models.DecimalField(**MONEY, default=0)
    total = models.DecimalField(_("total"), **MONEY, default=0)
    tax_total = models.DecimalField(_("of which tax"), **MONEY, default=0)
    paid_amount = models.DecimalField(_("paid"), **MONEY, default=0)
    change_given = models.DecimalField(_("change given"), **MONEY, default=0)
    refunded_amount = models.DecimalField(_("refunded"), **MONEY, default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")

    objects = models.Manager.from_queryset(InvoiceQuerySet)()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["business", "number"], name="invoice_unique_number"),
            # A number exactly when paid: drafts have none, and paying gives one.
            models.CheckConstraint(
                condition=(Q(state="draft") & Q(number__isnull=True) & Q(paid_at__isnull=True))
                | (~Q(state="draft") & Q(number__isnull=False) & Q(paid_at__isnull=False)),
                name="invoice_number_when_paid"),
            models.CheckConstraint(condition=Q(total__gte=0), name="invoice_total_not_negative"),
            models.CheckConstraint(condition=Q(state="draft") | Q(paid_amount=F("total")),
                                   name="invoice_paid_in_full"),
            models.CheckConstraint(
                condition=Q(refunded_amount__gte=0) & Q(refunded_amount__lte=F("paid_amount")),
                name="invoice_refund_within_paid"),
            models.CheckConstraint(condition=Q(change_given__gte=0),
                                   name="invoice_change_not_negative"),
            models.CheckConstraint(
                condition=(Q(code="") & Q(code_kind="") & Q(code_discount=0))
                | (~Q(code="") & ~Q(code_kind="") & Q(code_discount__gte=0)),
                name="invoice_code_consistent"),
        ]
        indexes = [models.Index(fields=["business", "state", "created_at"]),
                   models.Index(fields=["business", "paid_at"])]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.number is None:
            return _("Draft %(id)s") % {"id": self.pk}
        return _("Invoice %(number)s") % {"number": self.display_number}

    @property
    def display_number(self) -> str:
        return "" if self.number is None else f"{self.number:06d}"

    @property
    def is_draft(self) -> bool:
        return self.state == InvoiceState.DRAFT

    @property
    def is_refundable(self) -> bool:
        return self.state in (InvoiceState.PAID, InvoiceState.PARTIALLY_REFUNDED)

    @property
    def issued_at(self):
        return self.paid_at or self.created_at


class LineKind(models.TextChoices):
    SERVICE = "service", _("Service")
    PRODUCT = "product", _("Product")
    GIFT_CARD = "gift_card", _("Gift card")


class InvoiceLine(TenantModel):
    """One line of an invoice. `description`, prices and rates are copied when the line
    is added: the invoice keeps them if the catalog changes or the appointment is
    deleted (hence SET_NULL on the links)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("kind"), max_length=10, choices=LineKind.choices)
    description = models.CharField(_("description"), max_length=200)
    appointment = models.ForeignKey("booking.Appointment", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="invoice_lines")
    service = models.ForeignKey("booking.Service", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="invoice_lines")
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="invoice_lines")
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    tax_rate = models.DecimalField(_("tax rate (%)"), **RATE, default=0)
    discount_kind = models.CharField(_("discount"), max_length=10, blank=True,
                                     choices=DiscountKind.choices, default=DiscountKind.NONE)
    discount_value = models.DecimalField(**MONEY, default=0)
    # Computed by the services on every change of the draft.
    line_discount = models.DecimalField(**MONEY, default=0)
    code_discount = models.DecimalField(**MONEY, default=0)
    invoice_discount = models.DecimalField(**MONEY, default=0)
    amount = models.DecimalField(_("amount"), **MONEY, default=0)
    tax_amount = models.DecimalField(_("of which tax"), **MONEY, default=0)
    refunded_quantity = models.PositiveIntegerField(default=0)
    refunded_amount = models.DecimalField(**MONEY, default=0)

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="invoice_line_quantity"),
            models.CheckConstraint(condition=Q(unit_price__gte=0),
                                   name="invoice_line_price_not_negative"),
            models.CheckConstraint(condition=Q(tax_rate__gte=0) & Q(tax_rate__lte=100),
                                   name="invoice_line_tax_rate_percent"),
            models.CheckConstraint(condition=Q(amount__gte=0),
                                   name="invoice_line_amount_not_negative"),
            models.CheckConstraint(condition=Q(refunded_quantity__lte=F("quantity")),
                                   name="invoice_line_refund_within_quantity"),
            models.CheckConstraint(
                condition=Q(refunded_amount__gte=0) & Q(refunded_amount__lte=F("amount")),
                name="invoice_line_refund_within_amount"),
        ]
        indexes = [models.Index(fields=["business", "appointment"])]

    def __str__(self) -> str:
        return self.description

    @property
    def gross(self):
        return self.unit_price * self.quantity

    @property
    def discount(self):
        """The line's own discount, its share of the code's and of the invoice's."""
        return self.line_discount + self.code_discount + self.invoice_discount

    @property
    def refundable_quantity(self) -> int:
        return self.quantity - self.refunded_quantity


class Tender(models.TextChoices):
    CASH = "cash", _("Cash")
    CARD = "card", _("Card")
    GIFT_CARD = "gift_card", _("Gift card")


class Payment(TenantModel):
    """Money taken for an invoice with one tender. `amount` is what went to the invoice;
    for cash, `received` is what the client handed over and the difference was
    given back as change."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="payments")
    tender = models.CharField(_("paid by"), max_length=10, choices=Tender.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    received = models.DecimalField(_("received"), **MONEY)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    refunded_amount = models.DecimalField(**MONEY, default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(condition=Q(received__gte=F("amount")),
                                   name="payment_received_covers_amount"),
            # Only cash can be more than what is due: the rest is the change.
            models.CheckConstraint(condition=Q(tender="cash") | Q(received=F("amount")),
                                   name="payment_change_only_in_cash"),
            models.CheckConstraint(
                condition=Q(refunded_amount__gte=0) & Q(refunded_amount__lte=F("amount")),
                name="payment_refund_within_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.get_tender_display()} {self.amount}"

    @property
    def change(self):
        return self.received - self.amount


class Refund(TenantModel):
    """Money given back for some or all lines of a paid invoice, to the tenders it was
    paid with (RefundAllocation)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="refunds")
    amount = models.DecimalField(_("amount"), **MONEY)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("refunded at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="refund_amount_not_negative"),
        ]


class RefundLine(TenantModel):
    refund = models.ForeignKey(Refund, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(InvoiceLine, on_delete=models.CASCADE, related_name="refund_lines")
    quantity = models.PositiveIntegerField()
    amount = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["business", "refund", "line"],
                                    name="refund_line_once_per_refund"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="refund_line_quantity"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="refund_line_amount"),
        ]


class RefundAllocation(TenantModel):
    """The part of a refund given back through one of the invoice's payments."""

    refund = models.ForeignKey(Refund, on_delete=models.CASCADE, related_name="allocations")
    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="allocations")
    amount = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["business", "refund", "payment"],
                                    name="refund_allocation_once_per_payment"),
            models.CheckConstraint(condition=Q(amount__gt=0),
                                   name="refund_allocation_amount_positive"),
        ]
