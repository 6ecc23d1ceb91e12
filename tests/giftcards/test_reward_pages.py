"""Manage -> Coupons & gift cards -> Loyalty rewards, and "Give a reward" on the client
page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from giftcards import selectors
from giftcards.models import Coupon, CouponOrigin
from loyalty.models import RewardTier
from tests.factories import ClientFactory, RewardTierFactory

pytestmark = pytest.mark.django_db


def url(business, name, *args):
    return reverse(f"giftcards:{name}", args=[business.slug, *args])


TIER = {"name": "5 € off", "threshold": "10", "discount_kind": "amount", "value": "5.00",
        "applies_to": "bookings", "validity_days": "60", "is_active": "on"}


def test_a_manager_creates_a_reward_and_sees_it_in_the_list(client, business, manager):
    client.force_login(manager)

    saved = client.post(url(business, "tier-create"), TIER)

    assert saved.status_code == 302
    tier = RewardTier.objects.get(business=business)
    assert (tier.threshold, tier.value, tier.validity_days) == (10, Decimal("5.00"), 60)
    listing = client.get(url(business, "tier-list")).content.decode()
    assert "5 € off" in listing
    assert url(business, "tier-edit", tier.pk) in listing


def test_a_bad_reward_shows_form_errors_and_saves_nothing(client, business, manager):
    RewardTierFactory(business=business, threshold=10)
    client.force_login(manager)

    refused = client.post(url(business, "tier-create"), {**TIER, "value": "0"})
    clash = client.post(url(business, "tier-create"), {**TIER, "value": "3"})

    assert refused.status_code == clash.status_code == 200
    assert "Enter an amount above zero." in refused.content.decode()
    assert "Another reward already needs this many points." in clash.content.decode()
    assert RewardTier.objects.filter(business=business).count() == 1


def test_staff_see_the_rewards_but_only_managers_edit_them(client, business, staff):
    tier = RewardTierFactory(business=business)
    client.force_login(staff)

    assert client.get(url(business, "tier-list")).status_code == 200
    assert client.get(url(business, "tier-edit", tier.pk)).status_code == 403
    assert client.post(url(business, "tier-create"), TIER).status_code == 403


def test_a_manager_gives_a_client_an_existing_reward_from_the_client_page(
        client, business, manager):
    tier = RewardTierFactory(business=business, name="Free nail art")
    somebody = ClientFactory(business=business)
    client.force_login(manager)
    page = client.get(reverse("booking:client-detail", args=[business.slug, somebody.pk]))
    assert url(business, "give-reward", somebody.pk) in page.content.decode()

    given = client.post(url(business, "give-reward", somebody.pk), {"tier": tier.pk})

    assert given.status_code == 302
    code = Coupon.objects.get(client=somebody)
    assert (code.origin, code.name, code.max_uses) == (CouponOrigin.GIVEN, "Free nail art", 1)
    page = client.get(reverse("booking:client-detail", args=[business.slug, somebody.pk]))
    assert code.code in page.content.decode()


def test_a_custom_reward_needs_its_discount(client, business, manager):
    somebody = ClientFactory(business=business)
    client.force_login(manager)

    refused = client.post(url(business, "give-reward", somebody.pk),
                          {"name": "Sorry", "discount_kind": "percent", "value": ""})
    given = client.post(url(business, "give-reward", somebody.pk),
                        {"name": "Sorry", "discount_kind": "percent", "value": "15"})

    assert refused.status_code == 200
    assert "Enter an amount." in refused.content.decode()
    assert given.status_code == 302
    assert Coupon.objects.get(client=somebody).value == Decimal("15.00")


def test_another_business_tier_cannot_be_given(client, business, other_business, manager):
    foreign = RewardTierFactory(business=other_business)
    somebody = ClientFactory(business=business)
    client.force_login(manager)

    refused = client.post(url(business, "give-reward", somebody.pk), {"tier": foreign.pk})

    assert refused.status_code == 200
    assert "This reward is not in your business." in refused.content.decode()
    assert not Coupon.objects.filter(client=somebody).exists()
    assert selectors.client_codes(business=business, client=somebody) == []
