"""The gift card part of the demo: offers at both salons, Léa's card partly spent, a
welcome coupon, Léa's reward code, and nothing more when it is loaded again."""

from decimal import Decimal

import pytest

from demo import data
from demo import giftcards as demo_giftcards
from giftcards import selectors
from giftcards.models import Coupon, GiftCard, GiftCardOffer, GiftCardTransaction

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
    reward = Coupon.objects.for_business(atelier).get(origin="reward",
                                                      client__first_name="Léa")
    assert reward in selectors.client_codes(business=atelier, client=reward.client)
    assert (GiftCardOffer.objects.count(), GiftCard.objects.count(),
            GiftCardTransaction.objects.count(), Coupon.objects.count()) == counts
