"""The loyalty points report: every entry with its columns, filters, totals for the
filter, keyset pages in a constant number of queries, "Add points" buttons, and an
export of exactly what is filtered."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from loyalty.models import EntryKind, EntrySource
from loyalty.services import ledger as loyalty_ledger
from tests.factories import AppointmentFactory, ClientFactory, ServiceFactory
from tests.loyalty.conftest import loyalty_on
from tests.reports.conftest import body, export, report_url, xlsx_sheets

pytestmark = pytest.mark.django_db


@pytest.fixture
def business(business):
    return loyalty_on(business)


@pytest.fixture
def people(business):
    return (ClientFactory(business=business, first_name="Léa", last_name="Dubois"),
            ClientFactory(business=business, first_name="Hugo", last_name="Bernard"))


def post(business, client, kind, points, *, days_ago=1, **values):
    return loyalty_ledger.post_entry(
        business=business, client=client, kind=kind, points=points,
        description=values.pop("description", f"{kind} {points}"),
        now=timezone.now() - timedelta(days=days_ago), **values)


@pytest.fixture
def ledger(business, people, manager_browser):
    lea, hugo = people
    colour = ServiceFactory(business=business, name="Colour")
    visit = AppointmentFactory(business=business, client=lea, service=colour)
    return {
        "earn": post(business, lea, EntryKind.EARN, 10, days_ago=5,
                     source=EntrySource(appointment_id=visit.pk),
                     description="10 points for Colour"),
        "redeem": post(business, lea, EntryKind.REDEEM, -4, days_ago=4,
                       description="=Gift card"),
        "adjust": post(business, hugo, EntryKind.ADJUST, 3, days_ago=3,
                       created_by=manager_browser.user, note="Birthday"),
        "expire": post(business, lea, EntryKind.EXPIRE, -2, days_ago=2),
        "old": post(business, hugo, EntryKind.EARN, 7, days_ago=45),
        "colour": colour,
    }


def page_of(browser, business, **params):
    response = browser.get(report_url(business, "points"), params)
    assert response.status_code == 200
    return response


def test_the_report_lists_the_last_30_days_newest_first_with_totals(manager_browser,
                                                                    business, ledger):
    response = page_of(manager_browser, business)

    rows = response.context["page"].rows
    assert [row["pk"] for row in rows] == [ledger[k].pk for k in ("expire", "adjust",
                                                                  "redeem", "earn")]
    assert response.context["totals"] == {"Points earned": 13, "Points spent": 4,
                                          "Points expired": 2}
    text = response.content.decode()
    assert "10 points for Colour" in text
    assert "Birthday" in text
    assert manager_browser.user.full_name in text
    assert "Expired" in text


def test_cleared_dates_show_every_entry(manager_browser, business, ledger):
    response = page_of(manager_browser, business, date_from="", date_to="")

    assert len(response.context["page"].rows) == 5
    assert response.context["totals"]["Points earned"] == 20


@pytest.mark.parametrize(("params", "expected"), [
    ({"kind": "redeem"}, ["redeem"]),
    ({"q": "bernard"}, ["adjust", "old"]),
    ({"service": "colour"}, ["earn"]),
    ({"date_from": "days_ago_4", "date_to": "days_ago_3"}, ["adjust", "redeem"]),
])
def test_filters_narrow_the_rows_and_the_totals(manager_browser, business, ledger, params,
                                                expected):
    values = {"date_from": "", "date_to": ""}
    for name, value in params.items():
        if value == "colour":
            value = ledger["colour"].pk
        elif str(value).startswith("days_ago_"):
            days = int(value.rsplit("_", 1)[1])
            value = timezone.localdate(timezone.now() - timedelta(days=days),
                                       business.zone).isoformat()
        values[name] = value

    response = page_of(manager_browser, business, **values)

    assert [row["pk"] for row in response.context["page"].rows] == [ledger[k].pk
                                                                    for k in expected]
    assert sum(response.context["totals"].values()) == sum(abs(ledger[k].points)
                                                           for k in expected)


def test_a_clients_name_filters_to_that_client(manager_browser, business, ledger, people):
    lea, _hugo = people

    response = page_of(manager_browser, business, client=lea.pk)

    assert {row["client_id"] for row in response.context["page"].rows} == {lea.pk}
    assert "All clients" in response.content.decode()


def test_another_business_client_is_refused_and_shows_nothing(manager_browser, business,
                                                              ledger, other_business):
    theirs = ClientFactory(business=other_business)

    response = page_of(manager_browser, business, client=theirs.pk)

    assert response.context["page"] is None
    assert "This client is not in your business." in response.content.decode()


def test_add_points_on_top_and_add_more_points_on_each_row(manager_browser, business, ledger,
                                                           people):
    lea, _hugo = people

    text = page_of(manager_browser, business).content.decode()

    assert f'href="/manage/{business.slug}/loyalty/points/add/?next=' in text
    assert f'/loyalty/points/add/?client={lea.pk}&amp;next=' in text
    assert text.count("Add more points") == 4


def test_the_export_holds_exactly_the_filtered_entries_with_typed_cells(manager_browser,
                                                                        business, ledger):
    content = body(export(manager_browser, business, "points", "xlsx", kind="redeem",
                          date_from="", date_to=""))

    rows = xlsx_sheets(content)["Loyalty points"]
    assert rows[0] == ("Date", "Client", "Kind", "Points", "Balance after", "Source",
                       "Description", "Staff user", "Staff note")
    assert len(rows) == 2
    date, client, kind, points, balance, _source, description, _staff, _note = rows[1]
    assert isinstance(date, datetime)
    assert (client, kind, points, balance) == ("Léa Dubois", "Redeemed", -4, 6)
    assert description == "'=Gift card"


def test_pages_walk_every_entry_once_in_both_directions(manager_browser, business, people,
                                                        settings):
    lea, _hugo = people
    for n in range(120):
        post(business, lea, EntryKind.ADJUST, 1, days_ago=0, description=f"n{n}")
    seen, pages, params = [], [], {}
    while True:
        response = page_of(manager_browser, business, **params)
        page = response.context["page"]
        pages.append([row["pk"] for row in page.rows])
        seen += pages[-1]
        if not page.next_cursor:
            break
        params = {"after": page.next_cursor}
    back = page_of(manager_browser, business, before=page.previous_cursor).context["page"]

    assert [len(p) for p in pages] == [50, 50, 20]
    assert len(set(seen)) == 120
    assert seen == sorted(seen, reverse=True)
    assert [row["pk"] for row in back.rows] == pages[1]


def test_a_tampered_cursor_shows_the_first_page(manager_browser, business, ledger):
    response = page_of(manager_browser, business, after="forged")

    assert response.context["page"].rows[0]["pk"] == ledger["expire"].pk


def test_a_page_costs_the_same_queries_whatever_the_number_of_entries(manager_browser,
                                                                      business, people):
    lea, hugo = people
    page_of(manager_browser, business)  # the session's first page also saves the session
    firsts, laters = [], []
    for extra in (60, 120):
        for n in range(extra):
            post(business, lea if n % 2 else hugo, EntryKind.ADJUST, 1, days_ago=0,
                 created_by=manager_browser.user)
        with CaptureQueriesContext(connection) as first:
            first_page = page_of(manager_browser, business).context["page"]
        with CaptureQueriesContext(connection) as later:
            page_of(manager_browser, business, after=first_page.next_cursor)
        firsts.append(len(first))
        laters.append(len(later))

    assert firsts[0] == firsts[1] <= 12
    # Later pages find the totals of the first one cached (nothing was added since).
    assert laters[0] == laters[1] == firsts[0] - 1


def test_the_totals_follow_a_new_entry_at_once(manager_browser, business, ledger, people):
    lea, _hugo = people
    before = page_of(manager_browser, business).context["totals"]["Points earned"]

    post(business, lea, EntryKind.ADJUST, 4, days_ago=0)

    assert page_of(manager_browser, business).context["totals"]["Points earned"] == before + 4
