"""The back office "Messages" log and its API: filter by client, kind and status; open
one to see what was sent."""

import pytest

from notifications.kinds import MessageKind
from notifications.models import MessageReason, MessageStatus
from tenancy.models import Role
from tests.factories import ClientFactory, OutboundMessageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def log(business):
    anna = ClientFactory(business=business, first_name="Anna", last_name="Rossi",
                         email="anna@example.com")
    ivan = ClientFactory(business=business, first_name="Ivan", last_name="Petrenko",
                         email="ivan@example.com")
    return {
        "confirmed": OutboundMessageFactory(business=business, client=anna,
                                            subject="Anna's booking is confirmed"),
        "skipped": OutboundMessageFactory(
            business=business, client=anna, kind=MessageKind.POINTS_CREDITED,
            subject="Anna's points", status=MessageStatus.SKIPPED, sent_at=None,
            attempts=0, reason=MessageReason.NO_MARKETING_CONSENT),
        "failed": OutboundMessageFactory(
            business=business, client=ivan, kind=MessageKind.BOOKING_CANCELLED,
            subject="Ivan's cancellation", status=MessageStatus.FAILED, sent_at=None,
            attempts=6, reason=MessageReason.DELIVERY_FAILED,
            error="SMTPDataError: (451, b'Requested action aborted')"),
    }


SUBJECTS = {"confirmed": "Anna&#x27;s booking is confirmed", "skipped": "Anna&#x27;s points",
            "failed": "Ivan&#x27;s cancellation"}


def _log_page(browser, business, **query):
    return browser.get(f"/manage/{business.slug}/messages/", query).content.decode()


def test_the_log_lists_every_message_with_its_status(business, browser_for, staff, log):
    page = _log_page(browser_for(staff), business)

    for subject in SUBJECTS.values():
        assert subject in page
    assert "No marketing consent" in page
    assert "Delivery failed" in page


@pytest.mark.parametrize(("query", "shown"), [
    ({"kind": "points_credited"}, {"skipped"}),
    ({"status": "failed"}, {"failed"}),
    ({"q": "ivan@"}, {"failed"}),
    ({"q": "rossi"}, {"confirmed", "skipped"}),
    ({"kind": "booking_confirmed", "status": "sent"}, {"confirmed"}),
])
def test_the_log_filters_by_kind_status_and_search(business, browser_for, staff, log, query,
                                                   shown):
    page = _log_page(browser_for(staff), business, **query)

    assert {name for name, subject in SUBJECTS.items() if subject in page} == shown


def test_the_log_filters_by_client(business, browser_for, staff, log):
    ivan = log["failed"].client

    page = _log_page(browser_for(staff), business, client=ivan.pk)

    assert "Messages to Ivan Petrenko" in page
    assert {name for name, subject in SUBJECTS.items() if subject in page} == {"failed"}


def test_a_client_page_links_to_their_messages(business, browser_for, staff, log):
    anna = log["confirmed"].client

    page = browser_for(staff).get(f"/manage/{business.slug}/clients/{anna.pk}/")

    assert f'href="/manage/{business.slug}/messages/?client={anna.pk}"' in page.content.decode()


def test_an_unknown_client_filter_says_so(business, browser_for, staff, log, other_business):
    stranger = ClientFactory(business=other_business)

    page = _log_page(browser_for(staff), business, client=stranger.pk)

    assert "No such client." in page


def test_a_message_opens_with_what_was_sent_and_why_it_failed(business, browser_for, staff,
                                                              log):
    message = log["failed"]

    page = browser_for(staff).get(f"/manage/{business.slug}/messages/{message.pk}/")

    text = page.content.decode()
    assert page.status_code == 200
    assert message.body in text
    assert "SMTPDataError: (451" in text
    assert "ivan@example.com" in text


def test_the_log_reads_a_fixed_number_of_queries(business, browser_for, staff, log,
                                                 django_assert_max_num_queries):
    browser = browser_for(staff)
    OutboundMessageFactory.create_batch(30, business=business)

    with django_assert_max_num_queries(12):
        browser.get(f"/manage/{business.slug}/messages/")


def test_the_api_lists_and_filters_the_log(business, api_for, log):
    api = api_for(business, Role.STAFF)

    listed = api.get("/api/v1/messages/").json()
    failed = api.get("/api/v1/messages/", {"status": "failed"}).json()
    one = api.get(f"/api/v1/messages/{log['skipped'].pk}/").json()

    assert len(listed["results"]) == 3
    assert [row["subject"] for row in failed["results"]] == ["Ivan's cancellation"]
    assert one["reason"] == "no_marketing_consent"
    assert one["kind"] == "points_credited"


def test_the_api_does_not_send_or_change_messages(business, api_for, log):
    api = api_for(business, Role.OWNER)

    responses = [api.post("/api/v1/messages/", {}, format="json"),
                 api.delete(f"/api/v1/messages/{log['confirmed'].pk}/")]

    assert [r.status_code for r in responses] == [405, 405]
