"""Many hands on one balance at once, with real threads on PostgreSQL: the balance never
goes below zero, no entry is lost, and one Idempotency-Key adds points once."""

import itertools
import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from rest_framework.test import APIClient

from loyalty.models import EntryKind, EntrySource, PointsAccount, PointsEntry
from loyalty.services import adjustments as loyalty_adjustments
from tenancy.models import Role
from tests.factories import GiftCardFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def assert_ledger_consistent(business, client):
    entries = list(PointsEntry.objects.for_business(business).filter(client=client)
                   .order_by("pk"))
    running = 0
    for entry in entries:
        running += entry.points
        assert entry.balance_after == running >= 0
    assert PointsAccount.objects.get(business=business, client=client).balance == running
    return entries


def test_eight_threads_adjusting_and_redeeming_never_overdraw_nor_lose_an_entry(business, fan,
                                                                                manager):
    loyalty_adjustments.adjust_points(business=business, client=fan, points=20, description="start",
                                      by=manager)
    # A gift card bought with points for each redemption that may happen.
    cards = {(seed, step): EntrySource(gift_card_id=card.pk) for (seed, step), card in zip(
        itertools.product(range(8), range(25)),
        GiftCardFactory.create_batch(8 * 25, business=business), strict=True)}
    outcomes, barrier = [], threading.Barrier(8)

    def hammer(seed):
        rng = random.Random(seed)
        barrier.wait()
        try:
            for step in range(25):
                points = rng.choice([5, -3, -7, 2, -10])
                try:
                    if points > 0 or rng.random() < 0.5:
                        loyalty_adjustments.adjust_points(business=business, client=fan,
                                                          points=points, description="race",
                                                          by=manager)
                    else:
                        loyalty_adjustments.spend_points(business=business, client=fan,
                                                         points=-points,
                                                         description="gift card",
                                                         source=cards[seed, step])
                    outcomes.append(points)
                except ValidationError:
                    outcomes.append(None)
        finally:
            connection.close()

    threads = [threading.Thread(target=hammer, args=(seed,)) for seed in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    entries = assert_ledger_consistent(business, fan)
    accepted = [points for points in outcomes if points is not None]
    assert len(entries) == 1 + len(accepted)
    assert entries[-1].balance_after == 20 + sum(accepted)
    assert None in outcomes, "the race should have refused some deductions"


def test_two_hundred_concurrent_adjustments_with_one_key_create_one_entry(api_for, business,
                                                                          fan):
    raw_key = api_for(business, Role.MANAGER).token.raw_key
    body = {"client": fan.pk, "points": 25, "description": "Goodwill"}
    barrier = threading.Barrier(20)

    def send(index):
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {raw_key}")
        if index < 20:
            barrier.wait()
        try:
            response = api.post("/api/v1/loyalty/adjustments/", body, format="json",
                                HTTP_IDEMPOTENCY_KEY="goodwill-1")
            return response.status_code, response.json()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(send, range(200)))

    assert PointsEntry.objects.filter(client=fan, kind=EntryKind.ADJUST).count() == 1
    statuses = {status for status, _body in answers}
    assert statuses <= {201, 409}
    created = [answer for status, answer in answers if status == 201]
    assert created
    assert all(answer == created[0] for answer in created)
    assert PointsAccount.objects.get(client=fan).balance == 25

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw_key}")
    reused = api.post("/api/v1/loyalty/adjustments/", {**body, "points": 99}, format="json",
                      HTTP_IDEMPOTENCY_KEY="goodwill-1")
    assert reused.status_code == 422
