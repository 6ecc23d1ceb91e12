"""The unsubscribe link of every email works without signing in, only for its client
and business, and only on a deliberate POST."""

import pytest
from django.test import Client as Browser

from booking.services.clients import set_marketing_consent
from notifications import links
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def _path(client) -> str:
    return links.unsubscribe_link(client).removeprefix(links.absolute(""))


def _consent(client) -> bool:
    client.refresh_from_db()
    return client.marketing_opt_in


def test_opening_the_link_asks_before_changing_anything(consenting_client):
    page = Browser().get(_path(consenting_client))

    assert page.status_code == 200
    assert "Stop loyalty and marketing emails from Atelier Test" in page.content.decode()
    assert _consent(consenting_client)


def test_confirming_unsubscribes_without_signing_in(consenting_client):
    browser = Browser(enforce_csrf_checks=True)
    page = browser.get(_path(consenting_client))

    response = browser.post(_path(consenting_client),
                            {"csrfmiddlewaretoken": page.context["csrf_token"]})

    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    assert not _consent(consenting_client)
    consenting_client.refresh_from_db()
    assert consenting_client.marketing_opt_in_at is None


def test_a_mail_apps_one_click_unsubscribe_works_without_a_form(consenting_client):
    response = Browser(enforce_csrf_checks=True).post(
        _path(consenting_client), "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded")

    assert response.status_code == 200
    assert not _consent(consenting_client)


def test_a_client_who_already_refused_is_told_so(salon_client):
    page = Browser().get(_path(salon_client))

    assert "You do not receive loyalty and marketing emails" in page.content.decode()


def test_a_forged_token_is_not_found(business, consenting_client):
    forged = f"/{business.slug}/unsubscribe/{consenting_client.pk}:forged/"

    response = Browser().post(forged)

    assert response.status_code == 404
    assert _consent(consenting_client)


def test_a_token_of_another_business_opens_nothing_here(business, other_business,
                                                        consenting_client):
    theirs = ClientFactory(business=other_business, marketing_opt_in=True,
                           marketing_opt_in_at="2026-01-05T10:00:00Z")
    token = links.unsubscribe_token(theirs)

    response = Browser().post(f"/{business.slug}/unsubscribe/{token}/")

    assert response.status_code == 404
    assert _consent(theirs)
    assert _consent(consenting_client)


def test_the_link_keeps_working_after_consent_is_given_again(business, consenting_client):
    path = _path(consenting_client)
    Browser().post(path)
    set_marketing_consent(business=business, client=consenting_client, accepted=True)

    Browser().post(path)

    assert not _consent(consenting_client)
