"""One session, one booking site: signing in at one business does not open another's."""

import pytest
from django.urls import reverse

from tenancy.models import Extension
from tenancy.services import set_extension
from tests.factories import PASSWORD, ClientFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_sites(business, other_business):
    for each in (business, other_business):
        set_extension(business=each, extension=Extension.CLIENT_LOGIN, enabled=True)
    return business, other_business


def test_a_client_signed_in_at_one_site_is_asked_to_sign_in_at_another(client, two_sites):
    here, there = two_sites
    user = UserFactory()
    ClientFactory(business=here, user=user, email=user.email)
    ClientFactory(business=there, user=user, email=user.email, first_name="Elsewhere")
    client.post(reverse("booking:site-login", args=[here.slug]),
                {"email": user.email, "password": PASSWORD})

    mine = client.get(reverse("booking:site-profile", args=[here.slug]))
    theirs = client.get(reverse("booking:site-profile", args=[there.slug]))

    assert mine.status_code == 200
    assert theirs.status_code == 302
    assert theirs["Location"].startswith(reverse("booking:site-login", args=[there.slug]))


def test_signing_in_at_the_second_site_opens_both(client, two_sites):
    here, there = two_sites
    user = UserFactory()
    for each in two_sites:
        ClientFactory(business=each, user=user, email=user.email)
    for each in two_sites:
        client.post(reverse("booking:site-login", args=[each.slug]),
                    {"email": user.email, "password": PASSWORD})

    assert client.get(reverse("booking:site-profile", args=[here.slug])).status_code == 200
    assert client.get(reverse("booking:site-profile", args=[there.slug])).status_code == 200


def test_a_staff_session_of_the_back_office_is_not_a_client_session(client, business, owner):
    set_extension(business=business, extension=Extension.CLIENT_LOGIN, enabled=True)
    client.force_login(owner)

    response = client.get(reverse("booking:site-profile", args=[business.slug]))

    assert response.status_code == 302
