"""The reports index and the Reports link of the back office menu."""

import pytest
from django.urls import reverse

from tests.reports.conftest import report_url

pytestmark = pytest.mark.django_db


def test_the_index_lists_every_report(manager_browser, business):
    text = manager_browser.get(reverse("reports:index", args=[business.slug])).content.decode()

    assert report_url(business, "points") in text
    assert report_url(business, "clients") in text
    assert reverse("reports:export-log", args=[business.slug]) in text
