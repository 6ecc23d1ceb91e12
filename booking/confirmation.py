"""What a client is told about a booking, on the confirmation page and in the emails:
the appointment as an iCalendar file and how it can be cancelled.

The iCalendar file's SEQUENCE grows with every change of the appointment, so that the
client's calendar applies the latest one.
"""

from datetime import datetime

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from booking import selectors
from booking.models import Appointment, AppointmentEvent
from core.ics import build_ics
from tenancy.models import Business


def appointment_ics(appointment: Appointment, *, cancelled: bool = False) -> bytes:
    """The appointment as an iCalendar object, as the booking site's download and the
    emails give it (the same UID and SEQUENCE, so a calendar updates one event)."""
    business = appointment.business
    with translation.override(business.language):
        return build_ics(uid=f"appointment-{appointment.pk}@{business.slug}.salonbook",
                         start=appointment.starts_at, end=appointment.ends_at, tz=business.zone,
                         summary=f"{appointment.title} · {business.name}",
                         description=_("With %(staff)s") % {"staff": appointment.staff_member},
                         location=business.name, organizer_email=business.contact_email,
                         organizer_name=business.name, sequence=_sequence(appointment),
                         cancelled=cancelled)


def _sequence(appointment: Appointment) -> int:
    """0 when booked, then one more for each change recorded since (a move, the cancellation)."""
    return max(AppointmentEvent.objects.for_business(appointment.business)
               .filter(appointment=appointment).count() - 1, 0)


def cancellation_line(*, business: Business, appointment: Appointment, online: bool,
                      now: datetime | None = None) -> str:
    """How the client can cancel, as the confirmation page and email say it (in the active
    language). Online (`online`: the client has My appointments) until the notice period;
    once it has begun, a booking made at short notice can only be cancelled by writing."""
    hours = business.cancellation_notice_hours
    email = business.contact_email
    if not selectors.can_client_cancel(appointment, now=now):
        return ngettext(
            "Online cancellation is no longer possible: the appointment starts in less than "
            "%(hours)s hour. To cancel it, write to us at %(email)s.",
            "Online cancellation is no longer possible: the appointment starts in less than "
            "%(hours)s hours. To cancel it, write to us at %(email)s.", hours) % {
            "hours": hours, "email": email}
    if online:
        return ngettext(
            "You can cancel it from My appointments up to %(hours)s hour before it starts.",
            "You can cancel it from My appointments up to %(hours)s hours before it starts.",
            hours) % {"hours": hours}
    return _("To change or cancel it, write to us at %(email)s.") % {"email": email}
