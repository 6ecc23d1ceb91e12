"""The catalog of the demo: what `make run` shows in the two demo businesses."""

from datetime import time
from decimal import Decimal

import pytest
from django.utils import timezone

from booking import catalog_selectors
from booking.models import (
    ClassSession,
    Client,
    ScheduleException,
    Service,
    StaffMember,
)
from demo import booking as demo_booking
from demo import data
from tests.test_demo import row_counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def businesses():
    loaded = data.load()
    demo_booking.load(loaded)
    return loaded


def test_loading_the_catalog_twice_changes_nothing(businesses):
    first = row_counts()

    demo_booking.load(data.load())

    assert row_counts() == first


def test_atelier_lumiere_has_its_team_services_class_plan_and_holiday(businesses):
    atelier = businesses["atelier-lumiere"]

    team = {m.name: m for m in StaffMember.objects.for_business(atelier)}
    services = {s.name: s for s in catalog_selectors.services(business=atelier)}
    sessions = ClassSession.objects.for_business(atelier).select_related("class_type")
    lea = Client.objects.for_business(atelier).get(first_name="Léa")

    assert list(team) == ["Camille", "Inès", "Julien"]
    assert team["Inès"].membership.user.email == "manager@salonbook.test"
    assert catalog_selectors.working_week(business=atelier, staff_member=team["Camille"])[
        1] == [(time(9), time(13)), (time(14), time(19))]
    assert len(services) == 6
    colour = services["Couleur & coupe"]
    assert (colour.duration_minutes, colour.price, colour.buffer_after_minutes) == (
        120, Decimal("110.00"), 10)
    assert {m.name for m in services["Balayage"].staff.all()} == {"Inès"}
    assert len(sessions) == 3
    assert {(s.class_type.name, s.capacity) for s in sessions} == {("Atelier chignon", 6)}
    assert all(s.starts_at.astimezone(atelier.zone).hour == 10 for s in sessions)
    assert catalog_selectors.has_active_membership(
        business=atelier, client=lea, on_date=timezone.localdate(timezone=atelier.zone))
    # The salon's own day off (the diary adds staff members' hours on top).
    holiday = ScheduleException.objects.for_business(atelier).get(staff_member=None)
    assert (holiday.date.month, holiday.date.day, holiday.staff_member) == (12, 25, None)


def test_studio_kvitka_has_its_team_services_and_yoga(businesses):
    kvitka = businesses["studio-kvitka"]

    names = set(Service.objects.for_business(kvitka).values_list("name", flat=True))
    yoga = ClassSession.objects.for_business(kvitka)

    assert names == {"Манікюр", "Педикюр", "Брови"}
    assert StaffMember.objects.for_business(kvitka).count() == 2
    assert yoga.count() == 4
    assert all(s.starts_at.astimezone(kvitka.zone).hour == 8 for s in yoga)
