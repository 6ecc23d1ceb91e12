"""The emails bookings send: confirmed, cancelled, a waitlist seat offered.

Called inside the booking services' transactions; `notifications.services.notify`
records each message there and sends it after commit. Values are formatted here, in
the business's language and time zone. Confirmations and cancellations carry the
appointment as an iCalendar file, whose SEQUENCE grows with every change of the
appointment so that the client's calendar applies the latest one.
"""

from datetime import datetime

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from booking import selectors
from booking.models import Appointment, AppointmentEvent, Business, Extension, WaitlistEntry
from notifications import formatting, hooks, links
from notifications.ics import build_ics
from notifications.kinds import MessageKind
from notifications.services import Attachment, notify


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


def _calendar_file(appointment: Appointment, *, cancelled: bool) -> Attachment:
    method = "CANCEL" if cancelled else "REQUEST"
    return Attachment(filename="booking.ics",
                      content=appointment_ics(appointment, cancelled=cancelled),
                      mimetype=f"text/calendar; method={method}")


def _appointment_values(business: Business, appointment: Appointment) -> dict[str, str]:
    return {"service": appointment.title,
            "date": formatting.local_datetime(appointment.starts_at, business=business),
            "staff": str(appointment.staff_member)}


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


def appointment_booked(*, business: Business, appointment: Appointment) -> None:
    """Booked or moved: the confirmation, with the time it now has."""
    online = (business.has_extension(Extension.CLIENT_LOGIN)
              and appointment.client.user_id is not None)
    with translation.override(business.language):
        loyalty_line = hooks.appointment_lines(business=business, appointment=appointment)
        cancellation = cancellation_line(business=business, appointment=appointment,
                                         online=online)
    notify(MessageKind.BOOKING_CONFIRMED, appointment.client,
           {**_appointment_values(business, appointment), "loyalty_line": loyalty_line,
            "cancellation_line": cancellation},
           attachments=[_calendar_file(appointment, cancelled=False)])


def appointment_cancelled(*, business: Business, appointment: Appointment) -> None:
    notify(MessageKind.BOOKING_CANCELLED, appointment.client,
           _appointment_values(business, appointment),
           attachments=[_calendar_file(appointment, cancelled=True)])


def seat_offered(*, business: Business, entry: WaitlistEntry) -> None:
    session = entry.class_session
    notify(MessageKind.WAITLIST_OFFERED, entry.client, {
        "service": str(session.class_type),
        "date": formatting.local_datetime(session.starts_at, business=business),
        "offer_link": links.absolute(reverse("booking:site-class-session",
                                             args=[business.slug, session.pk])),
        "offer_expires": formatting.local_datetime(entry.offer_expires_at, business=business),
    })
