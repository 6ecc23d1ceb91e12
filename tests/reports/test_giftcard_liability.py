"""The loyalty dashboard's gift card liability: the balance left on usable cards (active,
not expired) by the age of the card, shown when the business sells cards or has some."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from giftcards.services import cards as card_services
from reports import selectors
from tenancy.models import Extension
from tenancy.services import set_extension

pytestmark = pytest.mark.django_db

D = Decimal


def issue(business, *, days_ago, value="50.00", validity=800):
    return card_services.issue_gift_card(
        business=business, value=D(value), validity_days=validity,
        now=timezone.now() - timedelta(days=days_ago))


@pytest.fixture
def cards(business):
    recent = issue(business, days_ago=10)
    card_services.redeem(business, recent.pk, amount=D("20.00"))
    issue(business, days_ago=120)
    older = issue(business, days_ago=240, value="60.00")
    card_services.redeem(business, older.pk, amount=D("20.00"))
    issue(business, days_ago=400, value="25.00")
    issue(business, days_ago=40, validity=30)  # expired
    card_services.set_gift_card_active(business=business, card=issue(business, days_ago=5),
                                       active=False)


def dashboard(browser, business):
    response = browser.get(reverse("reports:dashboard", args=[business.slug]))
    assert response.status_code == 200
    return response


def test_usable_balances_are_summed_by_the_age_of_the_card(business, cards):
    liability = selectors.gift_card_liability_by_age(business=business)

    assert liability.ages == [D("30.00"), D("50.00"), D("40.00"), D("25.00")]
    assert liability.total == D("145.00")
    assert liability.cards == 6


def test_another_business_cards_are_not_counted(business, cards, other_business):
    issue(other_business, days_ago=10, value="500.00")

    assert selectors.gift_card_liability_by_age(business=business).total == D("145.00")


def test_the_dashboard_shows_the_liability_of_a_business_with_cards(manager_browser, business,
                                                                   cards):
    response = dashboard(manager_browser, business)

    text = response.content.decode()
    assert response.context["gift_cards"].total == D("145.00")
    assert "Outstanding gift card balances" in text
    assert "€145.00" in text
    assert "€40.00" in text


def test_the_dashboard_hides_it_without_gift_cards(manager_browser, business):
    response = dashboard(manager_browser, business)

    assert response.context["gift_cards"] is None
    assert "Outstanding gift card balances" not in response.content.decode()


def test_a_business_selling_gift_cards_sees_it_before_its_first_card(manager_browser,
                                                                    business):
    business, _also = set_extension(business=business, extension=Extension.COUPONS_GIFT_CARDS,
                                    enabled=True)

    response = dashboard(manager_browser, business)

    assert response.context["gift_cards"].total == D("0.00")
    assert "Outstanding gift card balances" in response.content.decode()
