"""Signing up on a booking site proves the address first: a signed, expiring, single-use
link sent to it. Until the link is opened, nothing of a client record with that address
is visible or changeable, and the site answers known and unknown addresses alike."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from booking.models import Appointment, Client
from tenancy.models import Extension
from tenancy.services import set_extension
from tests.factories import PASSWORD, AppointmentFactory, ClientFactory, UserFactory

pytestmark = pytest.mark.django_db

EMAIL = "claire@example.com"
DETAILS = {"first_name": "Claire", "last_name": "Martin", "email": EMAIL,
           "phone": "+33 6 12 34 56 78"}
NEW_PASSWORD = "long-enough-passphrase"


@pytest.fixture
def site(business):
    set_extension(business=business, extension=Extension.CLIENT_LOGIN, enabled=True)
    return business


@pytest.fixture
def walk_in(site):
    """A client the staff created at the desk: no login, one booked appointment."""
    client = ClientFactory(business=site, first_name="Clara", last_name="", phone="",
                           email=EMAIL, user=None)
    AppointmentFactory(business=site, client=client)
    return client


def url(business, name, *args):
    return reverse(f"booking:site-{name}", args=[business.slug, *args])


def link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def mails_to(address):
    return [message for message in mail.outbox if address in message.to]


def sign_up(client, business, django_capture_on_commit_callbacks, **details):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(url(business, "signup"), {**DETAILS, **details})


def test_signing_up_with_a_walk_ins_email_shows_and_changes_nothing_of_it(
        client, site, walk_in, django_capture_on_commit_callbacks):
    # When someone signs up with the email of a client who has no login
    response = sign_up(client, site, django_capture_on_commit_callbacks, first_name="Eve",
                       password="eves-long-passphrase")

    # Then the client record is untouched and no login exists for the address yet
    walk_in.refresh_from_db()
    assert walk_in.user is None
    assert walk_in.first_name == "Clara"
    assert not User.objects.filter(email__iexact=EMAIL).exists()
    # And they are told to check the address, and are not signed in
    assert response.status_code == 200
    assert "Check your email" in response.content.decode()
    assert client.get(url(site, "profile")).status_code == 302
    assert client.get(url(site, "my-appointments")).status_code == 302


def test_signing_in_with_a_walk_ins_email_does_not_link_the_walk_in(
        client, site, walk_in, django_capture_on_commit_callbacks):
    # Given a login with the walk-in's address that was never proven to own it
    UserFactory(email=EMAIL)

    # When it signs in on the walk-in's booking site
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(site, "login"), {"email": EMAIL, "password": PASSWORD})

    # Then the walk-in is not linked to it
    walk_in.refresh_from_db()
    assert walk_in.user is None
    assert Client.objects.for_business(site).count() == 1
    # And it is asked to open the link sent to the address, and sees nothing of the walk-in
    assert response["Location"] == url(site, "connect-sent")
    assert "Check your email" in client.get(response["Location"]).content.decode()
    for page in (url(site, "profile"), url(site, "my-appointments"),
                 reverse("loyalty:site-loyalty", args=[site.slug]),
                 reverse("giftcards:site-mine", args=[site.slug])):
        assert client.get(page)["Location"] == url(site, "connect-sent")
    [message] = mails_to(EMAIL)
    assert "/connect/" in link_in(message)


def test_the_emailed_link_finishes_the_sign_up_and_links_the_walk_in(
        client, site, walk_in, django_capture_on_commit_callbacks):
    # Given the walk-in signs up and opens the link sent to their address
    sign_up(client, site, django_capture_on_commit_callbacks)
    [message] = mails_to(EMAIL)
    link = link_in(message)
    assert "Finish" in client.get(link).content.decode()

    # When they choose a password
    response = client.post(link, {"password": NEW_PASSWORD})

    # Then they are signed in as the walk-in, whose details staff hold are kept
    assert response["Location"] == url(site, "profile")
    walk_in.refresh_from_db()
    assert walk_in.user.email == EMAIL
    assert walk_in.user.check_password(NEW_PASSWORD)
    assert walk_in.first_name == "Clara"
    assert (walk_in.last_name, walk_in.phone) == ("Martin", "+33 6 12 34 56 78")
    assert Client.objects.for_business(site).count() == 1
    page = client.get(url(site, "my-appointments")).content.decode()
    assert Appointment.objects.get(client=walk_in).service.name in page


def test_a_new_email_signs_up_through_the_emailed_link(
        client, site, django_capture_on_commit_callbacks):
    sign_up(client, site, django_capture_on_commit_callbacks)
    assert not Client.objects.for_business(site).exists()

    response = client.post(link_in(mails_to(EMAIL)[0]),
                           {"password": NEW_PASSWORD, "marketing_opt_in": "on"})

    new_client = Client.objects.for_business(site).get()
    assert response["Location"] == url(site, "profile")
    assert (new_client.first_name, new_client.last_name) == ("Claire", "Martin")
    assert new_client.user.email == EMAIL
    assert new_client.marketing_opt_in is True
    assert new_client.marketing_opt_in_at is not None
    assert client.get(url(site, "profile")).status_code == 200


def test_the_link_brings_the_client_back_to_the_page_they_came_from(
        client, site, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(site, "signup") + "?next=/elsewhere/",
                    {**DETAILS, "next": f"/{site.slug}/appointments/"})

    response = client.post(link_in(mails_to(EMAIL)[0]), {"password": NEW_PASSWORD})

    assert response["Location"] == f"/{site.slug}/appointments/"


def test_known_and_unknown_emails_get_the_same_answer(
        client, site, walk_in, django_capture_on_commit_callbacks):
    UserFactory(email="has-login@example.com")

    pages = {address: sign_up(client, site, django_capture_on_commit_callbacks,
                              email=address)
             for address in (EMAIL, "has-login@example.com", "nobody@example.com")}

    answers = {response.status_code for response in pages.values()}
    texts = {re.sub(r'"X-CSRFToken": "\w+"', "", response.content.decode())
             .replace(address, "ADDRESS") for address, response in pages.items()}
    assert answers == {200}
    assert len(texts) == 1
    assert "already" not in texts.pop()
    assert all(len(mails_to(address)) == 1 for address in pages)


def test_an_address_with_a_login_is_emailed_to_log_in_and_nothing_changes(
        client, site, django_capture_on_commit_callbacks):
    user = UserFactory(email=EMAIL)

    sign_up(client, site, django_capture_on_commit_callbacks)

    [message] = mails_to(EMAIL)
    assert url(site, "login") in message.body
    assert reverse("accounts:password_reset") in message.body
    assert "/signup/finish/" not in message.body
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not Client.objects.for_business(site).exists()


def test_a_used_link_is_refused_and_changes_nothing(
        client, site, walk_in, django_capture_on_commit_callbacks):
    sign_up(client, site, django_capture_on_commit_callbacks)
    link = link_in(mails_to(EMAIL)[0])
    client.post(link, {"password": NEW_PASSWORD})
    client.post(url(site, "logout"))

    shown = client.get(link)
    posted = client.post(link, {"password": "another-long-passphrase"})

    assert "already been used" in shown.content.decode()
    assert posted.status_code == 400
    assert User.objects.get(email=EMAIL).check_password(NEW_PASSWORD)
    assert client.get(url(site, "profile")).status_code == 302


def test_an_expired_link_is_refused_and_changes_nothing(
        client, site, walk_in, django_capture_on_commit_callbacks):
    sign_up(client, site, django_capture_on_commit_callbacks)
    link = link_in(mails_to(EMAIL)[0])

    with time_machine.travel(timezone.now() + timedelta(days=2)):
        response = client.post(link, {"password": NEW_PASSWORD})

    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert not User.objects.filter(email=EMAIL).exists()
    walk_in.refresh_from_db()
    assert walk_in.user is None


@pytest.mark.parametrize("forge", [
    lambda link: link.replace("/finish/", "/finish/x"),
    lambda link: link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:],
])
def test_a_forged_link_is_refused_and_changes_nothing(
        client, site, walk_in, forge, django_capture_on_commit_callbacks):
    sign_up(client, site, django_capture_on_commit_callbacks)

    response = client.post(forge(link_in(mails_to(EMAIL)[0])), {"password": NEW_PASSWORD})

    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert not User.objects.filter(email=EMAIL).exists()


def test_a_link_of_one_business_opens_nothing_at_another(
        client, site, walk_in, other_business, django_capture_on_commit_callbacks):
    set_extension(business=other_business, extension=Extension.CLIENT_LOGIN, enabled=True)
    sign_up(client, site, django_capture_on_commit_callbacks)
    link = link_in(mails_to(EMAIL)[0])

    response = client.post(link.replace(f"/{site.slug}/", f"/{other_business.slug}/"),
                           {"password": NEW_PASSWORD})

    assert response.status_code == 400
    assert not User.objects.filter(email=EMAIL).exists()


def test_a_weak_password_is_refused_next_to_the_field_and_the_link_still_works(
        client, site, django_capture_on_commit_callbacks):
    sign_up(client, site, django_capture_on_commit_callbacks)
    link = link_in(mails_to(EMAIL)[0])

    refused = client.post(link, {"password": "123"})
    accepted = client.post(link, {"password": NEW_PASSWORD})

    assert refused.status_code == 200
    assert "password" in refused.context["form"].errors
    assert accepted.status_code == 302
    assert Client.objects.for_business(site).get().user.email == EMAIL


def test_the_connect_link_links_the_walk_in_to_the_signed_in_login(
        client, site, walk_in, django_capture_on_commit_callbacks):
    user = UserFactory(email=EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(site, "login"), {"email": EMAIL, "password": PASSWORD})
    link = link_in(mails_to(EMAIL)[0])

    response = client.post(link)

    assert response["Location"] == url(site, "profile")
    walk_in.refresh_from_db()
    assert walk_in.user == user
    assert walk_in.first_name == "Clara"
    assert client.get(url(site, "my-appointments")).status_code == 200
    assert "already been used" in client.get(link).content.decode()


def test_the_connect_link_opened_without_that_login_links_nothing(
        client, site, walk_in, django_capture_on_commit_callbacks):
    UserFactory(email=EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(site, "login"), {"email": EMAIL, "password": PASSWORD})
    link = link_in(mails_to(EMAIL)[0])
    client.post(url(site, "logout"))
    UserFactory(email="someone-else@example.com")
    client.post(url(site, "login"), {"email": "someone-else@example.com",
                                     "password": PASSWORD})

    shown = client.get(link)
    posted = client.post(link)

    assert "Log in" in shown.content.decode()
    assert posted.status_code == 302
    assert posted["Location"].startswith(url(site, "login"))
    walk_in.refresh_from_db()
    assert walk_in.user is None


def test_the_connect_link_opened_in_another_browser_asks_to_log_in_and_comes_back(
        client, site, walk_in, django_capture_on_commit_callbacks):
    user = UserFactory(email=EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(site, "login"), {"email": EMAIL, "password": PASSWORD})
    link = link_in(mails_to(EMAIL)[0])
    client.post(url(site, "logout"))

    asked = client.post(link)
    with django_capture_on_commit_callbacks(execute=True):
        back = client.post(asked["Location"], {"email": EMAIL, "password": PASSWORD,
                                               "next": link})
    client.post(link)

    assert back["Location"] == link
    assert len(mails_to(EMAIL)) == 1
    walk_in.refresh_from_db()
    assert walk_in.user == user
