"""The clients report: visits, last visit, spend and points balance per client, over the
days chosen; the balance opens the client's points history; pages by name."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from booking.models import AppointmentState
from checkout.services import refunds
from loyalty.models import EntryKind
from loyalty.services import ledger
from tenancy import services as tenant_services
from tenancy.models import Extension
from tests.checkout.conftest import paid
from tests.factories import AppointmentFactory, ClientFactory, ProductFactory
from tests.reports.conftest import report_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def business(business):
    business, _also = tenant_services.set_extension(business=business,
                                                    extension=Extension.LOYALTY, enabled=True)
    return business


def appointment(business, client, *, days_ago: int, state=AppointmentState.COMPLETED):
    start = timezone.now().replace(microsecond=0) - timedelta(days=days_ago, hours=2)
    return AppointmentFactory(business=business, client=client, starts_at=start,
                              ends_at=start + timedelta(hours=1), busy_from=start,
                              busy_until=start + timedelta(hours=1), state=state)


def rows_of(browser, business, **params) -> dict[str, dict]:
    response = browser.get(report_url(business, "clients"), params)
    assert response.status_code == 200
    return {row["last_name"]: row for row in response.context["page"].rows}


def test_visits_spend_and_balance_of_each_client(manager_browser, business):
    lea = ClientFactory(business=business, last_name="Dubois")
    hugo = ClientFactory(business=business, last_name="Bernard")
    appointment(business, lea, days_ago=3)
    booked_and_past = appointment(business, lea, days_ago=1, state=AppointmentState.BOOKED)
    appointment(business, lea, days_ago=2, state=AppointmentState.CANCELLED)
    appointment(business, lea, days_ago=2, state=AppointmentState.NO_SHOW)
    shampoo = ProductFactory(business=business, price=Decimal("18.00"))
    invoice = paid(business, lea, products=[(shampoo, 2)])
    refunds.refund_invoice(business=business, invoice=invoice,
                           quantities={invoice.lines.get().pk: 1}, reason="",
                           by=None)
    paid(business, hugo, products=[(shampoo, 1)])
    ledger.post_entry(business=business, client=lea, kind=EntryKind.ADJUST,
                      points=12, description="Welcome")

    rows = rows_of(manager_browser, business)

    assert (rows["Dubois"]["visits"], rows["Dubois"]["spend"], rows["Dubois"]["balance"]) == (
        2, Decimal("18.00"), 12)
    assert rows["Dubois"]["last_visit"] == booked_and_past.starts_at
    assert (rows["Bernard"]["visits"], rows["Bernard"]["spend"],
            rows["Bernard"]["balance"]) == (0, Decimal("18.00"), 0)


def test_the_days_chosen_limit_visits_and_spend(manager_browser, business):
    lea = ClientFactory(business=business, last_name="Dubois")
    appointment(business, lea, days_ago=10)
    appointment(business, lea, days_ago=2)
    since = timezone.localdate(timezone.now() - timedelta(days=5), business.zone)

    rows = rows_of(manager_browser, business, date_from=since.isoformat())

    assert rows["Dubois"]["visits"] == 1
    assert rows["Dubois"]["spend"] == Decimal("0.00")


def test_the_balance_opens_the_clients_points_history_in_a_popup(manager_browser, business):
    lea = ClientFactory(business=business, last_name="Dubois")
    ledger.post_entry(business=business, client=lea, kind=EntryKind.ADJUST,
                      points=12, description="Welcome gift")
    history = reverse("loyalty:client-history", args=[business.slug, lea.pk])

    page = manager_browser.get(report_url(business, "clients")).content.decode()
    popup = manager_browser.get(history, HTTP_HX_REQUEST="true").content.decode()

    assert f'hx-get="{history}" hx-target="#report-popup-body" data-popup="report-popup"' in page
    assert '<dialog class="popup" id="report-popup"' in page
    assert "js/popup.js" in page
    assert "Welcome gift" in popup
    assert "<html" not in popup


def test_a_page_of_clients_costs_the_same_queries_at_any_size(manager_browser, business):
    manager_browser.get(report_url(business, "clients"))
    counts = []
    for extra in (2, 70):
        for _n in range(extra):
            client = ClientFactory(business=business)
            appointment(business, client, days_ago=1)
        with CaptureQueriesContext(connection) as captured:
            manager_browser.get(report_url(business, "clients"))
        counts.append(len(captured))

    assert counts[0] == counts[1]


def test_clients_of_another_business_are_not_listed(manager_browser, business,
                                                   other_business):
    ClientFactory(business=other_business, last_name="Elsewhere")

    assert "Elsewhere" not in rows_of(manager_browser, business)
