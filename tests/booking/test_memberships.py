"""Membership plans and the plans clients hold (loyalty leaves members out, SPEC 3.4)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from booking.catalog_selectors import has_active_membership
from booking.models import ClientMembership, MembershipPlan
from booking.services import memberships
from tenancy.models import Role
from tests.factories import ClientFactory, ClientMembershipFactory, MembershipPlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(business):
    return MembershipPlanFactory(business=business, name="Unlimited blow-dry",
                                 validity_days=30)


def test_a_plan_is_created_with_its_price_and_validity(business):
    plan = memberships.create_membership_plan(business=business, name=" Gold ",
                                              price=Decimal("89.00"), validity_days=30)

    assert (plan.name, plan.price, plan.validity_days, plan.is_active) == (
        "Gold", Decimal("89.00"), 30, True)


@pytest.mark.parametrize(("field", "value"), [
    ("price", Decimal("-1")), ("validity_days", 0), ("validity_days", 3661), ("name", ""),
])
def test_a_bad_plan_is_refused_on_its_field(business, field, value):
    values = {"name": "Gold", "price": Decimal(89), "validity_days": 30, field: value}

    with pytest.raises(ValidationError) as excinfo:
        memberships.create_membership_plan(business=business, **values)

    assert set(excinfo.value.message_dict) == {field}
    assert not MembershipPlan.objects.exists()


def test_two_plans_of_a_business_cannot_share_a_name(business, plan):
    with pytest.raises(ValidationError) as excinfo:
        memberships.create_membership_plan(business=business, name=plan.name,
                                           price=Decimal(1), validity_days=1)

    assert excinfo.value.message_dict == {"name": ["A membership plan already has this name."]}


def test_a_membership_runs_for_the_plans_validity_both_days_included(business, plan,
                                                                      salon_client):
    membership = memberships.assign_membership(business=business, client=salon_client,
                                               plan=plan, starts_on=date(2026, 12, 1))

    assert (membership.starts_on, membership.ends_on) == (date(2026, 12, 1), date(2026, 12, 30))


def test_a_plan_no_longer_on_sale_cannot_be_assigned(business, salon_client):
    retired = MembershipPlanFactory(business=business, is_active=False)

    with pytest.raises(ValidationError) as excinfo:
        memberships.assign_membership(business=business, client=salon_client, plan=retired,
                                      starts_on=date(2026, 12, 1))

    assert excinfo.value.message_dict == {"plan": ["This plan is not on sale."]}


def test_a_client_of_another_business_cannot_get_a_plan(business, other_business, plan):
    with pytest.raises(ValidationError) as excinfo:
        memberships.assign_membership(business=business,
                                      client=ClientFactory(business=other_business),
                                      plan=plan, starts_on=date(2026, 12, 1))

    assert set(excinfo.value.message_dict) == {"client"}
    assert not ClientMembership.objects.exists()


@pytest.mark.parametrize(("day", "active"), [
    (date(2026, 11, 30), False), (date(2026, 12, 1), True), (date(2026, 12, 30), True),
    (date(2026, 12, 31), False),
])
def test_a_client_is_a_member_on_the_days_of_the_plan(business, plan, salon_client, day,
                                                      active):
    memberships.assign_membership(business=business, client=salon_client, plan=plan,
                                  starts_on=date(2026, 12, 1))

    assert has_active_membership(business=business, client=salon_client, on_date=day) is active


def test_a_cancelled_membership_is_not_active(business, plan, salon_client):
    held = memberships.assign_membership(business=business, client=salon_client, plan=plan,
                                         starts_on=date(2026, 12, 1))

    memberships.cancel_membership(business=business, membership=held)

    assert not has_active_membership(business=business, client=salon_client,
                                     on_date=date(2026, 12, 5))


def test_cancelling_twice_keeps_the_first_time(business, plan, salon_client):
    held = memberships.assign_membership(business=business, client=salon_client, plan=plan,
                                         starts_on=date(2026, 12, 1))
    first = memberships.cancel_membership(business=business, membership=held).cancelled_at

    again = memberships.cancel_membership(business=business, membership=held,
                                          now=timezone.now() + timedelta(days=1))

    assert again.cancelled_at == first


def test_whether_a_client_is_a_member_is_one_query(business, plan, salon_client,
                                                    django_assert_num_queries):
    ClientMembershipFactory(business=business, client=salon_client, plan=plan)

    with django_assert_num_queries(1):
        assert has_active_membership(business=business, client=salon_client,
                                     on_date=timezone.localdate())


def test_a_membership_at_another_business_does_not_count(business, other_business,
                                                         salon_client):
    ClientMembershipFactory(business=other_business)

    assert not has_active_membership(business=business, client=salon_client,
                                     on_date=timezone.localdate())


# The client page --------------------------------------------------------------------------

def client_page(business, client) -> str:
    return reverse("booking:client-detail", args=[business.slug, client.pk])


def test_the_client_page_lists_memberships_and_offers_plans_on_sale(
        client, business, staff, plan, salon_client):
    ClientMembershipFactory(business=business, client=salon_client, plan=plan)
    MembershipPlanFactory(business=business, name="Retired plan", is_active=False)
    client.force_login(staff)

    response = client.get(client_page(business, salon_client))

    text = response.content.decode()
    assert "Memberships" in text
    assert text.count("Unlimited blow-dry") == 2  # the held one and the plan offered
    assert "Retired plan" not in text


def test_staff_assign_a_plan_from_the_client_page(client, business, staff, plan, salon_client):
    client.force_login(staff)

    response = client.post(
        reverse("booking:client-membership-assign", args=[business.slug, salon_client.pk]),
        {"plan": plan.pk, "starts_on": "2026-12-01"})

    assert response["Location"] == client_page(business, salon_client)
    held = ClientMembership.objects.for_business(business).get()
    assert (held.client, held.plan, held.ends_on) == (salon_client, plan, date(2026, 12, 30))


def test_a_bad_assignment_shows_the_client_page_with_the_error(client, business, staff,
                                                                salon_client):
    other = MembershipPlanFactory()  # a plan of another business
    client.force_login(staff)

    response = client.post(
        reverse("booking:client-membership-assign", args=[business.slug, salon_client.pk]),
        {"plan": other.pk, "starts_on": "not a date"})

    form = response.context["membership_form"]
    assert response.status_code == 200
    assert set(form.errors) == {"plan", "starts_on"}
    assert not ClientMembership.objects.exists()


def test_only_managers_cancel_a_membership(client, business, member_of, plan, salon_client):
    held = ClientMembershipFactory(business=business, client=salon_client, plan=plan)
    url = reverse("booking:client-membership-cancel",
                  args=[business.slug, salon_client.pk, held.pk])

    client.force_login(member_of(business, Role.STAFF).user)
    refused = client.post(url)
    client.force_login(member_of(business, Role.MANAGER).user)
    accepted = client.post(url)

    held.refresh_from_db()
    assert (refused.status_code, accepted.status_code) == (403, 302)
    assert held.cancelled_at is not None


def test_a_membership_is_cancelled_only_through_its_own_client(client, business, manager, plan):
    held = ClientMembershipFactory(business=business, plan=plan)
    someone_else = ClientFactory(business=business)
    client.force_login(manager)

    response = client.post(reverse("booking:client-membership-cancel",
                                   args=[business.slug, someone_else.pk, held.pk]))

    held.refresh_from_db()
    assert response.status_code == 404
    assert held.cancelled_at is None


def test_managers_edit_plans_and_staff_only_see_them(client, business, member_of, plan):
    edit = reverse("booking:membership-plan-edit", args=[business.slug, plan.pk])
    values = {"name": "Gold", "price": "99.00", "validity_days": "60", "is_active": "on"}

    client.force_login(member_of(business, Role.STAFF).user)
    listed = client.get(reverse("booking:membership-plan-list", args=[business.slug]))
    refused = client.post(edit, values)
    client.force_login(member_of(business, Role.MANAGER).user)
    accepted = client.post(edit, values)

    plan.refresh_from_db()
    assert (listed.status_code, refused.status_code, accepted.status_code) == (200, 403, 302)
    assert (plan.name, plan.price, plan.validity_days) == ("Gold", Decimal("99.00"), 60)


def test_the_client_page_reads_memberships_in_a_fixed_number_of_queries(
        client, business, staff, salon_client, django_assert_max_num_queries):
    # The page has other apps' sections too: measure with one membership, then with ten.
    def add_memberships(count):
        for _ in range(count):
            ClientMembershipFactory(business=business, client=salon_client,
                                    plan=MembershipPlanFactory(business=business))

    add_memberships(1)
    client.force_login(staff)
    page = client_page(business, salon_client)
    client.get(page)  # the first visit also records the business in the session
    with CaptureQueriesContext(connection) as with_one:
        client.get(page)
    add_memberships(9)

    with django_assert_max_num_queries(len(with_one)):
        response = client.get(page)

    assert len(response.context["memberships"]) == 10
