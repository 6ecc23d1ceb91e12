"""Row locks of giftcards, one named function per model, always in primary-key order.

Use cases take them in this order: a coupon, then a gift card (a points account, if
any, is locked by loyalty before either). A balance or a use counter is read only
from a locked row: "lock, then decide".
"""

from giftcards.models import Coupon, GiftCard, GiftCardPurchase


def lock_gift_card(business, gift_card_id: int) -> GiftCard:
    return GiftCard.objects.for_business(business).select_for_update().get(pk=gift_card_id)


def lock_coupon(business, coupon_id: int) -> Coupon:
    return Coupon.objects.for_business(business).select_for_update().get(pk=coupon_id)


def lock_purchase(business, reference: str) -> GiftCardPurchase:
    return (GiftCardPurchase.objects.for_business(business).select_for_update()
            .get(reference=reference))

