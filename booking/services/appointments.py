"""Booking, moving, cancelling and marking appointments; class seats and the waitlist.

Every use case that takes a staff member's time locks that staff member's row
first, then checks, then writes ("lock, then check"). On PostgreSQL an exclusion
constraint on the staff member's time range is the backstop: a race the lock
missed still cannot double-book.
"""

from datetime import UTC, date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import User
from booking import codes, events, locks, selectors
from booking.models import (
    Appointment,
    AppointmentEvent,
    AppointmentSeries,
    AppointmentState,
    AppointmentStep,
    ClassSession,
    Client,
    Service,
    StaffMember,
    WaitlistEntry,
)
from booking.services import clients
from core.validation import check_same_business
from tenancy.models import Business

SLOT_TAKEN = gettext_lazy("This time was just taken. Please choose another one.")
OUTSIDE_HOURS = gettext_lazy("This time is outside working hours. Please choose another one.")
MIN_DURATION_MINUTES, MAX_DURATION_MINUTES = 5, 12 * 60
# The client record of a walk-in who gave no name, in the business's language.
WALK_IN_NAME = gettext_lazy("Walk-in")
SEAT_TAKEN = gettext_lazy("The last seat was just taken. You can join the waitlist.")

# State changes staff may make from the calendar; cancelled is final.
ALLOWED_TRANSITIONS = {
    AppointmentState.BOOKED: {AppointmentState.COMPLETED, AppointmentState.NO_SHOW,
                              AppointmentState.CANCELLED},
    AppointmentState.COMPLETED: {AppointmentState.BOOKED, AppointmentState.NO_SHOW},
    AppointmentState.NO_SHOW: {AppointmentState.BOOKED, AppointmentState.COMPLETED},
    AppointmentState.CANCELLED: set(),
}


def _record(appointment: Appointment, *, from_state: str, to_state: str, by: User | None,
            note: str = "") -> None:
    AppointmentEvent.objects.create(business_id=appointment.business_id, appointment=appointment,
                                    from_state=from_state, to_state=to_state, changed_by=by,
                                    note=note)


def _check_start(business: Business, start: datetime, *, online: bool, now: datetime) -> None:
    if timezone.is_naive(start):
        raise ValueError("Appointment times must be aware datetimes.")
    if start <= now:
        raise ValidationError(_("This time has already passed."))
    if online and start < now + timedelta(minutes=business.minimum_notice_minutes):
        raise ValidationError(_("This time is too soon to book online."))
    if online and start > now + timedelta(days=business.booking_horizon_days):
        raise ValidationError(_("This date is too far ahead to book online."))


def _is_offered_slot(business: Business, service: Service, staff_member: StaffMember,
                     start: datetime, not_before: datetime) -> bool:
    """Online bookings take only the start times the booking site offers."""
    day = start.astimezone(business.zone).date()
    slots = selectors.availability(business=business, service=service, start_day=day,
                                   staff_member_id=staff_member.pk, not_before=not_before)[day]
    return any(slot.start == start for slot in slots)


@transaction.atomic(durable=True)
def book_appointment(*, business: Business, client: Client, service: Service, start: datetime,
                     staff_member: StaffMember | None = None, booked_by: User | None = None,
                     online: bool = True, notes: str = "", code: str = "",
                     now: datetime | None = None) -> Appointment:
    """Book `service` for `client` at `start` with `staff_member`, or with anyone free.

    Online bookings (the booking site) must take an offered slot; staff may book
    any free time within working hours. A discount `code` is resolved and its use
    recorded in the same transaction: a refused code books nothing.
    """
    return place_appointment(business=business, client=client, service=service, start=start,
                             staff_member=staff_member, booked_by=booked_by, online=online,
                             notes=notes, code=code, now=now)


@transaction.atomic(durable=True)
def book_at_desk(*, business: Business, client: Client | None, service: Service,
                 start: datetime, staff_member: StaffMember, booked_by: User,
                 walk_in_name: str = "", walk_in_phone: str = "", notes: str = "",
                 now: datetime | None = None) -> Appointment:
    """Book from the calendar's side panel: for a client on file, or for a walk-in whose
    client record is written in the same transaction, named as typed or "Walk-in"
    (a refused time leaves no client behind)."""
    if client is None:
        first, _space, last = " ".join(walk_in_name.split()).partition(" ")
        if not first:
            with translation.override(business.language):
                first = str(WALK_IN_NAME)
        client = clients.create_client_record(business=business, first_name=first,
                                              last_name=last, phone=walk_in_phone.strip())
    return place_appointment(business=business, client=client, service=service, start=start,
                             staff_member=staff_member, booked_by=booked_by, online=False,
                             notes=notes, now=now)


@transaction.atomic(savepoint=False)
def place_appointment(*, business: Business, client: Client, service: Service, start: datetime,
                      staff_member: StaffMember | None = None, booked_by: User | None = None,
                      online: bool = True, notes: str = "", code: str = "",
                      now: datetime | None = None) -> Appointment:
    """`book_appointment` inside the caller's transaction (the booking site's, which also
    writes the guest's client record)."""
    appointment = _book(business=business, client=client, service=service, start=start,
                        staff_member=staff_member, booked_by=booked_by, online=online,
                        notes=notes, now=now or timezone.now())
    if code.strip():
        _apply_code(appointment, code)
    events.appointment_booked.send(sender=Appointment, business=business,
                                   appointment=appointment)
    return appointment


def _apply_code(appointment: Appointment, code: str) -> None:
    business = appointment.business
    found = codes.resolve_booking_code(business=business, client=appointment.client,
                                       service=appointment.service, price=appointment.price,
                                       code=code)
    appointment.discount_code = found.code
    appointment.discount = min(found.discount, appointment.price)
    appointment.code_earns_points = found.earns_points
    appointment.used_reward = found.is_reward
    appointment.save(update_fields=["discount_code", "discount", "code_earns_points",
                                    "used_reward"])
    codes.use_booking_code(business=business, found=found, appointment=appointment)


def _book(*, business, client, service, start, staff_member, booked_by, online, notes, now,
          series=None) -> Appointment:
    check_same_business(business, client, service, staff_member)
    if not service.is_active:
        raise ValidationError(_("This service cannot be booked."))
    _check_start(business, start, online=online, now=now)
    candidates = list(selectors.performers(business=business, service=service)
                      .order_by("position", "pk"))
    if staff_member is not None:
        if staff_member not in candidates:
            raise ValidationError(_("%(staff)s does not perform %(service)s.")
                                  % {"staff": staff_member, "service": service})
        candidates = [staff_member]
    locks.lock_staff_members(business, [c.pk for c in candidates])
    end = start + timedelta(minutes=service.duration_minutes)
    busy_from = start - timedelta(minutes=service.buffer_before_minutes)
    busy_until = end + timedelta(minutes=service.buffer_after_minutes)
    not_before = now + timedelta(minutes=business.minimum_notice_minutes)
    # Staff are told when nobody works then, rather than that the time was taken.
    outside = not online
    for candidate in candidates:
        if online:
            free = _is_offered_slot(business, service, candidate, start, not_before)
        else:
            working = selectors.within_working_hours(
                business=business, staff_member_id=candidate.pk, busy_from=busy_from,
                busy_until=busy_until)
            outside = outside and not working
            free = working and selectors.is_clear(
                business=business, staff_member_id=candidate.pk, busy_from=busy_from,
                busy_until=busy_until)
        if not free:
            continue
        try:
            with transaction.atomic():
                appointment = Appointment.objects.create(
                    business=business, client=client, staff_member=candidate, service=service,
                    series=series, starts_at=start, ends_at=end, busy_from=busy_from,
                    busy_until=busy_until, price=service.price, notes=notes,
                    booked_by=booked_by)
        except IntegrityError as clash:
            raise ValidationError(SLOT_TAKEN) from clash
        _record(appointment, from_state="", to_state=AppointmentState.BOOKED, by=booked_by)
        return appointment
    raise ValidationError(OUTSIDE_HOURS if outside and candidates else SLOT_TAKEN)


@transaction.atomic(durable=True)
def book_class_seat(*, business: Business, client: Client, class_session: ClassSession,
                    booked_by: User | None = None, now: datetime | None = None) -> Appointment:
    """Take a seat; a client holding a waitlist offer for the session takes the held seat."""
    return place_class_seat(business=business, client=client, class_session=class_session,
                            booked_by=booked_by, now=now)


@transaction.atomic(savepoint=False)
def place_class_seat(*, business: Business, client: Client, class_session: ClassSession,
                     booked_by: User | None = None, now: datetime | None = None) -> Appointment:
    """`book_class_seat` inside the caller's transaction."""
    now = now or timezone.now()
    check_same_business(business, client, class_session)
    session = locks.lock_class_session(business, class_session.pk)
    if session.is_cancelled or not session.class_type.is_active:
        raise ValidationError(_("This class session cannot be booked."))
    if session.starts_at <= now:
        raise ValidationError(_("This class has already started."))
    offer = (WaitlistEntry.objects.for_business(business)
             .filter(class_session=session, client=client, state=WaitlistEntry.State.OFFERED,
                     offer_expires_at__gt=now).first())
    taken = selectors.seats_taken(business=business, class_session=session)
    if offer is None and taken >= session.capacity:
        raise ValidationError(SEAT_TAKEN)
    try:
        with transaction.atomic():
            appointment = Appointment.objects.create(
                business=business, client=client, staff_member_id=session.staff_member_id,
                class_session=session, starts_at=session.starts_at, ends_at=session.ends_at,
                busy_from=session.starts_at, busy_until=session.ends_at,
                price=session.class_type.price, booked_by=booked_by)
    except IntegrityError as clash:
        raise ValidationError(_("You already have a seat in this class.")) from clash
    if offer is not None:
        offer.state = WaitlistEntry.State.ACCEPTED
        offer.save(update_fields=["state"])
    _record(appointment, from_state="", to_state=AppointmentState.BOOKED, by=booked_by)
    events.appointment_booked.send(sender=Appointment, business=business,
                                   appointment=appointment)
    return appointment


@transaction.atomic(durable=True)
def cancel_appointment(*, business: Business, appointment: Appointment, by: User | None,
                       by_client: bool = False, note: str = "", now: datetime | None = None
                       ) -> Appointment:
    """Cancel; clients only outside the notice period, staff always. A freed class seat
    is offered to the waitlist."""
    return _cancel(business=business, appointment=appointment, by=by, by_client=by_client,
                   note=note, now=now or timezone.now())


def _cancel(*, business, appointment, by, by_client, note, now) -> Appointment:
    check_same_business(business, appointment)
    appointment = locks.lock_appointment(business, appointment.pk)
    if appointment.state != AppointmentState.BOOKED:
        raise ValidationError(_("Only a booked appointment can be cancelled."))
    if by_client and not selectors.can_client_cancel(appointment, now=now):
        raise ValidationError(
            ngettext("Appointments can be cancelled online up to %(hours)s hour before they "
                     "start. Please call the salon.",
                     "Appointments can be cancelled online up to %(hours)s hours before they "
                     "start. Please call the salon.", business.cancellation_notice_hours)
            % {"hours": business.cancellation_notice_hours})
    _change_state(business, appointment, AppointmentState.CANCELLED, by=by, note=note, now=now)
    if appointment.class_session_id is not None:
        offer_freed_seats(business=business, class_session_id=appointment.class_session_id,
                          now=now)
    return appointment


def _change_state(business: Business, appointment: Appointment, state: str, *,
                  by: User | None, note: str = "", now: datetime) -> None:
    previous = appointment.state
    appointment.state = state
    appointment.state_changed_at = now
    appointment.state_changed_by = by
    appointment.save(update_fields=["state", "state_changed_at", "state_changed_by"])
    _record(appointment, from_state=previous, to_state=state, by=by, note=note)
    events.appointment_state_changed.send(sender=Appointment, business=business,
                                          appointment=appointment, from_state=previous,
                                          to_state=state)


@transaction.atomic(durable=True)
def set_appointment_state(*, business: Business, appointment: Appointment, state: str,
                          by: User, now: datetime | None = None) -> Appointment:
    """Staff mark an appointment completed, no-show or cancelled (or undo a mark)."""
    now = now or timezone.now()
    state = AppointmentState(state)
    if state == AppointmentState.CANCELLED:
        return _cancel(business=business, appointment=appointment, by=by, by_client=False,
                       note="", now=now)
    check_same_business(business, appointment)
    appointment = locks.lock_appointment(business, appointment.pk)
    if state not in ALLOWED_TRANSITIONS[AppointmentState(appointment.state)]:
        # Labels quoted as they are: lowercasing them breaks other languages' grammar.
        raise ValidationError(_("An appointment in state “%(from)s” cannot be marked "
                                "“%(to)s”.") % {
            "from": AppointmentState(appointment.state).label, "to": state.label})
    # Work started early (a walk-in, an early client) may be completed early; a no-show
    # can only be told once the time has come.
    started_early = state == AppointmentState.COMPLETED and appointment.started_at is not None
    if state in (AppointmentState.COMPLETED, AppointmentState.NO_SHOW) \
            and appointment.starts_at > now and not started_early:
        raise ValidationError(_("An appointment that has not started yet cannot be marked "
                                "“%(state)s”.") % {"state": state.label})
    _change_state(business, appointment, state, by=by, now=now)
    return appointment


ARRIVED, STARTED = AppointmentStep.ARRIVED.value, AppointmentStep.STARTED.value


@transaction.atomic(durable=True)
def mark_progress(*, business: Business, appointment: Appointment, step: str, by: User,
                  now: datetime | None = None) -> Appointment:
    """The front desk marks a booked appointment "arrived" or "started", on its day.

    Starting also marks the arrival. Before the slot's time only a client who is here
    can start: one marked arrived, or a walk-in booked at the desk that day.
    """
    now = now or timezone.now()
    if step not in (ARRIVED, STARTED):
        raise ValidationError(_("Choose what to mark the appointment."))
    check_same_business(business, appointment)
    appointment = locks.lock_appointment(business, appointment.pk)
    if appointment.state != AppointmentState.BOOKED:
        raise ValidationError(_("Only a booked appointment can be marked arrived or started."))
    zone = business.zone
    if appointment.starts_at.astimezone(zone).date() != now.astimezone(zone).date():
        raise ValidationError(_("An appointment can be marked arrived or started only on "
                                "its day."))
    if step == STARTED and appointment.starts_at > now and appointment.arrived_at is None \
            and not appointment.is_walk_in:
        raise ValidationError(_("The client has not arrived yet: mark them arrived first."))
    fields = []
    if appointment.arrived_at is None:
        appointment.arrived_at = now
        fields.append("arrived_at")
    if step == STARTED and appointment.started_at is None:
        appointment.started_at = now
        fields.append("started_at")
    if fields:
        appointment.save(update_fields=fields)
    # The history shows each step once, as it shows state changes.
    for field, done in (("arrived_at", ARRIVED), ("started_at", STARTED)):
        if field in fields:
            _record(appointment, from_state=appointment.state, to_state=done, by=by)
    return appointment


@transaction.atomic(durable=True)
def move_appointment(*, business: Business, appointment: Appointment, start: datetime,
                     staff_member: StaffMember | None = None, by: User,
                     duration_minutes: int | None = None,
                     now: datetime | None = None) -> Appointment:
    """Staff move a booked service appointment to another time or staff member, and
    optionally give it another length (the calendar's resize); it keeps its own length
    otherwise."""
    now = now or timezone.now()
    check_same_business(business, appointment, staff_member)
    staff_member = staff_member or appointment.staff_member
    locks.lock_staff_members(business, {staff_member.pk, appointment.staff_member_id})
    appointment = locks.lock_appointment(business, appointment.pk)
    if appointment.state != AppointmentState.BOOKED or appointment.service_id is None:
        raise ValidationError(_("Only a booked service appointment can be moved."))
    _check_start(business, start, online=False, now=now)
    service = appointment.service
    if not selectors.performers(business=business, service=service).filter(
            pk=staff_member.pk).exists():
        raise ValidationError(_("%(staff)s does not perform %(service)s.")
                              % {"staff": staff_member, "service": service})
    if duration_minutes is not None and not \
            MIN_DURATION_MINUTES <= duration_minutes <= MAX_DURATION_MINUTES:
        raise ValidationError(_("An appointment lasts between %(min)s and %(max)s minutes.")
                              % {"min": MIN_DURATION_MINUTES, "max": MAX_DURATION_MINUTES})
    end = start + (timedelta(minutes=duration_minutes) if duration_minutes is not None
                   else appointment.ends_at - appointment.starts_at)
    busy_from = start - timedelta(minutes=service.buffer_before_minutes)
    busy_until = end + timedelta(minutes=service.buffer_after_minutes)
    if not selectors.within_working_hours(business=business, staff_member_id=staff_member.pk,
                                          busy_from=busy_from, busy_until=busy_until):
        raise ValidationError(OUTSIDE_HOURS)
    if not selectors.is_clear(business=business, staff_member_id=staff_member.pk,
                              busy_from=busy_from, busy_until=busy_until,
                              ignore_appointment_id=appointment.pk):
        raise ValidationError(SLOT_TAKEN)
    appointment.staff_member = staff_member
    appointment.starts_at, appointment.ends_at = start, end
    appointment.busy_from, appointment.busy_until = busy_from, busy_until
    try:
        with transaction.atomic():
            appointment.save(update_fields=["staff_member", "starts_at", "ends_at", "busy_from",
                                            "busy_until"])
    except IntegrityError as clash:
        raise ValidationError(SLOT_TAKEN) from clash
    # A same-state event is a move; the page names it in the reader's language.
    _record(appointment, from_state=appointment.state, to_state=appointment.state, by=by)
    events.appointment_moved.send(sender=Appointment, business=business,
                                  appointment=appointment)
    return appointment


# Waitlist ------------------------------------------------------------------------------

@transaction.atomic(durable=True)
def join_waitlist(*, business: Business, client: Client, class_session: ClassSession,
                  now: datetime | None = None) -> WaitlistEntry:
    now = now or timezone.now()
    check_same_business(business, client, class_session)
    session = locks.lock_class_session(business, class_session.pk)
    if session.is_cancelled or session.starts_at <= now:
        raise ValidationError(_("This class session cannot be booked."))
    if selectors.seats_taken(business=business, class_session=session) < session.capacity:
        raise ValidationError(_("Seats are still free: book one directly."))
    if Appointment.objects.for_business(business).holding().filter(
            class_session=session, client=client).exists():
        raise ValidationError(_("You already have a seat in this class."))
    try:
        with transaction.atomic():
            return WaitlistEntry.objects.create(business=business, class_session=session,
                                                client=client, joined_at=now)
    except IntegrityError as clash:
        raise ValidationError(_("You are already on the waitlist.")) from clash


def offer_freed_seats(*, business: Business, class_session_id: int, now: datetime
                      ) -> list[WaitlistEntry]:
    """Offer every free seat to the next waiting client, each held for a while.

    Runs inside the caller's transaction with the session row locked by the caller
    or here; each offer is emailed once the transaction commits.
    """
    session = locks.lock_class_session(business, class_session_id)
    if session.is_cancelled or session.starts_at <= now:
        return []
    free = session.capacity - selectors.seats_taken(business=business, class_session=session)
    offered = []
    waiting = (WaitlistEntry.objects.for_business(business)
               .filter(class_session=session, state=WaitlistEntry.State.WAITING)
               .order_by("joined_at", "pk")[:max(free, 0)])
    hold = timedelta(minutes=business.waitlist_hold_minutes)
    for entry in waiting:
        entry.state = WaitlistEntry.State.OFFERED
        entry.offered_at = now
        entry.offer_expires_at = min(now + hold, session.starts_at)
        entry.save(update_fields=["state", "offered_at", "offer_expires_at"])
        events.waitlist_seat_offered.send(sender=WaitlistEntry, business=business, entry=entry)
        offered.append(entry)
    return offered


@transaction.atomic(durable=True)
def leave_waitlist(*, business: Business, entry: WaitlistEntry, now: datetime | None = None
                   ) -> WaitlistEntry:
    now = now or timezone.now()
    check_same_business(business, entry)
    was_offered = entry.state == WaitlistEntry.State.OFFERED
    updated = (WaitlistEntry.objects.for_business(business)
               .filter(pk=entry.pk, state__in=[WaitlistEntry.State.WAITING,
                                               WaitlistEntry.State.OFFERED])
               .update(state=WaitlistEntry.State.LEFT))
    if updated and was_offered:
        offer_freed_seats(business=business, class_session_id=entry.class_session_id, now=now)
    entry.refresh_from_db()
    return entry


def expire_waitlist_offers(*, now: datetime | None = None, batch_size: int = 200) -> int:
    """Periodic: offers past their hold expire, and the seat goes to the next client."""
    now = now or timezone.now()
    expired = 0
    while True:
        with transaction.atomic(durable=True):
            batch = list(WaitlistEntry.objects.select_for_update(skip_locked=True)
                         .filter(state=WaitlistEntry.State.OFFERED, offer_expires_at__lte=now)
                         .select_related("business").order_by("pk")[:batch_size])
            if not batch:
                return expired
            for entry in batch:
                entry.state = WaitlistEntry.State.EXPIRED
                entry.save(update_fields=["state"])
            for entry in batch:
                offer_freed_seats(business=entry.business,
                                  class_session_id=entry.class_session_id, now=now)
            expired += len(batch)


# Recurring appointments ----------------------------------------------------------------

def plan_series(*, business: Business, service: Service, staff_member: StaffMember,
                first_start: datetime, interval_weeks: int, until: date | None = None,
                count: int | None = None) -> list[tuple[datetime, bool]]:
    """The occurrences of "every N weeks" and whether each is free, for staff to review.

    Each occurrence keeps the same local wall-clock time across DST changes.
    """
    check_same_business(business, service, staff_member)
    if not 1 <= interval_weeks <= 52:
        raise ValidationError({"interval_weeks": _("Repeat every 1 to 52 weeks.")})
    if (until is None) == (count is None):
        raise ValidationError(_("Give either an end date or a number of appointments."))
    if count is not None and not 2 <= count <= 52:
        raise ValidationError({"count": _("A series has 2 to 52 appointments.")})
    tz = business.zone
    local_first = first_start.astimezone(tz)
    if until is not None and until < local_first.date():
        raise ValidationError({"until": _("The end date is before the first appointment.")})
    starts = []
    step = 0
    while True:
        local_day = local_first.date() + timedelta(weeks=interval_weeks * step)
        if (count is not None and step >= count) or (until is not None and local_day > until):
            break
        if step >= 52:
            raise ValidationError(_("A series has at most 52 appointments."))
        starts.append(datetime.combine(local_day, local_first.time(),
                                       tzinfo=tz).astimezone(UTC))
        step += 1
    duration = timedelta(minutes=service.duration_minutes)
    before = timedelta(minutes=service.buffer_before_minutes)
    after = timedelta(minutes=service.buffer_after_minutes)
    return [(start, selectors.staff_is_free(business=business, staff_member_id=staff_member.pk,
                                            busy_from=start - before,
                                            busy_until=start + duration + after))
            for start in starts]


@transaction.atomic(durable=True)
def book_series(*, business: Business, client: Client, service: Service,
                staff_member: StaffMember, starts: list[datetime], interval_weeks: int,
                booked_by: User, now: datetime | None = None) -> list[Appointment]:
    """Book the chosen occurrences together: all of them, or none if one was taken meanwhile."""
    now = now or timezone.now()
    if not starts:
        raise ValidationError(_("Choose at least one date."))
    series = AppointmentSeries.objects.create(business=business, interval_weeks=interval_weeks,
                                              created_by=booked_by)
    booked = [_book(business=business, client=client, service=service, start=start,
                    staff_member=staff_member, booked_by=booked_by, online=False, notes="",
                    now=now, series=series) for start in sorted(starts)]
    # One email per appointment: a calendar takes one event per invitation.
    for appointment in booked:
        events.appointment_booked.send(sender=Appointment, business=business,
                                       appointment=appointment)
    return booked


@transaction.atomic(durable=True)
def cancel_series_from(*, business: Business, appointment: Appointment, by: User,
                       now: datetime | None = None) -> list[Appointment]:
    """Cancel this appointment and the following ones of its series that are still booked."""
    now = now or timezone.now()
    check_same_business(business, appointment)
    if appointment.series_id is None:
        return [_cancel(business=business, appointment=appointment, by=by, by_client=False,
                        note="", now=now)]
    following = (Appointment.objects.for_business(business)
                 .filter(series_id=appointment.series_id, starts_at__gte=appointment.starts_at,
                         state=AppointmentState.BOOKED).order_by("pk"))
    return [_cancel(business=business, appointment=a, by=by, by_client=False, note="", now=now)
            for a in following]


# Clear history -------------------------------------------------------------------------

def clear_old_history(*, now: datetime | None = None) -> int:
    """Periodic: delete bookings older than each business's retention, with their notes.

    Runs only for businesses with Clear history on; never while Loyalty is on
    (the two cannot both be on, and the query checks it again).
    """
    now = now or timezone.now()
    deleted = 0
    for business in Business.objects.filter(clear_history_enabled=True, loyalty_enabled=False):
        cutoff = now - timedelta(days=30 * business.history_retention_months)
        with transaction.atomic(durable=True):
            old = Appointment.objects.for_business(business).filter(ends_at__lt=cutoff)
            AppointmentEvent.objects.for_business(business).filter(appointment__in=old).delete()
            WaitlistEntry.objects.for_business(business).filter(
                class_session__ends_at__lt=cutoff).delete()
            count, _by_model = old.delete()
            deleted += count
    return deleted
