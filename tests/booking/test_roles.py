"""Staff run the day; owners and managers also change settings (and later adjust points)."""

import pytest
from django.urls import reverse

from tenancy.models import Role

pytestmark = pytest.mark.django_db

SETTINGS_PAGES = ["settings-general", "settings-extensions", "settings-team",
                  "settings-api-tokens"]
DAILY_PAGES = ["backoffice-home", "client-list", "client-create"]


@pytest.mark.parametrize("page", SETTINGS_PAGES)
def test_staff_cannot_open_settings(page, client, business, member_of):
    client.force_login(member_of(business, Role.STAFF).user)

    response = client.get(reverse(f"booking:{page}", args=[business.slug]))

    assert response.status_code == 403


@pytest.mark.parametrize("role", [Role.OWNER, Role.MANAGER])
@pytest.mark.parametrize("page", SETTINGS_PAGES)
def test_owners_and_managers_open_settings(page, role, client, business, member_of):
    client.force_login(member_of(business, role).user)

    response = client.get(reverse(f"booking:{page}", args=[business.slug]))

    assert response.status_code == 200


@pytest.mark.parametrize("role", [Role.OWNER, Role.MANAGER, Role.STAFF])
@pytest.mark.parametrize("page", DAILY_PAGES)
def test_every_role_runs_the_daily_pages(page, role, client, business, member_of):
    client.force_login(member_of(business, role).user)

    response = client.get(reverse(f"booking:{page}", args=[business.slug]))

    assert response.status_code == 200


def test_staff_cannot_switch_extensions_by_posting(client, business, member_of):
    client.force_login(member_of(business, Role.STAFF).user)

    response = client.post(reverse("booking:settings-extensions", args=[business.slug]),
                           {"extension": "loyalty", "enabled": "on"})

    business.refresh_from_db()
    assert response.status_code == 403
    assert business.loyalty_enabled is False


def test_staff_does_not_see_the_settings_link(client, business, member_of):
    client.force_login(member_of(business, Role.STAFF).user)

    response = client.get(reverse("booking:backoffice-home", args=[business.slug]))

    assert reverse("booking:settings-general", args=[business.slug]).encode() \
        not in response.content


def test_an_inactive_membership_opens_nothing(client, business, member_of):
    membership = member_of(business, Role.OWNER)
    membership.is_active = False
    membership.save()
    client.force_login(membership.user)

    response = client.get(reverse("booking:backoffice-home", args=[business.slug]))

    assert response.status_code == 404


def test_a_signed_out_visitor_is_sent_to_sign_in(client, business):
    response = client.get(reverse("booking:settings-general", args=[business.slug]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(("role", "status"), [(Role.STAFF, 403), (Role.MANAGER, 200),
                                               (Role.OWNER, 200)])
def test_the_api_lets_only_managers_and_owners_switch_extensions(role, status, api_for,
                                                                  business):
    api = api_for(business, role)

    response = api.post("/api/v1/extensions/", {"extension": "client_login", "enabled": True},
                        format="json")

    business.refresh_from_db()
    assert response.status_code == status
    assert business.client_login_enabled is (status == 200)


def test_the_refusal_page_says_why_in_the_layout(client, business, member_of):
    client.force_login(member_of(business, Role.STAFF).user)

    response = client.get(reverse("booking:settings-general", args=[business.slug]))

    assert response.status_code == 403
    assert "Only owners and managers can open this page." in response.content.decode()
    assert b"app.css" in response.content
