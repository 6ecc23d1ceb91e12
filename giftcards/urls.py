"""Gift card and coupon pages: back office under /manage/<slug>/gift-cards/, booking site
under /<slug>/gift-cards/ (included from config/urls.py, before the booking site)."""

from django.urls import path

from giftcards.views import backoffice, site

app_name = "giftcards"

MANAGE = "manage/<slug:slug>/gift-cards/"
CARD = f"{MANAGE}<int:gift_card_pk>/"
OFFER = f"{MANAGE}offers/<int:gift_card_offer_pk>/"
COUPON = f"{MANAGE}coupons/<int:coupon_pk>/"
SITE = "<slug:slug>/gift-cards/"

urlpatterns = [
    path(MANAGE, backoffice.card_list, name="card-list"),
    path(f"{MANAGE}new/", backoffice.card_issue, name="card-issue"),
    path(CARD, backoffice.card_detail, name="card-detail"),
    path(f"{CARD}active/", backoffice.card_set_active, name="card-set-active"),
    path(f"{CARD}refund-points/", backoffice.card_refund_points, name="card-refund-points"),
    path(f"{MANAGE}offers/", backoffice.offer_list, name="offer-list"),
    path(f"{MANAGE}offers/new/", backoffice.offer_create, name="offer-create"),
    path(f"{OFFER}edit/", backoffice.offer_edit, name="offer-edit"),
    path(f"{OFFER}loyalty/", backoffice.offer_points, name="offer-points"),
    path(f"{MANAGE}coupons/", backoffice.coupon_list, name="coupon-list"),
    path(f"{MANAGE}coupons/new/", backoffice.coupon_create, name="coupon-create"),
    path(f"{COUPON}edit/", backoffice.coupon_edit, name="coupon-edit"),
    path(f"{COUPON}active/", backoffice.coupon_set_active, name="coupon-set-active"),
    path(f"{MANAGE}rewards/", backoffice.tier_list, name="tier-list"),
    path(f"{MANAGE}rewards/new/", backoffice.tier_create, name="tier-create"),
    path(f"{MANAGE}rewards/<int:reward_tier_pk>/edit/", backoffice.tier_edit, name="tier-edit"),
    path(f"{MANAGE}clients/<int:client_pk>/give-reward/", backoffice.give_reward,
         name="give-reward"),
    path(SITE, site.gift_cards, name="site-gift-cards"),
    path(f"{SITE}balance/", site.balance_check, name="site-balance"),
    path(f"{SITE}mine/", site.my_gift_cards, name="site-mine"),
    path(f"{SITE}<int:gift_card_offer_pk>/buy/", site.buy, name="site-buy"),
]
