"""The reports of the back office, each a `Report` (see registry.py)."""

from datetime import timedelta

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from core.money import format_money
from loyalty.models import EntryKind
from reports import labels, selectors
from reports.exporters import DATETIME, INTEGER, MONEY, MONTH
from reports.forms import ClientsFilterForm, GiftCardsFilterForm, PointsFilterForm
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

REPORTS = {report.name: report for report in (POINTS, CLIENTS, GIFT_CARDS)}


def get_report(name: str, business: Business | None = None) -> Report:
    """The report called `name` (available to `business`), or 404."""
    report = REPORTS.get(name)
    if report is None or (business is not None and not report.available(business)):
        raise Http404(_("No such report."))
    return report


def available_reports(business: Business) -> list[Report]:
    return [report for report in REPORTS.values() if report.available(business)]
