"""Reads of sales and commissions, tenant-scoped by `business`: the sales reports (by day,
staff member, service and payment method), the commissions report, and the sales figures
of the dashboard. Every figure is one aggregate query, whatever the invoices.

What counts, once for all of them:
- a sale is a line of an invoice that was paid (refunded ones too), on the local day of
  its payment; its amount is after every discount (the line's own, its share of a code
  and of the invoice's discount), tax included, less what was refunded of it;
- gift cards sold are money held for a later visit: they are listed apart and left out of
  net sales (the services and products they pay for count when they are sold);
- a line's staff member is its appointment's; a line without one (a product) is credited
  to the staff member of the invoice's first appointment, and otherwise to nobody.
"""

from datetime import date

from django.db.models import (
    CharField,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat, TruncDate

from booking.models import Appointment
from checkout.models import InvoiceLine, InvoiceState, LineKind, Payment
from core.dates import local_day_bounds
from reports.models import CommissionRate
from tenancy.models import Business

SPENDING_STATES = (InvoiceState.PAID, InvoiceState.PARTIALLY_REFUNDED, InvoiceState.REFUNDED)
MONEY_SUM = DecimalField(max_digits=14, decimal_places=2)
ZERO = Value(0, output_field=MONEY_SUM)
NET = ExpressionWrapper(F("amount") - F("refunded_amount"), output_field=MONEY_SUM)
NOT_GIFT_CARD = ~Q(kind=LineKind.GIFT_CARD)
# Each line's commission to the cent (half away from zero), so that the staff members'
# commissions add up to the total.
LINE_COMMISSION = Cast(NET * F("rate") / 100, MONEY_SUM)


def money_sum(expression, condition: Q | None = None):
    return Coalesce(Sum(expression, filter=condition), ZERO, output_field=MONEY_SUM)


def sold_lines(*, business: Business, date_from: date | None = None,
               date_to: date | None = None) -> QuerySet[InvoiceLine]:
    """Lines of the invoices paid on the local days given (both included)."""
    lines = InvoiceLine.objects.for_business(business).filter(
        invoice__state__in=SPENDING_STATES)
    if date_from is not None:
        lines = lines.filter(invoice__paid_at__gte=local_day_bounds(date_from, business.zone)[0])
    if date_to is not None:
        lines = lines.filter(invoice__paid_at__lt=local_day_bounds(date_to, business.zone)[1])
    return lines


def _first_visit(business: Business) -> QuerySet[InvoiceLine]:
    return (InvoiceLine.objects.for_business(business)
            .filter(invoice=OuterRef("invoice"), appointment__isnull=False).order_by("pk"))


def line_staff_id(business: Business, *, probe: bool = False):
    """A line's staff member's id, as `with_staff` credits it. `probe` reads the line's
    appointment with a subquery, an index probe per line, where the join of `with_staff`
    may be hashed over every appointment: for a few lines out of many."""
    own = F("appointment__staff_member_id")
    if probe:
        own = Subquery(Appointment.objects.for_business(business)
                       .filter(pk=OuterRef("appointment_id")).order_by()
                       .values("staff_member_id"))
    return Coalesce(own, Subquery(
        _first_visit(business).values("appointment__staff_member_id")[:1]),
        output_field=IntegerField())


def with_staff(lines: QuerySet[InvoiceLine], business: Business) -> QuerySet[InvoiceLine]:
    """Lines with `staff_id` and `staff_name`: the appointment's staff member, or that of
    the invoice's first appointment (a product sold at the same visit), or none."""
    return lines.annotate(
        staff_id=line_staff_id(business),
        staff_name=Coalesce("appointment__staff_member__name", Subquery(
            _first_visit(business).values("appointment__staff_member__name")[:1]), Value(""),
            output_field=CharField()))


def _filters(filters: dict) -> dict:
    return {"date_from": filters.get("date_from"), "date_to": filters.get("date_to")}


# Sales by day -------------------------------------------------------------------------

def _line_figures() -> dict:
    return {
        "invoices": Count("invoice", distinct=True),
        "services": money_sum("amount", Q(kind=LineKind.SERVICE)),
        "products": money_sum("amount", Q(kind=LineKind.PRODUCT)),
        "gift_cards": money_sum("amount", Q(kind=LineKind.GIFT_CARD)),
        "discounts": money_sum(F("line_discount") + F("code_discount") + F("invoice_discount"),
                               NOT_GIFT_CARD),
        "refunded": money_sum("refunded_amount", NOT_GIFT_CARD),
        "net": money_sum(NET, NOT_GIFT_CARD),
    }


def sales_by_day(*, business: Business, **filters) -> QuerySet:
    """One row per local day of payment, newest first."""
    return (sold_lines(business=business, **_filters(filters))
            .annotate(day=TruncDate("invoice__paid_at", tzinfo=business.zone))
            .values("day").annotate(**_line_figures()).order_by("-day"))


def sales_totals(*, business: Business, **filters) -> dict:
    return sold_lines(business=business, **_filters(filters)).aggregate(**_line_figures())


# Sales by staff member ------------------------------------------------------------------

def sales_by_staff(*, business: Business, **filters) -> QuerySet:
    """One row per staff member (and one for sales credited to nobody), by name."""
    return (with_staff(sold_lines(business=business, **_filters(filters)), business)
            .annotate(staff_key=Coalesce("staff_id", Value(0), output_field=IntegerField()))
            .values("staff_key", "staff_name")
            .annotate(visits=Count("appointment", distinct=True),
                      services=money_sum(NET, Q(kind=LineKind.SERVICE)),
                      products=money_sum(NET, Q(kind=LineKind.PRODUCT)),
                      net=money_sum(NET, NOT_GIFT_CARD))
            .order_by("staff_name", "staff_key"))


# Sales by service -----------------------------------------------------------------------

def sales_by_service(*, business: Business, **filters) -> QuerySet:
    """One row per service sold (a deleted service: per the description its lines kept)."""
    text = CharField()
    return (sold_lines(business=business, **_filters(filters))
            .filter(kind=LineKind.SERVICE)
            .annotate(service_name=Coalesce("service__name", "description", output_field=text),
                      group_key=Coalesce(Cast("service_id", text),
                                         Concat(Value("line:"), "description",
                                                output_field=text), output_field=text))
            .values("service_name", "group_key")
            .annotate(quantity=Coalesce(Sum("quantity"), 0), sales=money_sum("amount"),
                      refunded=money_sum("refunded_amount"), net=money_sum(NET))
            .order_by("service_name", "group_key"))


# Sales by payment method ----------------------------------------------------------------

def sales_by_payment(*, business: Business, date_from: date | None = None,
                     date_to: date | None = None) -> QuerySet:
    """One row per tender: what was taken with it for the invoices paid on those days,
    gift cards sold included (the money was taken), less what went back to it."""
    payments = Payment.objects.for_business(business).filter(invoice__state__in=SPENDING_STATES)
    if date_from is not None:
        payments = payments.filter(
            invoice__paid_at__gte=local_day_bounds(date_from, business.zone)[0])
    if date_to is not None:
        payments = payments.filter(
            invoice__paid_at__lt=local_day_bounds(date_to, business.zone)[1])
    return (payments.values("tender")
            .annotate(payments=Count("pk"), taken=money_sum("amount"),
                      refunded=money_sum("refunded_amount"),
                      net=money_sum(F("amount") - F("refunded_amount")))
            .order_by("tender"))


# Commissions ----------------------------------------------------------------------------

def _rate(business: Business, **match) -> Subquery:
    rates = CommissionRate.objects.for_business(business).filter(
        staff_member_id=OuterRef("staff_id"), **match)
    return Subquery(rates.values("rate")[:1])


def commission_lines(*, business: Business, **filters) -> QuerySet[InvoiceLine]:
    """Lines that earn a commission (services and products credited to a staff member),
    each with the `rate` that applies: the staff member's rate for its service or
    product, else their default rate, else none (0)."""
    lines = with_staff(sold_lines(business=business, **_filters(filters))
                       .filter(kind__in=[LineKind.SERVICE, LineKind.PRODUCT]), business)
    rate_field = DecimalField(max_digits=5, decimal_places=2)
    return lines.filter(staff_id__isnull=False).annotate(rate=Coalesce(
        _rate(business, service_id=OuterRef("service_id")),
        _rate(business, product_id=OuterRef("product_id")),
        _rate(business, service__isnull=True, product__isnull=True),
        Value(0), output_field=rate_field))


def commissions(*, business: Business, **filters) -> QuerySet:
    """One row per staff member: the sales base, their default rate, and the commission
    (each line's base times its rate, to the cent, summed)."""
    return (commission_lines(business=business, **filters)
            .values("staff_id", "staff_name")
            .annotate(base=money_sum(NET),
                      default_rate=_rate(business, service__isnull=True,
                                         product__isnull=True),
                      commission=money_sum(LINE_COMMISSION))
            .order_by("staff_name", "staff_id"))


def commission_totals(*, business: Business, **filters) -> dict:
    return commission_lines(business=business, **filters).aggregate(
        base=money_sum(NET), commission=money_sum(LINE_COMMISSION))
