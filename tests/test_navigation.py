"""The back office menu: grouped, the current section marked, and only what the member
may open and the business has switched on."""

import re

import pytest
from django.urls import reverse

from tenancy.models import Extension, Role
from tenancy.services import set_extension
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def menu(client, url) -> str:
    text = client.get(url).content.decode()
    return text.split('id="backoffice-menu"')[1].split("</nav>")[0]


def current_links(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>|\s+", " ", label).strip()
            for label in re.findall(r"<a [^>]*aria-current=\"[^\"]+\"[^>]*>(.*?)</a>", html, re.S)]


def test_the_menu_groups_the_pages_and_marks_the_section_of_a_page_inside_it(
        client, business, member_of):
    # Given an owner of a business with a client
    client.force_login(member_of(business, Role.OWNER).user)
    regular = ClientFactory(business=business)

    # When they open the client's page and then the coupons
    on_client = menu(client, reverse("booking:client-detail", args=[business.slug, regular.pk]))
    on_coupons = menu(client, reverse("giftcards:coupon-list", args=[business.slug]))

    # Then the menu has its groups, and the client list (not the dashboard, whose address
    # starts every page's) is current on the client page; coupons, not gift cards, on theirs
    for group in ("Sales", "Catalog", "Loyalty &amp; marketing"):
        assert f"</svg>{group}</span>" in on_client
    assert current_links(on_client) == ["All clients"]
    assert 'aria-current="true"' in on_client
    assert current_links(on_coupons) == ["Coupons"]
    assert 'aria-current="page"' in on_coupons


def test_the_dashboard_is_current_only_on_itself(client, business, member_of):
    client.force_login(member_of(business, Role.OWNER).user)

    html = menu(client, reverse("booking:backoffice-home", args=[business.slug]))

    assert current_links(html) == ["Dashboard"]


def test_staff_are_not_offered_pages_only_managers_open(client, business, member_of):
    # Given a business with Loyalty on, a staff member and a manager
    business, _also = set_extension(business=business, extension=Extension.LOYALTY, enabled=True)
    home = reverse("booking:backoffice-home", args=[business.slug])
    client.force_login(member_of(business, Role.STAFF).user)
    for_staff = menu(client, home)
    client.force_login(member_of(business, Role.MANAGER).user)
    for_manager = menu(client, home)

    # Then Settings, Add points and the gift card offers are the manager's, not the staff's
    for label, url_name in (("Settings", "booking:settings-general"),
                            ("Add points", "loyalty:adjust"),
                            ("Gift card offers", "giftcards:offer-list")):
        url = reverse(url_name, args=[business.slug])
        assert f'href="{url}"' in for_manager, label
        assert f'href="{url}"' not in for_staff, label
    assert reverse("booking:client-list", args=[business.slug]) in for_staff


def test_add_points_is_offered_only_while_loyalty_is_on(client, business, member_of):
    client.force_login(member_of(business, Role.OWNER).user)
    home = reverse("booking:backoffice-home", args=[business.slug])
    adjust = reverse("loyalty:adjust", args=[business.slug])

    assert adjust not in menu(client, home)
    set_extension(business=business, extension=Extension.LOYALTY, enabled=True)
    assert adjust in menu(client, home)


def test_the_booking_site_has_no_back_office_menu(client, business):
    response = client.get(reverse("booking:site-home", args=[business.slug]))

    assert b"backoffice-menu" not in response.content
