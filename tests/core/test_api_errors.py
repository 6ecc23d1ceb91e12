"""Every API error has one shape: {"error": {"code", "message", "fields"}}."""

import pytest

from tenancy.models import Role

pytestmark = pytest.mark.django_db


def assert_error_shape(body: dict) -> None:
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["message"]


def test_a_request_without_a_token_is_401_with_the_error_shape(client):
    response = client.get("/api/v1/clients/")

    assert response.status_code == 401
    assert_error_shape(response.json())


def test_a_revoked_token_is_refused(api_for, business):
    api = api_for(business, Role.OWNER)
    api.token.revoked_at = api.token.created_at
    api.token.save()

    response = api.get("/api/v1/clients/")

    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Invalid or revoked token."


def test_the_token_of_an_inactive_member_is_refused(api_for, business):
    api = api_for(business, Role.OWNER)
    api.token.membership.is_active = False
    api.token.membership.save()

    response = api.get("/api/v1/clients/")

    assert response.status_code == 401


def test_invalid_input_is_400_with_the_fields_named(api_for, business):
    api = api_for(business)

    response = api.post("/api/v1/clients/", {"email": "not an email"}, format="json")

    body = response.json()
    assert response.status_code == 400
    assert_error_shape(body)
    assert body["error"]["code"] == "invalid"
    assert set(body["error"]["fields"]) == {"first_name", "email"}


def test_a_service_refusal_is_400_and_changes_nothing(api_for, business):
    api = api_for(business, Role.OWNER)
    api.post("/api/v1/extensions/", {"extension": "loyalty", "enabled": True}, format="json")

    response = api.post("/api/v1/extensions/", {"extension": "clear_history", "enabled": True},
                        format="json")

    business.refresh_from_db()
    assert response.status_code == 400
    assert "Clear history cannot be turned on" in response.json()["error"]["message"]
    assert business.clear_history_enabled is False


def test_malformed_json_is_400_not_500(api_for, business):
    api = api_for(business)

    response = api.generic("POST", "/api/v1/clients/", "{not json",
                           content_type="application/json")

    assert response.status_code == 400
    assert_error_shape(response.json())


def test_an_unknown_api_path_is_a_json_404(api_for, business):
    response = api_for(business).get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert_error_shape(response.json())


def test_the_schema_is_openapi_3_and_lists_the_token_scheme(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    schema = response.json()
    assert response.status_code == 200
    assert schema["openapi"].startswith("3.")
    assert "StaffToken" in schema["components"]["securitySchemes"]
    assert "/api/v1/clients/" in schema["paths"]


def test_the_docs_page_serves_swagger_from_our_own_static_files(client):
    response = client.get("/api/v1/docs/")

    assert response.status_code == 200
    assert b"/static/drf_spectacular_sidecar/" in response.content
    assert b"cdn." not in response.content
