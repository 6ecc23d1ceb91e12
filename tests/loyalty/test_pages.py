"""Loyalty pages: settings with a review step, the Loyalty tab of a service, "Add points",
the client page's history with undo, and the client's tab on the booking site."""

import pytest
from django.urls import reverse

from loyalty import selectors
from loyalty.models import CatalogPoints, EntryKind, PointsEntry, Program
from loyalty.services import adjustments, program
from tenancy import services as tenant_services
from tenancy.models import Extension
from tests.factories import ClientFactory
from tests.loyalty.conftest import ended, signed_in_client

pytestmark = pytest.mark.django_db


def url(business, name, *args) -> str:
    return reverse(f"loyalty:{name}", args=[business.slug, *args])


def test_settings_show_what_a_rule_change_touches_before_saving_it(client, business, manager,
                                                                   fan, colour):
    # Given a booked appointment worth 2 points, pending
    ended(business, fan, colour, hours_ago=-48)
    client.force_login(manager)
    values = {"crediting_delay_hours": 3, "expiry_notice_days": 14, "points_per_booking": 5,
              "spend_points": 0, "spend_scope": "all", "points_per_service_line": 0,
              "points_per_product_unit": 0, "points_per_invoice": 0}

    # When the manager reviews a change adding 5 points per booking
    review = client.post(url(business, "settings"), values)

    # Then nothing is saved yet and the page says 1 client goes from 2 to 7 pending points
    assert review.status_code == 200
    assert Program.objects.get(business=business).points_per_booking == 0
    assert "Pending points of 1 client go from 2 to 7." in review.content.decode()

    # When they confirm, it is saved
    saved = client.post(url(business, "settings"), {**values, "confirmed": "1"})
    assert saved.status_code == 302
    assert Program.objects.get(business=business).points_per_booking == 5


def test_removing_a_rule_says_how_many_clients_lose_pending_points(client, business,
                                                                     manager, fan, colour):
    # Given 5 points per booking on top of the service's 2, and two clients with a booking
    program.update_program(business=business, points_per_booking=5)
    ended(business, fan, colour, hours_ago=-48)
    ended(business, ClientFactory(business=business), colour, hours_ago=-48)
    client.force_login(manager)
    values = {"crediting_delay_hours": 3, "expiry_notice_days": 14, "points_per_booking": 0,
              "spend_points": 0, "spend_scope": "all", "points_per_service_line": 0,
              "points_per_product_unit": 0, "points_per_invoice": 0}

    # When the manager reviews removing the per-booking rule, then a change of no effect
    removal = client.post(url(business, "settings"), values)
    no_effect = client.post(url(business, "settings"), {**values, "points_per_booking": 5,
                                                        "expiry_notice_days": 20})

    # Then the first names the two clients, the second says nothing pending changes
    assert "Pending points of 2 clients go from 14 to 4." in removal.content.decode()
    assert "No pending points change." in no_effect.content.decode()


def test_a_spend_rule_needs_its_amount(client, business, manager):
    client.force_login(manager)
    page = client.post(url(business, "settings"), {
        "crediting_delay_hours": 3, "expiry_notice_days": 14, "points_per_booking": 0,
        "spend_points": 1, "spend_scope": "all", "points_per_service_line": 0,
        "points_per_product_unit": 0, "points_per_invoice": 0, "confirmed": "1"})
    assert "Say for what amount the points are given." in page.content.decode()
    assert Program.objects.get(business=business).spend_points == 0


def test_a_delay_above_72_hours_is_refused(client, business, manager):
    client.force_login(manager)
    page = client.post(url(business, "settings"), {
        "crediting_delay_hours": 73, "expiry_notice_days": 14, "points_per_booking": 0,
        "spend_points": 0, "spend_scope": "all", "points_per_service_line": 0,
        "points_per_product_unit": 0, "points_per_invoice": 0, "confirmed": "1"})
    assert page.status_code == 200
    assert Program.objects.get(business=business).crediting_delay_hours == 3


def test_staff_cannot_open_loyalty_settings_or_add_points(client, business, staff):
    client.force_login(staff)
    assert client.get(url(business, "settings")).status_code == 403
    assert client.get(url(business, "adjust")).status_code == 403


def test_the_loyalty_tab_of_a_service_sets_its_points(client, business, manager, colour):
    client.force_login(manager)
    page = client.get(url(business, "service-points", colour.pk))
    assert "Loyalty" in page.content.decode()
    client.post(url(business, "service-points", colour.pk), {"is_enabled": "on", "points": "7"})
    assert CatalogPoints.objects.get(service=colour).points == 7


def test_turning_on_a_service_s_points_without_an_amount_is_refused(client, business, manager,
                                                                    colour):
    client.force_login(manager)
    page = client.post(url(business, "service-points", colour.pk), {"is_enabled": "on",
                                                                    "points": "0"})
    assert "Enter how many points it earns." in page.content.decode()
    assert CatalogPoints.objects.get(service=colour).points == 2


def test_add_points_finds_the_client_then_adds_with_a_description(client, business, manager,
                                                                  fan):
    client.force_login(manager)
    found = client.get(url(business, "adjust"), {"q": "Camille"},
                       HTTP_HX_REQUEST="true")
    assert f"?client={fan.pk}" in found.content.decode()
    done = client.post(url(business, "adjust") + f"?client={fan.pk}",
                       {"points": "15", "description": "Birthday gift", "note": "VIP"})
    assert done.status_code == 302
    entry = PointsEntry.objects.get(client=fan)
    assert (entry.kind, entry.points, entry.description, entry.note, entry.created_by) == (
        EntryKind.ADJUST, 15, "Birthday gift", "VIP", manager)


def test_a_deduction_below_zero_is_refused_clearly(client, business, manager, fan):
    client.force_login(manager)
    page = client.post(url(business, "adjust") + f"?client={fan.pk}",
                       {"points": "-5", "description": "Oops"})
    assert "The client has only 0 points." in page.content.decode()
    assert not PointsEntry.objects.exists()


def test_an_adjustment_needs_a_description_and_a_non_zero_amount(client, business, manager,
                                                                 fan):
    client.force_login(manager)
    page = client.post(url(business, "adjust") + f"?client={fan.pk}",
                       {"points": "0", "description": "  "})
    assert page.status_code == 200
    assert not PointsEntry.objects.exists()


def test_an_adjustment_is_undone_from_the_client_page(client, business, manager, fan):
    entry = adjustments.adjust_points(business=business, client=fan, points=4,
                                      description="Gift", by=manager)
    client.force_login(manager)
    detail = client.get(reverse("booking:client-detail", args=[business.slug, fan.pk]))
    assert "Gift" in detail.content.decode()
    client.post(url(business, "undo-adjustment", entry.pk))
    assert selectors.balance_of(business=business, client=fan) == 0


def test_staff_see_a_client_s_pending_points_and_when_they_are_credited(client, business,
                                                                        staff, fan, colour):
    ended(business, fan, colour, hours_ago=1)
    client.force_login(staff)
    page = client.get(reverse("booking:client-detail", args=[business.slug, fan.pk]))
    assert "2 points pending for Colour &amp; cut, credited on" in page.content.decode()


def test_another_business_s_client_cannot_get_points(client, business, other_business, manager):
    stranger = ClientFactory(business=other_business)
    client.force_login(manager)
    response = client.post(url(business, "adjust") + f"?client={stranger.pk}",
                           {"points": "5", "description": "x"})
    assert response.status_code == 404
    assert not PointsEntry.objects.exists()


def five_points_and_a_visit_to_come(client, business, fan, colour, manager) -> None:
    """The fan, signed in on the booking site, with 5 points and 2 pending."""
    signed_in_client(client, business, fan)
    adjustments.adjust_points(business=business, client=fan, points=5, description="Welcome",
                              by=manager)
    ended(business, fan, colour, hours_ago=-30)


def test_the_client_sees_balance_pending_points_and_history_on_the_booking_site(
        client, business, fan, colour, manager):
    five_points_and_a_visit_to_come(client, business, fan, colour, manager)
    page = client.get(reverse("loyalty:site-loyalty", args=[business.slug])).content.decode()
    assert "You have 5 points." in page
    assert "2 points pending for Colour &amp; cut" in page
    assert "Welcome" in page


def test_the_client_s_profile_shows_their_points_and_leads_to_the_loyalty_tab(
        client, business, fan, colour, manager):
    five_points_and_a_visit_to_come(client, business, fan, colour, manager)

    page = client.get(reverse("booking:site-profile", args=[business.slug])).content.decode()

    assert "You have 5 points." in page
    assert "2 points pending for Colour &amp; cut" in page
    assert f'href="{reverse("loyalty:site-loyalty", args=[business.slug])}"' in page


def test_the_profile_shows_no_points_while_loyalty_is_off(client, business, fan, manager):
    signed_in_client(client, business, fan)
    adjustments.adjust_points(business=business, client=fan, points=5, description="Welcome",
                              by=manager)
    tenant_services.set_extension(business=business, extension=Extension.LOYALTY, enabled=False)

    page = client.get(reverse("booking:site-profile", args=[business.slug])).content.decode()

    assert "My profile" in page
    assert "You have 5 points." not in page


def test_balances_are_hidden_from_clients_while_loyalty_is_off(client, business, fan, manager):
    adjustments.adjust_points(business=business, client=fan, points=5, description="Welcome",
                              by=manager)
    signed_in_client(client, business, fan)
    tenant_services.set_extension(business=business, extension=Extension.LOYALTY, enabled=False)

    page = client.get(reverse("loyalty:site-loyalty", args=[business.slug])).content.decode()

    assert "is paused" in page
    assert "You have 5 points." not in page
    assert "Welcome" not in page


def test_a_balance_kept_while_loyalty_is_off_shows_again_when_it_is_back_on(client, business,
                                                                            fan, manager):
    # Given 12 points, then the program turned off
    adjustments.adjust_points(business=business, client=fan, points=12, description="Welcome",
                              by=manager)
    signed_in_client(client, business, fan)
    business, _also = tenant_services.set_extension(business=business,
                                                    extension=Extension.LOYALTY, enabled=False)

    # When it is turned on again
    tenant_services.set_extension(business=business, extension=Extension.LOYALTY, enabled=True)

    # Then the client sees the 12 points and their history again
    page = client.get(reverse("loyalty:site-loyalty", args=[business.slug])).content.decode()
    assert "You have 12 points." in page
    assert "Welcome" in page


def test_points_cannot_be_added_nor_undone_while_loyalty_is_off(client, business, fan, manager):
    entry = adjustments.adjust_points(business=business, client=fan, points=5,
                                      description="Welcome", by=manager)
    tenant_services.set_extension(business=business, extension=Extension.LOYALTY, enabled=False)
    client.force_login(manager)

    added = client.post(url(business, "adjust") + f"?client={fan.pk}",
                        {"points": 3, "description": "Sorry"})
    undone = client.post(url(business, "undo-adjustment", entry.pk), follow=True)
    client_page = client.get(reverse("booking:client-detail", args=[business.slug, fan.pk]))

    assert "Loyalty is paused: points cannot be added" in added.content.decode()
    assert "Loyalty is off" in undone.content.decode()
    assert "Add points" not in client_page.content.decode()
    assert PointsEntry.objects.filter(client=fan).count() == 1
    assert selectors.balance_of(business=business, client=fan) == 5
