"""A NUL character anywhere in a request is refused with a 400 before any view runs
(PostgreSQL refuses NUL in text), and changes nothing."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from booking.models import Client
from tenancy.models import Extension, Role
from tenancy.services import set_extension

pytestmark = pytest.mark.django_db

REFUSAL = "The request contains a null character"


@pytest.mark.parametrize("route", ["booking:client-list", "booking:appointment-client-search",
                                   "booking:appointment-new"])
def test_a_back_office_client_search_with_a_null_character_is_a_bad_request(
        client, business, member_of, route):
    client.force_login(member_of(business, Role.OWNER).user)

    response = client.get(reverse(route, args=[business.slug]), {"q": "a\x00b"})

    assert response.status_code == 400
    assert REFUSAL in response.content.decode()


def test_the_booking_site_login_refuses_a_null_character_without_signing_in(client, business):
    set_extension(business=business, extension=Extension.CLIENT_LOGIN, enabled=True)

    response = client.post(reverse("booking:site-login", args=[business.slug]),
                           {"email": "a\x00b", "password": "x"})

    assert response.status_code == 400
    assert REFUSAL in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_null_character_in_a_field_name_or_the_path_is_refused(client, business):
    by_name = client.get(reverse("booking:site-home", args=[business.slug]), {"a\x00": "1"})
    in_path = client.get(f"/{business.slug}/a%00b/")

    assert by_name.status_code == in_path.status_code == 400


def test_a_back_office_form_with_a_null_character_changes_nothing(client, business, member_of):
    client.force_login(member_of(business, Role.OWNER).user)

    response = client.post(reverse("booking:client-create", args=[business.slug]),
                           {"first_name": "Ann\x00", "last_name": "Lee"})

    assert response.status_code == 400
    assert not Client.objects.for_business(business).filter(last_name="Lee").exists()


def test_the_api_answers_a_null_character_with_its_json_error(business, api_for):
    api = api_for(business, Role.OWNER)

    in_query = api.get("/api/v1/clients/", {"search": "a\x00b"})
    in_json = api.post("/api/v1/clients/", data=json.dumps({"first_name": "Ann", "email": "",
                                                            "last_name": {"x": "Lee\x00"}}),
                       content_type="application/json")
    in_multipart = api.post("/api/v1/clients/", {
        "first_name": "Ann\x00", "photo": SimpleUploadedFile("a.txt", b"x")},
        format="multipart")

    for response in (in_query, in_json, in_multipart):
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "invalid"
        assert REFUSAL in response.json()["error"]["message"]
    assert in_query.json()["error"]["fields"] == {"search": [in_query.json()["error"]["message"]]}
    assert list(in_json.json()["error"]["fields"]) == ["last_name"]
    assert not Client.objects.for_business(business).exists()


def test_a_session_cookie_with_a_null_character_is_refused(client, business):
    client.cookies["sessionid"] = "abcdefghij\x00klmnop"

    response = client.get(reverse("booking:site-home", args=[business.slug]))

    assert response.status_code == 400


def test_the_refusal_speaks_the_browser_language(client, business):
    response = client.get(reverse("booking:site-home", args=[business.slug]), {"q": "\x00"},
                          HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 400
    assert "<html" in response.content.decode()
    assert 'lang="fr"' in response.content.decode()
