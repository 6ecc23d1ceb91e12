"""A bookmarked loyalty page while Loyalty is off: the client's tab says that the
program is paused, in the business's language and layout, with a way back; the back
office's loyalty pages still open, and "Add points" says why it cannot add any."""

import pytest
from django.urls import reverse

from loyalty.services import adjustments
from tenancy import services as tenant_services
from tenancy.models import Extension
from tests.loyalty.conftest import signed_in_client

pytestmark = pytest.mark.django_db


def loyalty_off(business):
    business, _also = tenant_services.set_extension(business=business,
                                                    extension=Extension.LOYALTY, enabled=False)
    return business


def test_the_loyalty_tab_says_the_program_is_paused_with_a_way_back(client, business, fan,
                                                                    manager):
    # Given a client with 12 points, then Loyalty turned off
    adjustments.adjust_points(business=business, client=fan, points=12, description="Welcome",
                              by=manager)
    signed_in_client(client, business, fan)
    business = loyalty_off(business)

    # When they open their bookmarked Loyalty tab
    response = client.get(reverse("loyalty:site-loyalty", args=[business.slug]))

    # Then the business's site says the program is paused, hides the balance, leads back
    page = response.content.decode()
    assert response.status_code == 200
    assert f"The loyalty program of {business.name} is paused." in page
    assert "Your points are kept" in page
    assert "12" not in page.split('id="main"')[1]
    assert "Welcome" not in page
    assert 'class="site-header"' in page
    assert f'href="{reverse("booking:site-home", args=[business.slug])}"' in page


def test_the_paused_tab_speaks_the_business_s_language(client, business, fan,
                                                       fresh_translations):
    signed_in_client(client, business, fan)
    business = loyalty_off(business)
    business.language = "fr"
    business.save(update_fields=["language"])

    response = client.get(reverse("loyalty:site-loyalty", args=[business.slug]))

    assert response.status_code == 200
    assert '<html lang="fr">' in response.content.decode()
    assert "Mes rendez-vous" in response.content.decode()


@pytest.mark.parametrize(("name", "args"), [
    ("loyalty:settings", []), ("loyalty:adjust", []), ("reports:points", []),
    ("reports:dashboard", []), ("giftcards:tier-list", []), ("loyalty:client-history", ["fan"]),
])
def test_back_office_loyalty_pages_open_while_loyalty_is_off(client, business, manager, fan,
                                                             name, args):
    business = loyalty_off(business)
    client.force_login(manager)

    response = client.get(reverse(name, args=[business.slug, *[fan.pk for _arg in args]]))

    assert response.status_code == 200


@pytest.mark.parametrize("popup", [False, True])
def test_add_points_says_loyalty_is_paused_and_leads_to_the_extensions(client, business,
                                                                       manager, fan, popup):
    business = loyalty_off(business)
    client.force_login(manager)
    name = "loyalty:adjust-popup" if popup else "loyalty:adjust"

    response = client.get(f"{reverse(name, args=[business.slug])}?client={fan.pk}",
                          **({"HTTP_HX_REQUEST": "true"} if popup else {}))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Loyalty is paused: points cannot be added until it is turned back on." in page
    assert reverse("booking:settings-extensions", args=[business.slug]) in page
    assert 'name="points"' not in page


def test_the_points_history_popup_offers_no_add_points_while_loyalty_is_off(client, business,
                                                                           manager, fan):
    adjustments.adjust_points(business=business, client=fan, points=5, description="Welcome",
                              by=manager)
    business = loyalty_off(business)
    client.force_login(manager)

    popup = client.get(reverse("loyalty:client-history", args=[business.slug, fan.pk]),
                       HTTP_HX_REQUEST="true").content.decode()

    assert "Welcome" in popup
    assert "/loyalty/points/add/" not in popup
    assert "Undo" not in popup
