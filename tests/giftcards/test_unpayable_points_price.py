"""A points price the stamp card never lets a balance reach: the reset tier takes its
points off as soon as a balance reaches its threshold, so an offer priced at or above it
cannot be bought with points. Saving either side says so, and still saves (the manager
may be changing the other side next)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from giftcards import selectors
from giftcards.models import GiftCardOffer
from loyalty.models import RewardTier
from tests.factories import GiftCardOfferFactory, RewardTierFactory

pytestmark = pytest.mark.django_db

TIER = {"name": "Free blow-dry", "threshold": "30", "discount_kind": "amount",
        "value": "20.00", "applies_to": "bookings", "validity_days": "60",
        "resets_card": "on", "is_active": "on"}


def url(business, name, *args):
    return reverse(f"giftcards:{name}", args=[business.slug, *args])


def warnings_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]
            if message.level_tag == "warning"]


def unpayable(offer_name: str) -> str:
    return (f"Clients cannot buy {offer_name} with points: Free blow-dry starts the card "
            "over at 30 points, so no balance reaches its price.")


@pytest.fixture
def reset_at_30(business):
    return RewardTierFactory(business=business, name="Free blow-dry", threshold=30,
                             resets_card=True)


@pytest.fixture
def spa_day(business):
    return GiftCardOfferFactory(business=business, name="Spa day", value=Decimal("100.00"),
                                price=Decimal("90.00"))


@pytest.mark.parametrize("price", ["30", "150"])
def test_a_points_price_the_card_never_reaches_is_saved_with_a_warning(
        client, business, manager, reset_at_30, spa_day, price):
    client.force_login(manager)

    saved = client.post(url(business, "offer-points", spa_day.pk),
                        {"points_enabled": "on", "points_price": price}, follow=True)

    assert warnings_of(saved) == [unpayable("Spa day")]
    assert 'class="message message-warning"' in saved.content.decode()
    assert GiftCardOffer.objects.get(pk=spa_day.pk).points_price == int(price)


def test_a_points_price_below_the_reset_saves_without_a_warning(client, business, manager,
                                                               reset_at_30, spa_day):
    client.force_login(manager)

    saved = client.post(url(business, "offer-points", spa_day.pk),
                        {"points_enabled": "on", "points_price": "25"}, follow=True)

    assert warnings_of(saved) == []
    assert GiftCardOffer.objects.get(pk=spa_day.pk).points_price == 25


def test_a_reset_tier_below_an_offer_s_points_price_is_saved_with_a_warning(
        client, business, manager, spa_day):
    # Given an offer for 150 points, and one for 20
    GiftCardOffer.objects.filter(pk=spa_day.pk).update(points_enabled=True, points_price=150)
    GiftCardOfferFactory(business=business, name="Manicure", points_enabled=True,
                         points_price=20)
    client.force_login(manager)

    # When the manager makes a 30-point reward that starts the card over
    saved = client.post(url(business, "tier-create"), TIER, follow=True)

    # Then it is saved, with a warning about the 150-point offer only
    assert RewardTier.objects.filter(business=business, resets_card=True).exists()
    assert warnings_of(saved) == [unpayable("Spa day")]


def test_lowering_the_reset_tier_under_a_price_warns_and_other_tiers_do_not(
        client, business, manager, reset_at_30, spa_day):
    GiftCardOffer.objects.filter(pk=spa_day.pk).update(points_enabled=True, points_price=25)
    lower = RewardTierFactory(business=business, name="5 € off", threshold=10)
    client.force_login(manager)

    other = client.post(url(business, "tier-edit", lower.pk),
                        {**TIER, "name": "5 € off", "threshold": "10", "resets_card": ""},
                        follow=True)
    lowered = client.post(url(business, "tier-edit", reset_at_30.pk),
                          {**TIER, "threshold": "20"}, follow=True)

    assert warnings_of(other) == []
    assert warnings_of(lowered) == [
        "Clients cannot buy Spa day with points: Free blow-dry starts the card over at 20 "
        "points, so no balance reaches its price."]


def test_only_offers_on_sale_for_points_are_unpayable(business, reset_at_30):
    GiftCardOfferFactory(business=business, name="Retired", is_active=False,
                         points_enabled=True, points_price=40)
    GiftCardOfferFactory(business=business, name="Money only", points_price=None)
    on_sale = GiftCardOfferFactory(business=business, name="On sale", points_enabled=True,
                                   points_price=40)

    reset, offers = selectors.offers_beyond_reset(business=business)

    assert (reset, offers) == (reset_at_30, [on_sale])


def test_without_a_reset_tier_every_price_can_be_reached(business, spa_day):
    RewardTierFactory(business=business, threshold=30, resets_card=False)
    GiftCardOffer.objects.filter(pk=spa_day.pk).update(points_enabled=True, points_price=500)

    assert selectors.offers_beyond_reset(business=business) == (None, [])
