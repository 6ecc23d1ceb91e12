"""Every write of loyalty: program settings, the points ledger, crediting and expiry.

`post_entry` is the one way into the ledger (with `_write_entries`, its bulk form for
the crediting job): it locks the client's account, computes the balance after,
refuses a negative one, and writes the entry and the new balance together. A source
(an appointment, an invoice: EntrySource) is posted at most once per kind: a retried or
concurrent second posting returns the first entry, and the database's unique
constraint backs that up.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from booking.models import (
    Appointment,
    AppointmentState,
    Business,
    ClassType,
    Client,
    Service,
)
from core.dates import format_day, local_day
from loyalty import events, locks, rules
from loyalty.models import (
    MAX_POINTS,
    NO_SOURCE,
    AppointmentCredit,
    CatalogPoints,
    CreditOutcome,
    EntryKind,
    EntrySource,
    PointsAccount,
    PointsEntry,
    Program,
    ProgramPeriod,
)
from loyalty.selectors import (
    appointment_earnings,
    appointments_to_credit,
    invoice_money_paid,
    invoice_paid_lines,
    lots_and_spent,
    membership_stops_earning,
)
from notifications.kinds import MessageKind
from notifications.services import notify, notify_many

PROGRAM_FIELDS = (
    "crediting_delay_hours", "members_earn", "expiry_months",
    "expiry_notice_days", "points_per_booking", "spend_points", "spend_amount",
    "spend_scope", "points_per_service_line", "points_per_product_unit",
    "points_per_invoice",
)
CREDIT_BATCH = 500


# --- the ledger ---------------------------------------------------------------------

@dataclass(frozen=True)
class NewEntry:
    client_id: int
    kind: str
    points: int
    description: str
    source: EntrySource | None = None
    note: str = ""
    created_by_id: int | None = None
    reverses_id: int | None = None
    expires_at: datetime | None = None
    breakdown: list[dict] | None = None


def _expiry_for(expiry_months: int | None, kind: str, points: int, now: datetime):
    if not expiry_months or points <= 0 or kind not in (EntryKind.EARN, EntryKind.ADJUST):
        return None
    return now + relativedelta(months=expiry_months)


def _write_entries(business: Business, accounts: dict[int, PointsAccount],
                   new_entries: list[NewEntry], *, now: datetime) -> list[PointsEntry]:
    """Write entries on LOCKED accounts, in order; refuse the whole lot if any balance
    would go below zero."""
    previous = {client_id: account.balance for client_id, account in accounts.items()}
    rows = []
    for new in new_entries:
        account = accounts[new.client_id]
        balance_after = account.balance + new.points
        if balance_after < 0:
            raise ValidationError(
                {"points": ngettext("The client has only %(balance)s point.",
                                    "The client has only %(balance)s points.",
                                    account.balance) % {"balance": account.balance}})
        account.balance = balance_after
        account.updated_at = now
        rows.append(PointsEntry(
            business=business, account=account, client_id=new.client_id, kind=new.kind,
            points=new.points, balance_after=balance_after,
            **(new.source or NO_SOURCE).as_fields(), reverses_id=new.reverses_id,
            description=new.description[:200],
            note=new.note[:200], created_by_id=new.created_by_id, created_at=now,
            expires_at=new.expires_at, breakdown=new.breakdown))
    if len(rows) == 1:
        _insert_entry(rows[0])
    else:
        PointsEntry.objects.bulk_create(rows)
    touched = {row.client_id: accounts[row.client_id] for row in rows}
    _update_balances(list(touched.values()), now)
    running = dict(previous)
    changes = []
    for row in rows:
        changes.append((row, running[row.client_id]))
        running[row.client_id] = row.balance_after
    events.balance_changed.send(sender=PointsEntry, changes=changes)
    return rows


# A posting's INSERT and UPDATE are written out like its lock (locks.py): building them
# with the ORM took longer than running them, and they run for every entry.

def _insert_entry(entry: PointsEntry) -> None:
    """What entry.save(force_insert=True) does, for the one-entry case."""
    fields = [field for field in PointsEntry._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    table = quote(PointsEntry._meta.db_table)
    sql = (f"INSERT INTO {table} ({', '.join(quote(field.column) for field in fields)}) "  # noqa: S608 - names from the model
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    values = [field.get_db_prep_save(field.pre_save(entry, True), connection)
              for field in fields]
    with connection.cursor() as cursor:
        if connection.features.can_return_columns_from_insert:
            cursor.execute(f"{sql} RETURNING {quote('id')}", values)
            entry.pk = cursor.fetchone()[0]
        else:
            cursor.execute(sql, values)
            entry.pk = connection.ops.last_insert_id(cursor, PointsEntry._meta.db_table, "id")
    entry._state.adding = False
    entry._state.db = connection.alias


def _update_balances(accounts: list[PointsAccount], now: datetime) -> None:
    """One UPDATE ... FROM (VALUES ...) for one account or a batch: bulk_update's CASE
    expression costs more to build than the crediting job's whole batch of entries."""
    quote = connection.ops.quote_name
    table = quote(PointsAccount._meta.db_table)
    rows = ", ".join(["(%s, %s)"] * len(accounts))
    params = [value for account in accounts for value in (account.pk, account.balance)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH batch(id, balance) AS (VALUES {rows}) "  # noqa: S608 - only placeholders
            f"UPDATE {table} SET balance = batch.balance, updated_at = %s "
            f"FROM batch WHERE {table}.id = batch.id",
            [*params, connection.ops.adapt_datetimefield_value(now)])


def post_entry(*, business: Business, client: Client, kind: str, points: int,
               description: str, source: EntrySource | None = None, note: str = "",
               created_by=None,
               reverses: PointsEntry | None = None, breakdown: list[dict] | None = None,
               now: datetime | None = None) -> PointsEntry:
    """Post one entry; runs inside the caller's transaction (or its own)."""
    if client.business_id != business.pk:
        raise ValidationError(_("This client belongs to another business."))
    if not isinstance(points, int) or isinstance(points, bool) or points == 0:
        raise ValidationError({"points": _("Enter a whole number of points other than 0.")})
    if abs(points) > MAX_POINTS:
        raise ValidationError({"points": ngettext("Enter at most %(max)s point.",
                                                  "Enter at most %(max)s points.", MAX_POINTS)
                               % {"max": MAX_POINTS}})
    now = now or timezone.now()
    with transaction.atomic():
        account = locks.lock_account(business, client.pk)
        if source is not None:
            # After the lock: a concurrent posting of this source has committed by now.
            existing = (PointsEntry.objects.for_business(business)
                        .filter(kind=kind, **source.as_fields()).first())
            if existing is not None:
                return existing
        return _write_entries(business, {client.pk: account}, [NewEntry(
            client_id=client.pk, kind=kind, points=points, description=description,
            source=source, note=note, created_by_id=getattr(created_by, "pk", None),
            reverses_id=getattr(reverses, "pk", None), breakdown=breakdown,
            expires_at=_expiry_for(account.program_expiry_months, kind, points, now))],
            now=now)[0]


def _net_of(business: Business, entry: PointsEntry) -> int:
    """What is left of `entry` once its reversals are taken off."""
    reversed_points = (PointsEntry.objects.for_business(business)
                       .filter(kind=EntryKind.REVERSE, reverses=entry)
                       .aggregate(total=Sum("points"))["total"] or 0)
    return entry.points + reversed_points


def reverse_entry(*, business: Business, entry: PointsEntry, description: str = "",
                  source: EntrySource = NO_SOURCE, points: int | None = None, created_by=None,
                  partial_ok: bool = False, now: datetime | None = None) -> PointsEntry | None:
    """Undo `entry` (or `points` of it) once per `source` (default: the entry itself).

    Taking back points the client has already spent is refused, unless `partial_ok`
    (automatic reversals): then what is left is taken and the rest stays with the
    client. Returns None when there is nothing left to reverse.
    """
    if entry.business_id != business.pk:
        raise ValidationError(_("This entry belongs to another business."))
    if entry.kind == EntryKind.REVERSE:
        raise ValidationError(_("A reversal cannot itself be reversed."))
    now = now or timezone.now()
    with transaction.atomic():
        account = locks.lock_account(business, entry.client_id)
        # NO_SOURCE is once per reversed entry (loyalty_entry_reversed_once).
        reversals = PointsEntry.objects.for_business(business).filter(kind=EntryKind.REVERSE)
        existing = (reversals.filter(reverses=entry) if source == NO_SOURCE
                    else reversals).filter(**source.as_fields()).first()
        if existing is not None:
            return existing
        remaining = _net_of(business, entry)
        wanted = remaining if points is None else min(points, abs(remaining))
        amount = -wanted if remaining > 0 else abs(wanted)
        if amount < 0 and account.balance < -amount:
            if not partial_ok:
                raise ValidationError(
                    ngettext("This cannot be undone: the client has only %(balance)s "
                             "point left.",
                             "This cannot be undone: the client has only %(balance)s "
                             "points left.", account.balance) % {"balance": account.balance})
            amount = -account.balance
        if amount == 0:
            return None
        client = entry.client
        with translation.override(business.language):
            description = description or _("Reversal: %(description)s") % {
                "description": entry.description}
        return _write_entries(business, {client.pk: account}, [NewEntry(
            client_id=client.pk, kind=EntryKind.REVERSE, points=amount,
            description=description, source=source, reverses_id=entry.pk,
            created_by_id=getattr(created_by, "pk", None))], now=now)[0]


def _refuse_while_off(business: Business) -> None:
    """While the program is off, balances are kept as they are (SPEC 3.6)."""
    if not business.loyalty_enabled:
        raise ValidationError(_("Loyalty is off: turn it on in Settings to change points."))


@transaction.atomic(durable=True)
def adjust_points(*, business: Business, client: Client, points: int, description: str,
                  note: str = "", by) -> PointsEntry:
    """A staff member adds (or, negative, deducts) points, saying why to the client."""
    _refuse_while_off(business)
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": _("Say why: the client sees this text.")})
    entry = post_entry(business=business, client=client, kind=EntryKind.ADJUST, points=points,
                       description=description, note=(note or "").strip(), created_by=by)
    _notify_balance_updated(entry)
    return entry


@transaction.atomic(durable=True)
def undo_adjustment(*, business: Business, entry: PointsEntry, by) -> PointsEntry:
    _refuse_while_off(business)
    if entry.kind != EntryKind.ADJUST:
        raise ValidationError(_("Only a manual adjustment can be undone here."))
    # Lock, then decide: a second undo, even a concurrent one, finds the first.
    locks.lock_account(business, entry.client_id)
    undone = (PointsEntry.objects.for_business(business)
              .filter(kind=EntryKind.REVERSE, reverses=entry).exists())
    reversal = None if undone else reverse_entry(business=business, entry=entry, created_by=by)
    if reversal is None:
        raise ValidationError(_("This adjustment has already been undone."))
    _notify_balance_updated(reversal)
    return reversal


def spend_points(*, business: Business, client: Client, points: int, description: str,
                 source: EntrySource) -> PointsEntry:
    """Take `points` for something bought with them (a gift card); once per source.
    Runs inside the caller's transaction, so that the purchase and the points go
    together."""
    if not isinstance(points, int) or points <= 0:
        raise ValidationError({"points": _("Enter a whole number of points above 0.")})
    return post_entry(business=business, client=client, kind=EntryKind.REDEEM, points=-points,
                      description=description, source=source)


def _notify_balance_updated(entry: PointsEntry) -> None:
    notify(MessageKind.BALANCE_UPDATED, entry.client, {
        "points": f"{entry.points:+d}", "balance": str(entry.balance_after),
        "description": entry.description})


# --- the program ---------------------------------------------------------------------

@transaction.atomic(durable=True)
def update_program(*, business: Business, **values) -> Program:
    unknown = set(values) - set(PROGRAM_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown setting: %(name)s") % {"name": ", ".join(sorted(unknown))})
    program = locks.lock_program(business)
    for name, value in values.items():
        setattr(program, name, value)
    if program.spend_points and not program.spend_amount:
        raise ValidationError({"spend_amount": _("Say for what amount the points are given.")})
    program.full_clean(exclude=["business"])
    program.save()
    return program


def on_loyalty_switched(*, business: Business, enabled: bool, now: datetime | None = None
                        ) -> None:
    """Receiver of booking's extension switch: record when the program is on, so that
    what ends while it is off never earns, and what ended while it was on still earns
    after an off and on again. An "on" while already on (a retry, or a setup that says
    since when) keeps one period, from the earlier time."""
    now = now or timezone.now()
    with transaction.atomic():
        # Switches of one business run one after the other: one open period at most.
        locks.lock_program(business)
        current = (ProgramPeriod.objects.for_business(business)
                   .filter(ended_at__isnull=True).first())
        if enabled and current is None:
            ProgramPeriod.objects.create(business=business, started_at=now)
        elif enabled and now < current.started_at:
            current.started_at = now
            current.save(update_fields=["started_at"])
        elif not enabled and current is not None:
            current.ended_at = max(now, current.started_at)
            current.save(update_fields=["ended_at"])


@transaction.atomic(durable=True)
def set_catalog_points(*, business: Business, service: Service | None = None,
                       class_type: ClassType | None = None, is_enabled: bool,
                       points: int) -> CatalogPoints:
    item = service or class_type
    if item is None or (service is not None and class_type is not None):
        raise ValidationError(_("Choose a service or a class."))
    if item.business_id != business.pk:
        raise ValidationError(_("This service belongs to another business."))
    if not isinstance(points, int) or points < 0 or points > MAX_POINTS:
        raise ValidationError({"points": _("Enter a whole number of points from 0 to "
                                           "%(max)s.") % {"max": MAX_POINTS}})
    if is_enabled and points == 0:
        raise ValidationError({"points": _("Enter how many points it earns.")})
    lookup = {"service": service} if service is not None else {"class_type": class_type}
    CatalogPoints.objects.bulk_create([CatalogPoints(business=business, **lookup)],
                                      ignore_conflicts=True)
    row = CatalogPoints.objects.for_business(business).select_for_update().get(**lookup)
    row.is_enabled = is_enabled
    row.points = points
    row.save(update_fields=["is_enabled", "points"])
    return row


# --- who earns ---------------------------------------------------------------------

def _appointment_description(business: Business, appointment: Appointment, points: int) -> str:
    day = local_day(appointment.starts_at, business.time_zone)
    with translation.override(business.language):
        return ngettext("%(points)s point for %(item)s on %(day)s",
                        "%(points)s points for %(item)s on %(day)s", points) % {
            "points": points, "item": appointment.title,
            "day": format_day(day, business.language, business.time_zone)}


# --- crediting appointments -------------------------------------------------------------

def credit_due_appointments(*, now: datetime | None = None, batch_size: int = CREDIT_BATCH
                            ) -> int:
    """The every-minute job: credit every attended appointment whose end plus the
    delay has passed, once. Batches are claimed with SKIP LOCKED, so several workers
    share the work without waiting for each other."""
    now = now or timezone.now()
    credited = 0
    programs = Program.objects.filter(business__loyalty_enabled=True).select_related("business")
    for program in programs:
        after = None
        while True:
            count, after = _credit_batch(program, now=now, after=after, batch_size=batch_size)
            credited += count
            if after is None:
                break
    return credited


@transaction.atomic(durable=True)
def _credit_batch(program: Program, *, now: datetime, after, batch_size: int):
    business = program.business
    cutoff = now - timedelta(hours=program.crediting_delay_hours)
    due = appointments_to_credit(business=business, program=program,
                                 now=now).filter(ends_at__lte=cutoff)
    if after is not None:
        after_end, after_pk = after
        due = due.filter(Q(ends_at__gt=after_end) | Q(ends_at=after_end, pk__gt=after_pk))
    batch = list(due.order_by("ends_at", "pk")
                 .select_for_update(skip_locked=True, of=("self",))
                 .select_related("client", "service", "class_session__class_type")
                 [:batch_size])
    if not batch:
        return 0, None
    # A full batch means there may be more after it.
    after = (batch[-1].ends_at, batch[-1].pk) if len(batch) == batch_size else None
    # A worker that held these rows may have committed between our scan and our lock.
    already = set(AppointmentCredit.objects.filter(appointment__in=batch)
                  .values_list("appointment_id", flat=True))
    batch = [appointment for appointment in batch if appointment.pk not in already]
    return _credit_appointments(program, batch, now=now), after


def _credit_appointments(program: Program, batch: list[Appointment], *, now: datetime) -> int:
    business = program.business
    if not batch:
        return 0
    marks, earning = [], []
    for outcome in appointment_earnings(business=business, program=program,
                                        appointments=batch):
        if outcome.reason:
            marks.append(AppointmentCredit(business=business, appointment=outcome.appointment,
                                           outcome=CreditOutcome.NOTHING,
                                           reason=outcome.reason, processed_at=now))
        else:
            earning.append((outcome.appointment, outcome.points))
    entries = []
    if earning:
        accounts = locks.lock_accounts(business, [a.client_id for a, _points in earning])
        new_entries = [NewEntry(
            client_id=appointment.client_id, kind=EntryKind.EARN, points=points,
            description=_appointment_description(business, appointment, points),
            source=EntrySource(appointment_id=appointment.pk),
            expires_at=_expiry_for(program.expiry_months, EntryKind.EARN, points, now))
            for appointment, points in earning]
        entries = _write_entries(business, accounts, new_entries, now=now)
        for (appointment, _points), entry in zip(earning, entries, strict=True):
            marks.append(AppointmentCredit(business=business, appointment=appointment,
                                           outcome=CreditOutcome.CREDITED, entry=entry,
                                           processed_at=now))
    AppointmentCredit.objects.bulk_create(marks)
    if entries:
        messages = []
        for (appointment, _points), entry in zip(earning, entries, strict=True):
            appointment.client.business = business
            messages.append((appointment.client, _points_credited_context(
                entry, item=appointment.title)))
        notify_many(MessageKind.POINTS_CREDITED, business, messages)
    return len(entries)


def _points_credited_context(entry: PointsEntry, *, item: str) -> dict[str, str]:
    return {"points": str(entry.points), "balance": str(entry.balance_after), "service": item,
            "description": entry.description}


def _notify_points_credited(entry: PointsEntry, *, item: str) -> None:
    notify(MessageKind.POINTS_CREDITED, entry.client,
           _points_credited_context(entry, item=item))


def on_appointment_state_changed(*, appointment: Appointment, from_state: str = "",
                                 to_state: str, **_kwargs) -> None:
    """A credited appointment cancelled or marked no-show gives its points back; a
    no-show mark undone (back to booked, or completed) takes them again. Each round
    has its own source, so that each happens once however often it is retried: rounds
    take back (odd numbers) and give back (even numbers) in turn."""
    taken_back = to_state in (AppointmentState.CANCELLED, AppointmentState.NO_SHOW)
    undone = (from_state == AppointmentState.NO_SHOW
              and to_state in (AppointmentState.BOOKED, AppointmentState.COMPLETED))
    if not (taken_back or undone):
        return
    business = appointment.business
    earned = (PointsEntry.objects.for_business(business)
              .filter(kind=EntryKind.EARN, appointment=appointment).first())
    if earned is None:
        return
    rounds = (PointsEntry.objects.for_business(business)
              .filter(kind=EntryKind.REVERSE, reverses=earned, points__gt=0).count())
    if taken_back:
        with translation.override(business.language):
            description = _("%(item)s cancelled: points taken back") % {
                "item": appointment.title} if to_state == AppointmentState.CANCELLED else \
                _("%(item)s not attended: points taken back") % {"item": appointment.title}
        reverse_entry(business=business, entry=earned, description=description,
                      source=EntrySource(appointment_id=appointment.pk,
                                         round_number=2 * rounds + 1),
                      partial_ok=True)
        return
    missing = earned.points - _net_of(business, earned)
    if missing <= 0 or not business.loyalty_enabled:
        return
    with translation.override(business.language):
        description = _("%(item)s attended after all: points given back") % {
            "item": appointment.title}
    # A positive reversal of the earn entry: what it took back is back, and the next
    # no-show mark finds the points to take again.
    post_entry(business=business, client=appointment.client, kind=EntryKind.REVERSE,
               points=missing, description=description, reverses=earned,
               source=EntrySource(appointment_id=appointment.pk, round_number=2 * rounds + 2))


# --- crediting invoices ----------------------------------------------------------------

def _invoice_earns(program: Program | None, invoice) -> bool:
    if program is None or not invoice.business.loyalty_enabled or invoice.client_id is None:
        return False
    if not program.earning_rules.has_invoice_rules:
        return False
    return not membership_stops_earning(business=invoice.business, program=program,
                                        client_id=invoice.client_id,
                                        moment=invoice.paid_at or timezone.now())


def credit_invoice(*, invoice, now: datetime | None = None) -> PointsEntry | None:
    """Invoice rules credit when the invoice is paid (receiver of checkout's
    invoice_paid, inside the payment's transaction)."""
    business = invoice.business
    program = Program.objects.for_business(business).first()
    if not _invoice_earns(program, invoice):
        return None
    given = rules.invoice_points_by_rule(
        lines=invoice_paid_lines(invoice, net_of_refunds=False),
        money_paid=invoice_money_paid(invoice, net_of_refunds=False),
        rules=program.earning_rules)
    points = sum(item.points for item in given)
    if points <= 0:
        return None
    with translation.override(business.language):
        description = ngettext("%(points)s point for %(invoice)s",
                               "%(points)s points for %(invoice)s", points) % {
            "points": points, "invoice": invoice.label}
    entry = post_entry(business=business, client=invoice.client, kind=EntryKind.EARN,
                       points=points, description=description,
                       source=EntrySource(invoice_id=invoice.pk),
                       breakdown=[item.as_json() for item in given], now=now)
    _notify_points_credited(entry, item=invoice.label)
    return entry


def reverse_for_refund(*, invoice, refund) -> PointsEntry | None:
    """A refund takes back what the invoice no longer earns, once per refund."""
    business = invoice.business
    earned = (PointsEntry.objects.for_business(business)
              .filter(kind=EntryKind.EARN, invoice=invoice).first())
    if earned is None:
        return None
    program = Program.objects.for_business(business).first()
    still_earned = rules.invoice_points(
        lines=invoice_paid_lines(invoice, net_of_refunds=True),
        money_paid=invoice_money_paid(invoice, net_of_refunds=True),
        rules=program.earning_rules) if program is not None else 0
    remaining = _net_of(business, earned)
    to_take = remaining - min(still_earned, remaining)
    if to_take <= 0:
        return None
    with translation.override(business.language):
        description = _("Refund on %(invoice)s: points taken back") % {"invoice": invoice.label}
    return reverse_entry(business=business, entry=earned, points=to_take,
                         description=description, source=EntrySource(refund_id=refund.pk),
                         partial_ok=True)


# --- expiry -----------------------------------------------------------------------------

EXPIRY_BATCH = 200


def expire_points(*, now: datetime | None = None, batch_size: int = EXPIRY_BATCH) -> int:
    """The periodic job: post an expire entry for points past their expiry date, the
    soonest-expiring taken first (rules.py). Returns the points expired."""
    now = now or timezone.now()
    expired = 0
    while True:
        count, points = _expire_batch(now=now, batch_size=batch_size)
        expired += points
        if count < batch_size:
            return expired


@transaction.atomic(durable=True)
def _expire_batch(*, now: datetime, batch_size: int) -> tuple[int, int]:
    newly_expired = PointsEntry.objects.filter(
        account=OuterRef("pk"), expires_at__lte=now).filter(
        Q(expires_at__gt=OuterRef("expiry_checked_at")) | Q(
            account__expiry_checked_at__isnull=True))
    accounts = list(PointsAccount.objects
                    .filter(business__loyalty_enabled=True, balance__gt=0)
                    .filter(Exists(newly_expired))
                    .select_for_update(skip_locked=True, of=("self",))
                    .select_related("business", "client").order_by("pk")[:batch_size])
    total = 0
    for account in accounts:
        business = account.business
        lots, spent = lots_and_spent(business=business, client=account.client)
        points = min(rules.points_expired_by(lots, spent=spent, now=now), account.balance)
        if points > 0:
            with translation.override(business.language):
                description = ngettext("%(count)s point expired", "%(count)s points expired",
                                       points) % {"count": points}
            _write_entries(business, {account.client_id: account}, [NewEntry(
                client_id=account.client_id, kind=EntryKind.EXPIRE, points=-points,
                description=description)], now=now)
            total += points
        account.expiry_checked_at = now
        account.save(update_fields=["expiry_checked_at"])
    return len(accounts), total


def warn_expiring_points(*, now: datetime | None = None) -> int:
    """The daily job: tell clients, once per expiry, how many points expire when, the
    program's notice days ahead. Returns the number of clients told."""
    now = now or timezone.now()
    told = 0
    programs = (Program.objects.filter(business__loyalty_enabled=True,
                                       expiry_months__isnull=False)
                .select_related("business"))
    for program in programs:
        told += _warn_business(program, now=now)
    return told


@transaction.atomic(durable=True)
def _warn_business(program: Program, *, now: datetime) -> int:
    business = program.business
    horizon = now + timedelta(days=program.expiry_notice_days)
    unannounced = PointsEntry.objects.filter(
        account=OuterRef("pk"), expires_at__gt=now, expires_at__lte=horizon).filter(
        Q(expires_at__gt=OuterRef("expiry_warned_until"))
        | Q(account__expiry_warned_until__isnull=True))
    accounts = (PointsAccount.objects.for_business(business).filter(balance__gt=0)
                .filter(Exists(unannounced)).select_for_update(skip_locked=True, of=("self",))
                .select_related("client").order_by("pk"))
    told = 0
    for account in accounts:
        lots, spent = lots_and_spent(business=business, client=account.client)
        soon = [lot for lot in rules.upcoming_expiries(lots, spent=spent, now=now)
                if lot.expires_at <= horizon]
        if soon:
            _notify_points_expiring(business, account, soon, now=now)
            told += 1
        account.expiry_warned_until = horizon
        account.save(update_fields=["expiry_warned_until"])
    return told


def _notify_points_expiring(business: Business, account: PointsAccount, soon, *,
                            now: datetime) -> None:
    first_day = local_day(soon[0].expires_at, business.time_zone)
    notify(MessageKind.POINTS_EXPIRING, account.client, {
        "points": str(sum(lot.points for lot in soon)),
        "expiry_date": format_day(first_day, business.language, business.time_zone,
                                  today=local_day(now, business.time_zone)),
        "balance": str(account.balance)})
