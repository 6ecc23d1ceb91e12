"""The booking site's gift cards: buy one with money or, when the balance covers it, with
points; find it under "Your gift cards" with a copy button."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from giftcards.models import GiftCard, GiftCardOrigin, GiftCardPurchase, PurchaseState
from loyalty import selectors as loyalty_selectors
from loyalty.services import adjustments
from notifications.models import OutboundMessage
from tenancy.models import Extension
from tenancy.services import set_extension
from tests.factories import ClientFactory, GiftCardOfferFactory, UserFactory
from tests.fixtures.site import sign_in_on_site
from tests.giftcards.conftest import issue

pytestmark = pytest.mark.django_db


def url(business, name, *args):
    return reverse(f"giftcards:{name}", args=[business.slug, *args])


@pytest.fixture
def loyal(business):
    business, _also = set_extension(business=business, extension=Extension.LOYALTY,
                                    enabled=True)
    return business


@pytest.fixture
def camille(client, business):
    user = UserFactory(email="camille@example.com")
    camille = ClientFactory(business=business, user=user, email=user.email,
                            first_name="Camille")
    sign_in_on_site(client, user, business)
    return camille


@pytest.fixture
def spa_day(business):
    return GiftCardOfferFactory(business=business, name="Spa day", value=Decimal("100.00"),
                                price=Decimal("90.00"), points_enabled=True, points_price=50)


def give_points(business, client_, points):
    adjustments.adjust_points(business=business, client=client_, points=points,
                              description="Welcome", by=None)


def test_the_gift_cards_page_lists_what_is_on_sale(client, business, spa_day):
    GiftCardOfferFactory(business=business, name="Retired", is_active=False)

    page = client.get(url(business, "site-gift-cards")).content.decode()

    assert "Spa day" in page
    assert "€100.00" in page
    assert "Retired" not in page


def points_button(page: str) -> str:
    """The opening tag of the "Select by points" control."""
    found = re.search(r"<(?:a|button)[^>]*>\s*Select by points", page)
    assert found, "no Select by points control on the page"
    return found.group(0)


def test_select_by_points_is_active_only_when_the_balance_covers_the_price(
        client, loyal, camille, spa_day):
    give_points(loyal, camille, 49)
    short = client.get(url(loyal, "site-gift-cards")).content.decode()
    give_points(loyal, camille, 1)
    covered = client.get(url(loyal, "site-gift-cards")).content.decode()

    # Short of 1 point: a disabled button, and the reason next to it
    assert re.search(r"<button[^>]* disabled[ >]", points_button(short))
    assert f'aria-describedby="points-reason-{spa_day.pk}"' in points_button(short)
    assert re.search(f'id="points-reason-{spa_day.pk}"[^>]*>You need 1 more point.<', short)
    # Covered: a link to buy it, with no reason
    assert points_button(covered).startswith("<a ")
    assert "disabled" not in points_button(covered)
    assert "more point" not in covered


def test_the_buy_page_disables_select_by_points_and_says_how_many_points_are_missing(
        client, loyal, camille, spa_day):
    give_points(loyal, camille, 10)

    page = client.get(url(loyal, "site-buy", spa_day.pk)).content.decode()

    assert re.search(r"<button[^>]* disabled[ >]", points_button(page))
    assert 'aria-describedby="points-reason"' in points_button(page)
    assert re.search(r'id="points-reason"[^>]*>You need 40 more points.<', page)


def test_disabled_buttons_look_disabled_on_every_page():
    stylesheet = Path(finders.find("css/app.css")).read_text()

    rule = re.search(r"button:disabled[^{]*\{([^}]*)\}", stylesheet)

    assert rule, "app.css styles disabled buttons"
    assert "cursor: not-allowed" in rule.group(1)
    assert "color: var(--muted)" in rule.group(1)


def test_buying_with_points_deducts_them_and_issues_the_card_together(
        client, loyal, camille, spa_day):
    give_points(loyal, camille, 60)

    response = client.post(url(loyal, "site-buy", spa_day.pk),
                           {"pay_with": "points", "recipient_name": "Maman"}, follow=True)

    card = GiftCard.objects.for_business(loyal).get()
    assert (card.origin, card.value, card.points_price) == (GiftCardOrigin.POINTS,
                                                           Decimal("100.00"), 50)
    assert loyalty_selectors.balance_of(business=loyal, client=camille) == 10
    assert card.points_entry.points == -50
    assert card.display_code in response.content.decode()


def test_too_few_points_buy_nothing_and_say_why(client, loyal, camille, spa_day):
    give_points(loyal, camille, 20)

    response = client.post(url(loyal, "site-buy", spa_day.pk), {"pay_with": "points"})

    assert "only 20 points" in response.content.decode()
    assert not GiftCard.objects.exists()
    assert loyalty_selectors.balance_of(business=loyal, client=camille) == 20


def test_buying_with_money_goes_through_the_payment_provider_and_emails_the_recipient(
        client, business, camille, spa_day):
    response = client.post(url(business, "site-buy", spa_day.pk), {
        "pay_with": "money", "recipient_name": "Léa", "recipient_email": "lea@example.com",
        "message": "Joyeux anniversaire"}, follow=True)

    purchase = GiftCardPurchase.objects.for_business(business).get()
    card = purchase.gift_card
    assert (purchase.state, purchase.amount, purchase.provider) == (PurchaseState.PAID,
                                                                   Decimal("90.00"), "offline")
    assert (card.origin, card.value, card.purchaser) == (GiftCardOrigin.ONLINE,
                                                        Decimal("100.00"), camille)
    assert response.redirect_chain[-1][0] == url(business, "site-mine")
    email = OutboundMessage.objects.get(kind="gift_card_issued")
    assert email.recipient == "lea@example.com"
    assert "Joyeux anniversaire" in email.body


def test_a_purchase_confirmed_twice_issues_one_card(business, camille, spa_day):
    from giftcards.services import purchases as purchase_services
    purchase = purchase_services.start_purchase(business=business, client=camille, offer=spa_day,
                                                provider_name="test")

    first = purchase_services.complete_purchase(business=business, reference=purchase.reference)
    again = purchase_services.complete_purchase(business=business, reference=purchase.reference)

    assert first == again
    assert GiftCard.objects.for_business(business).count() == 1


def test_your_gift_cards_lists_bought_and_received_cards_with_a_copy_button(
        client, business, camille):
    bought = issue(business, purchaser=camille)
    received = issue(business, recipient_email="CAMILLE@example.com")
    someone_elses = issue(business)

    page = client.get(url(business, "site-mine")).content.decode()

    assert f'data-copy="{bought.display_code}"' in page
    assert received.display_code in page
    assert someone_elses.display_code not in page
    assert "js/copy.js" in page


def test_the_gift_card_pages_are_not_found_while_the_extension_is_off(client, camille):
    business = camille.business
    set_extension(business=business, extension=Extension.COUPONS_GIFT_CARDS, enabled=False)

    for name in ("site-gift-cards", "site-balance", "site-mine"):
        assert client.get(url(business, name)).status_code == 404
