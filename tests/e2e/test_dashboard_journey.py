"""Browser journey: an owner reads the dashboard, switches day, week and month, and steps
back a period (issue 18)."""

import re
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from checkout.models import LineKind
from tests import factories
from tests.e2e.test_calendar_journey import sign_in
from tests.reports.test_sales import paid_invoice

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_owner_reads_the_dashboard_by_day_week_and_month(page: Page, business, owner):
    # Given a visit this morning paid 45 €, and one paid 30 € the day before yesterday
    today = timezone.localdate(timezone=business.zone)
    anna = factories.StaffMemberFactory(business=business, name="Anna")
    claire = factories.ClientFactory(business=business, first_name="Claire",
                                     last_name="Martin")
    start = datetime.combine(today, time(9), tzinfo=business.zone)
    visit = factories.AppointmentFactory(
        business=business, client=claire, staff_member=anna, starts_at=start,
        ends_at=start + timedelta(hours=1), state="completed")
    paid_invoice(business, day=today, lines=[(LineKind.SERVICE, "45.00", {
        "service": visit.service, "appointment": visit})])
    earlier = today - timedelta(days=2)
    paid_invoice(business, day=earlier, lines=[(LineKind.SERVICE, "30.00", {})])
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, owner)

    # When the owner opens the dashboard: today's agenda lists Claire's visit
    page.goto(f"/manage/{business.slug}/")
    agenda = page.locator(".agenda")
    expect(agenda).to_contain_text("Claire Martin")
    net_sales = page.locator("#stat-revenue .dash-value")

    # And they switch to the day: only this morning's sale
    page.get_by_role("navigation", name="Period").get_by_role("link", name="Day").click()
    expect(page).to_have_url(re.compile(r"period=day"))
    expect(net_sales).to_have_text("€45.00")
    expect(page.locator("#stat-bookings .dash-value")).to_have_text("1")

    # Then the month: both sales, when both fall in this month
    page.get_by_role("navigation", name="Period").get_by_role("link", name="Month").click()
    expect(page.get_by_role("link", name="Month")).to_have_attribute("aria-current", "page")
    month_total = Decimal("75.00") if earlier.month == today.month else Decimal("45.00")
    expect(net_sales).to_have_text(f"€{month_total}")
    expect(page.locator("#revenue-chart")).to_be_visible()

    # And the week, then the week before: the rebooking rate says how it is counted
    page.get_by_role("navigation", name="Period").get_by_role("link", name="Week").click()
    expect(page.get_by_role("link", name="Week")).to_have_attribute("aria-current", "page")
    page.get_by_role("link", name="Previous period").click()
    expect(page.get_by_role("link", name="Back to today")).to_be_visible()
    expect(page.locator("#stat-rebooking")).to_contain_text("on the day of the visit")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    # The agenda's link opens the appointment
    page.get_by_role("link", name="Back to today").click()
    agenda.get_by_role("link", name=re.compile("Claire Martin")).click()
    expect(page).to_have_url(re.compile(rf"/appointments/{visit.pk}/$"))
