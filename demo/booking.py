"""The catalog part of the demo: staff with their usual week, services, a class with
sessions in the coming weeks, a membership plan and a holiday.

Everything is made through the services and found before it is made, so loading
twice changes nothing.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from booking import catalog_selectors
from booking.models import (
    ClassType,
    Client,
    ClientMembership,
    MembershipPlan,
    ScheduleException,
    Service,
    StaffMember,
)
from booking.services import catalog, memberships, schedule
from tenancy.models import Business, StaffMembership

MON, TUE, WED, THU, FRI, SAT = range(6)

ATELIER_STAFF = [
    # name, calendar colour, team login, days worked
    ("Camille", "#7a2f66", "owner@salonbook.test", (TUE, WED, THU, FRI, SAT)),
    ("Inès", "#2f6b7a", "manager@salonbook.test", (MON, TUE, THU, FRI, SAT)),
    ("Julien", "#8a5a1f", None, (MON, TUE, WED, THU, FRI)),
]
ATELIER_SERVICES = [
    # name, description, minutes, price, buffer after, performers
    ("Coupe femme", "Shampoing, coupe et coiffage.", 45, "48.00", 0, ("Camille", "Inès")),
    ("Coupe homme", "Coupe aux ciseaux ou à la tondeuse, shampoing compris.", 30, "28.00", 0,
     ("Julien", "Camille")),
    ("Couleur & coupe", "Coloration complète, coupe et brushing.", 120, "110.00", 10,
     ("Camille", "Inès")),
    ("Brushing", "Mise en forme au séchoir.", 30, "30.00", 0, ("Camille", "Inès", "Julien")),
    ("Balayage", "Éclaircissement naturel à main levée, soin compris.", 150, "160.00", 0,
     ("Inès",)),
    ("Soin profond", "Masque nourrissant et massage du cuir chevelu.", 30, "25.00", 0,
     ("Inès", "Julien")),
]

KVITKA_STAFF = [
    ("Олена", "#b5485d", "staff@salonbook.test", (MON, TUE, WED, THU, FRI)),
    ("Марія", "#4a7a2f", None, (TUE, WED, THU, FRI, SAT)),
]
KVITKA_SERVICES = [
    ("Манікюр", "Класичний манікюр із покриттям гель-лаком.", 60, "650.00", 0,
     ("Олена", "Марія")),
    ("Педикюр", "Апаратний педикюр із покриттям.", 90, "900.00", 0, ("Марія",)),
    ("Брови", "Корекція та фарбування брів.", 30, "400.00", 0, ("Олена",)),
]


def _atelier_hours(day: int) -> list[tuple[time, time]]:
    closing = time(18) if day == SAT else time(19)
    return [(time(9), time(13)), (time(14), closing)]


def _kvitka_hours(day: int) -> list[tuple[time, time]]:
    if day == SAT:
        return [(time(10), time(16))]
    return [(time(10), time(14)), (time(15), time(20))]


def _staff(business: Business, rows, hours) -> dict[str, StaffMember]:
    team = {}
    for name, color, login, days in rows:
        member = StaffMember.objects.for_business(business).filter(name=name).first()
        if member is None:
            membership = (StaffMembership.objects.for_business(business)
                          .filter(user__email=login).first() if login else None)
            member = catalog.create_staff_member(business=business, name=name, color=color,
                                                 membership=membership)
        if not catalog_selectors.working_week(business=business, staff_member=member):
            schedule.set_working_week(business=business, staff_member=member,
                                      week={day: hours(day) for day in days})
        team[name] = member
    return team


def _services(business: Business, rows, team: dict[str, StaffMember]) -> None:
    for name, description, minutes, price, buffer_after, performers in rows:
        if not Service.objects.for_business(business).filter(name=name).exists():
            catalog.create_service(business=business, name=name, description=description,
                                   duration_minutes=minutes, price=Decimal(price),
                                   buffer_after_minutes=buffer_after,
                                   staff=[team[person] for person in performers])


def _next_days(business: Business, weekdays, weeks: int) -> list[date]:
    """The given weekdays of the coming `weeks` weeks, from tomorrow on."""
    tomorrow = timezone.localdate(timezone=business.zone) + timedelta(days=1)
    days = [tomorrow + timedelta(days=offset) for offset in range(7 * weeks)]
    return [day for day in days if day.weekday() in weekdays]


def _class(business: Business, *, name: str, description: str, minutes: int, price: str,
           capacity: int, leader: StaffMember, days: list[date], at: time) -> None:
    class_type = ClassType.objects.for_business(business).filter(name=name).first()
    if class_type is None:
        class_type = catalog.create_class_type(business=business, name=name,
                                               description=description,
                                               duration_minutes=minutes,
                                               price=Decimal(price), capacity=capacity)
    upcoming = catalog_selectors.class_sessions(
        business=business, first_day=timezone.localdate(timezone=business.zone),
        class_type_id=class_type.pk)
    if upcoming.exists():
        return
    for day in days:
        catalog.create_class_session(business=business, class_type=class_type,
                                     staff_member=leader,
                                     starts_at=datetime.combine(day, at, tzinfo=business.zone))


def _atelier(business: Business) -> None:
    team = _staff(business, ATELIER_STAFF, _atelier_hours)
    _services(business, ATELIER_SERVICES, team)
    # Inès runs the workshop on Wednesdays, her day without appointments.
    _class(business, name="Atelier chignon",
           description="Apprenez à réaliser un chignon élégant, pas à pas.", minutes=90,
           price="45.00", capacity=6, leader=team["Inès"],
           days=_next_days(business, {WED}, weeks=3), at=time(10))

    plan = MembershipPlan.objects.for_business(business).filter(
        name="Abonnement Brushing illimité").first()
    if plan is None:
        plan = memberships.create_membership_plan(
            business=business, name="Abonnement Brushing illimité", price=Decimal("89.00"),
            validity_days=30)
    lea = Client.objects.for_business(business).filter(first_name="Léa",
                                                       last_name="Dubois").first()
    if lea is not None and not ClientMembership.objects.for_business(business).filter(
            client=lea, plan=plan).exists():
        memberships.assign_membership(business=business, client=lea, plan=plan,
                                      starts_on=timezone.localdate(timezone=business.zone))

    today = timezone.localdate(timezone=business.zone)
    christmas = date(today.year, 12, 25)
    christmas = christmas if christmas >= today else date(today.year + 1, 12, 25)
    if not ScheduleException.objects.for_business(business).filter(
            date=christmas, staff_member__isnull=True).exists():
        schedule.add_schedule_exception(business=business,
                                        kind=ScheduleException.Kind.TIME_OFF, date=christmas,
                                        note="Noël")


def _kvitka(business: Business) -> None:
    team = _staff(business, KVITKA_STAFF, _kvitka_hours)
    _services(business, KVITKA_SERVICES, team)
    # Before Maria's appointments start at 10:00.
    _class(business, name="Ранкова йога",
           description="Спокійна практика для гарного початку дня.", minutes=60,
           price="300.00", capacity=10, leader=team["Марія"],
           days=_next_days(business, {TUE, THU}, weeks=2), at=time(8))


def load(businesses: dict[str, Business]) -> None:
    """Add the catalog to the demo businesses that demo.data made."""
    _atelier(businesses["atelier-lumiere"])
    _kvitka(businesses["studio-kvitka"])
