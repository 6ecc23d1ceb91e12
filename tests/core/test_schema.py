"""The published schema documents the error shape and the Idempotency-Key header."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    return client.get(reverse("api:schema"), HTTP_ACCEPT="application/json").json()


def test_every_operation_documents_the_error_shape(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status_code in ("400", "401", "403", "404"):
                content = operation["responses"][status_code]["content"]
                assert content["application/json"]["schema"] == \
                    {"$ref": "#/components/schemas/Error"}, (method, path, status_code)


def test_pay_and_refund_document_the_idempotency_key_and_its_answers(schema):
    for path in ("/api/v1/invoices/{invoice_pk}/pay/", "/api/v1/invoices/{invoice_pk}/refund/"):
        operation = schema["paths"][path]["post"]

        assert "Idempotency-Key" in [p["name"] for p in operation["parameters"]]
        assert {"409", "422"} <= set(operation["responses"])


def test_reads_do_not_offer_an_idempotency_key(schema):
    operation = schema["paths"]["/api/v1/clients/"]["get"]

    assert "Idempotency-Key" not in [p["name"] for p in operation.get("parameters", [])]
