"""The gift card part of the demo: offers at both salons, Léa's card partly spent, a
welcome coupon, Léa's reward code, and nothing more when it is loaded again."""

from decimal import Decimal

import pytest

from demo import data
from demo import giftcards as demo_giftcards
from giftcards import selectors
from giftcards.models import (
    Coupon,
    CouponOrigin,
    GiftCard,
    GiftCardOffer,
    GiftCardTransaction,
)
from loyalty.models import RewardTier
from notifications.models import OutboundMessage

pytestmark = pytest.mark.django_db


def test_the_demo_has_offers_a_partly_spent_card_and_a_coupon_and_loads_twice_the_same():
    businesses = data.load()
    counts = (GiftCardOffer.objects.count(), GiftCard.objects.count(),
              GiftCardTransaction.objects.count(), Coupon.objects.count())

    demo_giftcards.load(businesses)

    atelier = businesses["atelier-lumiere"]
    card = GiftCard.objects.for_business(atelier).get(purchaser__first_name="Léa")
    assert (card.value, card.balance) == (Decimal("50.00"), Decimal("32.00"))
    assert GiftCardOffer.objects.for_business(atelier).filter(points_enabled=True).exists()
    assert GiftCardOffer.objects.for_business(businesses["studio-kvitka"]).exists()
    assert Coupon.objects.for_business(atelier).filter(code="BIENVENUE10").exists()
    reward = Coupon.objects.for_business(atelier).get(origin=CouponOrigin.GIVEN,
                                                      client__first_name="Léa")
    assert reward in selectors.client_codes(business=atelier, client=reward.client)
    assert (GiftCardOffer.objects.count(), GiftCard.objects.count(),
            GiftCardTransaction.objects.count(), Coupon.objects.count()) == counts


def test_the_demo_stamp_card_has_already_unlocked_claires_reward():
    businesses = data.load()
    atelier = businesses["atelier-lumiere"]

    assert [tier.threshold for tier in RewardTier.objects.for_business(atelier)] == [10, 20, 30]
    unlocked = Coupon.objects.for_business(atelier).filter(
        origin=CouponOrigin.REWARD, client__email="claire@example.com")
    assert unlocked.exists()
    assert OutboundMessage.objects.for_business(atelier).filter(
        kind="reward_unlocked", client__email="claire@example.com").exists()


def test_every_demo_offer_for_points_can_be_paid_under_the_stamp_card():
    businesses = data.load()

    for business in businesses.values():
        reset, unpayable = selectors.offers_beyond_reset(business=business)
        assert unpayable == [], f"{business.slug}: {reset} starts over below {unpayable}"
    assert GiftCardOffer.objects.for_business(businesses["atelier-lumiere"]).filter(
        points_enabled=True, is_active=True).exists()
