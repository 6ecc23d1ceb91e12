"""Browser journeys through Settings -> Business extensions (SPEC section 1, Extensions)."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.fixtures.browser import main_menu

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EXTENSION_KEYS = ("loyalty", "accept_payments", "client_login", "coupons_gift_cards",
                  "clear_history")


def sign_in(page: Page, user) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def switch_of(page: Page, key: str):
    return page.locator(f'li.extension[data-extension="{key}"]').get_by_role("switch")


def test_owner_enabling_loyalty_turns_on_its_needs_and_clear_history_is_then_refused(
        page: Page, business, owner):
    # Given an owner signed in to the back office of a business with no extensions
    sign_in(page, owner)
    expect(page).to_have_url(re.compile(rf"/manage/{business.slug}/$"))

    # When they open Settings, then Business extensions, from the navigation
    main_menu(page).get_by_role("link", name="Settings").click()
    settings_tabs = page.get_by_role("navigation", name="Settings")
    settings_tabs.get_by_role("link", name="Business extensions").click()

    # Then every extension is listed and off
    expect(page).to_have_url(re.compile(rf"/manage/{business.slug}/settings/extensions/$"))
    expect(settings_tabs.get_by_role("link", name="Business extensions")).to_have_attribute(
        "aria-current", "page")
    for key in EXTENSION_KEYS:
        expect(switch_of(page, key)).to_have_attribute("aria-checked", "false")

    # When they switch Loyalty on
    switch_of(page, "loyalty").click()

    # Then Loyalty and the three extensions it needs are on, and a message says so
    messages = page.locator(".messages")
    expect(messages).to_contain_text("Loyalty is on.")
    expect(messages).to_contain_text(
        "Loyalty needs Accept payments, Client login and Coupons & gift cards: they are on too.")
    for key in ("loyalty", "accept_payments", "client_login", "coupons_gift_cards"):
        expect(switch_of(page, key)).to_have_attribute("aria-checked", "true")
    expect(switch_of(page, "clear_history")).to_have_attribute("aria-checked", "false")

    # When they try to switch Clear history on
    switch_of(page, "clear_history").click()

    # Then it is refused with a message, and nothing changed on the page...
    expect(messages).to_contain_text("Clear history cannot be turned on while Loyalty is on")
    expect(messages).not_to_contain_text("they are on too")
    expect(switch_of(page, "clear_history")).to_have_attribute("aria-checked", "false")
    for key in ("loyalty", "accept_payments", "client_login", "coupons_gift_cards"):
        expect(switch_of(page, key)).to_have_attribute("aria-checked", "true")

    # ...nor in the database
    business.refresh_from_db()
    assert business.loyalty_enabled
    assert business.accept_payments_enabled
    assert business.client_login_enabled
    assert business.coupons_gift_cards_enabled
    assert not business.clear_history_enabled


def test_staff_member_sees_no_settings_link_and_is_refused_the_settings_page(
        page: Page, business, staff):
    # Given a member of the business with the staff role, signed in
    sign_in(page, staff)
    expect(page).to_have_url(re.compile(rf"/manage/{business.slug}/$"))

    # Then the main navigation offers no Settings link
    main_nav = main_menu(page)
    expect(main_nav.get_by_role("link", name="Dashboard")).to_be_visible()
    expect(main_nav.get_by_role("link", name="Settings")).to_have_count(0)

    # When they open the extensions settings by their address
    response = page.goto(f"/manage/{business.slug}/settings/extensions/")

    # Then they get the 403 page, with no switches on it
    assert response is not None
    assert response.status == 403
    expect(page.locator("body")).to_contain_text(
        re.compile(r"403|Forbidden|Only owners and managers can open this page"))
    expect(page.get_by_role("switch")).to_have_count(0)

    # And the business's extensions are as they were
    business.refresh_from_db()
    assert business.enabled_extensions == []
