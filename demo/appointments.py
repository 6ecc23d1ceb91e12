"""The demo's diary: weeks of past visits (most completed, one no-show, one cancelled)
and upcoming bookings, made through the booking services as staff would.

Past visits are booked "as of" a moment before them (the services take `now`),
then marked. Loading twice changes nothing: a business that has appointments
already is left alone.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from booking.models import Appointment, AppointmentState, Business, Client, Service
from booking.services.appointments import book_appointment, set_appointment_state

# (client first name, service, days from today, local hour, what happened)
ATELIER_DIARY = [
    ("Claire", "Couleur & coupe", -40, 10, AppointmentState.COMPLETED),
    ("Léa", "Brushing", -33, 11, AppointmentState.COMPLETED),
    ("Hugo", "Coupe homme", -26, 15, AppointmentState.COMPLETED),
    ("Claire", "Coupe femme", -19, 14, AppointmentState.COMPLETED),
    ("Chloé", "Soin profond", -12, 10, AppointmentState.NO_SHOW),
    ("Léa", "Balayage", -8, 9, AppointmentState.COMPLETED),
    ("Hugo", "Coupe homme", -5, 16, AppointmentState.CANCELLED),
    ("Claire", "Brushing", -2, 11, AppointmentState.COMPLETED),
    ("Claire", "Coupe femme", 6, 10, AppointmentState.BOOKED),
    ("Léa", "Brushing", 9, 15, AppointmentState.BOOKED),
]
KVITKA_DIARY = [
    ("Оксана", "Манікюр", -14, 11, AppointmentState.COMPLETED),
    ("Андрій", "Брови", -7, 16, AppointmentState.COMPLETED),
    ("Оксана", "Педикюр", 5, 12, AppointmentState.BOOKED),
]


def _working_day(day):
    """Move Sundays to Saturdays: the demo salons are closed on Sundays."""
    return day - timedelta(days=1) if day.weekday() == 6 else day


def _diary(business: Business, diary) -> None:
    if Appointment.objects.for_business(business).exists():
        return
    now = timezone.now()
    today = timezone.localdate(timezone=business.zone)
    for first_name, service_name, days, hour, outcome in diary:
        client = Client.objects.for_business(business).get(first_name=first_name)
        service = Service.objects.for_business(business).get(name=service_name)
        day = _working_day(today + timedelta(days=days))
        start = datetime.combine(day, time(hour), tzinfo=business.zone)
        booked_as_of = min(now, start - timedelta(days=3))
        appointment = book_appointment(business=business, client=client, service=service,
                                       start=start, online=False, now=booked_as_of)
        if outcome != AppointmentState.BOOKED:
            set_appointment_state(business=business, appointment=appointment, state=outcome,
                                  by=None, now=now)


def load(businesses: dict[str, Business]) -> None:
    _diary(businesses["atelier-lumiere"], ATELIER_DIARY)
    _diary(businesses["studio-kvitka"], KVITKA_DIARY)
