"""The gift card part of the demo, at Atelier Lumière: three offers (one also for points),
a card Léa bought online and has partly spent, a welcome coupon, and a reward the manager
gave Léa, offered in one click at checkout (the stamp card whose rewards Claire's points
unlock is loyalty's: demo/loyalty.py). Studio Kvitka sells one card in hryvnias.

Made through the services; found before being made, so loading twice changes nothing.
"""

from decimal import Decimal

from django.conf import settings
from django.urls import reverse

from accounts.models import User
from booking.models import Client
from giftcards.models import Coupon, GiftCard, GiftCardOffer, GiftCardOrigin
from giftcards.services import cards as card_services
from giftcards.services import coupons as coupon_services
from giftcards.services import offers as offer_services
from giftcards.services import purchases as purchase_services
from giftcards.services import reward_codes
from tenancy.models import Business

OFFERS = {
    "atelier-lumiere": [
        # name, value, price, validity (days), points price (None: money only). A points
        # price stays below the stamp card's reset (30), which no balance ever reaches; at
        # 2 points a euro, the rate of its 10-point "5 € off" reward.
        ("Carte cadeau 50 €", "50.00", "50.00", 365, None),
        ("Carte cadeau Soin & coupe", "100.00", "95.00", 365, None),
        ("Carte cadeau 10 €", "10.00", "10.00", 365, 20),
    ],
    "studio-kvitka": [
        ("Подарунковий сертифікат", "1000.00", "1000.00", 180, None),
    ],
}
WELCOME_CODE = "BIENVENUE10"
LEAS_REWARD = "Récompense fidélité : -10 €"


def _offers(business: Business, rows) -> None:
    for name, value, price, days, points in rows:
        if not GiftCardOffer.objects.for_business(business).filter(name=name).exists():
            offer_services.create_offer(business=business, name=name, value=Decimal(value),
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
    bought = purchase_services.buy_with_money(
        business=business, client=lea, offer=offer, recipient_name="Manon",
        message="Joyeux anniversaire !",
        return_url=f"{settings.SITE_URL}{reverse('giftcards:site-mine', args=[business.slug])}")
    card_services.redeem_gift_card(business=business, code=bought.gift_card.code,
                                   amount=Decimal("18.00"), note="Shampoing doux")


def _leas_reward(business: Business) -> None:
    """A reward the manager gave Léa, offered in one click when she checks out."""
    lea = Client.objects.for_business(business).filter(email="lea.dubois@example.com").first()
    if lea is None or Coupon.objects.for_business(business).filter(client=lea).loyalty().exists():
        return
    reward_codes.give_reward(business=business, client=lea, name=LEAS_REWARD,
                             discount_kind="amount", value=Decimal("10.00"), validity_days=90,
                             by=User.objects.get(email="manager@salonbook.test"))


def load(businesses: dict[str, Business]) -> None:
    atelier = businesses["atelier-lumiere"]
    for slug, rows in OFFERS.items():
        _offers(businesses[slug], rows)
    _leas_card(atelier)
    _leas_reward(atelier)
    if not Coupon.objects.for_business(atelier).filter(code=WELCOME_CODE).exists():
        coupon_services.create_coupon(business=atelier, code=WELCOME_CODE, name="Bienvenue : -10 %",
                                      discount_kind="percent", value=Decimal("10"),
                                      applies_to="bookings", max_uses_per_client=1)
