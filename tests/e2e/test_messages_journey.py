"""Browser journey through Settings -> Messages at phone width: a manager rewrites the
"points credited" email, sees the preview follow what they type, is told which variable
does not exist, saves, and finds the message the next booking sends in the log."""

import re

import pytest
from playwright.sync_api import Page, expect

from booking.services.appointments import book_appointment
from notifications.models import MessageTemplate
from tests import factories
from tests.booking.booking_setup import next_weekday, open_salon, paris
from tests.fixtures.browser import main_menu

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, user) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def fits_the_screen(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_manager_rewrites_an_email_with_a_live_preview_and_reads_the_log(
        page: Page, business, manager):
    # Given a manager signed in
    sign_in(page, manager)
    expect(page).to_have_url(re.compile(rf"/manage/{business.slug}/$"))

    # When they open Settings, then Messages, then the "Points credited" email
    main_menu(page).get_by_role("link", name="Settings").click()
    page.get_by_role("navigation", name="Settings").get_by_role("link", name="Messages").click()
    page.get_by_role("row", name=re.compile("Points credited")).get_by_role(
        "link", name="Edit").click()

    # Then the default wording is previewed with sample values
    preview = page.locator("#preview-points_credited")
    expect(preview).to_contain_text("Hello Anna,")
    assert fits_the_screen(page)

    # When they type a variable that does not exist, the preview names it
    page.get_by_label("Message").fill("Bravo {{ client_name }} ! Solde : {{ solde }}")
    expect(preview).to_contain_text('Unknown variable "{{ solde }}" on line 1.')

    # And when they correct it, the preview follows without saving
    page.get_by_label("Message").fill("Bravo {{ client_name }} ! Solde : {{ balance }}")
    expect(preview).to_contain_text("Bravo Anna ! Solde : 120")
    assert not MessageTemplate.objects.filter(business=business).exists()

    # When they save, their wording is kept and marked as theirs
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("“Points credited (automatic)” saved.")).to_be_visible()
    expect(page.locator(".template-editor")).to_contain_text("Your wording")

    # Given a booking made meanwhile, the Messages log lists its confirmation
    salon = open_salon(business)
    client = factories.ClientFactory(business=business, first_name="Lina",
                                     email="lina@example.com")
    book_appointment(business=business, client=client, service=salon.cut,
                     start=paris(next_weekday(2), 10), staff_member=salon.anna, online=False)
    main_menu(page).get_by_role("link", name="Messages").click()
    row = page.get_by_role("row", name=re.compile("lina@example.com"))
    expect(row).to_contain_text("Booking confirmed")
    row.get_by_role("link", name=re.compile("Your booking at")).click()
    expect(page.locator(".email-preview")).to_contain_text("Hello Lina,")
    assert fits_the_screen(page)
