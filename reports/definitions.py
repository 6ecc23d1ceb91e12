"""The reports of the back office, each a `Report` (see registry.py)."""

from datetime import timedelta
from decimal import Decimal

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from checkout.models import Tender
from core.money import format_money
from loyalty.models import EntryKind
from reports import labels, sales, selectors
from reports.exporters import DATE, DATETIME, INTEGER, MONEY, MONTH, TEXT
from reports.forms import (
    ClientsFilterForm,
    GiftCardsFilterForm,
    PointsFilterForm,
    SalesFilterForm,
)
from reports.registry import Report, ReportColumn
from tenancy.models import Business

# The loyalty report opens on the last 30 days (an accountant's month; clear the dates
# for all time).
DEFAULT_DAYS = 30


def _client_rows(*, business: Business, filters: dict):
    return selectors.clients_report(business=business, date_from=filters.get("date_from"),
                                    date_to=filters.get("date_to"),
                                    search=filters.get("q") or "")


CLIENTS = Report(
    name="clients",
    title=gettext_lazy("Clients"),
    description=gettext_lazy("Visits, last visit and spend of each client, for the days you "
                             "choose."),
    filter_form=ClientsFilterForm,
    columns=(
        ReportColumn("last_name", gettext_lazy("Last name")),
        ReportColumn("first_name", gettext_lazy("First name")),
        ReportColumn("email", gettext_lazy("Email")),
        ReportColumn("phone", gettext_lazy("Phone")),
        ReportColumn("visits", gettext_lazy("Visits"), INTEGER),
        ReportColumn("last_visit", gettext_lazy("Last visit"), DATETIME),
        ReportColumn("spend", gettext_lazy("Spend (%(currency)s)"), MONEY),
        ReportColumn("balance", gettext_lazy("Points balance"), INTEGER),
    ),
    rows=_client_rows,
    ordering=("last_name", "first_name", "pk"),
    table_template="reports/_clients_table.html",
    page_fields=("pk",),
)

def _entry_filters(filters: dict) -> dict:
    return {"date_from": filters.get("date_from"), "date_to": filters.get("date_to"),
            "client": filters.get("client"), "search": filters.get("q") or "",
            "kind": filters.get("kind") or "", "service": filters.get("service")}


def _points_rows(*, business: Business, filters: dict):
    return selectors.points_report(business=business, **_entry_filters(filters))


def _points_totals(*, business: Business, filters: dict) -> dict:
    sums = selectors.points_totals(business=business, **_entry_filters(filters))
    return {_("Points earned"): sums["earned"], _("Points spent"): sums["spent"],
            _("Points expired"): sums["expired"]}


def _last_days(business: Business) -> dict:
    today = timezone.localdate(timezone=business.zone)
    return {"date_from": (today - timedelta(days=DEFAULT_DAYS - 1)).isoformat(),
            "date_to": today.isoformat()}


POINTS = Report(
    name="points",
    title=gettext_lazy("Loyalty points"),
    description=gettext_lazy("Every change of a client's points: what was earned, spent, "
                             "adjusted and expired, with the balance after it."),
    filter_form=PointsFilterForm,
    columns=(
        ReportColumn("created_at", gettext_lazy("Date"), DATETIME),
        ReportColumn("client_name", gettext_lazy("Client")),
        ReportColumn("kind", gettext_lazy("Kind"), labels=dict(EntryKind.choices)),
        ReportColumn("points", gettext_lazy("Points"), INTEGER),
        ReportColumn("balance_after", gettext_lazy("Balance after"), INTEGER),
        ReportColumn("source", gettext_lazy("Source"),
                     reads=("kind", "appointment_id", "round_number", "invoice_id",
                            "refund_id", "gift_card_id", "unlocked_by_id", "reverses_id",
                            "source_moment", "source_number", "source_code"),
                     text=labels.points_source),
        ReportColumn("description", gettext_lazy("Description"),
                     reads=("kind", "points", "description", "round_number", "source_item",
                            "source_moment", "source_state", "invoice__number",
                            "refund__invoice__number", "source_offer", "source_code",
                            "reversed_kind", "reversed_description", "reversed_card_code"),
                     text=labels.points_description),
        ReportColumn("staff_name", gettext_lazy("Staff user")),
        ReportColumn("note", gettext_lazy("Staff note")),
    ),
    rows=_points_rows,
    ordering=("-created_at", "-pk"),
    table_template="reports/_points_table.html",
    page_fields=("client_id",),
    totals=_points_totals,
    default_filters=_last_days,
    actions_template="reports/_points_actions.html",
)


def _gift_card_filters(filters: dict) -> dict:
    return {"date_from": filters.get("date_from"), "date_to": filters.get("date_to"),
            "offer": filters.get("offer")}


def _gift_card_rows(*, business: Business, filters: dict):
    return selectors.gift_card_report(business=business, **_gift_card_filters(filters))


def _gift_card_totals(*, business: Business, filters: dict) -> dict:
    sums = selectors.gift_card_totals(business=business, **_gift_card_filters(filters))

    def money(name: str) -> str:
        return format_money(sums[name], business.currency)

    return {_("Cards issued"): sums["cards"], _("Value issued"): money("issued"),
            pgettext("gift card value", "Redeemed"): money("redeemed"),
            pgettext("gift card value", "Cancelled"): money("cancelled"),
            _("Outstanding"): money("outstanding"),
            pgettext("gift card value", "Expired"): money("expired"),
            pgettext("gift card value", "Deactivated"): money("deactivated")}


GIFT_CARDS = Report(
    name="gift-cards",
    title=gettext_lazy("Gift cards"),
    description=gettext_lazy("Gift cards issued per month and offer, and what became of "
                             "their value: redeemed, cancelled, still outstanding, expired "
                             "or on deactivated cards."),
    filter_form=GiftCardsFilterForm,
    columns=(
        ReportColumn("month", gettext_lazy("Month"), MONTH),
        ReportColumn("offer", gettext_lazy("Offer"), reads=("offer_name", "without_offer"),
                     text=labels.gift_card_group),
        ReportColumn("cards", gettext_lazy("Cards issued"), INTEGER),
        ReportColumn("issued", gettext_lazy("Value issued (%(currency)s)"), MONEY),
        ReportColumn("redeemed", gettext_lazy("Redeemed (%(currency)s)"), MONEY),
        ReportColumn("cancelled", gettext_lazy("Cancelled (%(currency)s)"), MONEY),
        ReportColumn("outstanding", gettext_lazy("Outstanding (%(currency)s)"), MONEY),
        ReportColumn("expired", gettext_lazy("Expired (%(currency)s)"), MONEY),
        ReportColumn("deactivated", gettext_lazy("Deactivated (%(currency)s)"), MONEY),
    ),
    rows=_gift_card_rows,
    ordering=("-month", "offer_name", "group_key"),
    table_template="reports/_gift_cards_table.html",
    totals=_gift_card_totals,
)

# Sales ----------------------------------------------------------------------------------

SALES_HELP = gettext_lazy(
    "Sales are the lines of paid invoices, on the day of payment, after discounts and tax "
    "included. Net sales are services and products less refunds; gift cards sold are "
    "listed apart, since what they pay for counts when it is sold.")


def _this_month(business: Business) -> dict:
    today = timezone.localdate(timezone=business.zone)
    return {"date_from": today.replace(day=1).isoformat(), "date_to": today.isoformat()}


def _dates(filters: dict) -> dict:
    return {"date_from": filters.get("date_from"), "date_to": filters.get("date_to")}


def _money_totals(business: Business, sums: dict, names: dict) -> dict:
    return {label: format_money(sums[name], business.currency) for name, label in names.items()}


def _sales_totals(*, business: Business, filters: dict) -> dict:
    sums = sales.sales_totals(business=business, **_dates(filters))
    return {_("Invoices"): sums["invoices"], **_money_totals(business, sums, {
        "net": _("Net sales"), "services": _("Services"), "products": _("Products"),
        "gift_cards": _("Gift cards sold"), "refunded": _("Refunded")})}


def _report_rows(selector):
    return lambda *, business, filters: selector(business=business, **_dates(filters))


STAFF_COLUMN = ReportColumn("staff_name", gettext_lazy("Staff member"), reads=("staff_name",),
                            text=labels.staff_name)

SALES_BY_DAY = Report(
    name="sales-by-day",
    title=gettext_lazy("Sales by day"),
    description=SALES_HELP,
    filter_form=SalesFilterForm,
    columns=(
        ReportColumn("day", gettext_lazy("Day"), DATE),
        ReportColumn("invoices", gettext_lazy("Invoices"), INTEGER),
        ReportColumn("services", gettext_lazy("Services (%(currency)s)"), MONEY),
        ReportColumn("products", gettext_lazy("Products (%(currency)s)"), MONEY),
        ReportColumn("gift_cards", gettext_lazy("Gift cards sold (%(currency)s)"), MONEY),
        ReportColumn("discounts", gettext_lazy("Discounts (%(currency)s)"), MONEY),
        ReportColumn("refunded", gettext_lazy("Refunded (%(currency)s)"), MONEY),
        ReportColumn("net", gettext_lazy("Net sales (%(currency)s)"), MONEY),
    ),
    rows=_report_rows(sales.sales_by_day),
    ordering=("-day",),
    table_template="reports/_sales_table.html",
    totals=_sales_totals,
    default_filters=_this_month,
)

SALES_BY_STAFF = Report(
    name="sales-by-staff",
    title=gettext_lazy("Sales by staff member"),
    description=gettext_lazy(
        "Net sales of each staff member: the services they performed, and the products "
        "sold at their clients' visits (a product sold without a visit is credited to "
        "nobody)."),
    filter_form=SalesFilterForm,
    columns=(
        STAFF_COLUMN,
        ReportColumn("visits", gettext_lazy("Visits"), INTEGER),
        ReportColumn("services", gettext_lazy("Services (%(currency)s)"), MONEY),
        ReportColumn("products", gettext_lazy("Products (%(currency)s)"), MONEY),
        ReportColumn("net", gettext_lazy("Net sales (%(currency)s)"), MONEY),
    ),
    rows=_report_rows(sales.sales_by_staff),
    ordering=("staff_name", "staff_key"),
    table_template="reports/_sales_table.html",
    totals=_sales_totals,
    default_filters=_this_month,
)

SALES_BY_SERVICE = Report(
    name="sales-by-service",
    title=gettext_lazy("Sales by service"),
    description=gettext_lazy("How many of each service were sold, for how much, and what "
                             "was refunded."),
    filter_form=SalesFilterForm,
    columns=(
        ReportColumn("service_name", gettext_lazy("Service")),
        ReportColumn("quantity", gettext_lazy("Sold"), INTEGER),
        ReportColumn("sales", gettext_lazy("Sales (%(currency)s)"), MONEY),
        ReportColumn("refunded", gettext_lazy("Refunded (%(currency)s)"), MONEY),
        ReportColumn("net", gettext_lazy("Net sales (%(currency)s)"), MONEY),
    ),
    rows=_report_rows(sales.sales_by_service),
    ordering=("service_name", "group_key"),
    table_template="reports/_sales_table.html",
    totals=_sales_totals,
    default_filters=_this_month,
)


def _payment_totals(*, business: Business, filters: dict) -> dict:
    rows = list(sales.sales_by_payment(business=business, **_dates(filters)))
    sums = {name: sum((row[name] for row in rows), Decimal("0.00"))
            for name in ("taken", "refunded", "net")}
    return {_("Payments"): sum(row["payments"] for row in rows), **_money_totals(
        business, sums, {"taken": _("Taken"), "refunded": _("Refunded"), "net": _("Net")})}


SALES_BY_PAYMENT = Report(
    name="sales-by-payment",
    title=gettext_lazy("Sales by payment method"),
    description=gettext_lazy("What was taken by cash, card and gift card for the invoices "
                             "paid on these days (gift cards sold included), less what was "
                             "given back to each."),
    filter_form=SalesFilterForm,
    columns=(
        ReportColumn("tender", gettext_lazy("Paid by"), TEXT, labels=dict(Tender.choices)),
        ReportColumn("payments", gettext_lazy("Payments"), INTEGER),
        ReportColumn("taken", gettext_lazy("Taken (%(currency)s)"), MONEY),
        ReportColumn("refunded", gettext_lazy("Refunded (%(currency)s)"), MONEY),
        ReportColumn("net", gettext_lazy("Net (%(currency)s)"), MONEY),
    ),
    rows=_report_rows(sales.sales_by_payment),
    ordering=("tender",),
    table_template="reports/_sales_table.html",
    totals=_payment_totals,
    default_filters=_this_month,
)

COMMISSION_HELP = gettext_lazy(
    "The base of a commission is what the client paid for the staff member's services "
    "and products, after discounts and tax included, less refunds; gift cards sold earn "
    "none. A rate set for a service or a product wins over the staff member's default "
    "rate.")


def _commission_totals(*, business: Business, filters: dict) -> dict:
    return _money_totals(business, sales.commission_totals(business=business, **_dates(filters)),
                         {"base": _("Sales base"), "commission": _("Commissions")})


COMMISSIONS = Report(
    name="commissions",
    title=gettext_lazy("Staff commissions"),
    description=COMMISSION_HELP,
    filter_form=SalesFilterForm,
    columns=(
        ReportColumn("staff_name", gettext_lazy("Staff member")),
        ReportColumn("base", gettext_lazy("Sales base (%(currency)s)"), MONEY),
        ReportColumn("default_rate", gettext_lazy("Default rate (%%)"), MONEY,
                     percent=True),
        ReportColumn("commission", gettext_lazy("Commission (%(currency)s)"), MONEY),
    ),
    rows=_report_rows(sales.commissions),
    ordering=("staff_name", "staff_id"),
    table_template="reports/_sales_table.html",
    totals=_commission_totals,
    default_filters=_this_month,
    actions_template="reports/_commission_actions.html",
)

SALES_REPORTS = (SALES_BY_DAY, SALES_BY_STAFF, SALES_BY_SERVICE, SALES_BY_PAYMENT, COMMISSIONS)

REPORTS = {report.name: report
           for report in (POINTS, CLIENTS, GIFT_CARDS, *SALES_REPORTS)}


def get_report(name: str, business: Business | None = None) -> Report:
    """The report called `name` (available to `business`), or 404."""
    report = REPORTS.get(name)
    if report is None or (business is not None and not report.available(business)):
        raise Http404(_("No such report."))
    return report


def available_reports(business: Business) -> list[Report]:
    return [report for report in REPORTS.values() if report.available(business)]
