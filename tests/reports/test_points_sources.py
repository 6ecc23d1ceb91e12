"""The Source column of the loyalty points report: what caused each entry, in words and
in the reader's language, on the page and in exports, without a query per row."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.dates import format_day, local_day
from giftcards import codes
from loyalty.models import EntryKind, EntrySource
from loyalty.services import ledger as loyalty_ledger
from tests.factories import (
    AppointmentFactory,
    ClientFactory,
    GiftCardFactory,
    InvoiceFactory,
    RefundFactory,
)
from tests.loyalty.conftest import loyalty_on
from tests.reports.conftest import body, csv_rows, export, report_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def business(business):
    return loyalty_on(business)


@pytest.fixture
def ledger(business, manager_browser):
    """One entry of each source that loyalty and giftcards write, newest last."""
    lea = ClientFactory(business=business, first_name="Léa", last_name="Dubois")
    staff = manager_browser.user

    def post(kind, points, **values):
        return loyalty_ledger.post_entry(business=business, client=lea, kind=kind,
                                         points=points, description=f"{kind} {points}",
                                         **values)

    visit = AppointmentFactory(business=business, client=lea,
                               starts_at=timezone.now() - timedelta(days=20))
    invoice = InvoiceFactory(business=business, client=lea, state="paid", number=7,
                             paid_at=timezone.now())
    card = GiftCardFactory(business=business)
    added = post(EntryKind.ADJUST, 100, created_by=staff)
    earned = post(EntryKind.EARN, 10, source=EntrySource(invoice_id=invoice.pk))
    entries = {
        "adjust": added,
        "appointment": post(EntryKind.EARN, 5, source=EntrySource(appointment_id=visit.pk)),
        "invoice": earned,
        "refund": loyalty_ledger.reverse_entry(
            business=business, entry=earned, points=4,
            source=EntrySource(refund_id=RefundFactory(business=business, invoice=invoice).pk)),
        "gift_card": post(EntryKind.REDEEM, -20, source=EntrySource(gift_card_id=card.pk)),
        "reset": post(EntryKind.REWARD, -30,
                      source=EntrySource(unlocked_by_id=added.pk, round_number=0)),
        "reversal": loyalty_ledger.reverse_entry(business=business, entry=added, points=1),
        "expire": post(EntryKind.EXPIRE, -2),
    }
    expected = {
        # The staff column names who adjusted: the source does not repeat it.
        "adjust": "Adjustment",
        "appointment": f"Appointment on {format_day(local_day(visit.starts_at, business.time_zone), 'en')}",  # noqa: E501
        "invoice": "Invoice 000007",
        "refund": "Refund on invoice 000007",
        "gift_card": f"Gift card {codes.masked(card.code)}",
        "reset": "Reward (card started over)",
        "reversal": f"Reversal of entry #{added.pk}",
        "expire": "Expiry",
    }
    return entries, expected


def test_the_page_names_each_source_in_words(manager_browser, business, ledger):
    entries, expected = ledger

    response = manager_browser.get(report_url(business, "points"))

    rows = {row["pk"]: row for row in response.context["page"].rows}
    assert {name: rows[entry.pk]["source"] for name, entry in entries.items()} == expected
    assert rows[entries["adjust"].pk]["staff_name"] == manager_browser.user.full_name
    assert "Reward (card started over)" in response.content.decode()


def test_the_export_names_each_source_in_words(manager_browser, business, ledger):
    entries, expected = ledger
    oldest_first = sorted(entries, key=lambda name: entries[name].pk)

    rows = csv_rows(body(export(manager_browser, business, "points", "csv")))

    assert rows[0][5] == "Source"
    assert [row[5] for row in reversed(rows[1:])] == [expected[name] for name in oldest_first]


def test_the_day_of_an_appointment_is_in_the_readers_language(manager_browser, business):
    visit = AppointmentFactory(business=business)
    entry = loyalty_ledger.post_entry(business=business, client=visit.client,
                                      kind=EntryKind.EARN, points=5, description="visit",
                                      source=EntrySource(appointment_id=visit.pk))
    user = manager_browser.user
    user.language = "fr"
    user.save(update_fields=["language"])

    response = manager_browser.get(report_url(business, "points"))

    [row] = [row for row in response.context["page"].rows if row["pk"] == entry.pk]
    assert format_day(local_day(visit.starts_at, business.time_zone), "fr") in row["source"]


def test_labels_cost_no_query_per_row(manager_browser, business):
    lea = ClientFactory(business=business)
    manager_browser.get(report_url(business, "points"))  # the first page saves the session
    counts = []
    for extra in (5, 20):
        for _n in range(extra):
            visit = AppointmentFactory(business=business, client=lea)
            loyalty_ledger.post_entry(business=business, client=lea, kind=EntryKind.EARN,
                                      points=1, description="visit",
                                      source=EntrySource(appointment_id=visit.pk))
        with CaptureQueriesContext(connection) as queries:
            manager_browser.get(report_url(business, "points"))
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_the_export_words_descriptions_in_the_exporting_staff_members_language(
        manager_browser, business):
    # Given a visit credited while the business wrote French
    business.language = "fr"
    business.save(update_fields=["language"])
    visit = AppointmentFactory(business=business)
    loyalty_ledger.post_entry(business=business, client=visit.client, kind=EntryKind.EARN,
                              points=5, description="5 points pour une visite",
                              source=EntrySource(appointment_id=visit.pk))
    user = manager_browser.user
    user.language = "en"
    user.save(update_fields=["language"])

    # When an English manager exports the report (a French business's CSV separator),
    # then its description is in English
    rows = csv_rows(body(export(manager_browser, business, "points", "csv")), delimiter=";")

    assert rows[0][6] == "Description"
    assert rows[1][6] == (f"5 points for {visit.title} on "
                          f"{format_day(local_day(visit.starts_at, business.time_zone), 'en')}")
