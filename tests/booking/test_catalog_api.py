"""The catalog API: reads for every staff token, writes for owners and managers."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from booking import api_catalog
from booking.models import ClassSession, ClientMembership, Service
from tenancy.models import Role
from tests import test_tenant_isolation
from tests.factories import (
    ClassSessionFactory,
    ClassTypeFactory,
    ClientFactory,
    ClientMembershipFactory,
    MembershipPlanFactory,
    ServiceFactory,
    StaffMemberFactory,
)
from tests.test_architecture import orm_writes, tenant_models, unscoped_tenant_queries

pytestmark = pytest.mark.django_db

SERVICE = {"name": "Coupe femme", "duration_minutes": 45, "price": "48.00"}


def test_the_catalog_api_neither_writes_nor_queries_around_the_services():
    source = Path(api_catalog.__file__).read_text()

    assert orm_writes(source) == []
    assert unscoped_tenant_queries(source, {m.__name__ for m in tenant_models()}) == []


def test_the_cross_tenant_walk_covers_the_catalog_api():
    routes = test_tenant_isolation.tenant_routes(test_tenant_isolation.API_PREFIX)

    for kwarg in ("staff_member_pk", "service_pk", "class_type_pk", "class_session_pk",
                  "membership_plan_pk", "client_membership_pk"):
        assert any(kwarg in route for route in routes), kwarg


def test_the_schema_lists_the_catalog_endpoints(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    paths = response.json()["paths"]
    for endpoint in ("/api/v1/services/{service_pk}/", "/api/v1/staff-members/",
                     "/api/v1/class-sessions/{class_session_pk}/cancel/",
                     "/api/v1/client-memberships/", "/api/v1/membership-plans/",
                     "/api/v1/class-types/{class_type_pk}/"):
        assert endpoint in paths


# Staff members and services ---------------------------------------------------------------

def test_staff_list_the_staff_members_in_calendar_order(api_for, business):
    ben = StaffMemberFactory(business=business, name="Ben", position=2)
    anna = StaffMemberFactory(business=business, name="Anna", position=1)

    response = api_for(business).get("/api/v1/staff-members/")

    assert [row["id"] for row in response.json()["results"]] == [anna.pk, ben.pk]


def test_a_manager_creates_a_service_and_staff_cannot(api_for, business):
    anna = StaffMemberFactory(business=business)

    refused = api_for(business, Role.STAFF).post("/api/v1/services/", SERVICE, format="json")
    created = api_for(business, Role.MANAGER).post(
        "/api/v1/services/", {**SERVICE, "staff": [anna.pk], "buffer_after_minutes": 10},
        format="json")

    assert refused.status_code == 403
    assert created.status_code == 201
    body = created.json()
    assert (body["staff"], body["price"], body["buffer_after_minutes"]) == (
        [anna.pk], "48.00", 10)


def test_a_bad_duration_is_refused_with_the_services_message(api_for, business):
    response = api_for(business, Role.MANAGER).post(
        "/api/v1/services/", {**SERVICE, "duration_minutes": 0}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "duration_minutes": ["The duration must be between 5 and 1440 minutes."]}
    assert not Service.objects.exists()


def test_a_performer_of_another_business_is_refused(api_for, business, other_business):
    theirs = StaffMemberFactory(business=other_business)

    response = api_for(business, Role.MANAGER).post(
        "/api/v1/services/", {**SERVICE, "staff": [theirs.pk]}, format="json")

    assert response.status_code == 400
    assert "staff" in response.json()["error"]["fields"]
    assert not Service.objects.exists()


def test_a_manager_patches_a_service(api_for, business):
    service = ServiceFactory(business=business, name="Cut", price=Decimal("30.00"))

    response = api_for(business, Role.MANAGER).patch(
        f"/api/v1/services/{service.pk}/", {"price": "32.50", "is_active": False}, format="json")

    service.refresh_from_db()
    assert response.status_code == 200
    assert (service.name, service.price, service.is_active) == ("Cut", Decimal("32.50"), False)


def test_a_manager_reorders_the_services(api_for, business):
    first, second = ServiceFactory(business=business, position=0), \
        ServiceFactory(business=business, position=1)

    response = api_for(business, Role.MANAGER).post(
        "/api/v1/services/reorder/", {"ids": [second.pk]}, format="json")

    assert [row["id"] for row in response.json()] == [second.pk, first.pk]


def test_the_service_list_reads_in_a_fixed_number_of_queries(
        api_for, business, django_assert_max_num_queries):
    team = [StaffMemberFactory(business=business) for _ in range(3)]
    for _ in range(10):
        ServiceFactory(business=business, performers=team)
    api = api_for(business)

    with django_assert_max_num_queries(5):
        response = api.get("/api/v1/services/")

    assert len(response.json()["results"]) == 10


# Classes ----------------------------------------------------------------------------------

def test_a_manager_plans_a_session_in_salon_time(api_for, business):
    yoga = ClassTypeFactory(business=business, duration_minutes=60, capacity=6)
    anna = StaffMemberFactory(business=business)
    day = timezone.localdate(timezone=business.zone) + timedelta(days=10)

    response = api_for(business, Role.MANAGER).post("/api/v1/class-sessions/", {
        "class_type": yoga.pk, "staff_member": anna.pk, "starts_at": f"{day}T10:00:00"},
        format="json")

    assert response.status_code == 201, response.json()
    session = ClassSession.objects.for_business(business).get()
    assert session.starts_at.astimezone(business.zone).hour == 10
    body = response.json()
    assert body["starts_at"].startswith(f"{day}T10:00:00+0")
    assert (body["capacity"], body["seats_taken"]) == (6, 0)


def test_a_session_in_the_past_is_refused_through_the_api(api_for, business):
    response = api_for(business, Role.MANAGER).post("/api/v1/class-sessions/", {
        "class_type": ClassTypeFactory(business=business).pk,
        "staff_member": StaffMemberFactory(business=business).pk,
        "starts_at": "2020-01-01T10:00:00Z"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"starts_at": ["This time has already passed."]}


def test_sessions_are_listed_between_two_local_days(api_for, business):
    business.time_zone = "Europe/Kyiv"
    business.save()
    kyiv = business.zone
    # 23:30 UTC on 9 December is already 10 December in Kyiv.
    late = ClassSessionFactory(business=business,
                               starts_at=datetime(2030, 12, 9, 23, 30, tzinfo=UTC))
    ClassSessionFactory(business=business, starts_at=datetime(2030, 12, 11, 9, tzinfo=kyiv))

    response = api_for(business).get("/api/v1/class-sessions/",
                                     {"first_day": "2030-12-10", "last_day": "2030-12-10"})

    assert [row["id"] for row in response.json()["results"]] == [late.pk]


def test_a_bad_date_filter_is_a_clear_400(api_for, business):
    response = api_for(business).get("/api/v1/class-sessions/", {"first_day": "tomorrow"})

    assert response.status_code == 400
    assert "first_day" in response.json()["error"]["fields"]


def test_a_manager_cancels_a_session_through_the_api(api_for, business):
    session = ClassSessionFactory(business=business)

    refused = api_for(business).post(f"/api/v1/class-sessions/{session.pk}/cancel/")
    accepted = api_for(business, Role.MANAGER).post(
        f"/api/v1/class-sessions/{session.pk}/cancel/")

    assert refused.status_code == 403
    assert accepted.json()["is_cancelled"] is True


def test_a_class_with_no_seats_is_refused(api_for, business):
    response = api_for(business, Role.OWNER).post("/api/v1/class-types/", {
        "name": "Yoga", "duration_minutes": 60, "price": "15.00", "capacity": 0},
        format="json")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["capacity"]


# Memberships ------------------------------------------------------------------------------

def test_staff_sell_a_membership_and_managers_cancel_it(api_for, business):
    plan = MembershipPlanFactory(business=business, validity_days=30)
    buyer = ClientFactory(business=business)

    sold = api_for(business).post("/api/v1/client-memberships/", {
        "client": buyer.pk, "plan": plan.pk, "starts_on": "2030-01-01"}, format="json")
    membership_pk = sold.json()["id"]
    refused = api_for(business).post(f"/api/v1/client-memberships/{membership_pk}/cancel/")
    cancelled = api_for(business, Role.MANAGER).post(
        f"/api/v1/client-memberships/{membership_pk}/cancel/")

    assert sold.status_code == 201
    assert sold.json()["ends_on"] == "2030-01-30"
    assert refused.status_code == 403
    assert cancelled.json()["cancelled_at"] is not None


def test_memberships_are_filtered_by_client_and_day(api_for, business):
    held = ClientMembershipFactory(business=business, starts_on=date(2030, 1, 1),
                                   ends_on=date(2030, 1, 30))
    ClientMembershipFactory(business=business)

    by_client = api_for(business).get("/api/v1/client-memberships/", {"client": held.client_id})
    on_day = api_for(business).get("/api/v1/client-memberships/", {"active_on": "2030-01-15"})

    assert [row["id"] for row in by_client.json()["results"]] == [held.pk]
    assert [row["id"] for row in on_day.json()["results"]] == [held.pk]


def test_a_client_of_another_business_gets_no_membership(api_for, business, other_business):
    response = api_for(business).post("/api/v1/client-memberships/", {
        "client": ClientFactory(business=other_business).pk,
        "plan": MembershipPlanFactory(business=business).pk, "starts_on": "2030-01-01"},
        format="json")

    assert response.status_code == 400
    assert "client" in response.json()["error"]["fields"]
    assert not ClientMembership.objects.exists()


def test_a_manager_creates_a_plan_and_a_retry_with_the_same_key_creates_nothing(
        api_for, business):
    api = api_for(business, Role.MANAGER)
    plan = {"name": "Gold", "price": "89.00", "validity_days": 30}

    first = api.post("/api/v1/membership-plans/", plan, format="json",
                     HTTP_IDEMPOTENCY_KEY="plan-1")
    retry = api.post("/api/v1/membership-plans/", plan, format="json",
                     HTTP_IDEMPOTENCY_KEY="plan-1")

    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json() == first.json()
