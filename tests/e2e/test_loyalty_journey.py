"""Browser journey of loyalty (issue 7), at phone width: a manager finds a client with the
search popup of "Add points" and gives points with a reason, then adds more from the
client page, where the popup opens on that client, and from the points report, to which
it returns; the client sees them on the booking site's Loyalty tab."""

import pytest
from playwright.sync_api import Page, expect

from tenancy.models import Extension, Role
from tenancy.services import set_extension
from tests.factories import PASSWORD, ClientFactory, StaffMembershipFactory, UserFactory
from tests.fixtures.browser import main_menu

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, email: str, path: str) -> None:
    page.goto(path)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button").first.click()


def test_a_manager_gives_points_and_the_client_sees_them(page: Page, business):
    # Given a salon with Loyalty on, a manager, and a client with a booking-site account
    set_extension(business=business, extension=Extension.LOYALTY, enabled=True)
    manager = UserFactory(email="ines@example.com")
    StaffMembershipFactory(business=business, user=manager, role=Role.MANAGER)
    visitor = UserFactory(email="zoe@example.com")
    ClientFactory(business=business, user=visitor, first_name="Zoé", last_name="Roux",
                  email="zoe@example.com")

    # When the manager opens the "Add points" popup and searches for the client
    sign_in(page, "ines@example.com", "/accounts/login/")
    page.goto(f"/manage/{business.slug}/")
    main_menu(page).get_by_role("link", name="Add points").click()
    popup = page.get_by_role("dialog", name="Add points")
    expect(popup).to_be_visible()
    popup.get_by_label("Find a client").fill("Roux")
    popup.get_by_role("link", name="Zoé Roux").click()

    # And gives 15 points, saying why
    popup.get_by_label("Points").fill("15")
    popup.get_by_label("Description").fill("Welcome to the club")
    popup.get_by_role("button", name="Save").click()

    # Then the client page shows the balance and the entry
    expect(page.locator(".balance")).to_contain_text("15 points")
    expect(page.locator(".loyalty-history")).to_contain_text("Welcome to the club")

    # When they add 5 more from the client page, where the popup opens on this client
    client_page = page.url
    page.locator("main").get_by_role("link", name="Add points").click()
    expect(popup).to_contain_text("Zoé Roux has 15 points.")
    popup.get_by_label("Points").fill("5")
    popup.get_by_label("Description").fill("Birthday")
    popup.get_by_role("button", name="Save").click()

    # Then they are back on the client page with 20 points
    expect(page.locator(".balance")).to_contain_text("20 points")
    assert page.url == client_page

    # When they open "Add points" from the points report and choose the client there
    report = f"/manage/{business.slug}/reports/points/"
    page.goto(report)
    page.locator("main").get_by_role("link", name="Add points").click()
    popup.get_by_label("Find a client").fill("Roux")
    popup.get_by_role("link", name="Zoé Roux").click()
    popup.get_by_label("Points").fill("2")
    popup.get_by_label("Description").fill("Referral")
    popup.get_by_role("button", name="Save").click()

    # Then they are back on the report, which lists the new entry
    expect(page.locator("main")).to_contain_text("Referral")
    assert page.url.endswith(report)

    # When the client signs in on the booking site and opens Loyalty
    page.context.clear_cookies()
    sign_in(page, "zoe@example.com", f"/{business.slug}/login/")
    page.get_by_role("link", name="Loyalty").click()

    # Then they see their points and why they got them
    expect(page.locator(".balance")).to_have_text("You have 22 points.")
    expect(page.locator("main")).to_contain_text("Welcome to the club")
