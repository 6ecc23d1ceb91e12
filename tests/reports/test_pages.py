"""The reports index and the Reports link of the back office menu."""

import pytest
from django.urls import reverse

from booking.models import Role
from tests.reports.conftest import report_url

pytestmark = pytest.mark.django_db


def test_the_index_lists_every_report(manager_browser, business):
    text = manager_browser.get(reverse("reports:index", args=[business.slug])).content.decode()

    assert report_url(business, "points") in text
    assert report_url(business, "clients") in text
    assert reverse("reports:export-log", args=[business.slug]) in text


@pytest.mark.parametrize(("role", "shown"), [(Role.OWNER, True), (Role.MANAGER, True),
                                             (Role.STAFF, False)])
def test_the_menu_links_to_reports_for_owners_and_managers(client, business, member_of, role,
                                                           shown):
    client.force_login(member_of(business, role).user)

    text = client.get(reverse("booking:client-list", args=[business.slug])).content.decode()

    assert (f'href="{reverse("reports:index", args=[business.slug])}"' in text) is shown
