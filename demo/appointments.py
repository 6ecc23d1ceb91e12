"""The demo's diary: weeks of past visits (most completed, one no-show, one cancelled)
and upcoming bookings, made through the booking services as staff would.

Past visits are booked "as of" a moment before them (the services take `now`),
then marked. Loading twice changes nothing: a business that has appointments
already is left alone.
"""

from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from booking.models import Appointment, AppointmentState, Client, Service
from booking.services.appointments import book_appointment, set_appointment_state
from tenancy.models import Business

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


def _book_near(business: Business, client: Client, service: Service, day, hour: int, *,
               now) -> Appointment:
    """Book on `day`, or on the nearest day further from today when nobody who performs
    the service works then: the diary is relative to today, and not everyone works
    every weekday (Inès, the only one who does balayage, never works on Wednesdays)."""
    step = -1 if day <= timezone.localdate(now, timezone=business.zone) else 1
    refusals = []
    for offset in range(7):
        start = datetime.combine(day + timedelta(days=step * offset), time(hour),
                                 tzinfo=business.zone)
        try:
            return book_appointment(business=business, client=client, service=service,
                                    start=start, online=False,
                                    now=min(now, start - timedelta(days=3)))
        except ValidationError as refusal:
            refusals.append(refusal)
    raise refusals[-1]


def _diary(business: Business, diary) -> None:
    if Appointment.objects.for_business(business).exists():
        return
    now = timezone.now()
    today = timezone.localdate(timezone=business.zone)
    for first_name, service_name, days, hour, outcome in diary:
        client = Client.objects.for_business(business).get(first_name=first_name)
        service = Service.objects.for_business(business).get(name=service_name)
        appointment = _book_near(business, client, service, today + timedelta(days=days),
                                 hour, now=now)
        if outcome != AppointmentState.BOOKED:
            set_appointment_state(business=business, appointment=appointment, state=outcome,
                                  by=None, now=now)


def load(businesses: dict[str, Business]) -> None:
    _diary(businesses["atelier-lumiere"], ATELIER_DIARY)
    _diary(businesses["studio-kvitka"], KVITKA_DIARY)
