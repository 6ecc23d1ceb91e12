"""The API of stamp-card rewards: tiers, and rewards given by staff (idempotent)."""

import pytest

from giftcards.models import Coupon, CouponOrigin
from loyalty.models import RewardTier
from tenancy.models import Role
from tests.factories import ClientFactory, RewardTierFactory

pytestmark = pytest.mark.django_db


def test_a_manager_creates_and_changes_a_tier(api_for, business):
    manager = api_for(business, Role.MANAGER)

    created = manager.post("/api/v1/reward-tiers/", {
        "name": "10 % off", "threshold": 8, "discount_kind": "percent", "value": "10"},
        format="json")
    tier_id = created.json()["id"]
    changed = manager.patch(f"/api/v1/reward-tiers/{tier_id}/", {"threshold": 6},
                            format="json")

    assert created.status_code == 201
    assert changed.json()["threshold"] == 6
    assert RewardTier.objects.get(pk=tier_id).threshold == 6


def test_a_bad_tier_is_a_400_naming_the_field_and_nothing_is_saved(api_for, business):
    manager = api_for(business, Role.MANAGER)

    refused = manager.post("/api/v1/reward-tiers/", {
        "name": "Free", "threshold": 5, "discount_kind": "free_service"}, format="json")

    assert refused.status_code == 400
    assert "service" in str(refused.json())
    assert not RewardTier.objects.exists()


def test_staff_read_tiers_but_cannot_write_them(api_for, business):
    RewardTierFactory(business=business)
    staff = api_for(business, Role.STAFF)

    assert staff.get("/api/v1/reward-tiers/").status_code == 200
    assert staff.post("/api/v1/reward-tiers/", {"name": "x", "threshold": 3,
                                                 "discount_kind": "amount", "value": "2"},
                      format="json").status_code == 403


def test_giving_a_reward_twice_with_one_key_gives_one_code(api_for, business):
    tier = RewardTierFactory(business=business, name="Free nail art")
    somebody = ClientFactory(business=business)
    manager = api_for(business, Role.MANAGER)

    answers = [manager.post("/api/v1/rewards/", {"client": somebody.pk, "tier": tier.pk},
                            format="json", HTTP_IDEMPOTENCY_KEY="give-1") for _ in range(2)]
    listed = manager.get("/api/v1/rewards/", {"client": somebody.pk})

    assert [answer.status_code for answer in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()
    code = Coupon.objects.get(client=somebody)
    assert (code.origin, code.name) == (CouponOrigin.GIVEN, "Free nail art")
    assert [row["code"] for row in listed.json()["results"]] == [code.code]


def test_a_custom_reward_and_another_business_client(api_for, business, other_business):
    manager = api_for(business, Role.MANAGER)
    mine, foreign = ClientFactory(business=business), ClientFactory(business=other_business)

    given = manager.post("/api/v1/rewards/", {"client": mine.pk, "name": "Sorry",
                                              "discount_kind": "amount", "value": "7.50"},
                         format="json")
    refused = manager.post("/api/v1/rewards/", {"client": foreign.pk, "name": "Sorry",
                                                "discount_kind": "amount", "value": "7.50"},
                           format="json")

    assert given.status_code == 201
    assert given.json()["value"] == "7.50"
    assert refused.status_code == 400
    assert not Coupon.objects.filter(client=foreign).exists()
