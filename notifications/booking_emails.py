"""The emails bookings send: confirmed (booked or moved), cancelled, a waitlist seat offered.

The receivers run on booking's events (`booking.events`), inside the booking's
transaction; `notify` records each message there and sends it after commit, so a
booking that rolls back sends nothing. Values are formatted here, in the business's
language and time zone. Confirmations and cancellations carry the appointment as an
iCalendar file.
"""

from django.urls import reverse
from django.utils import translation

from booking.confirmation import appointment_ics, cancellation_line
from booking.models import Appointment, AppointmentState, WaitlistEntry
from notifications import formatting, hooks, links
from notifications.kinds import MessageKind
from notifications.services import Attachment, notify
from tenancy.models import Business, Extension


def _calendar_file(appointment: Appointment, *, cancelled: bool) -> Attachment:
    method = "CANCEL" if cancelled else "REQUEST"
    return Attachment(filename="booking.ics",
                      content=appointment_ics(appointment, cancelled=cancelled),
                      mimetype=f"text/calendar; method={method}")


def _appointment_values(business: Business, appointment: Appointment) -> dict[str, str]:
    return {"service": appointment.title,
            "date": formatting.local_datetime(appointment.starts_at, business=business),
            "staff": str(appointment.staff_member)}


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


# Receivers of booking's events, connected in `NotificationsConfig.ready`.

def on_appointment_booked(*, business: Business, appointment: Appointment, **_kwargs) -> None:
    appointment_booked(business=business, appointment=appointment)


def on_appointment_moved(*, business: Business, appointment: Appointment, **_kwargs) -> None:
    appointment_booked(business=business, appointment=appointment)


def on_appointment_state_changed(*, business: Business, appointment: Appointment, to_state: str,
                                 **_kwargs) -> None:
    if to_state == AppointmentState.CANCELLED:
        appointment_cancelled(business=business, appointment=appointment)


def on_waitlist_seat_offered(*, business: Business, entry: WaitlistEntry, **_kwargs) -> None:
    seat_offered(business=business, entry=entry)
