"""Points for attended appointments: the every-minute crediting job, and the points an
appointment gives back (or takes again) when its state changes afterwards."""

from collections import defaultdict
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from booking.models import HOLDING_STATES, Appointment, AppointmentState
from core.dates import format_day, local_day
from loyalty import locks
from loyalty.models import (
    AppointmentCredit,
    CreditDue,
    CreditOutcome,
    EntryKind,
    EntrySource,
    PointsEntry,
    Program,
)
from loyalty.selectors import CATCH_UP, appointment_earnings
from loyalty.services.ledger import (
    NewEntry,
    expiry_for,
    net_of,
    post_entry,
    reverse_entry,
    write_entries,
)
from notifications.kinds import MessageKind
from notifications.services import notify_many
from tenancy.models import Business

CREDIT_BATCH = 500


def _appointment_description(business: Business, appointment: Appointment, points: int) -> str:
    day = local_day(appointment.starts_at, business.time_zone)
    with translation.override(business.language):
        return ngettext("%(points)s point for %(item)s on %(day)s",
                        "%(points)s points for %(item)s on %(day)s", points) % {
            "points": points, "item": appointment.title,
            "day": format_day(day, business.language, business.time_zone)}


def credit_due_appointments(*, now: datetime | None = None, batch_size: int = CREDIT_BATCH
                            ) -> int:
    """The every-minute job: credit every attended appointment whose end plus the
    delay has passed, once. It reads the queue (CreditDue) across all businesses, in
    batches claimed with SKIP LOCKED, so several workers share the work without waiting
    for each other, and an idle run costs one index probe whatever the history."""
    now = now or timezone.now()
    credited, after = 0, None
    while True:
        count, after = _credit_batch(now=now, after=after, batch_size=batch_size)
        credited += count
        if after is None:
            return credited


@transaction.atomic(durable=True)
def _credit_batch(*, now: datetime, after, batch_size: int):
    due = CreditDue.objects.filter(due_at__lte=now)
    if after is not None:
        after_due, after_pk = after
        due = due.filter(Q(due_at__gt=after_due) | Q(due_at=after_due, pk__gt=after_pk))
    rows = list(due.order_by("due_at", "pk").select_for_update(skip_locked=True)[:batch_size])
    if not rows:
        return 0, None
    # A full batch means there may be more after it; rows left queued below are passed.
    after = (rows[-1].due_at, rows[-1].pk) if len(rows) == batch_size else None
    # An appointment being changed right now (cancelled, moved) is left for the next run.
    appointments = {appointment.pk: appointment for appointment in Appointment.objects
                    .filter(pk__in=[row.appointment_id for row in rows])
                    .select_for_update(skip_locked=True, of=("self",))
                    .select_related("client", "service", "class_session__class_type")}
    programs = {program.business_id: program for program in Program.objects
                .filter(business_id__in={row.business_id for row in rows})
                .select_related("business")}
    already = set(AppointmentCredit.objects.filter(appointment_id__in=appointments)
                  .values_list("appointment_id", flat=True))
    done, by_business = [], defaultdict(list)
    for row in rows:
        appointment = appointments.get(row.appointment_id)
        if appointment is None:
            continue
        program = programs.get(row.business_id)
        if program is None or not program.business.loyalty_enabled:
            done.append(row.pk)
            continue
        delay = timedelta(hours=program.crediting_delay_hours)
        if appointment.ends_at + delay > now:
            # Moved later meanwhile: due again at its new time.
            row.due_at = appointment.ends_at + delay
            row.save(update_fields=["due_at"])
            continue
        done.append(row.pk)
        if (appointment.pk not in already and appointment.state in HOLDING_STATES
                and appointment.ends_at + delay + CATCH_UP >= now):
            by_business[row.business_id].append(appointment)
    credited = sum(_credit_appointments(programs[business_id], batch, now=now)
                   for business_id, batch in by_business.items())
    CreditDue.objects.filter(pk__in=done).delete()
    return credited, after


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
            expires_at=expiry_for(program.expiry_months, EntryKind.EARN, points, now))
            for appointment, points in earning]
        entries = write_entries(business, accounts, new_entries, now=now)
        for (appointment, _points), entry in zip(earning, entries, strict=True):
            marks.append(AppointmentCredit(business=business, appointment=appointment,
                                           outcome=CreditOutcome.CREDITED, entry=entry,
                                           processed_at=now))
    AppointmentCredit.objects.bulk_create(marks)
    if entries:
        messages = []
        for (appointment, _points), entry in zip(earning, entries, strict=True):
            appointment.client.business = business
            messages.append((appointment.client, points_credited_context(
                entry, item=appointment.title)))
        notify_many(MessageKind.POINTS_CREDITED, business, messages)
    return len(entries)


def points_credited_context(entry: PointsEntry, *, item: str) -> dict[str, str]:
    return {"points": str(entry.points), "balance": str(entry.balance_after), "service": item,
            "description": entry.description}


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
    missing = earned.points - net_of(business, earned)
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
