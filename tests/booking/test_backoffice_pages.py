import pytest
from django.urls import reverse

from booking.models import Client
from tenancy.models import ApiToken, Business, Role, StaffMembership
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

BOOKING_RULES = {"cancellation_notice_hours": 24, "minimum_notice_minutes": 60,
                 "booking_horizon_days": 90, "slot_step_minutes": 15,
                 "waitlist_hold_minutes": 120, "history_retention_months": 24}


def test_a_signed_in_person_creates_a_business_and_becomes_its_owner(client, owner):
    client.force_login(owner)

    response = client.post(reverse("booking:business-create"), {
        "name": "Barber Bleu", "slug": "barber-bleu", "time_zone": "Europe/Kyiv",
        "currency": "UAH", "language": "uk", "contact_email": "hi@barber.test"})

    created = Business.objects.get(slug="barber-bleu")
    assert response["Location"] == reverse("booking:backoffice-home", args=["barber-bleu"])
    assert StaffMembership.objects.for_business(created).get().role == Role.OWNER


@pytest.mark.parametrize(("slug", "problem"), [("manage", "reserved"), ("atelier-test", "taken"),
                                                ("Has Spaces", "")])
def test_a_bad_web_address_is_refused_next_to_the_field(slug, problem, client, owner):
    client.force_login(owner)

    response = client.post(reverse("booking:business-create"), {
        "name": "X", "slug": slug, "time_zone": "Europe/Paris", "currency": "EUR",
        "language": "en", "contact_email": "x@x.test"})

    assert response.status_code == 200
    assert "slug" in response.context["form"].errors
    assert problem in str(response.context["form"].errors["slug"])
    assert Business.objects.count() == 1


def test_an_owner_changes_the_business_settings(client, business, owner):
    client.force_login(owner)

    client.post(reverse("booking:settings-general", args=[business.slug]), {
        **BOOKING_RULES, "name": "Atelier Neuf", "time_zone": "Europe/Kyiv", "currency": "UAH",
        "language": "uk", "contact_email": "new@atelier.test", "cancellation_notice_hours": 48})

    business.refresh_from_db()
    assert (business.name, business.time_zone, business.currency, business.language,
            business.cancellation_notice_hours) == ("Atelier Neuf", "Europe/Kyiv", "UAH", "uk", 48)


def test_an_out_of_range_booking_rule_is_refused_next_to_its_field(client, business, owner):
    client.force_login(owner)

    response = client.post(reverse("booking:settings-general", args=[business.slug]), {
        **BOOKING_RULES, "name": "X", "time_zone": "Europe/Paris", "currency": "EUR",
        "language": "en", "contact_email": "x@x.test", "booking_horizon_days": 0})

    business.refresh_from_db()
    assert "booking_horizon_days" in response.context["form"].errors
    assert business.name == "Atelier Test"


def test_the_extensions_page_refuses_clear_history_with_loyalty_on(client, business, owner):
    client.force_login(owner)
    page = reverse("booking:settings-extensions", args=[business.slug])
    client.post(page, {"extension": "loyalty", "enabled": "on"})

    response = client.post(page, {"extension": "clear_history", "enabled": "on"}, follow=True)

    business.refresh_from_db()
    text = response.content.decode()
    assert "Clear history cannot be turned on while Loyalty is on" in text
    assert business.clear_history_enabled is False


def test_the_extensions_page_says_which_extensions_loyalty_switched_on(client, business, owner):
    client.force_login(owner)

    response = client.post(reverse("booking:settings-extensions", args=[business.slug]),
                           {"extension": "loyalty", "enabled": "on"}, follow=True)

    assert "Loyalty needs Accept payments, Client login and Coupons &amp; gift cards: they " \
           "are on too." in response.content.decode()


def test_the_extensions_page_answers_htmx_with_the_list_only(client, business, owner):
    client.force_login(owner)

    response = client.post(reverse("booking:settings-extensions", args=[business.slug]),
                           {"extension": "loyalty", "enabled": "on"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b'data-extension="loyalty"' in response.content


def test_an_unknown_extension_changes_nothing(client, business, owner):
    client.force_login(owner)

    response = client.post(reverse("booking:settings-extensions", args=[business.slug]),
                           {"extension": "teleport", "enabled": "on"}, follow=True)

    assert response.status_code == 200
    assert "Choose an extension" in response.content.decode()


def test_staff_add_a_walk_in_and_find_it_by_search(client, business, staff):
    client.force_login(staff)

    client.post(reverse("booking:client-create", args=[business.slug]), {
        "first_name": "Hugo", "last_name": "Bernard", "email": "", "phone": "0612"})
    found = client.get(reverse("booking:client-list", args=[business.slug]) + "?q=berna")

    walk_in = Client.objects.for_business(business).get()
    assert walk_in.user is None
    assert "Hugo Bernard" in found.content.decode()


def test_the_client_list_costs_the_same_queries_for_5_or_50_clients(
        client, business, staff, django_assert_max_num_queries):
    client.force_login(staff)
    ClientFactory.create_batch(5, business=business)
    url = reverse("booking:client-list", args=[business.slug])
    client.get(url)

    ClientFactory.create_batch(45, business=business)
    with django_assert_max_num_queries(8):
        response = client.get(url)

    assert len(response.context["page"]) == 50


def test_an_owner_invites_a_team_member_who_can_then_reset_a_password(client, business, owner):
    client.force_login(owner)

    client.post(reverse("booking:settings-team", args=[business.slug]),
                {"email": "new@example.com", "full_name": "New Person", "role": "manager"})

    member = StaffMembership.objects.for_business(business).get(user__email="new@example.com")
    assert member.role == Role.MANAGER
    assert member.user.has_usable_password()


def test_an_api_token_is_shown_once_and_can_be_revoked(client, business, owner):
    client.force_login(owner)
    page = reverse("booking:settings-api-tokens", args=[business.slug])

    created = client.post(page, {"name": "Accounting"})
    key = created.context["new_key"]
    token = ApiToken.objects.for_business(business).get()
    client.post(reverse("booking:api-token-revoke", args=[business.slug, token.pk]))

    token.refresh_from_db()
    assert key.startswith(token.prefix)
    assert key not in client.get(page).content.decode()
    assert token.revoked_at is not None
