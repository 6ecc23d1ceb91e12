"""What clients read about their points' expiry: the year when it is not this year's, and
one line per day however many lots expire that day."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.urls import reverse

from loyalty.models import EntryKind
from loyalty.services import expiry, ledger, program
from notifications.kinds import MessageKind
from notifications.models import OutboundMessage
from tests.loyalty.conftest import signed_in_client

pytestmark = pytest.mark.django_db

# Saturday 5 December 2026, 10:00 in Paris.
TODAY = datetime(2026, 12, 5, 9, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _on_5_december_2026():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def yearly(business):
    program.update_program(business=business, expiry_months=12, expiry_notice_days=14)


def add(business, client, points, manager, *, when):
    return ledger.post_entry(business=business, client=client, kind=EntryKind.ADJUST,
                             points=points, description="gift", created_by=manager, now=when)


def loyalty_page(web_client, business, client) -> str:
    signed_in_client(web_client, business, client)
    return web_client.get(reverse("loyalty:site-loyalty", args=[business.slug])).content.decode()


def test_points_expiring_next_year_show_the_year(client, business, fan, manager, yearly):
    # Earned today: they expire on 5 December 2027, not on today's date.
    add(business, fan, 10, manager, when=TODAY)

    page = loyalty_page(client, business, fan)

    assert "10 points expire on 5 December 2027" in page


def test_points_expiring_this_year_show_no_year(client, business, fan, manager, yearly):
    add(business, fan, 10, manager, when=TODAY + timedelta(days=20) - relativedelta(months=12))

    page = loyalty_page(client, business, fan)

    assert "10 points expire on 25 December<" in page


def test_lots_expiring_the_same_day_are_one_line(client, business, fan, manager, yearly):
    # Three credits of one day (09:00, 12:00 and 18:30 in Paris) expire that same day.
    first = TODAY + timedelta(days=10) - relativedelta(months=12)
    for hours, points in ((0, 3), (3, 4), (9.5, 5)):
        add(business, fan, points, manager, when=first + timedelta(hours=hours))
    add(business, fan, 1, manager, when=first + timedelta(days=1))

    page = loyalty_page(client, business, fan)

    assert "12 points expire on 15 December" in page
    assert "1 point expires on 16 December" in page
    assert page.count("expire on 15 December") == 1


def test_the_expiry_email_shows_no_year_for_a_day_of_this_year(business, fan, manager):
    program.update_program(business=business, expiry_months=1, expiry_notice_days=30)
    add(business, fan, 7, manager, when=TODAY - timedelta(days=10))  # expires 26 December
    add(business, fan, 2, manager, when=datetime(2026, 12, 1, 9, tzinfo=UTC))

    expiry.warn_expiring_points(now=TODAY)

    body = OutboundMessage.objects.get(kind=MessageKind.POINTS_EXPIRING).body
    assert "On: 25 December\n" in body


def test_the_expiry_email_for_january_names_next_year(business, fan, manager):
    program.update_program(business=business, expiry_months=1, expiry_notice_days=30)
    add(business, fan, 7, manager, when=datetime(2026, 12, 2, 9, tzinfo=UTC))

    expiry.warn_expiring_points(now=TODAY + timedelta(days=10))

    body = OutboundMessage.objects.get(kind=MessageKind.POINTS_EXPIRING).body
    assert "On: 2 January 2027\n" in body
