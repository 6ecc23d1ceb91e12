import pytest

from booking.models import Client
from tenancy.models import Role
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def test_the_business_endpoint_answers_the_tokens_business(api_for, business):
    response = api_for(business).get("/api/v1/business/")

    assert response.status_code == 200
    assert response.json()["slug"] == business.slug


def test_a_manager_renames_the_business_and_staff_cannot(api_for, business):
    refused = api_for(business, Role.STAFF).patch("/api/v1/business/", {"name": "X"},
                                                  format="json")
    accepted = api_for(business, Role.MANAGER).patch("/api/v1/business/",
                                                     {"name": "Maison Nouvelle"}, format="json")

    business.refresh_from_db()
    assert refused.status_code == 403
    assert accepted.status_code == 200
    assert business.name == "Maison Nouvelle"


def test_an_unknown_time_zone_is_refused(api_for, business):
    response = api_for(business, Role.OWNER).patch("/api/v1/business/",
                                                   {"time_zone": "Mars/Olympus"}, format="json")

    business.refresh_from_db()
    assert response.status_code == 400
    assert "time_zone" in response.json()["error"]["fields"]
    assert business.time_zone == "Europe/Paris"


def test_staff_create_a_walk_in_client(api_for, business):
    response = api_for(business).post(
        "/api/v1/clients/", {"first_name": "Zoé", "email": "ZOE@Example.com"}, format="json")

    assert response.status_code == 201
    client = Client.objects.for_business(business).get()
    assert (client.first_name, client.email, client.user) == ("Zoé", "zoe@example.com", None)
    assert response.json()["has_login"] is False


def test_two_clients_of_one_business_cannot_share_an_email(api_for, business):
    ClientFactory(business=business, email="same@example.com")

    response = api_for(business).post(
        "/api/v1/clients/", {"first_name": "B", "email": "Same@example.com"}, format="json")

    assert response.status_code == 400
    assert "email" in response.json()["error"]["fields"]
    assert Client.objects.for_business(business).count() == 1


def test_the_same_email_is_a_separate_client_at_another_business(api_for, business,
                                                                  other_business):
    ClientFactory(business=other_business, email="same@example.com")

    response = api_for(business).post(
        "/api/v1/clients/", {"first_name": "B", "email": "same@example.com"}, format="json")

    assert response.status_code == 201


def test_consent_given_through_the_api_records_when(api_for, business):
    client = ClientFactory(business=business)

    response = api_for(business).patch(f"/api/v1/clients/{client.pk}/",
                                       {"marketing_opt_in": True}, format="json")

    client.refresh_from_db()
    assert response.status_code == 200
    assert client.marketing_opt_in is True
    assert client.marketing_opt_in_at is not None


def test_the_client_list_is_paginated_by_cursor(api_for, business):
    ClientFactory.create_batch(3, business=business)

    first = api_for(business).get("/api/v1/clients/?page_size=2").json()

    assert len(first["results"]) == 2
    assert first["next"]
    assert "cursor=" in first["next"]


def test_team_me_answers_the_tokens_member(api_for, business):
    api = api_for(business, Role.MANAGER)

    response = api.get("/api/v1/team/me/")

    assert response.json()["role"] == "manager"
    assert response.json()["email"] == api.token.membership.user.email
