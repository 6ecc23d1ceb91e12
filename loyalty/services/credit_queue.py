"""The crediting job's queue (CreditDue): which appointments it still has to handle, and
from when. Every change here runs inside the transaction of what caused it (an
appointment saved, the loyalty switch, the delay changed) and costs what that one
business's change costs; the job then reads only the rows that are due."""

from datetime import datetime, timedelta

from django.db.models import DateTimeField, Exists, ExpressionWrapper, OuterRef, Subquery
from django.utils import timezone

from booking.models import HOLDING_STATES, Appointment
from loyalty.models import AppointmentCredit, CreditDue, Program, ProgramPeriod
from loyalty.selectors import CATCH_UP
from tenancy.models import Business


def _delay_of(business_id: int) -> timedelta | None:
    """The crediting delay of a business with Loyalty on; None when it is off."""
    hours = (Program.objects.filter(business_id=business_id, business__loyalty_enabled=True)
             .values_list("crediting_delay_hours", flat=True).first())
    return None if hours is None else timedelta(hours=hours)


# What the queue row follows: whether the appointment may earn, and when it is due.
FOLLOWED_FIELDS = frozenset({"state", "ends_at"})


def follow_appointment(appointment: Appointment, *, created: bool,
                       update_fields: frozenset[str] | None = None) -> None:
    """An appointment was saved: queue it while it may earn, unqueue it when it may not
    (cancelled, no-show; a no-show undone queues it again). A save of other fields only
    (a note, a code) leaves the queue alone, without a query."""
    if update_fields is not None and not FOLLOWED_FIELDS & update_fields:
        return
    if appointment.state not in HOLDING_STATES:
        if not created:
            CreditDue.objects.filter(appointment_id=appointment.pk).delete()
        return
    delay = _delay_of(appointment.business_id)
    if delay is None:
        return
    if not created and AppointmentCredit.objects.filter(appointment_id=appointment.pk).exists():
        return
    CreditDue.objects.bulk_create(
        [CreditDue(business_id=appointment.business_id, appointment_id=appointment.pk,
                   due_at=appointment.ends_at + delay)],
        update_conflicts=True, unique_fields=["business", "appointment"],
        update_fields=["due_at"])


def queue_business(business: Business, *, now: datetime | None = None) -> int:
    """Loyalty came on: queue the business's appointments the job has not handled and
    still reaches (ended since the program first came on, within the catch-up), and every
    one still to come. Returns how many were queued."""
    delay = _delay_of(business.pk)
    first_on = (ProgramPeriod.objects.for_business(business).order_by("started_at")
                .values_list("started_at", flat=True).first())
    if delay is None or first_on is None:
        return 0
    now = now or timezone.now()
    oldest = max(now - delay - CATCH_UP, first_on)
    handled = AppointmentCredit.objects.filter(appointment=OuterRef("pk"))
    queued = CreditDue.objects.filter(appointment=OuterRef("pk"))
    rows = [CreditDue(business=business, appointment_id=pk, due_at=ends_at + delay)
            for pk, ends_at in Appointment.objects.for_business(business)
            .filter(state__in=HOLDING_STATES, ends_at__gte=oldest)
            .filter(~Exists(handled), ~Exists(queued))
            .values_list("pk", "ends_at").iterator(chunk_size=2000)]
    CreditDue.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(rows)


def unqueue_business(business: Business) -> None:
    """Loyalty went off: nothing of this business is due until it comes on again."""
    CreditDue.objects.for_business(business).delete()


def delay_changed(business: Business, delay_hours: int) -> None:
    """The program's delay changed: every queued appointment is due at its end plus the
    new delay."""
    ends_at = Appointment.objects.filter(pk=OuterRef("appointment_id")).values("ends_at")
    CreditDue.objects.for_business(business).update(due_at=ExpressionWrapper(
        Subquery(ends_at) + timedelta(hours=delay_hours), output_field=DateTimeField()))

