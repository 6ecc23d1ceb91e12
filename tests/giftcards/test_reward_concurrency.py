"""Eight threads adding points to one client at once, on PostgreSQL: each threshold
crossing unlocks exactly one code, and the resetting card ends where arithmetic says."""

import itertools
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from giftcards.models import Coupon
from loyalty.models import EntryKind, EntrySource, PointsAccount, PointsEntry
from loyalty.services import ledger as loyalty_ledger
from loyalty.services import program as loyalty_program
from loyalty.services import stamp_card
from tenancy import services as tenant_services
from tenancy.models import Extension
from tests.factories import AppointmentFactory, ClientFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS, POSTS_EACH = 8, 5


def test_concurrent_points_unlock_each_reward_once_and_reset_the_card_exactly(business):
    business, _also = tenant_services.set_extension(business=business,
                                                    extension=Extension.LOYALTY, enabled=True)
    loyalty_program.on_loyalty_switched(business=business, enabled=True, now=timezone.now())
    stamp_card.create_tier(business=business, name="Half way", threshold=5,
                           discount_kind="amount", value=Decimal(2))
    stamp_card.create_tier(business=business, name="Full card", threshold=10,
                           discount_kind="amount", value=Decimal(5), resets_card=True)
    fan = ClientFactory(business=business)
    # An appointment for each posting: each is credited once.
    visits = {(seed, step): EntrySource(appointment_id=visit.pk) for (seed, step), visit in zip(
        itertools.product(range(THREADS), range(POSTS_EACH)),
        AppointmentFactory.create_batch(THREADS * POSTS_EACH, business=business, client=fan),
        strict=True)}
    barrier = threading.Barrier(THREADS)

    def add_points(seed):
        barrier.wait()
        try:
            for step in range(POSTS_EACH):
                loyalty_ledger.post_entry(business=business, client=fan, kind=EntryKind.EARN,
                                          points=1, description="visit",
                                          source=visits[seed, step])
        finally:
            connection.close()

    threads = [threading.Thread(target=add_points, args=(seed,)) for seed in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # 40 points, one at a time: the card fills four times, passing 5 each time.
    codes = Coupon.objects.filter(client=fan)
    assert codes.filter(tier__threshold=5).count() == 4
    assert codes.filter(tier__threshold=10).count() == 4
    assert PointsEntry.objects.filter(client=fan, kind=EntryKind.REWARD).count() == 4
    assert PointsAccount.objects.get(client=fan).balance == 0
