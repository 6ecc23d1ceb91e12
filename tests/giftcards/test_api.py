"""The API over the same services: offers, cards (issue, balance, redeem, refund),
coupons; value-moving POSTs replayed once with `Idempotency-Key`."""

from decimal import Decimal

import pytest

from giftcards.models import Coupon, GiftCard, GiftCardOffer
from tenancy.models import Role
from tests.giftcards.conftest import issue

pytestmark = pytest.mark.django_db


def test_a_card_is_issued_looked_up_by_code_redeemed_and_refunded(api_for, business):
    manager = api_for(business, Role.MANAGER)

    issued = manager.post("/api/v1/gift-cards/", {"value": "60.00", "validity_days": 90},
                          format="json", HTTP_IDEMPOTENCY_KEY="issue-1")
    code = issued.json()["code"]
    balance = manager.post("/api/v1/gift-cards/balance/", {"code": code.lower()},
                           format="json")
    spent = manager.post("/api/v1/gift-cards/redeem/",
                         {"code": code.replace("-", ""), "amount": "25.50", "note": "Colour"},
                         format="json")
    card_id = issued.json()["id"]
    given = manager.post(f"/api/v1/gift-cards/{card_id}/refund/",
                         {"redemption": spent.json()["id"], "amount": "5.50"}, format="json")
    history = manager.get(f"/api/v1/gift-cards/{card_id}/transactions/")

    assert issued.status_code == 201
    assert balance.json()["balance"] == "60.00"
    assert (spent.status_code, spent.json()["balance_after"]) == (201, "34.50")
    assert (given.status_code, given.json()["balance_after"]) == (201, "40.00")
    assert [row["kind"] for row in history.json()] == ["issue", "redeem", "refund"]


def test_a_retried_redemption_with_the_same_key_spends_once(api_for, business):
    card = issue(business, "50.00")
    api = api_for(business)

    answers = [api.post("/api/v1/gift-cards/redeem/", {"code": card.code, "amount": "20.00"},
                        format="json", HTTP_IDEMPOTENCY_KEY="till-7-sale-12")
               for _ in range(2)]

    assert [a.status_code for a in answers] == [201, 201]
    assert answers[1].headers["Idempotent-Replayed"] == "true"
    card.refresh_from_db()
    assert card.balance == Decimal("30.00")


def test_a_retried_issue_with_the_same_key_issues_one_card(api_for, business):
    api = api_for(business, Role.MANAGER)

    for _ in range(2):
        api.post("/api/v1/gift-cards/", {"value": "60.00"}, format="json",
                 HTTP_IDEMPOTENCY_KEY="issue-2")

    assert GiftCard.objects.for_business(business).count() == 1


def test_refusals_answer_400_and_spend_nothing(api_for, business, other_business):
    card = issue(business, "10.00")
    theirs = issue(other_business, "500.00")
    api = api_for(business)

    too_much = api.post("/api/v1/gift-cards/redeem/", {"code": card.code, "amount": "10.01"},
                        format="json")
    foreign = api.post("/api/v1/gift-cards/redeem/", {"code": theirs.code, "amount": "1.00"},
                       format="json")
    unknown = api.post("/api/v1/gift-cards/balance/", {"code": theirs.code}, format="json")

    assert too_much.status_code == foreign.status_code == unknown.status_code == 400
    assert "Only €10.00 is left" in too_much.json()["error"]["message"]
    assert foreign.json()["error"] == unknown.json()["error"]
    theirs.refresh_from_db()
    assert theirs.balance == Decimal("500.00")


def test_staff_redeem_but_only_managers_issue_and_deactivate(api_for, business):
    card = issue(business)
    staff = api_for(business, Role.STAFF)

    issued = staff.post("/api/v1/gift-cards/", {"value": "10.00"}, format="json")
    deactivated = staff.post(f"/api/v1/gift-cards/{card.pk}/deactivate/")
    spent = staff.post("/api/v1/gift-cards/redeem/", {"code": card.code, "amount": "1.00"},
                       format="json")

    assert (issued.status_code, deactivated.status_code, spent.status_code) == (403, 403, 201)


def test_offers_and_coupons_are_created_and_changed(api_for, business):
    api = api_for(business, Role.MANAGER)

    offer = api.post("/api/v1/gift-card-offers/", {
        "name": "Spa day", "value": "100.00", "price": "90.00", "points_enabled": True,
        "points_price": 500}, format="json")
    coupon = api.post("/api/v1/coupons/", {"code": "summer-10", "discount_kind": "percent",
                                           "value": "10", "max_uses": 100}, format="json")
    changed = api.patch(f"/api/v1/coupons/{coupon.json()['id']}/", {"is_active": False},
                        format="json")

    assert offer.status_code == coupon.status_code == 201
    assert GiftCardOffer.objects.for_business(business).get().points_price == 500
    assert coupon.json()["code"] == "SUMMER10"
    assert changed.json()["is_active"] is False
    assert not Coupon.objects.for_business(business).get().is_active


def test_the_schema_documents_the_gift_card_operations(api_for, business):
    schema = api_for(business).get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()

    assert "/api/v1/gift-cards/redeem/" in schema["paths"]
    redeem = schema["paths"]["/api/v1/gift-cards/redeem/"]["post"]
    assert any(p["name"] == "Idempotency-Key" for p in redeem.get("parameters", []))


@pytest.mark.parametrize(("component", "field"), [
    ("GiftCard", "recipient_email"), ("OutboundMessage", "recipient"), ("Client", "email")])
def test_an_empty_email_in_an_answer_matches_the_schema(api_for, business, component, field):
    """Found by schemathesis: a card issued without a recipient answered "" where the
    schema promised an email address."""
    import jsonschema

    schema = api_for(business).get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    prop = schema["components"]["schemas"][component]["properties"][field]
    checker = jsonschema.FormatChecker()

    jsonschema.validate("", prop, format_checker=checker)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate("not an email", prop, format_checker=checker)
