"""The booking site /<slug>/: log in, profile, in the business's language (signing up:
test_site_sign_up.py)."""

import pytest
from django.urls import reverse

from booking.models import Client
from tenancy.models import Extension
from tenancy.services import set_extension
from tests.factories import PASSWORD, ClientFactory, UserFactory

pytestmark = pytest.mark.django_db

@pytest.fixture
def site(business):
    set_extension(business=business, extension=Extension.CLIENT_LOGIN, enabled=True)
    return business


def url(business, name):
    return reverse(f"booking:site-{name}", args=[business.slug])


def test_the_site_speaks_the_business_language(client, business):
    business.language = "fr"
    business.save()

    response = client.get(url(business, "home"), HTTP_ACCEPT_LANGUAGE="uk")

    assert response.status_code == 200
    assert '<html lang="fr">' in response.content.decode()


def test_an_unknown_business_is_404(client, db):
    assert client.get("/no-such-salon/").status_code == 404


def test_one_person_at_two_businesses_is_two_clients(client, site, other_business):
    set_extension(business=other_business, extension=Extension.CLIENT_LOGIN, enabled=True)
    UserFactory(email="claire@example.com")

    for business in (site, other_business):
        client.post(url(business, "login"), {"email": "claire@example.com",
                                             "password": PASSWORD})

    mine = Client.objects.for_business(site).get()
    theirs = Client.objects.for_business(other_business).get()
    assert mine.pk != theirs.pk
    assert mine.user_id == theirs.user_id


def test_a_wrong_password_on_the_site_gets_a_clear_message(client, site):
    UserFactory(email="claire@example.com")

    response = client.post(url(site, "login"), {"email": "claire@example.com",
                                                "password": "nope"})

    assert "do not match" in response.content.decode()
    assert not Client.objects.for_business(site).exists()


def test_login_never_redirects_to_another_site(client, site):
    UserFactory(email="claire@example.com")

    response = client.post(url(site, "login") + "?next=https://evil.example/",
                           {"email": "claire@example.com", "password": PASSWORD,
                            "next": "https://evil.example/"})

    assert response["Location"] == url(site, "profile")


def test_the_client_changes_their_marketing_consent(client, site):
    user = UserFactory(email="claire@example.com")
    ClientFactory(business=site, user=user, email=user.email, marketing_opt_in=True,
                  marketing_opt_in_at="2026-01-05T10:00:00Z")
    client.post(url(site, "login"), {"email": user.email, "password": PASSWORD})

    client.post(url(site, "profile"), {"first_name": "Claire", "last_name": "Martin",
                                       "phone": ""})

    assert Client.objects.for_business(site).get().marketing_opt_in is False


def test_the_profile_asks_a_visitor_to_log_in(client, site):
    response = client.get(url(site, "profile"))

    assert response.status_code == 302
    assert response["Location"].startswith(url(site, "login"))


def test_without_client_login_there_is_no_sign_up(client, business):
    assert client.get(url(business, "signup")).status_code == 404
    assert client.get(url(business, "login")).status_code == 404
    assert b"signup" not in client.get(url(business, "home")).content
