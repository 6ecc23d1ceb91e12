"""Codes and the client's gift cards on the checkout desk and in the API: typed or picked
in one click, shown only for the draft's client, refused next to the form, and only
when the business has Coupons & gift cards on."""

from decimal import Decimal

import pytest
from django.urls import reverse

from checkout.models import InvoiceState
from giftcards.models import Coupon
from tenancy import services as tenant_services
from tenancy.models import Extension
from tests.checkout.conftest import draft
from tests.factories import ClientFactory, ServiceFactory
from tests.giftcards.conftest import coupon, issue

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(business, name, *args) -> str:
    return reverse(f"checkout:{name}", args=[business.slug, *args])


@pytest.fixture
def haircut(business):
    return ServiceFactory(business=business, name="Haircut", price=Decimal("45.00"))


def reward_of(business, client, code):
    """A loyalty reward code of `client` (tiers issue them; made here directly)."""
    made = coupon(business, code, value="10.00", name=f"Reward {code}", client=client,
                  max_uses=1, max_uses_per_client=1)
    Coupon.objects.filter(pk=made.pk).update(origin="reward")
    return made


def test_the_desk_lists_only_the_client_s_usable_codes_and_cards(client, business, staff,
                                                                 salon_client, haircut):
    other = ClientFactory(business=business)
    reward_of(business, salon_client, "MINEAB")
    reward_of(business, other, "THEIRS")
    spent = reward_of(business, salon_client, "SPENTX")
    Coupon.objects.filter(pk=spent.pk).update(uses_count=1)
    mine = issue(business, "30.00", purchaser=salon_client)
    theirs = issue(business, "40.00", purchaser=other)
    invoice = draft(business, salon_client, services_=[haircut])
    client.force_login(staff)

    text = client.get(url(business, "draft", invoice.pk)).content.decode()

    assert "MINEAB" in text
    assert "THEIRS" not in text
    assert "SPENTX" not in text
    assert mine.masked_code in text
    assert mine.code not in text
    assert mine.display_code not in text
    assert theirs.masked_code not in text
    assert url(business, "use-gift-card", invoice.pk, theirs.pk) not in text


def test_one_click_applies_a_reward_code_through_htmx(client, business, staff, salon_client,
                                                      haircut):
    reward_of(business, salon_client, "MINEAB")
    invoice = draft(business, salon_client, services_=[haircut])
    client.force_login(staff)

    response = client.post(url(business, "apply-code", invoice.pk), {"code": "MINEAB"}, **HTMX)

    text = response.content.decode()
    invoice.refresh_from_db()
    assert text.lstrip().startswith('<div id="draft">')
    assert "Code MINEAB (Reward MINEAB): \u2212€10.00" in text
    assert (invoice.code, invoice.total) == ("MINEAB", Decimal("35.00"))


def test_one_click_fills_the_gift_card_tender_then_paying_spends_the_card(
        client, business, staff, salon_client, haircut):
    card = issue(business, "100.00", purchaser=salon_client)
    small = issue(business, "20.00", purchaser=salon_client)
    invoice = draft(business, salon_client, services_=[haircut], gift_cards=["50.00"])
    client.force_login(staff)

    big = client.get(url(business, "use-gift-card", invoice.pk, card.pk), **HTMX)
    little = client.get(url(business, "use-gift-card", invoice.pk, small.pk), **HTMX)

    # At most what is due, gift cards sold excepted: a card does not buy a card.
    assert 'name="gift_card" value="45.00"' in big.content.decode()
    assert f'name="gift_card_code" value="{card.display_code}"' in big.content.decode()
    assert 'name="gift_card" value="20.00"' in little.content.decode()
    paid = client.post(url(business, "pay", invoice.pk),
                       {"gift_card": "45.00", "gift_card_code": card.display_code,
                        "cash": "50.00"})
    assert paid.status_code == 302
    card.refresh_from_db()
    invoice.refresh_from_db()
    assert (invoice.state, card.balance) == (InvoiceState.PAID, Decimal("55.00"))


def test_another_client_s_card_cannot_be_picked(client, business, staff, salon_client,
                                                haircut):
    theirs = issue(business, "40.00", purchaser=ClientFactory(business=business))
    invoice = draft(business, salon_client, services_=[haircut])
    client.force_login(staff)

    response = client.get(url(business, "use-gift-card", invoice.pk, theirs.pk))

    assert response.status_code == 404


def test_a_bad_code_is_refused_next_to_the_code_field_and_changes_nothing(
        client, business, staff, haircut):
    invoice = draft(business, services_=[haircut])
    client.force_login(staff)

    response = client.post(url(business, "apply-code", invoice.pk), {"code": "NOSUCH"}, **HTMX)

    assert "No coupon or reward code has this code here." in response.content.decode()
    invoice.refresh_from_db()
    assert (invoice.code, invoice.total) == ("", Decimal("45.00"))


def test_staff_remove_the_code_from_the_draft(client, business, staff, haircut):
    coupon(business, "TENOFF")
    invoice = draft(business, services_=[haircut])
    client.force_login(staff)
    client.post(url(business, "apply-code", invoice.pk), {"code": "TENOFF"})

    response = client.post(url(business, "remove-code", invoice.pk))

    invoice.refresh_from_db()
    assert response.status_code == 302
    assert (invoice.code, invoice.total) == ("", Decimal("45.00"))


def test_without_coupons_and_gift_cards_the_desk_offers_no_codes(client, business, staff,
                                                                 salon_client, haircut):
    reward_of(business, salon_client, "MINEAB")
    card = issue(business, "30.00", purchaser=salon_client)
    business, _also = tenant_services.set_extension(
        business=business, extension=Extension.COUPONS_GIFT_CARDS, enabled=False)
    invoice = draft(business, salon_client, services_=[haircut])
    client.force_login(staff)

    text = client.get(url(business, "draft", invoice.pk)).content.decode()
    applied = client.post(url(business, "apply-code", invoice.pk), {"code": "MINEAB"})

    assert "MINEAB" not in text
    assert card.masked_code not in text
    assert 'id="code-code"' not in text
    assert "Turn on Coupons &amp; gift cards" in applied.content.decode()


def test_the_api_applies_and_removes_a_code_and_refuses_a_bad_one_in_its_shape(
        api_for, business, haircut):
    coupon(business, "TENOFF", name="Ten off")
    invoice = draft(business, services_=[haircut])
    api = api_for(business)
    code_url = f"/api/v1/invoices/{invoice.pk}/code/"

    bad = api.post(code_url, {"code": "NOSUCH"}, format="json")
    applied = api.post(code_url, {"code": "tenoff"}, format="json")
    removed = api.delete(code_url)

    assert bad.status_code == 400
    assert "No coupon or reward code" in bad.json()["error"]["fields"]["code"][0]
    assert applied.status_code == 200
    body = applied.json()
    assert (body["code"], body["code_label"], body["code_discount"], body["total"]) == (
        "TENOFF", "Ten off", "10.00", "35.00")
    assert body["lines"][0]["code_discount"] == "10.00"
    assert removed.status_code == 200
    assert (removed.json()["code"], removed.json()["total"]) == ("", "45.00")


def test_the_schema_documents_the_code_endpoint(api_for, business):
    schema = api_for(business).get("/api/v1/schema/", {"format": "json"}).json()

    path = schema["paths"]["/api/v1/invoices/{invoice_pk}/code/"]
    assert {"post", "delete"} <= set(path)
    assert "InvoiceCodeRequest" in str(path["post"]["requestBody"])
