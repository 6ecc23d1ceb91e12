"""Browser journey of the stamp card (issue 8), at phone width: a manager sets a reward
up, the client's points cross it, and at checkout the client's reward code comes off
the bill in one click."""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from checkout.services import drafts
from giftcards.models import Coupon
from loyalty.services import adjustments
from tenancy.models import Extension, Role
from tenancy.services import set_extension
from tests.factories import (
    PASSWORD,
    ClientFactory,
    ServiceFactory,
    StaffMembershipFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button").first.click()


def test_a_reward_set_up_unlocked_and_applied_at_checkout_in_one_click(page: Page, business):
    # Given a salon with Loyalty on, a manager, a client and a service at 40 €
    business, _also = set_extension(business=business, extension=Extension.LOYALTY,
                                    enabled=True)
    manager = UserFactory(email="ines@example.com")
    StaffMembershipFactory(business=business, user=manager, role=Role.MANAGER)
    zoe = ClientFactory(business=business, first_name="Zoé", last_name="Roux")
    colour = ServiceFactory(business=business, name="Colour", price=Decimal("40.00"))

    # When the manager sets up a reward at 5 points
    sign_in(page, "ines@example.com")
    page.goto(f"/manage/{business.slug}/gift-cards/rewards/")
    page.get_by_role("link", name="New reward").click()
    page.get_by_label("Name").fill("5 € off")
    page.get_by_label("Points needed").fill("5")
    page.get_by_label("Discount", exact=True).select_option("amount")
    page.get_by_label("Amount or percent").fill("5")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main table")).to_contain_text("5 € off")

    # And the client's points cross it
    adjustments.adjust_points(business=business, client=zoe, points=6,
                              description="Welcome", by=manager)
    code = Coupon.objects.get(client=zoe).code

    # And the client comes to the desk for a colour
    draft = drafts.start_invoice(business=business, client=zoe, by=manager)
    drafts.add_service_line(business=business, invoice=draft, service=colour)
    page.goto(f"/manage/{business.slug}/checkout/{draft.pk}/")

    # Then their reward code is offered, and one click takes it off the bill
    page.get_by_role("button", name=f"Apply {code}").click()
    expect(page.locator("#draft")).to_contain_text(f"Code {code} (5 € off)")
    expect(page.get_by_role("button", name="Take payment: €35.00")).to_be_visible()
