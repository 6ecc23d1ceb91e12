"""Reads of loyalty used by pages, the API, checkout and the booking site; every one
takes the business."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from booking.models import HOLDING_STATES, Appointment, Client, ClientMembership
from checkout.hooks import InvoiceSection
from checkout.models import Invoice, Tender
from core.dates import local_day
from core.money import format_money
from loyalty import descriptions, rules
from loyalty.models import (
    RESTORATION,
    AppointmentCredit,
    CatalogPoints,
    EntryKind,
    PointsAccount,
    PointsEntry,
    Program,
    ProgramPeriod,
)
from loyalty.stamp_card import next_reward
from tenancy.models import Business

CREDITS = (EntryKind.EARN, EntryKind.ADJUST)


def program_of(business: Business) -> Program:
    """The business's program; an unsaved one with the defaults (off) if never set."""
    return Program.objects.for_business(business).first() or Program(business=business)


def program_enabled(business: Business) -> bool:
    return business.loyalty_enabled


def balance_of(*, business: Business, client: Client) -> int:
    return (PointsAccount.objects.for_business(business).filter(client=client)
            .values_list("balance", flat=True).first() or 0)


def history(*, business: Business, client: Client) -> QuerySet[PointsEntry]:
    return (PointsEntry.objects.for_business(business).filter(client=client)
            .select_related("created_by", *descriptions.SOURCE_ROWS)
            .order_by("-created_at", "-pk"))


def catalog_points(*, business: Business, service=None, class_type=None) -> CatalogPoints:
    lookup = {"service": service} if service is not None else {"class_type": class_type}
    return (CatalogPoints.objects.for_business(business).filter(**lookup).first()
            or CatalogPoints(business=business, **lookup))


def points_for_item(*, business: Business, program: Program, service=None,
                    class_type=None) -> int:
    """What one attended appointment of `service` (or a seat in `class_type`) earns."""
    item = catalog_points(business=business, service=service, class_type=class_type)
    return rules.appointment_points(item_points=item.effective_points,
                                    rules=program.earning_rules)


def catalog_points_map(business: Business) -> tuple[dict[int, int], dict[int, int]]:
    """Points per service id and per class type id, for those whose tab is on."""
    services, classes = {}, {}
    for row in CatalogPoints.objects.for_business(business).filter(is_enabled=True):
        if row.service_id:
            services[row.service_id] = row.points
        else:
            classes[row.class_type_id] = row.points
    return services, classes


def appointment_earns(appointment: Appointment) -> bool:
    """A booking that used a code earns only if the code says so (SPEC 3.4)."""
    return not appointment.discount_code or appointment.code_earns_points


def members_on(*, business: Business, client_ids, days) -> set[tuple[int, date]]:
    """(client id, day) pairs where the client held an active membership that day."""
    if not client_ids or not days:
        return set()
    memberships = (ClientMembership.objects.for_business(business)
                   .filter(client_id__in=client_ids, cancelled_at__isnull=True,
                           starts_on__lte=max(days), ends_on__gte=min(days))
                   .values_list("client_id", "starts_on", "ends_on"))
    by_client = defaultdict(list)
    for client_id, starts_on, ends_on in memberships:
        by_client[client_id].append((starts_on, ends_on))
    return {(client_id, day) for client_id, periods in by_client.items() for day in days
            if any(start <= day <= end for start, end in periods)}


def membership_stops_earning(*, business: Business, program: Program, client_id: int,
                             moment: datetime) -> bool:
    """Whether the client held an active membership on the day of `moment` while the
    program does not let members earn."""
    if program.members_earn:
        return False
    day = local_day(moment, business.time_zone)
    return bool(members_on(business=business, client_ids={client_id}, days={day}))


def program_periods(business: Business) -> list[tuple[datetime, datetime | None]]:
    """When the program was on: (start, end) pairs, end None for the period still open."""
    return list(ProgramPeriod.objects.for_business(business).order_by("started_at")
                .values_list("started_at", "ended_at"))


def _on_at(periods: list[tuple[datetime, datetime | None]], moment: datetime) -> bool:
    return any(start <= moment and (end is None or moment < end) for start, end in periods)


# The crediting job looks back this far past the delay: far more than any outage of the
# every-minute job, and it keeps the job's scan short. What ended earlier is never
# credited, so it is never shown as pending either.
CATCH_UP = timedelta(days=90)


def appointments_to_credit(*, business: Business, program: Program, now: datetime
                           ) -> QuerySet[Appointment]:
    """Booked or attended appointments the crediting job has not handled yet and still
    reaches: ended since the program first came on and less than the delay plus
    CATCH_UP ago. Which of them earn, and how much, is appointment_earnings' answer."""
    first_on = (ProgramPeriod.objects.for_business(business).order_by("started_at")
                .values_list("started_at", flat=True).first())
    if first_on is None:
        return Appointment.objects.none()
    oldest = now - timedelta(hours=program.crediting_delay_hours) - CATCH_UP
    handled = AppointmentCredit.objects.filter(appointment=OuterRef("pk"))
    return (Appointment.objects.for_business(business)
            .filter(state__in=HOLDING_STATES, ends_at__gte=max(oldest, first_on))
            .filter(~Exists(handled)))


@dataclass(frozen=True)
class AppointmentEarning:
    appointment: Appointment
    points: int
    # Empty when it earns; else "program_off", "code", "member" or "no_rule".
    reason: str


def appointment_earnings(*, business: Business, program: Program,
                         appointments: list[Appointment]) -> list[AppointmentEarning]:
    """What each attended appointment earns under `program`'s rules (saved or not), or
    why it earns nothing: it ended while the program was off, a code that does not earn,
    a membership while members do not earn, no rule. The crediting job and the points
    shown as pending read it here, so that a client is never shown points the job will
    not give."""
    service_points, class_points = catalog_points_map(business)
    periods = program_periods(business)
    days = {appointment.pk: local_day(appointment.starts_at, business.time_zone)
            for appointment in appointments}
    members = set() if program.members_earn else members_on(
        business=business, client_ids={a.client_id for a in appointments},
        days=set(days.values()))
    earnings = []
    for appointment in appointments:
        if appointment.class_session_id:
            item_points = class_points.get(appointment.class_session.class_type_id, 0)
        else:
            item_points = service_points.get(appointment.service_id, 0)
        points = rules.appointment_points(item_points=item_points,
                                          rules=program.earning_rules)
        reason = ""
        if not _on_at(periods, appointment.ends_at):
            reason = "program_off"
        elif not appointment_earns(appointment):
            reason = "code"
        elif (appointment.client_id, days[appointment.pk]) in members:
            reason = "member"
        elif points <= 0:
            reason = "no_rule"
        earnings.append(AppointmentEarning(appointment, points, reason))
    return earnings


# --- pending points -------------------------------------------------------------------

@dataclass(frozen=True)
class PendingCredit:
    appointment: Appointment
    points: int
    # When the crediting job credits it: the appointment's end plus the delay.
    credit_at: datetime


def _pending_rows(business: Business, program: Program, *, client: Client | None,
                  now: datetime) -> list[PendingCredit]:
    delay = timedelta(hours=program.crediting_delay_hours)
    upcoming = (appointments_to_credit(business=business, program=program, now=now)
                .select_related("service", "class_session__class_type")
                .order_by("ends_at", "pk"))
    if client is not None:
        upcoming = upcoming.filter(client=client)
    return [PendingCredit(earning.appointment, earning.points,
                          earning.appointment.ends_at + delay)
            for earning in appointment_earnings(business=business, program=program,
                                                appointments=list(upcoming))
            if not earning.reason]


def pending(*, business: Business, client: Client, now: datetime | None = None
            ) -> list[PendingCredit]:
    """Booked appointments not yet credited, with the points they will earn under
    today's rules and when. Pending points are not spendable."""
    if not business.loyalty_enabled:
        return []
    return _pending_rows(business, program_of(business), client=client,
                         now=now or timezone.now())


def _pending_by_client(business: Business, program: Program, now: datetime) -> dict[int, int]:
    totals = defaultdict(int)
    for row in _pending_rows(business, program, client=None, now=now):
        totals[row.appointment.client_id] += row.points
    return totals


def pending_in_business(*, business: Business, program: Program,
                        now: datetime | None = None) -> dict[str, int]:
    """How many clients have pending points, and how many, under `program`'s rules."""
    totals = _pending_by_client(business, program, now or timezone.now())
    return {"clients": len(totals), "points": sum(totals.values())}


def rule_change_impact(*, business: Business, saved: Program, changed: Program,
                       now: datetime | None = None) -> dict[str, int]:
    """What a change of the rules (`changed`, not saved yet) does to pending points: how
    many clients it touches, and their pending points before and after."""
    now = now or timezone.now()
    before = _pending_by_client(business, saved, now)
    after = _pending_by_client(business, changed, now)
    touched = {client_id for client_id in before.keys() | after.keys()
               if before.get(client_id, 0) != after.get(client_id, 0)}
    return {"clients": len(touched),
            "before": sum(before.get(client_id, 0) for client_id in touched),
            "after": sum(after.get(client_id, 0) for client_id in touched)}


# --- invoices ---------------------------------------------------------------------------

def invoice_paid_lines(invoice: Invoice, *, net_of_refunds: bool) -> list[rules.PaidLine]:
    """The invoice's lines as the invoice rules see them (as paid, or net of refunds)."""
    lines = []
    for line in invoice.lines.select_related("appointment"):
        quantity, amount = line.quantity, line.amount
        if net_of_refunds:
            quantity -= line.refunded_quantity
            amount -= line.refunded_amount
        if quantity <= 0 and amount <= 0:
            continue
        earns = line.appointment is None or appointment_earns(line.appointment)
        lines.append(rules.PaidLine(kind=line.kind, quantity=max(quantity, 0),
                                    amount=max(amount, 0), earns=earns))
    return lines


def invoice_money_paid(invoice: Invoice, *, net_of_refunds: bool) -> Decimal:
    total = Decimal(0)
    for payment in invoice.payments.exclude(tender=Tender.GIFT_CARD):
        total += payment.amount - (payment.refunded_amount if net_of_refunds else 0)
    return total


def _rule_text(item: rules.RulePoints, currency: str) -> str:
    count = {"count": item.rate}
    if item.rule == rules.RULE_SPEND:
        values = {**count, "amount": format_money(item.spend_amount, currency)}
        if item.spend_scope == rules.SPEND_SERVICES:
            return ngettext("%(count)s point per %(amount)s spent on services",
                            "%(count)s points per %(amount)s spent on services",
                            item.rate) % values
        if item.spend_scope == rules.SPEND_PRODUCTS:
            return ngettext("%(count)s point per %(amount)s spent on products",
                            "%(count)s points per %(amount)s spent on products",
                            item.rate) % values
        return ngettext("%(count)s point per %(amount)s spent",
                        "%(count)s points per %(amount)s spent", item.rate) % values
    if item.rule == rules.RULE_SERVICE_LINE:
        return ngettext("%(count)s point per paid service",
                        "%(count)s points per paid service", item.rate) % count
    if item.rule == rules.RULE_PRODUCT_UNIT:
        return ngettext("%(count)s point per paid product unit",
                        "%(count)s points per paid product unit", item.rate) % count
    return ngettext("%(count)s point per paid invoice",
                    "%(count)s points per paid invoice", item.rate) % count


def _points_line(points: int, reason: str) -> str:
    shown = str(points) if points >= 0 else f"\N{MINUS SIGN}{-points}"
    return ngettext("%(count)s point: %(reason)s", "%(count)s points: %(reason)s",
                    abs(points)) % {"count": shown, "reason": reason}


def _rules_of(business: Business, invoice: Invoice, entry: PointsEntry
              ) -> list[rules.RulePoints] | None:
    """The rules that gave an invoice's earn entry its points: as recorded with it, or,
    for an entry from before they were recorded, computed from the invoice under the
    rules of today if they have not changed since and give the same points."""
    if entry.breakdown is not None:
        return [rules.RulePoints.from_json(item) for item in entry.breakdown]
    program = program_of(business)
    if program.pk is None or program.updated_at > entry.created_at:
        return None
    given = rules.invoice_points_by_rule(
        lines=invoice_paid_lines(invoice, net_of_refunds=False),
        money_paid=invoice_money_paid(invoice, net_of_refunds=False),
        rules=program.earning_rules)
    return given if sum(item.points for item in given) == entry.points else None


def invoice_points_section(*, business: Business, invoice: Invoice) -> InvoiceSection | None:
    """The invoice page's account of the points the invoice earned, rule by rule, and
    what its refunds took back, so that staff can say why a client got them."""
    entries = list(PointsEntry.objects.for_business(business).filter(
        Q(kind=EntryKind.EARN, invoice=invoice)
        | Q(kind=EntryKind.REVERSE, reverses__kind=EntryKind.EARN, reverses__invoice=invoice))
        .order_by("pk"))
    if not entries:
        return None
    lines = []
    for entry in entries:
        given = _rules_of(business, invoice, entry) if entry.kind == EntryKind.EARN else None
        if given:
            lines += [_points_line(item.points, _rule_text(item, business.currency))
                      for item in given]
        elif entry.kind == EntryKind.EARN:
            lines.append(_points_line(entry.points, gettext(
                "rules not recorded at the time")))
        else:
            lines.append(_points_line(entry.points, entry.description))
    return InvoiceSection(title=gettext("Loyalty points"), lines=tuple(lines))


# --- expiry -------------------------------------------------------------------------------

def lots_and_spent(*, business: Business, client: Client) -> tuple[list[rules.Lot], int]:
    """The client's credit lots (net of their reversals) and everything spent since
    (debits net of theirs), for the expiry arithmetic of rules.py."""
    entries = list(PointsEntry.objects.for_business(business).filter(client=client)
                   .values_list("pk", "kind", "points", "reverses_id", "expires_at"))
    reversed_by = {}
    for _pk, kind, points, reverses_id, _expires in entries:
        if kind == EntryKind.REVERSE:
            reversed_by[reverses_id] = reversed_by.get(reverses_id, 0) + points
    lots, spent = [], 0
    for pk, kind, points, _reverses_id, expires_at in entries:
        if kind == EntryKind.REVERSE:
            continue
        net = points + reversed_by.get(pk, 0)
        if points > 0:
            if net > 0:
                lots.append(rules.Lot(expires_at, net))
        else:
            spent += -min(net, 0)
    return lots, spent


def upcoming_expiries(*, business: Business, client: Client, now: datetime | None = None
                      ) -> list[rules.Lot]:
    lots, spent = lots_and_spent(business=business, client=client)
    return rules.upcoming_expiries(lots, spent=spent, now=now or timezone.now())


# --- summaries -----------------------------------------------------------------------------

@dataclass(frozen=True)
class LoyaltySummary:
    enabled: bool
    balance: int
    pending: list[PendingCredit]
    expiries: list[rules.Lot]
    expiry_days: list[rules.ExpiryDay]

    @property
    def pending_points(self) -> int:
        return sum(item.points for item in self.pending)


def summary(*, business: Business, client: Client, now: datetime | None = None
            ) -> LoyaltySummary:
    now = now or timezone.now()
    expiries = upcoming_expiries(business=business, client=client, now=now)
    return LoyaltySummary(
        enabled=program_enabled(business),
        balance=balance_of(business=business, client=client),
        pending=pending(business=business, client=client, now=now),
        expiries=expiries, expiry_days=rules.expiries_by_day(expiries, business.zone))


def checkout_badge(*, business: Business, client: Client) -> str | None:
    """Shown beside the selected client at checkout."""
    if not program_enabled(business):
        return None
    balance = balance_of(business=business, client=client)
    return ngettext("%(count)s point", "%(count)s points", balance) % {"count": balance}


def booking_sentence(*, business: Business, client: Client | None, starts_at: datetime,
                     service=None, class_type=None) -> str:
    """"This booking will earn you 3 points. After your appointment you will have 15
    points." Empty when the program is off or the booking earns nothing, as for a
    member on that day while members do not earn."""
    if not business.loyalty_enabled:
        return ""
    program = program_of(business)
    points = points_for_item(business=business, program=program, service=service,
                             class_type=class_type)
    if points <= 0 or (client is not None and membership_stops_earning(
            business=business, program=program, client_id=client.pk, moment=starts_at)):
        return ""
    sentence = ngettext("This booking will earn you %(count)s point.",
                        "This booking will earn you %(count)s points.", points) % {
        "count": points}
    if client is not None:
        total = (balance_of(business=business, client=client)
                 + sum(item.points for item in pending(business=business, client=client))
                 + points)
        sentence += " " + ngettext("After your appointment you will have %(count)s point.",
                                   "After your appointment you will have %(count)s points.",
                                   total) % {"count": total}
        upcoming = next_reward(business=business, balance=total)
        if upcoming is not None and upcoming.missing:
            sentence += " " + ngettext(
                "You need %(count)s more point for your next reward.",
                "You need %(count)s more points for your next reward.",
                upcoming.missing) % {"count": upcoming.missing}
    return sentence


def totals(entries: QuerySet[PointsEntry]) -> dict[str, int]:
    """Earned, spent and expired points of `entries` (reversals counted with what they
    reverse: a reversed credit is not earned)."""
    sums = entries.aggregate(
        earned=Sum("points", filter=Q(kind__in=CREDITS, points__gt=0)),
        reversed_credits=Sum("points", filter=Q(kind=EntryKind.REVERSE) & (
            Q(points__lt=0) | RESTORATION)),
        spent=Sum("points", filter=Q(kind__in=[EntryKind.REDEEM, EntryKind.REWARD])
                  | Q(kind=EntryKind.ADJUST, points__lt=0)),
        returned=Sum("points", filter=Q(kind=EntryKind.REVERSE, points__gt=0)
                     & ~RESTORATION),
        expired=Sum("points", filter=Q(kind=EntryKind.EXPIRE)))
    return {
        "earned": (sums["earned"] or 0) + (sums["reversed_credits"] or 0),
        "spent": -((sums["spent"] or 0) + (sums["returned"] or 0)),
        "expired": -(sums["expired"] or 0),
    }


def appointment_sentence(*, business: Business, appointment: Appointment) -> str | None:
    """The booking confirmation email's line for a booked appointment, whose points are
    already among the client's pending ones."""
    if not business.loyalty_enabled:
        return None
    [earning] = appointment_earnings(business=business, program=program_of(business),
                                     appointments=[appointment])
    if earning.reason:
        return None
    points = earning.points
    client = appointment.client
    total = (balance_of(business=business, client=client)
             + sum(item.points for item in pending(business=business, client=client)))
    return " ".join([
        ngettext("This booking will earn you %(count)s point.",
                 "This booking will earn you %(count)s points.", points) % {"count": points},
        ngettext("After your appointment you will have %(count)s point.",
                 "After your appointment you will have %(count)s points.", total) % {
            "count": total}])
