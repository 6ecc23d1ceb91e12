"""The demo's diary: weeks of past visits (most completed, one no-show, one cancelled)
and upcoming bookings, made through the booking services as staff would; and a full
calendar today and this week, so the calendar opens busy (done, in progress, arrived,
still to come).

Past visits are booked "as of" a moment before them (the services take `now`),
then marked. Loading twice changes nothing: a business that has appointments
already is left alone.
"""

from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from booking.models import (
    Appointment,
    AppointmentState,
    Client,
    ScheduleException,
    Service,
    StaffMember,
    WorkingHours,
)
from booking.services import clients as client_services
from booking.services.appointments import (
    ARRIVED,
    STARTED,
    book_appointment,
    book_at_desk,
    mark_progress,
    set_appointment_state,
)
from booking.services.schedule import add_schedule_exception
from tenancy.models import Business, Role, StaffMembership

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


# Regulars who fill the week's calendar beside the clients the diary follows.
REGULARS = {
    "atelier-lumiere": [("Emma", "Roux"), ("Nathan", "Morel"), ("Sofia", "Garcia"),
                        ("Lucas", "Fontaine"), ("Jade", "Lambert"), ("Louis", "Girard")],
    "studio-kvitka": [("Ірина", "Мельник"), ("Софія", "Ткаченко"), ("Дмитро", "Бойко")],
}
# Local starts tried in each staff member's day; those outside their hours are skipped.
DAY_PLAN = [time(9), time(10), time(11, 30), time(14), time(15), time(16, 30), time(17, 30),
            time(18, 15)]
WEEK_PLAN = [time(10), time(14, 30), time(16)]
NOTES = ["Allergique à l'ammoniaque.", "", "Préfère un shampoing sans parfum.", ""]


def _regulars(business: Business) -> list[Client]:
    clients = []
    for first, last in REGULARS[business.slug]:
        client = Client.objects.for_business(business).filter(first_name=first,
                                                              last_name=last).first()
        clients.append(client or client_services.create_client(
            business=business, first_name=first, last_name=last))
    return clients


def _fill_day(business: Business, day, plan, clients: list[Client], now) -> list[Appointment]:
    """Book each staff member's day at the plan's times they work, through the service;
    times it refuses (a break, a day off, a diary visit there) stay free."""
    booked = []
    staff = list(StaffMember.objects.for_business(business).filter(is_active=True)
                 .order_by("pk"))
    for index, member in enumerate(staff):
        services = list(Service.objects.for_business(business)
                        .filter(is_active=True, staff=member).order_by("pk"))
        if not services:
            continue
        for slot, clock in enumerate(plan):
            start = datetime.combine(day, clock, tzinfo=business.zone)
            turn = index * len(plan) + slot
            try:
                booked.append(book_appointment(
                    # At one time, each staff member's client is another: nobody in two chairs.
                    business=business, client=clients[(slot * len(staff) + index) % len(clients)],
                    service=services[turn % len(services)], staff_member=member, start=start,
                    online=False, notes=NOTES[turn % len(NOTES)] if business.language == "fr"
                    else "", now=min(now, start - timedelta(days=1))))
            except ValidationError:
                continue
    return booked


def _mark(business: Business, appointments: list[Appointment], now) -> None:
    """What the day looks like at `now`: past visits done (one no-show), the one in
    progress started, the client of the next one today arrived."""
    arrived = False
    for turn, appointment in enumerate(appointments):
        if appointment.ends_at <= now:
            state = AppointmentState.NO_SHOW if turn % 7 == 3 else AppointmentState.COMPLETED
            set_appointment_state(business=business, appointment=appointment, state=state,
                                  by=None, now=now)
        elif appointment.starts_at <= now:
            mark_progress(business=business, appointment=appointment, step=STARTED, by=None,
                          now=now)
        elif not arrived and appointment.starts_at.astimezone(business.zone).date() \
                == now.astimezone(business.zone).date():
            mark_progress(business=business, appointment=appointment, step=ARRIVED, by=None,
                          now=now)
            arrived = True


# What the demo writes on the calendar's blocked times, in each business's language.
OPEN_TODAY = {"fr": "Ouverture exceptionnelle", "uk": "Особливий робочий день"}
TRAINING = {"fr": "Formation", "uk": "Навчання"}


def _open_today(business: Business, today) -> None:
    """Today open with a lunch break even on a closed day (the demo may load on a Sunday),
    and an hour of one staff member's time blocked."""
    staff = list(StaffMember.objects.for_business(business).filter(is_active=True)
                 .order_by("pk"))
    if not WorkingHours.objects.for_business(business).filter(weekday=today.weekday()).exists():
        for member in staff:
            for start, end in ((time(9), time(13)), (time(14), time(18))):
                add_schedule_exception(business=business, kind=ScheduleException.Kind.EXTRA_HOURS,
                                       date=today, staff_member=member, start_time=start,
                                       end_time=end, note=OPEN_TODAY.get(business.language, ""))
    add_schedule_exception(business=business, kind=ScheduleException.Kind.TIME_OFF, date=today,
                           staff_member=staff[-1], start_time=time(16), end_time=time(17),
                           note=TRAINING.get(business.language, ""))


def _busy_week(business: Business) -> None:
    """Today full, and the other days of this week a few visits each."""
    now = timezone.now()
    today = timezone.localdate(timezone=business.zone)
    _open_today(business, today)
    clients = [*_regulars(business), *Client.objects.for_business(business).order_by("pk")]
    monday = today - timedelta(days=today.weekday())
    booked = _fill_day(business, today, DAY_PLAN, clients, now)
    for offset in range(7):
        day = monday + timedelta(days=offset)
        if day != today:
            booked += _fill_day(business, day, WEEK_PLAN, clients[offset:] + clients[:offset],
                                now)
    _mark(business, sorted(booked, key=lambda a: (a.starts_at, a.pk)), now)


# The walk-in who came in this morning without a booking, booked at the desk from the
# calendar's panel (a name typed, no client record searched for).
WALK_IN = {"atelier-lumiere": "Inès Roche", "studio-kvitka": "Марта Коваль"}


def _walk_in(business: Business, now) -> None:
    """The next free quarter hour today of the first staff member who has one."""
    owner = (StaffMembership.objects.for_business(business).filter(role=Role.OWNER)
             .select_related("user").first())
    service = Service.objects.for_business(business).filter(is_active=True).order_by("pk")
    local = timezone.localtime(now, timezone=business.zone)
    first = local.replace(second=0, microsecond=0) + timedelta(minutes=15 - local.minute % 15)
    for member in StaffMember.objects.for_business(business).filter(is_active=True):
        performed = service.filter(staff=member).first()
        start = first
        while performed and start.date() == local.date():
            try:
                book_at_desk(business=business, client=None, walk_in_name=WALK_IN[business.slug],
                             service=performed, staff_member=member, start=start,
                             booked_by=owner.user if owner else None, now=now)
            except ValidationError:
                start += timedelta(minutes=15)
                continue
            return


def load(businesses: dict[str, Business]) -> None:
    for slug, diary in (("atelier-lumiere", ATELIER_DIARY), ("studio-kvitka", KVITKA_DIARY)):
        business = businesses[slug]
        if Appointment.objects.for_business(business).exists():
            continue
        _diary(business, diary)
        _busy_week(business)
        _walk_in(business, timezone.now())
