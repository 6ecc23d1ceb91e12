import pytest
from django.urls import reverse

from accounts.models import User
from tenancy.models import Role
from tests.factories import PASSWORD, StaffMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_staff_sign_in_with_email_in_any_case(client, business, member_of):
    user = member_of(business, Role.OWNER).user

    response = client.post(reverse("accounts:login"),
                           {"username": user.email.upper(), "password": PASSWORD})

    assert response.status_code == 302
    assert client.get(reverse("booking:backoffice-home-switch")).status_code == 302


def test_a_wrong_password_gets_a_clear_message(client):
    user = UserFactory()

    response = client.post(reverse("accounts:login"),
                           {"username": user.email, "password": "wrong-password"})

    assert response.status_code == 200
    assert "This email and password do not match an account." in response.content.decode()


def test_emails_are_unique_whatever_their_case():
    User.objects.create_user(email="Anna@Example.com", password=PASSWORD)

    with pytest.raises(Exception):  # noqa: B017, PT011 - IntegrityError from either constraint
        User.objects.create_user(email="anna@example.COM", password=PASSWORD)


def test_a_user_at_two_businesses_switches_between_them(client, business, other_business,
                                                        member_of):
    user = member_of(business, Role.OWNER).user
    StaffMembershipFactory(business=other_business, user=user, role=Role.STAFF)
    client.force_login(user)

    listing = client.get(reverse("booking:backoffice-home-switch") + "?choose=1")
    first = client.get(reverse("booking:backoffice-home", args=[business.slug]))
    second = client.get(reverse("booking:backoffice-home", args=[other_business.slug]))

    assert business.name in listing.content.decode()
    assert other_business.name in listing.content.decode()
    assert first.status_code == second.status_code == 200
    assert client.get(reverse("booking:backoffice-home-switch"))["Location"].endswith(
        f"/manage/{other_business.slug}/")


def test_the_back_office_speaks_the_users_language(client, business, member_of):
    user = member_of(business, Role.OWNER).user
    user.language = "uk"
    user.save()
    client.force_login(user)

    response = client.get(reverse("booking:backoffice-home", args=[business.slug]))

    assert response["Content-Language"] == "uk"
    assert '<html lang="uk">' in response.content.decode()


def test_preferences_change_the_language(client, business, member_of):
    user = member_of(business, Role.OWNER).user
    client.force_login(user)

    client.post(reverse("accounts:preferences"), {"full_name": "Anna K", "language": "fr"})

    user.refresh_from_db()
    assert (user.full_name, user.language) == ("Anna K", "fr")
    assert client.get(reverse("accounts:preferences"))["Content-Language"] == "fr"


def test_an_unknown_language_is_refused_with_a_form_error(client, business, member_of):
    user = member_of(business, Role.OWNER).user
    client.force_login(user)

    response = client.post(reverse("accounts:preferences"), {"full_name": "A", "language": "xx"})

    user.refresh_from_db()
    assert response.status_code == 200
    assert "language" in response.context["form"].errors
    assert user.language == ""
