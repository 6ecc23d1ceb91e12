"""Reads of checkout, tenant-scoped by `business`.

List readers load what their pages show in a fixed number of queries, whatever the
number of rows.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from booking.models import Appointment, AppointmentState, Client, Service
from checkout import pricing
from checkout.models import (
    CheckoutSettings,
    Invoice,
    InvoiceLine,
    LineKind,
    Payment,
    Product,
    Refund,
    RefundAllocation,
    RefundLine,
)
from core.dates import local_day_bounds
from tenancy.models import Business


def products(*, business: Business, active_only: bool = False) -> QuerySet[Product]:
    rows = Product.objects.for_business(business)
    return rows.active() if active_only else rows


def catalogue(*, business: Business, search: str, limit: int = 8
              ) -> tuple[list[Service], list[Product]]:
    """The services and the products on sale whose name (or SKU) holds `search`, for the
    register's quick search: two queries, however large the catalogue."""
    text = search.strip()
    if not text:
        return [], []
    services = list(Service.objects.for_business(business).active()
                    .filter(name__icontains=text).order_by("position", "name")[:limit])
    found = list(products(business=business, active_only=True)
                 .filter(Q(name__icontains=text) | Q(sku__iexact=text))
                 .order_by("name")[:limit])
    return services, found


def service_choices(*, business: Business) -> list[tuple[str, str]]:
    """(id, name) of the services that can be sold, for the register's service picker."""
    return [(str(pk), name) for pk, name in Service.objects.for_business(business).active()
            .order_by("position", "name").values_list("pk", "name")]


def checkout_settings(*, business: Business) -> CheckoutSettings:
    """The business's settings, or the defaults (unsaved) before it changes any."""
    return (CheckoutSettings.objects.for_business(business).first()
            or CheckoutSettings(business=business))


def invoices(*, business: Business, state: str = "", day_from: date | None = None,
             day_to: date | None = None) -> QuerySet[Invoice]:
    """Newest first, with their client. Days are local days of the business, on the day
    the invoice was paid (or started, for a draft)."""
    rows = (Invoice.objects.for_business(business).select_related("client")
            .annotate(issued=Coalesce("paid_at", "created_at")).order_by("-issued", "-pk"))
    if state:
        rows = rows.filter(state=state)
    if day_from is not None:
        rows = rows.filter(issued__gte=local_day_bounds(day_from, business.zone)[0])
    if day_to is not None:
        rows = rows.filter(issued__lt=local_day_bounds(day_to, business.zone)[1])
    return rows


def drafts(*, business: Business) -> QuerySet[Invoice]:
    return (Invoice.objects.for_business(business).drafts().select_related("client")
            .order_by("-created_at", "-pk"))


def invoices_with_details(*, business: Business) -> QuerySet[Invoice]:
    """Invoices with lines, payments and refunds (with their lines and allocations)."""
    return (Invoice.objects.for_business(business).select_related("client")
            .prefetch_related(
                Prefetch("lines", queryset=InvoiceLine.objects.for_business(business)
                         .order_by("pk")),
                Prefetch("payments", queryset=Payment.objects.for_business(business)
                         .order_by("pk")),
                Prefetch("refunds", queryset=Refund.objects.for_business(business)
                         .select_related("created_by").order_by("pk").prefetch_related(
                             Prefetch("lines", queryset=RefundLine.objects
                                      .for_business(business).select_related("line")),
                             Prefetch("allocations", queryset=RefundAllocation.objects
                                      .for_business(business).select_related("payment"))))))


def tax_totals(invoice: Invoice) -> list[pricing.TaxTotal]:
    """Totals per tax rate of an invoice whose lines are loaded (invoices_with_details)."""
    return pricing.tax_totals((line.tax_rate, line.amount) for line in invoice.lines.all())


def payable_by_gift_card(*, business: Business, invoice: Invoice) -> Decimal:
    """What a gift card may pay of an invoice: all of it but the gift cards it sells."""
    sold = sum(InvoiceLine.objects.for_business(business)
               .filter(invoice=invoice, kind=LineKind.GIFT_CARD)
               .values_list("amount", flat=True), Decimal(0))
    return max(invoice.total - sold, Decimal(0))


def invoice_holding(*, business: Business, appointment: Appointment) -> Invoice | None:
    """The draft or paid invoice that charges `appointment` (unless refunded in full)."""
    line = (InvoiceLine.objects.for_business(business).select_related("invoice")
            .filter(appointment=appointment, refunded_quantity__lt=F("quantity")).first())
    return line and line.invoice


def billable_appointments(*, business: Business, client: Client, day: date
                          ) -> QuerySet[Appointment]:
    """The client's appointments on a local day that can go on an invoice: not cancelled,
    and not already on one (unless refunded in full)."""
    start, end = local_day_bounds(day, business.zone)
    invoiced = InvoiceLine.objects.for_business(business).filter(
        appointment=OuterRef("pk"), refunded_quantity__lt=F("quantity"))
    return (Appointment.objects.for_business(business)
            .filter(client=client, starts_at__gte=start, starts_at__lt=end)
            .exclude(state=AppointmentState.CANCELLED).exclude(Exists(invoiced))
            .select_related("service", "class_session__class_type", "staff_member")
            .order_by("starts_at", "pk"))


def appointments_to_check_out(*, business: Business, day: date, limit: int = 50
                              ) -> QuerySet[Appointment]:
    """A local day's appointments of every client that no invoice holds yet (cancelled
    ones left out), in time order: the register's list of who is still to pay."""
    start, end = local_day_bounds(day, business.zone)
    invoiced = InvoiceLine.objects.for_business(business).filter(
        appointment=OuterRef("pk"), refunded_quantity__lt=F("quantity"))
    return (Appointment.objects.for_business(business)
            .filter(starts_at__gte=start, starts_at__lt=end, client__isnull=False)
            .exclude(state=AppointmentState.CANCELLED).exclude(Exists(invoiced))
            .select_related("client", "service", "class_session__class_type", "staff_member")
            .order_by("starts_at", "pk")[:limit])


def stock_shortages(*, business: Business, invoice: Invoice) -> list[str]:
    """A warning for each product of a draft that it sells more of than is in stock."""
    wanted = defaultdict(int)
    names, stock = {}, {}
    for line in (InvoiceLine.objects.for_business(business)
                 .filter(invoice=invoice, kind=LineKind.PRODUCT, product__isnull=False)
                 .select_related("product")):
        wanted[line.product_id] += line.quantity
        names[line.product_id] = line.product.name
        stock[line.product_id] = line.product.stock
    return [_("%(product)s: %(wanted)d on this invoice, %(stock)d in stock.") % {
        "product": names[pk], "wanted": count, "stock": stock[pk]}
        for pk, count in wanted.items() if count > stock[pk]]
