"""The checkout API: products and invoices over the same services, in the OpenAPI
schema, with `Idempotency-Key` on pay and refund and errors in the API's shape."""

from decimal import Decimal
from pathlib import Path

import pytest

from checkout import api as checkout_api
from checkout.models import Invoice, InvoiceState, Payment, Product, Refund
from tenancy.models import Role
from tests.checkout.conftest import draft, paid, today_appointment
from tests.factories import ClientFactory, ProductFactory
from tests.test_architecture import orm_writes, tenant_models, unscoped_tenant_queries

pytestmark = pytest.mark.django_db

PRODUCT = {"name": "Argan oil", "sku": "AR-50", "price": "24.90", "tax_rate": "20.00",
           "stock": 4}


def test_the_checkout_api_neither_writes_nor_queries_around_the_services():
    source = Path(checkout_api.__file__).read_text()

    assert orm_writes(source) == []
    assert unscoped_tenant_queries(source, {m.__name__ for m in tenant_models()}) == []


def test_the_schema_documents_products_invoices_pay_and_refund(api_for, business):
    schema = api_for(business).get("/api/v1/schema/", {"format": "json"}).json()

    paths = schema["paths"]
    assert "/api/v1/products/{product_pk}/" in paths
    assert "post" in paths["/api/v1/invoices/"]
    assert "post" in paths["/api/v1/invoices/{invoice_pk}/lines/"]
    assert "post" in paths["/api/v1/invoices/{invoice_pk}/pay/"]
    assert "post" in paths["/api/v1/invoices/{invoice_pk}/refund/"]
    assert "Tender" in str(schema["components"]["schemas"])


def test_a_manager_creates_and_updates_products_and_staff_only_read(api_for, business):
    manager, staff = api_for(business, Role.MANAGER), api_for(business, Role.STAFF)

    created = manager.post("/api/v1/products/", PRODUCT, format="json")
    product_url = f"/api/v1/products/{created.json()['id']}/"
    updated = manager.patch(product_url, {"stock": 9}, format="json")
    refused = staff.post("/api/v1/products/", {**PRODUCT, "sku": "X"}, format="json")

    assert created.status_code == 201
    assert updated.json()["stock"] == 9
    assert staff.get("/api/v1/products/").json()["results"][0]["sku"] == "AR-50"
    assert refused.status_code == 403
    assert Product.objects.count() == 1


def test_a_duplicate_sku_answers_400_in_the_api_shape(api_for, business):
    ProductFactory(business=business, sku="AR-50")

    response = api_for(business, Role.MANAGER).post("/api/v1/products/", PRODUCT,
                                                    format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert "SKU" in response.json()["error"]["fields"]["sku"][0]


def test_an_invoice_is_built_paid_and_refunded_through_the_api(api_for, business, shampoo,
                                                               salon_client):
    api = api_for(business)
    appointment = today_appointment(business, salon_client)

    invoice = api.post("/api/v1/invoices/", {"client": salon_client.pk}, format="json").json()
    base = f"/api/v1/invoices/{invoice['id']}/"
    api.post(f"{base}lines/", {"kind": "service", "appointment": appointment.pk},
             format="json")
    api.post(f"{base}lines/", {"kind": "product", "product": shampoo.pk, "quantity": 2},
             format="json")
    with_card = api.post(f"{base}lines/", {"kind": "gift_card", "amount": "50.00"},
                         format="json").json()
    api.post(f"{base}discount/", {"discount_kind": "percent", "discount_value": "10"},
             format="json")
    paid_answer = api.post(f"{base}pay/", {"tenders": [
        {"tender": "card", "amount": "100.00", "reference": "TPE-1"},
        {"tender": "cash", "amount": "50.00"}]}, format="json")
    product_line = next(line for line in paid_answer.json()["lines"]
                        if line["kind"] == "product")
    refunded = api.post(f"{base}refund/", {"lines": [{"line": product_line["id"],
                                                      "quantity": 1}]}, format="json")

    assert len(with_card["lines"]) == 3
    assert paid_answer.status_code == 200
    body = paid_answer.json()
    assert (body["state"], body["number"], body["total"]) == ("paid", 1, "122.90")
    assert body["change"] == "27.10"
    assert {t["rate"] for t in body["taxes"]} == {"0.00", "20.00"}
    assert refunded.status_code == 201
    assert refunded.json()["state"] == "partially_refunded"
    assert refunded.json()["refunds"][0]["amount"] == "16.20"


def test_pay_with_an_idempotency_key_pays_once_and_replays_the_answer(api_for, business,
                                                                      haircut):
    invoice = draft(business, services_=[haircut])
    api = api_for(business)
    body = {"tenders": [{"tender": "cash", "amount": "50.00"}]}

    first = api.post(f"/api/v1/invoices/{invoice.pk}/pay/", body, format="json",
                     HTTP_IDEMPOTENCY_KEY="desk-1-pay-7")
    again = api.post(f"/api/v1/invoices/{invoice.pk}/pay/", body, format="json",
                     HTTP_IDEMPOTENCY_KEY="desk-1-pay-7")

    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Payment.objects.count() == 1


def test_refund_with_an_idempotency_key_refunds_once(api_for, business, shampoo):
    invoice = paid(business, products=[(shampoo, 2)])
    api = api_for(business)

    answers = [api.post(f"/api/v1/invoices/{invoice.pk}/refund/", {"reason": "Broken"},
                        format="json", HTTP_IDEMPOTENCY_KEY="refund-1") for _ in range(2)]

    assert [a.status_code for a in answers] == [201, 201]
    assert Refund.objects.count() == 1


@pytest.mark.parametrize(("body", "field"), [
    ({"tenders": [{"tender": "card", "amount": "60.00"}]}, "card"),
    ({"tenders": [{"tender": "cash", "amount": "-5.00"}]}, "cash"),
    ({"tenders": [{"tender": "gift_card", "amount": "45.00", "reference": "X"}]}, "gift_card"),
])
def test_bad_payments_answer_400_and_change_nothing(api_for, business, haircut, body, field):
    invoice = draft(business, services_=[haircut])

    response = api_for(business).post(f"/api/v1/invoices/{invoice.pk}/pay/", body,
                                      format="json")

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.DRAFT


def test_paying_a_paid_invoice_or_refunding_too_much_answers_400(api_for, business, shampoo):
    invoice = paid(business, products=[(shampoo, 1)])
    line = invoice.lines.get()
    api = api_for(business)

    again = api.post(f"/api/v1/invoices/{invoice.pk}/pay/",
                     {"tenders": [{"tender": "cash", "amount": "18.00"}]}, format="json")
    too_much = api.post(f"/api/v1/invoices/{invoice.pk}/refund/",
                        {"lines": [{"line": line.pk, "quantity": 2}]}, format="json")

    assert again.status_code == too_much.status_code == 400
    assert "already paid" in again.json()["error"]["message"]
    assert "can still be refunded" in too_much.json()["error"]["message"]
    assert not Refund.objects.exists()


def test_lines_of_another_business_answer_400_and_change_nothing(api_for, business,
                                                                 other_business):
    invoice = draft(business)
    their_product = ProductFactory(business=other_business)
    their_client = ClientFactory(business=other_business)
    api = api_for(business)

    line = api.post(f"/api/v1/invoices/{invoice.pk}/lines/",
                    {"kind": "product", "product": their_product.pk}, format="json")
    started = api.post("/api/v1/invoices/", {"client": their_client.pk}, format="json")

    assert line.status_code == started.status_code == 400
    assert "in your business" in line.json()["error"]["fields"]["product"][0]
    assert Invoice.objects.count() == 1


def test_negative_quantities_answer_400(api_for, business, shampoo):
    invoice = draft(business)

    response = api_for(business).post(f"/api/v1/invoices/{invoice.pk}/lines/",
                                      {"kind": "product", "product": shampoo.pk,
                                       "quantity": -2}, format="json")

    assert response.status_code == 400
    assert "quantity" in response.json()["error"]["fields"]


def test_a_line_is_removed_and_a_draft_discarded(api_for, business, shampoo, haircut):
    invoice = draft(business, products=[(shampoo, 1)], services_=[haircut])
    line = invoice.lines.first()
    api = api_for(business)

    removed = api.delete(f"/api/v1/invoices/{invoice.pk}/lines/{line.pk}/")
    discarded = api.delete(f"/api/v1/invoices/{invoice.pk}/")

    assert removed.json()["total"] == "45.00"
    assert discarded.status_code == 204
    assert not Invoice.objects.exists()


def test_invoices_are_listed_newest_first_and_filtered_by_state(api_for, business, shampoo):
    kept = paid(business, products=[(shampoo, 1)])
    draft(business, products=[(shampoo, 1)])

    listed = api_for(business).get("/api/v1/invoices/", {"state": "paid"}).json()

    assert [row["id"] for row in listed["results"]] == [kept.pk]
    assert listed["results"][0]["lines"][0]["amount"] == "18.00"
    assert Decimal(listed["results"][0]["taxes"][0]["tax"]) == Decimal("3.00")
