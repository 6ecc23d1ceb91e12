"""Each request reads and shows times in its own business's zone, whatever the thread served
before: back office and booking site from the URL's business, the API from the token's."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.test import Client as BrowserClient
from django.utils import timezone

from booking.models import Appointment
from tenancy.models import Role
from tests.booking.booking_setup import next_weekday, open_salon
from tests.factories import BusinessFactory, ClientFactory, StaffMembershipFactory

pytestmark = pytest.mark.django_db

KYIV = ZoneInfo("Europe/Kyiv")
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def kyiv_business():
    return BusinessFactory(slug="kyiv-salon", time_zone="Europe/Kyiv")


def test_a_back_office_page_leaves_no_time_zone_active(kyiv_business):
    browser = BrowserClient()
    browser.force_login(StaffMembershipFactory(business=kyiv_business, role=Role.OWNER).user)

    response = browser.get(f"/manage/{kyiv_business.slug}/")

    assert response.status_code == 200
    assert timezone.get_current_timezone_name() == "UTC"


def test_a_booking_site_page_leaves_no_time_zone_active(kyiv_business):
    response = BrowserClient().get(f"/{kyiv_business.slug}/")

    assert response.status_code == 200
    assert timezone.get_current_timezone_name() == "UTC"


def test_interleaved_businesses_on_one_thread_each_get_their_own_zone(
        kyiv_business, business, api_for):
    # Given a Kyiv salon whose back office and booking site are used between API calls
    # of a Paris salon, and the other way round, all on this one thread.
    paris_salon, kyiv_salon = open_salon(business), open_salon(kyiv_business)
    paris_api, kyiv_api = api_for(business), api_for(kyiv_business)
    browser = BrowserClient()
    browser.force_login(StaffMembershipFactory(business=kyiv_business, role=Role.OWNER).user)
    day = next_weekday(1)
    answers = []

    # When each API call follows a page of the other business
    for hour in (10, 11, 12):
        assert browser.get(f"/manage/{kyiv_business.slug}/").status_code == 200
        answers.append((PARIS, hour, paris_api.post("/api/v1/appointments/", {
            "client": ClientFactory(business=business).pk, "service": paris_salon.cut.pk,
            "start": f"{day}T{hour}:00:00"}, format="json")))
        assert BrowserClient().get(f"/{business.slug}/").status_code == 200
        answers.append((KYIV, hour, kyiv_api.post("/api/v1/appointments/", {
            "client": ClientFactory(business=kyiv_business).pk, "service": kyiv_salon.cut.pk,
            "start": f"{day}T{hour}:00:00"}, format="json")))

    # Then a naive start is the wall-clock time of the token's business, and every
    # datetime of the answer carries that business's offset
    for zone, hour, response in answers:
        assert response.status_code == 201, response.json()
        body = response.json()
        starts_at = datetime.combine(day, time(hour), tzinfo=zone)
        assert Appointment.objects.get(pk=body["id"]).starts_at == starts_at
        assert datetime.fromisoformat(body["starts_at"]) == starts_at
        offset = starts_at.strftime("%z")
        offset = f"{offset[:3]}:{offset[3:]}"
        assert body["starts_at"].endswith(offset)
        now_offset = timezone.now().astimezone(zone).strftime("%z")
        assert body["created_at"].endswith(f"{now_offset[:3]}:{now_offset[3:]}")
    assert timezone.get_current_timezone_name() == "UTC"


@pytest.mark.parametrize("start", ["2030-03-31T02:30:00", "2030-10-27T02:30:00"],
                         ids=["skipped-in-spring", "repeated-in-autumn"])
def test_a_local_time_that_a_clock_change_skips_or_repeats_asks_for_an_offset(
        business, api_for, start):
    salon = open_salon(business)

    response = api_for(business).post("/api/v1/appointments/", {
        "client": ClientFactory(business=business).pk, "service": salon.cut.pk,
        "start": start}, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert list(error["fields"]) == ["start"]
    assert "Europe/Paris" in error["message"]
    assert "offset" in error["message"]
    assert not Appointment.objects.exists()
