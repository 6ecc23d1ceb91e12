"""Manage -> Coupons & gift cards: look cards up, issue and deactivate them, edit offers
with their Loyalty tab, and coupons, loyalty rewards marked among them."""

from decimal import Decimal

import pytest
from django.urls import reverse

from giftcards.models import Coupon, CouponOrigin, GiftCard, GiftCardOffer
from giftcards.services import cards as card_services
from notifications.models import OutboundMessage
from tenancy.models import Extension
from tenancy.services import set_extension
from tests.factories import ClientFactory, CouponFactory, GiftCardFactory
from tests.giftcards.conftest import coupon, issue

pytestmark = pytest.mark.django_db


def url(business, name, *args):
    return reverse(f"giftcards:{name}", args=[business.slug, *args])


def test_the_menu_leads_to_the_gift_cards_listed_with_their_balance(
        client, business, staff, salon_client):
    card = issue(business, "80.00", purchaser=salon_client)
    client.force_login(staff)

    home = client.get(reverse("booking:backoffice-home", args=[business.slug]))
    listing = client.get(url(business, "card-list"))

    assert url(business, "card-list") in home.content.decode()
    page = listing.content.decode()
    assert card.display_code in page
    assert salon_client.full_name in page
    assert "€80.00" in page


def test_a_card_is_found_by_part_of_its_code_typed_in_lower_case(client, business, staff):
    wanted, other = issue(business), issue(business)
    client.force_login(staff)

    found = client.get(url(business, "card-list"), {"q": wanted.code[-6:].lower()})

    assert wanted.display_code in found.content.decode()
    assert other.display_code not in found.content.decode()


def test_the_card_list_takes_the_same_queries_for_many_cards(
        client, business, staff, django_assert_max_num_queries):
    for _ in range(3):
        GiftCardFactory(business=business, purchaser=ClientFactory(business=business))
    client.force_login(staff)
    with django_assert_max_num_queries(12) as few:
        client.get(url(business, "card-list"))
    for _ in range(20):
        GiftCardFactory(business=business, purchaser=ClientFactory(business=business))

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url(business, "card-list"))


def test_a_manager_issues_a_card_to_a_client_who_is_emailed(client, business, manager,
                                                            salon_client):
    client.force_login(manager)

    response = client.post(url(business, "card-issue") + f"?client={salon_client.pk}",
                           {"value": "40.00", "validity_days": "180"}, follow=True)

    card = GiftCard.objects.for_business(business).get()
    assert (card.value, card.purchaser, card.created_by) == (Decimal("40.00"), salon_client,
                                                             manager)
    assert card.display_code in response.content.decode()
    assert OutboundMessage.objects.filter(kind="gift_card_issued",
                                          recipient=salon_client.email).exists()


def test_staff_may_look_cards_up_but_not_issue_or_deactivate_them(client, business, staff):
    card = issue(business)
    client.force_login(staff)

    assert client.get(url(business, "card-detail", card.pk)).status_code == 200
    assert client.get(url(business, "card-issue")).status_code == 403
    assert client.post(url(business, "card-set-active", card.pk),
                       {"active": "0"}).status_code == 403
    card.refresh_from_db()
    assert card.is_active


def test_a_deactivated_card_shows_so_and_can_be_reactivated(client, business, manager):
    card = issue(business)
    client.force_login(manager)

    client.post(url(business, "card-set-active", card.pk), {"active": "0"})
    page = client.get(url(business, "card-detail", card.pk)).content.decode()
    card.refresh_from_db()

    assert not card.is_active
    assert "Deactivated" in page
    assert "Reactivate" in page


def test_the_card_page_names_each_movement_of_its_balance(client, business, manager):
    card = issue(business, "50.00")
    card_services.redeem_gift_card(business=business, code=card.code, amount=Decimal("12.50"),
                                   note="Brushing")
    client.force_login(manager)

    page = client.get(url(business, "card-detail", card.pk)).content.decode()

    assert "Issued" in page
    assert "Brushing" in page
    assert "€37.50" in page


def test_an_offer_is_created_then_priced_in_points_on_its_loyalty_tab(client, business,
                                                                       manager):
    client.force_login(manager)

    client.post(url(business, "offer-create"), {"name": "Spa day", "value": "100.00",
                                                "price": "90.00", "validity_days": "365",
                                                "is_active": "on"})
    offer = GiftCardOffer.objects.for_business(business).get()
    refused = client.post(url(business, "offer-points", offer.pk), {"points_enabled": "on"})
    client.post(url(business, "offer-points", offer.pk),
                {"points_enabled": "on", "points_price": "500"})

    assert "Enter a whole number" in str(refused.context["form"].errors["points_price"])
    offer.refresh_from_db()
    assert (offer.price, offer.points_enabled, offer.points_price) == (Decimal("90.00"), True,
                                                                       500)


def test_a_coupon_bound_to_a_client_by_email_with_use_limits(client, business, manager):
    fan = ClientFactory(business=business, email="fan@example.com")
    client.force_login(manager)

    client.post(url(business, "coupon-create"), {
        "code": "vip-2026", "discount_kind": "percent", "value": "15",
        "applies_to": "both", "max_uses": "3", "max_uses_per_client": "1",
        "client_email": "FAN@example.com", "is_active": "on"})

    made = Coupon.objects.for_business(business).get()
    assert (made.code, made.client, made.max_uses, made.applies_to) == ("VIP2026", fan, 3,
                                                                        "both")


def test_a_coupon_code_already_taken_or_an_unknown_client_is_refused(client, business,
                                                                     manager):
    coupon(business, "SUMMER10")
    client.force_login(manager)

    taken = client.post(url(business, "coupon-create"), {
        "code": "summer-10", "discount_kind": "amount", "value": "5", "applies_to": "bookings"})
    stranger = client.post(url(business, "coupon-create"), {
        "code": "OTHER", "discount_kind": "amount", "value": "5", "applies_to": "bookings",
        "client_email": "nobody@example.com"})

    assert "Another coupon already has this code" in str(taken.context["form"].errors)
    assert "No client of yours has this email" in str(stranger.context["form"].errors)
    assert Coupon.objects.for_business(business).count() == 1


def test_loyalty_reward_codes_are_listed_with_the_coupons_and_marked(client, business, staff):
    CouponFactory(business=business, code="PLAIN1")
    CouponFactory(business=business, code="ABCDEF", origin=CouponOrigin.REWARD,
                  name="Free brushing")
    client.force_login(staff)

    everything = client.get(url(business, "coupon-list")).content.decode()
    rewards = client.get(url(business, "coupon-list"), {"origin": "loyalty"}).content.decode()

    assert "PLAIN1" in everything
    assert everything.count('class="stamp"') == 1
    assert "ABCDEF" in rewards
    assert "PLAIN1" not in rewards


def test_a_coupon_is_deactivated_from_the_list(client, business, manager):
    made = coupon(business, "SUMMER10")
    client.force_login(manager)

    client.post(url(business, "coupon-set-active", made.pk), {"active": "0"})

    made.refresh_from_db()
    assert not made.is_active


def test_the_pages_show_that_the_extension_is_off(client, business, manager):
    set_extension(business=business, extension=Extension.COUPONS_GIFT_CARDS, enabled=False)
    client.force_login(manager)

    page = client.get(url(business, "coupon-list")).content.decode()

    assert "Coupons & gift cards is off" in page
