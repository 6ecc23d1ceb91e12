"""The register's use cases in the API: a draft started from an appointment, a line's
quantity, and the receipt by email; bad input answers 400 in the API's shape and
changes nothing, another business's ids do not exist."""

from decimal import Decimal

import pytest

from checkout.models import Invoice, InvoiceLine
from notifications.kinds import MessageKind
from notifications.models import OutboundMessage
from tests.checkout.conftest import draft, paid, today_appointment
from tests.factories import AppointmentFactory

pytestmark = pytest.mark.django_db


def test_a_draft_is_started_from_an_appointment_once(api_for, business, salon_client):
    appointment = today_appointment(business, salon_client, price=Decimal("45.00"))
    api = api_for(business)

    first = api.post("/api/v1/invoices/", {"appointment": appointment.pk}, format="json")
    again = api.post("/api/v1/invoices/", {"appointment": appointment.pk}, format="json")

    assert first.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["total"] == "45.00"
    assert Invoice.objects.count() == 1


def test_another_business_s_appointment_does_not_exist(api_for, business, other_business):
    theirs = AppointmentFactory(business=other_business)

    response = api_for(business).post("/api/v1/invoices/", {"appointment": theirs.pk},
                                      format="json")

    assert response.status_code == 400
    assert "appointment" in response.json()["error"]["fields"]
    assert not Invoice.objects.exists()


def test_a_line_s_quantity_changes_and_a_bad_one_answers_400(api_for, business, shampoo):
    invoice = draft(business, products=[(shampoo, 1)])
    line = InvoiceLine.objects.get(invoice=invoice)
    api = api_for(business)

    changed = api.post(f"/api/v1/invoices/{invoice.pk}/lines/{line.pk}/quantity/",
                       {"quantity": 3}, format="json")
    refused = api.post(f"/api/v1/invoices/{invoice.pk}/lines/{line.pk}/quantity/",
                       {"quantity": 0}, format="json")

    assert changed.json()["total"] == "54.00"
    assert refused.status_code == 400
    assert "quantity" in refused.json()["error"]["fields"]
    line.refresh_from_db()
    assert line.quantity == 3


def test_the_receipt_is_emailed_and_a_draft_s_is_refused(api_for, business, salon_client,
                                                         shampoo):
    invoice = paid(business, salon_client, products=[(shampoo, 1)])
    open_one = draft(business, salon_client, products=[(shampoo, 1)])
    api = api_for(business)

    sent = api.post(f"/api/v1/invoices/{invoice.pk}/receipt/", {}, format="json")
    refused = api.post(f"/api/v1/invoices/{open_one.pk}/receipt/", {}, format="json")

    assert sent.status_code == 202
    assert sent.json() == {"email": salon_client.email}
    assert refused.status_code == 400
    assert OutboundMessage.objects.filter(kind=MessageKind.RECEIPT).count() == 1
