"""The gift card part of the demo, at Atelier Lumière: two offers (one also for points),
a card Léa bought online and has partly spent, a welcome coupon, and a loyalty reward
code of Léa's to use at checkout. Studio Kvitka sells one card in hryvnias.

Made through the services; found before being made, so loading twice changes nothing.
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from booking.models import Business, Client
from giftcards import services
from giftcards.models import Coupon, CouponOrigin, GiftCard, GiftCardOffer, GiftCardOrigin

OFFERS = {
    "atelier-lumiere": [
        # name, value, price, validity (days), points price (None: money only)
        ("Carte cadeau 50 €", "50.00", "50.00", 365, 150),
        ("Carte cadeau Soin & coupe", "100.00", "95.00", 365, None),
    ],
    "studio-kvitka": [
        ("Подарунковий сертифікат", "1000.00", "1000.00", 180, None),
    ],
}
WELCOME_CODE = "BIENVENUE10"
LEAS_REWARD_CODE = "CADEAU"


def _offers(business: Business, rows) -> None:
    for name, value, price, days, points in rows:
        if not GiftCardOffer.objects.for_business(business).filter(name=name).exists():
            services.create_offer(business=business, name=name, value=Decimal(value),
                                  price=Decimal(price), validity_days=days,
                                  points_enabled=points is not None, points_price=points)


def _leas_card(business: Business) -> None:
    """Léa bought the 50 € card on the booking site, and has spent 18 € of it."""
    lea = Client.objects.for_business(business).filter(email="lea.dubois@example.com").first()
    offer = GiftCardOffer.objects.for_business(business).filter(
        name=OFFERS["atelier-lumiere"][0][0]).first()
    if lea is None or offer is None or GiftCard.objects.for_business(business).filter(
            purchaser=lea, origin=GiftCardOrigin.ONLINE).exists():
        return
    bought = services.buy_with_money(
        business=business, client=lea, offer=offer, recipient_name="Manon",
        message="Joyeux anniversaire !",
        return_url=f"{settings.SITE_URL}{reverse('giftcards:site-mine', args=[business.slug])}")
    services.redeem_gift_card(business=business, code=bought.gift_card.code,
                              amount=Decimal("18.00"), note="Shampoing doux")


def _leas_reward(business: Business) -> None:
    """A reward code of Léa's, offered in one click when she checks out."""
    lea = Client.objects.for_business(business).filter(email="lea.dubois@example.com").first()
    if lea is None or Coupon.objects.for_business(business).filter(
            client=lea, origin=CouponOrigin.REWARD).exists():
        return
    # Reward codes are issued by the loyalty reward tiers as points cross them; the
    # demo hands Léa one directly so that checkout has one to show without a history.
    Coupon.objects.create(
        business=business, code=LEAS_REWARD_CODE, name="Récompense fidélité : -10 €",
        origin=CouponOrigin.REWARD, discount_kind="amount", value=Decimal("10.00"),
        applies_to="bookings", max_uses=1, max_uses_per_client=1, client=lea,
        valid_until=timezone.localdate(timezone.now(), business.zone) + timedelta(days=90))


def load(businesses: dict[str, Business]) -> None:
    atelier = businesses["atelier-lumiere"]
    for slug, rows in OFFERS.items():
        _offers(businesses[slug], rows)
    _leas_card(atelier)
    _leas_reward(atelier)
    if not Coupon.objects.for_business(atelier).filter(code=WELCOME_CODE).exists():
        services.create_coupon(business=atelier, code=WELCOME_CODE, name="Bienvenue : -10 %",
                               discount_kind="percent", value=Decimal("10"),
                               applies_to="bookings", max_uses_per_client=1)
