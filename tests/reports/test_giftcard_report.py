"""The gift card report: per month of issue and offer (cards without one: per origin),
the value issued and what became of it, totals for the filter, exports of exactly what is
listed, another business's cards never shown, pages in a constant number of queries."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from giftcards.services import cards as card_services
from giftcards.services import purchases as purchase_services
from loyalty.models import EntryKind
from loyalty.services import ledger as loyalty_ledger
from reports import labels
from tests.factories import ClientFactory, GiftCardFactory, GiftCardOfferFactory
from tests.loyalty.conftest import loyalty_on
from tests.reports.conftest import body, csv_rows, export, report_url, xlsx_sheets

pytestmark = pytest.mark.django_db

D = Decimal


def local_noon(business, months_ago: int, day: int = 3) -> datetime:
    """Noon on `day` of the local month `months_ago` before this one."""
    first = timezone.localdate(timezone=business.zone).replace(day=1)
    for _month in range(months_ago):
        first = (first - timedelta(days=1)).replace(day=1)
    return datetime.combine(first.replace(day=day), time(12), tzinfo=business.zone)


def issue(business, when, *, value="50.00", days=365, offer=None):
    return card_services.issue_gift_card(business=business, value=D(value),
                                         validity_days=days, offer=offer, now=when)


def spend(business, card, amount, when):
    return card_services.redeem(business, card.pk, amount=D(amount), now=when)


@pytest.fixture
def offers(business):
    return (GiftCardOfferFactory(business=business, name="Spa 50"),
            GiftCardOfferFactory(business=business, name="Cut 100", value=D("100.00")))


@pytest.fixture
def cards(business, offers):
    """Two months ago: a Spa card partly spent then partly given back, a Spa card
    expired after a first spend, a staff card without offer deactivated. Last month: a
    Cut card spent in full, a Spa card untouched, a staff card untouched."""
    spa, cut = offers
    older, newer = local_noon(business, 2), local_noon(business, 1)
    kept = issue(business, older, offer=spa)
    given = spend(business, kept, "20.00", older + timedelta(days=1))
    card_services.refund(business, given, amount=D("5.00"), now=older + timedelta(days=2))
    lapsed = issue(business, older, offer=spa, days=10)
    spend(business, lapsed, "10.00", older + timedelta(days=1))
    withdrawn = issue(business, older, value="30.00")
    card_services.set_gift_card_active(business=business, card=withdrawn, active=False)
    used_up = issue(business, newer, value="100.00", offer=cut)
    spend(business, used_up, "100.00", newer + timedelta(days=1))
    issue(business, newer, offer=spa)
    issue(business, newer, value="20.00")
    return older, newer


FIGURES = ("cards", "issued", "redeemed", "cancelled", "outstanding", "expired", "deactivated")


def page_of(browser, business, **params):
    response = browser.get(report_url(business, "gift-cards"), params)
    assert response.status_code == 200
    return response


def figures(rows):
    return [(row["month"], row["offer"], *(row[name] for name in FIGURES)) for row in rows]


def test_each_offer_and_month_has_its_figures_and_cards_without_offer_their_origin(
        manager_browser, business, cards):
    older, newer = cards

    rows = page_of(manager_browser, business).context["page"].rows

    old, new = older.date().replace(day=1), newer.date().replace(day=1)
    assert figures(rows) == [
        (new, "Issued by staff", 1, D("20.00"), D("0.00"), D("0.00"), D("20.00"), D("0.00"),
         D("0.00")),
        (new, "Cut 100", 1, D("100.00"), D("100.00"), D("0.00"), D("0.00"), D("0.00"),
         D("0.00")),
        (new, "Spa 50", 1, D("50.00"), D("0.00"), D("0.00"), D("50.00"), D("0.00"),
         D("0.00")),
        (old, "Issued by staff", 1, D("30.00"), D("0.00"), D("0.00"), D("0.00"), D("0.00"),
         D("30.00")),
        (old, "Spa 50", 2, D("100.00"), D("25.00"), D("0.00"), D("35.00"), D("40.00"),
         D("0.00")),
    ]


def test_the_page_shows_months_in_the_readers_language_and_money_in_the_currency(
        manager_browser, business, cards):
    older, _newer = cards

    text = page_of(manager_browser, business).content.decode()

    assert older.strftime("%B %Y") in text
    assert "€35.00" in text
    assert "€300.00" in text  # the total value issued


def test_totals_add_up_for_the_filter(manager_browser, business, cards):
    totals = page_of(manager_browser, business).context["totals"]

    assert totals == {"Cards issued": 6, "Value issued": "€300.00", "Redeemed": "€125.00",
                      "Cancelled": "€0.00", "Outstanding": "€105.00", "Expired": "€40.00",
                      "Deactivated": "€30.00"}


def test_the_dates_and_the_offer_filter_rows_and_totals(manager_browser, business, cards,
                                                        offers):
    older, _newer = cards
    spa, _cut = offers
    day = older.date()

    by_date = page_of(manager_browser, business, date_from=day.isoformat(),
                      date_to=day.isoformat())
    by_offer = page_of(manager_browser, business, offer=spa.pk)

    assert [row["offer"] for row in by_date.context["page"].rows] == ["Issued by staff",
                                                                      "Spa 50"]
    assert by_date.context["totals"]["Cards issued"] == 3
    assert {row["offer"] for row in by_offer.context["page"].rows} == {"Spa 50"}
    assert by_offer.context["totals"]["Value issued"] == "€150.00"


def test_a_card_given_back_for_its_refunded_sale_counts_as_cancelled(manager_browser,
                                                                     business):
    business = loyalty_on(business)
    client = ClientFactory(business=business)
    offer = GiftCardOfferFactory(business=business, name="Points card", points_enabled=True,
                                 points_price=10)
    loyalty_ledger.post_entry(business=business, client=client, kind=EntryKind.ADJUST,
                                points=10, description="gift")
    card = purchase_services.buy_with_points(business=business, client=client, offer=offer)
    purchase_services.refund_points_purchase(business=business, card=card)

    [row] = page_of(manager_browser, business).context["page"].rows

    assert (row["offer"], row["issued"], row["cancelled"], row["deactivated"]) == (
        "Points card", D("50.00"), D("50.00"), D("0.00"))


def test_another_business_cards_and_offers_never_appear(manager_browser, business, cards,
                                                        other_business):
    theirs = GiftCardOfferFactory(business=other_business, name="Spa 50")
    GiftCardFactory(business=other_business, offer=theirs, value=D("50.00"))

    everything = page_of(manager_browser, business)
    their_offer = page_of(manager_browser, business, offer=theirs.pk)

    assert everything.context["totals"]["Cards issued"] == 6
    assert sum(row["cards"] for row in everything.context["page"].rows) == 6
    assert their_offer.context["page"] is None
    assert "This offer is not in your business." in their_offer.content.decode()


def test_the_xlsx_export_has_months_as_dates_and_money_as_numbers(manager_browser, business,
                                                                  cards):
    _older, newer = cards

    content = body(export(manager_browser, business, "gift-cards", "xlsx"))

    rows = xlsx_sheets(content)["Gift cards"]
    assert rows[0] == ("Month", "Offer", "Cards issued", "Value issued (EUR)",
                       "Redeemed (EUR)", "Cancelled (EUR)", "Outstanding (EUR)",
                       "Expired (EUR)", "Deactivated (EUR)")
    assert len(rows) == 6
    assert rows[1][0] == datetime(newer.year, newer.month, 1)
    assert rows[1][1:3] == ("Issued by staff", 1)
    assert rows[5][1:] == ("Spa 50", 2, 100, 25, 0, 35, 40, 0)


def test_the_csv_export_holds_what_the_filter_lists(manager_browser, business, cards, offers):
    _older, newer = cards
    _spa, cut = offers

    content = body(export(manager_browser, business, "gift-cards", "csv", offer=cut.pk))

    rows = csv_rows(content)
    assert rows[1:] == [[newer.strftime("%Y-%m"), "Cut 100", "1", "100.00", "100.00", "0.00",
                         "0.00", "0.00", "0.00"]]


def test_a_page_costs_the_same_queries_whatever_the_number_of_cards(manager_browser,
                                                                   business, offers):
    spa, _cut = offers
    page_of(manager_browser, business)  # the session's first page also saves the session
    counts = []
    for months_ago in (1, 2, 3):
        for _card in range(4 * months_ago):
            card = issue(business, local_noon(business, months_ago), offer=spa)
            spend(business, card, "1.00", local_noon(business, months_ago, day=4))
        with CaptureQueriesContext(connection) as queries:
            page_of(manager_browser, business)
        counts.append(len(queries))

    assert counts[0] == counts[1] == counts[2] <= 10


def test_cards_sold_without_an_offer_are_named_by_their_origin(business):
    group = labels.gift_card_group(business)

    assert group("", "checkout") == "Sold at checkout"
    assert group("", "staff") == "Issued by staff"
    assert group("Spa 50", "") == "Spa 50"
