"""The booking site /<slug>/: sign up, log in, profile, in the business's language."""

import pytest
from django.urls import reverse

from booking.models import Client, Extension
from booking.services.tenants import set_extension
from tests.factories import PASSWORD, ClientFactory, UserFactory

pytestmark = pytest.mark.django_db

SIGN_UP = {"first_name": "Claire", "last_name": "Martin", "email": "claire@example.com",
           "phone": "+33 6 12 34 56 78", "password": "long-enough-passphrase",
           "marketing_opt_in": "on"}


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


def test_signing_up_creates_a_login_and_a_client_with_consent(client, site):
    response = client.post(url(site, "signup"), SIGN_UP)

    new_client = Client.objects.for_business(site).get()
    assert response.status_code == 302
    assert new_client.user.email == "claire@example.com"
    assert new_client.marketing_opt_in is True
    assert new_client.marketing_opt_in_at is not None
    assert client.get(url(site, "profile")).status_code == 200


def test_signing_up_links_the_walk_in_with_the_same_email(client, site):
    walk_in = ClientFactory(business=site, email="claire@example.com", user=None)

    client.post(url(site, "signup"), SIGN_UP)

    walk_in.refresh_from_db()
    assert Client.objects.for_business(site).count() == 1
    assert walk_in.user.email == "claire@example.com"


def test_a_weak_password_is_refused_next_to_the_field(client, site):
    response = client.post(url(site, "signup"), {**SIGN_UP, "password": "123"})

    assert response.status_code == 200
    assert "password" in response.context["form"].errors
    assert not Client.objects.for_business(site).exists()


def test_signing_up_with_an_email_that_has_an_account_says_to_log_in(client, site):
    UserFactory(email="claire@example.com")

    response = client.post(url(site, "signup"), SIGN_UP)

    assert "already exists" in str(response.context["form"].errors["email"])
    assert not Client.objects.for_business(site).exists()


def test_one_person_at_two_businesses_is_two_clients(client, site, other_business):
    set_extension(business=other_business, extension=Extension.CLIENT_LOGIN, enabled=True)
    client.post(url(site, "signup"), SIGN_UP)

    client.post(url(other_business, "login"), {"email": SIGN_UP["email"],
                                                "password": SIGN_UP["password"]})

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
    client.post(url(site, "signup"), SIGN_UP)

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
