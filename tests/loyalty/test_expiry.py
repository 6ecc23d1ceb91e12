"""Points expire N months after they were earned, the first to expire spent first;
clients see what expires when and are warned before."""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from loyalty import selectors
from loyalty.models import EntryKind, EntrySource, PointsEntry
from loyalty.services import adjustments as loyalty_adjustments
from loyalty.services import expiry as loyalty_expiry
from loyalty.services import ledger as loyalty_ledger
from loyalty.services import program as loyalty_program
from notifications.kinds import MessageKind
from notifications.models import OutboundMessage
from tests.factories import GiftCardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def yearly(business):
    loyalty_program.update_program(business=business, expiry_months=12, expiry_notice_days=14)


def add(business, client, points, manager, *, when):
    return loyalty_ledger.post_entry(business=business, client=client, kind=EntryKind.ADJUST,
                                     points=points, description="gift", created_by=manager,
                                     now=when)


def test_points_expire_twelve_months_after_they_were_earned(business, fan, manager, yearly):
    earned_at = timezone.now() - timedelta(days=400)
    add(business, fan, 10, manager, when=earned_at)
    assert loyalty_expiry.expire_points() == 10
    entry = PointsEntry.objects.get(kind=EntryKind.EXPIRE)
    assert (entry.points, entry.balance_after) == (-10, 0)
    assert entry.description == "10 points expired"


def test_points_spent_come_from_the_oldest_first(business, fan, manager, yearly):
    now = timezone.now()
    add(business, fan, 10, manager, when=now - timedelta(days=400))
    add(business, fan, 10, manager, when=now - timedelta(days=30))
    loyalty_adjustments.spend_points(business=business, client=fan, points=6,
                                     description="gift card",
                                     source=EntrySource(gift_card_id=GiftCardFactory(business=business).pk))
    assert loyalty_expiry.expire_points() == 4
    assert selectors.balance_of(business=business, client=fan) == 10


def test_the_expiry_job_expires_each_point_once(business, fan, manager, yearly):
    add(business, fan, 10, manager, when=timezone.now() - timedelta(days=400))
    loyalty_expiry.expire_points()
    assert loyalty_expiry.expire_points() == 0
    assert PointsEntry.objects.filter(kind=EntryKind.EXPIRE).count() == 1


def test_points_earned_without_expiry_never_expire(business, fan, manager):
    add(business, fan, 10, manager, when=timezone.now() - timedelta(days=4000))
    loyalty_program.update_program(business=business, expiry_months=12)
    assert loyalty_expiry.expire_points() == 0


def test_clients_see_what_expires_when(business, fan, manager, yearly):
    earned = timezone.now() - timedelta(days=300)
    add(business, fan, 7, manager, when=earned)
    [lot] = selectors.upcoming_expiries(business=business, client=fan)
    assert (lot.points, lot.expires_at) == (7, earned + relativedelta(months=12))


def test_clients_are_warned_once_before_points_expire(business, fan, manager, yearly):
    add(business, fan, 7, manager, when=timezone.now() - timedelta(days=360))
    assert loyalty_expiry.warn_expiring_points() == 1
    assert loyalty_expiry.warn_expiring_points() == 0
    message = OutboundMessage.objects.get(kind=MessageKind.POINTS_EXPIRING)
    assert "7" in message.body


def test_a_reversed_credit_does_not_expire_again(business, fan, manager, yearly):
    entry = add(business, fan, 10, manager, when=timezone.now() - timedelta(days=400))
    loyalty_ledger.reverse_entry(business=business, entry=entry)
    assert loyalty_expiry.expire_points() == 0


@pytest.mark.parametrize(("days_left", "warned"), [(15, 0), (14, 1), (3, 1)])
def test_clients_are_warned_the_program_s_notice_days_before_and_not_earlier(
        business, fan, manager, yearly, days_left, warned):
    now = timezone.now()
    add(business, fan, 7, manager,
        when=now + timedelta(days=days_left) - relativedelta(months=12))
    assert loyalty_expiry.warn_expiring_points(now=now) == warned
    assert OutboundMessage.objects.filter(kind=MessageKind.POINTS_EXPIRING).count() == warned


def test_the_expiry_jobs_run_hourly_and_daily_from_beat():
    from config.celery import app

    schedule = app.conf.beat_schedule
    assert schedule["expire-points"]["task"] == "loyalty.tasks.expire_points_task"
    assert schedule["expire-points"]["schedule"].minute == {5}
    assert schedule["warn-expiring-points"]["task"] == "loyalty.tasks.warn_expiring_points_task"
    assert (schedule["warn-expiring-points"]["schedule"].hour,
            schedule["warn-expiring-points"]["schedule"].minute) == ({9}, {0})
