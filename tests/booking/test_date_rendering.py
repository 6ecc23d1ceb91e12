"""Dates follow the language's own rules and the business's country: on the booking site,
in the back office and in emails (French lower case, Ukrainian genitive, English as it is
written in the business's country)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from notifications import booking_emails
from notifications.kinds import MessageKind
from notifications.models import OutboundMessage
from tenancy.models import Extension
from tenancy.services import set_extension
from tests.factories import AppointmentEventFactory, AppointmentFactory, ClientFactory, UserFactory
from tests.fixtures.site import sign_in_on_site

pytestmark = pytest.mark.django_db

# Saturday 5 December 2026: 20:07 in Paris, 21:07 in Kyiv.
MOMENT = datetime(2026, 12, 5, 19, 7, tzinfo=UTC)

# Ukrainian follows the year of a date with its abbreviation of "рік" (year).
YEAR = "\N{NARROW NO-BREAK SPACE}\N{CYRILLIC SMALL LETTER ER}."
READERS = [
    # language, business zone, the day in full, a date and time in a table
    ("en", "Europe/Paris", "Saturday, 5 December 2026", "5 Dec 2026, 20:07"),
    ("fr", "Europe/Paris", "samedi 5 décembre 2026", "5 déc. 2026, 20:07"),
    ("uk", "Europe/Kyiv", f"субота, 5 грудня 2026{YEAR}", f"5 груд. 2026{YEAR}, 21:07"),
]


@pytest.fixture(autouse=True)
def _two_weeks_before():
    with time_machine.travel(MOMENT - timedelta(days=14), tick=False):
        yield


@pytest.fixture
def appointment(business):
    return AppointmentFactory(business=business, starts_at=MOMENT, busy_from=MOMENT,
                              ends_at=MOMENT + timedelta(hours=1),
                              busy_until=MOMENT + timedelta(hours=1))


def _set_business(business, language, time_zone):
    business.language, business.time_zone = language, time_zone
    business.save(update_fields=["language", "time_zone"])


@pytest.mark.parametrize(("language", "time_zone", "full_day", "table_moment"), READERS)
def test_the_booking_site_shows_the_day_in_the_business_s_language_and_country(
        client, business, appointment, language, time_zone, full_day, table_moment):
    _set_business(business, language, time_zone)
    set_extension(business=business, extension=Extension.CLIENT_LOGIN, enabled=True)
    user = UserFactory()
    appointment.client.user = user
    appointment.client.save(update_fields=["user"])
    sign_in_on_site(client, user, business)

    page = client.get(reverse("booking:site-appointment",
                              args=[business.slug, appointment.pk])).content.decode()

    assert full_day in page
    assert table_moment.rsplit(" ", 1)[1] in page  # the time, 24-hour in Paris and Kyiv
    # As a word: a random token on the page may hold the letters.
    assert not re.search(r"\bPM\b", page)


@pytest.mark.parametrize(("language", "time_zone", "full_day", "table_moment"), READERS)
def test_the_back_office_shows_dates_in_the_reader_s_language_and_the_business_s_country(
        client, business, appointment, member_of, language, time_zone, full_day,
        table_moment):
    _set_business(business, "en", time_zone)
    staff = member_of(business).user
    staff.language = language
    staff.save(update_fields=["language"])
    AppointmentEventFactory(business=business, appointment=appointment, changed_at=MOMENT)
    client.force_login(staff)

    page = client.get(reverse("booking:appointment-detail",
                              args=[business.slug, appointment.pk])).content.decode()

    assert f"{full_day}, {table_moment.rsplit(' ', 1)[1]}" in page
    assert table_moment in page


def test_english_for_a_paris_business_is_written_as_in_france_not_as_in_the_us(
        client, business, appointment, staff):
    AppointmentEventFactory(business=business, appointment=appointment, changed_at=MOMENT)
    client.force_login(staff)

    page = client.get(reverse("booking:appointment-detail",
                              args=[business.slug, appointment.pk])).content.decode()

    assert "5 Dec 2026, 20:07" in page
    assert "12/05/2026" not in page
    assert "8:07" not in page


@pytest.mark.parametrize(("language", "time_zone", "full_day", "table_moment"), READERS)
def test_the_confirmation_email_writes_the_day_in_the_business_s_language_and_country(
        business, language, time_zone, full_day, table_moment):
    _set_business(business, language, time_zone)
    appointment = AppointmentFactory(
        business=business, client=ClientFactory(business=business), starts_at=MOMENT,
        busy_from=MOMENT, ends_at=MOMENT + timedelta(hours=1),
        busy_until=MOMENT + timedelta(hours=1))

    booking_emails.appointment_booked(business=business, appointment=appointment)

    body = OutboundMessage.objects.get(kind=MessageKind.BOOKING_CONFIRMED).body
    assert f"{full_day}, {table_moment.rsplit(' ', 1)[1]}" in body
