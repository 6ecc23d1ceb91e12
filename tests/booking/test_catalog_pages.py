"""Back office pages of the catalog: every role looks, owners and managers change."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from booking.forms_catalog import ClassSessionForm
from booking.models import ClassSession, ClassType, Service, StaffMember
from booking.services import catalog
from tenancy.models import Role
from tests.factories import (
    ClassSessionFactory,
    ClassTypeFactory,
    MembershipPlanFactory,
    ServiceFactory,
    StaffMemberFactory,
)

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
LISTS = ["service-list", "staff-member-list", "class-type-list", "class-session-list",
         "membership-plan-list", "schedule-exception-list"]
CREATE_PAGES = ["service-create", "staff-member-create", "class-type-create",
                "class-session-create", "membership-plan-create", "schedule-exception-create"]
SERVICE = {"name": "Coupe femme", "duration_minutes": "45", "price": "48.00",
           "buffer_before_minutes": "0", "buffer_after_minutes": "10", "is_active": "on"}


def url(business, name, *args) -> str:
    return reverse(f"booking:{name}", args=[business.slug, *args])


@pytest.mark.parametrize("role", [Role.OWNER, Role.MANAGER, Role.STAFF])
@pytest.mark.parametrize("page", LISTS)
def test_every_role_sees_the_catalog_lists(client, business, member_of, page, role):
    client.force_login(member_of(business, role).user)

    assert client.get(url(business, page)).status_code == 200


@pytest.mark.parametrize("page", CREATE_PAGES)
def test_staff_cannot_open_the_forms_that_change_the_catalog(client, business, staff, page):
    client.force_login(staff)

    assert client.get(url(business, page)).status_code == 403
    assert client.post(url(business, page), SERVICE).status_code == 403
    assert not Service.objects.exists()


@pytest.mark.parametrize("page", CREATE_PAGES)
def test_managers_open_the_forms_that_change_the_catalog(client, business, manager, page):
    client.force_login(manager)

    assert client.get(url(business, page)).status_code == 200


def test_the_nav_links_to_services_classes_and_staff(client, business, staff):
    client.force_login(staff)

    text = client.get(url(business, "backoffice-home")).content.decode()

    for page in ("service-list", "class-type-list", "staff-member-list"):
        assert url(business, page) in text


def test_staff_do_not_see_edit_links(client, business, staff):
    service = ServiceFactory(business=business)
    client.force_login(staff)

    text = client.get(url(business, "service-list")).content.decode()

    assert service.name in text
    assert url(business, "service-edit", service.pk) not in text
    assert url(business, "service-create") not in text


# Services ---------------------------------------------------------------------------------

def test_a_manager_creates_a_service_with_its_performers(client, business, manager):
    anna = StaffMemberFactory(business=business)
    client.force_login(manager)

    response = client.post(url(business, "service-create"), {**SERVICE, "staff": [anna.pk]})

    assert response["Location"] == url(business, "service-list")
    service = Service.objects.for_business(business).get()
    assert (service.name, service.price, service.buffer_after_minutes) == (
        "Coupe femme", Decimal("48.00"), 10)
    assert list(service.staff.all()) == [anna]


def test_a_bad_duration_is_shown_next_to_its_field_and_nothing_is_saved(client, business,
                                                                        manager):
    client.force_login(manager)

    response = client.post(url(business, "service-create"), {**SERVICE, "duration_minutes": "0"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "duration_minutes": ["The duration must be between 5 and 1440 minutes."]}
    assert "The duration must be between 5 and 1440 minutes." in response.content.decode()
    assert not Service.objects.exists()


def test_a_duplicate_name_is_shown_next_to_the_name(client, business, manager):
    ServiceFactory(business=business, name="Coupe femme")
    client.force_login(manager)

    response = client.post(url(business, "service-create"), SERVICE)

    assert response.context["form"].errors == {"name": ["A service already has this name."]}


def test_a_performer_of_another_business_is_not_a_choice(client, business, other_business,
                                                         manager):
    theirs = StaffMemberFactory(business=other_business)
    client.force_login(manager)

    response = client.post(url(business, "service-create"), {**SERVICE, "staff": [theirs.pk]})

    assert "staff" in response.context["form"].errors
    assert not Service.objects.exists()


def test_the_edit_form_shows_the_service_and_saves_changes(client, business, manager):
    anna, ben = StaffMemberFactory(business=business), StaffMemberFactory(business=business)
    service = ServiceFactory(business=business, name="Cut", performers=[anna])
    client.force_login(manager)

    shown = client.get(url(business, "service-edit", service.pk))
    saved = client.post(url(business, "service-edit", service.pk),
                        {**SERVICE, "name": "Cut", "staff": [ben.pk]})

    assert shown.context["form"]["staff"].value() == [anna.pk]
    assert saved.status_code == 302
    assert list(service.staff.all()) == [ben]


def test_a_manager_deactivates_and_reactivates_a_service(client, business, manager):
    service = ServiceFactory(business=business)
    client.force_login(manager)

    client.post(url(business, "service-set-active", service.pk))
    service.refresh_from_db()
    deactivated = service.is_active
    client.post(url(business, "service-set-active", service.pk), {"is_active": "on"})
    service.refresh_from_db()

    assert (deactivated, service.is_active) == (False, True)


def test_a_manager_moves_a_service_down(client, business, manager):
    first = catalog.create_service(business=business, name="A", duration_minutes=30,
                                   price=Decimal(10))
    second = catalog.create_service(business=business, name="B", duration_minutes=30,
                                    price=Decimal(10))
    client.force_login(manager)

    client.post(url(business, "service-move", first.pk), {"direction": "down"})

    assert list(Service.objects.for_business(business)) == [second, first]


def test_staff_cannot_deactivate_or_move_a_service(client, business, staff):
    service = ServiceFactory(business=business)
    client.force_login(staff)

    responses = [client.post(url(business, "service-set-active", service.pk)),
                 client.post(url(business, "service-move", service.pk), {"direction": "up"})]

    service.refresh_from_db()
    assert [r.status_code for r in responses] == [403, 403]
    assert service.is_active is True


def count_queries(client, page, django_assert_max_num_queries, limit):
    client.get(page)  # the first visit also records the business in the session
    with django_assert_max_num_queries(limit):
        return client.get(page)


def test_the_service_list_reads_in_a_fixed_number_of_queries(
        client, business, manager, django_assert_max_num_queries):
    team = [StaffMemberFactory(business=business) for _ in range(3)]
    for _ in range(15):
        ServiceFactory(business=business, performers=team)
    client.force_login(manager)

    response = count_queries(client, url(business, "service-list"),
                             django_assert_max_num_queries, 7)

    assert len(response.context["services"]) == 15


# Staff members ----------------------------------------------------------------------------

def test_a_manager_adds_a_staff_member_linked_to_a_team_login(client, business, manager,
                                                              member_of):
    login = member_of(business, Role.STAFF)
    client.force_login(manager)

    client.post(url(business, "staff-member-create"),
                {"name": "Inès", "color": "#336699", "membership": login.pk, "is_active": "on"})

    member = StaffMember.objects.for_business(business).get()
    assert (member.name, member.color, member.membership) == ("Inès", "#336699", login)


def test_a_team_login_of_another_business_is_not_a_choice(client, business, other_business,
                                                          manager, member_of):
    theirs = member_of(other_business, Role.STAFF)
    client.force_login(manager)

    response = client.post(url(business, "staff-member-create"),
                           {"name": "Inès", "color": "#336699", "membership": theirs.pk})

    assert "membership" in response.context["form"].errors
    assert not StaffMember.objects.exists()


def test_a_manager_renames_and_deactivates_a_staff_member(client, business, manager):
    member = StaffMemberFactory(business=business, name="Ines")
    client.force_login(manager)

    client.post(url(business, "staff-member-edit", member.pk),
                {"name": "Inès", "color": "#7a2f66"})

    member.refresh_from_db()
    assert (member.name, member.is_active) == ("Inès", False)


def test_the_staff_list_reads_in_a_fixed_number_of_queries(
        client, business, manager, member_of, django_assert_max_num_queries):
    for index in range(12):
        StaffMemberFactory(business=business, membership=member_of(business) if index % 2
                           else None)
    client.force_login(manager)

    response = count_queries(client, url(business, "staff-member-list"),
                             django_assert_max_num_queries, 6)

    assert len(response.context["staff_members"]) == 12


# Classes and sessions ---------------------------------------------------------------------

def test_a_manager_creates_a_class(client, business, manager):
    client.force_login(manager)

    client.post(url(business, "class-type-create"), {
        "name": "Atelier chignon", "duration_minutes": "90", "price": "45.00",
        "capacity": "6", "is_active": "on"})

    assert ClassType.objects.for_business(business).get().capacity == 6


def test_a_class_without_seats_is_refused_next_to_the_field(client, business, manager):
    client.force_login(manager)

    response = client.post(url(business, "class-type-create"), {
        "name": "Yoga", "duration_minutes": "60", "price": "15", "capacity": "0"})

    assert list(response.context["form"].errors) == ["capacity"]


def test_a_manager_plans_a_session_in_salon_time(client, business, manager):
    yoga = ClassTypeFactory(business=business, capacity=8)
    anna = StaffMemberFactory(business=business)
    day = timezone.localdate(timezone=business.zone) + timedelta(days=7)
    client.force_login(manager)

    response = client.post(url(business, "class-session-create"), {
        "class_type": yoga.pk, "staff_member": anna.pk, "starts_at_0": day.isoformat(),
        "starts_at_1": "10:00"})

    assert response.status_code == 302
    session = ClassSession.objects.for_business(business).get()
    assert session.starts_at.astimezone(PARIS).strftime("%H:%M") == "10:00"
    assert session.capacity == 8


def test_a_session_in_the_past_is_refused_next_to_its_start(client, business, manager):
    yoga = ClassTypeFactory(business=business)
    anna = StaffMemberFactory(business=business)
    client.force_login(manager)

    response = client.post(url(business, "class-session-create"), {
        "class_type": yoga.pk, "staff_member": anna.pk, "starts_at_0": "2020-01-01",
        "starts_at_1": "10:00"})

    assert response.context["form"].errors == {"starts_at": ["This time has already passed."]}
    assert not ClassSession.objects.exists()


def test_an_inactive_class_is_not_offered_for_a_session(client, business, manager):
    retired = ClassTypeFactory(business=business, is_active=False)
    client.force_login(manager)

    response = client.post(url(business, "class-session-create"), {
        "class_type": retired.pk, "staff_member": StaffMemberFactory(business=business).pk,
        "starts_at_0": "2030-01-01", "starts_at_1": "10:00"})

    assert "class_type" in response.context["form"].errors


def test_a_session_entered_at_10_on_30_march_2026_is_stored_at_8_utc_and_shown_at_10(
        client, business, manager):
    # Given the Paris back office (summer time began on 29 March 2026)
    yoga = ClassTypeFactory(business=business, name="Yoga")
    anna = StaffMemberFactory(business=business)
    with timezone.override(business.zone):
        form = ClassSessionForm({"class_type": yoga.pk, "staff_member": anna.pk,
                                 "starts_at_0": "2026-03-30", "starts_at_1": "10:00"},
                                business=business)
        assert form.is_valid(), form.errors

    # When the session is planned (before that date)
    catalog.create_class_session(business=business, now=datetime(2026, 3, 1, tzinfo=UTC),
                                 **form.cleaned_data)

    # Then it is stored at 08:00 UTC and the sessions page shows it at 10:00
    session = ClassSession.objects.for_business(business).get()
    assert session.starts_at == datetime(2026, 3, 30, 8, tzinfo=UTC)
    client.force_login(manager)
    page = client.get(url(business, "class-session-list"),
                      {"first_day": "2026-03-30", "last_day": "2026-03-30"})
    assert "Mon, 30 Mar 2026, 10:00" in page.content.decode()


def test_a_time_that_does_not_exist_in_the_salon_is_refused(client, business, manager):
    # 02:30 never happens in Paris on 28 March 2027 (clocks jump from 02:00 to 03:00).
    client.force_login(manager)

    response = client.post(url(business, "class-session-create"), {
        "class_type": ClassTypeFactory(business=business).pk,
        "staff_member": StaffMemberFactory(business=business).pk,
        "starts_at_0": "2027-03-28", "starts_at_1": "02:30"})

    assert "starts_at" in response.context["form"].errors
    assert not ClassSession.objects.exists()


def test_the_sessions_page_shows_upcoming_sessions_by_default(client, business, staff):
    ClassSessionFactory(business=business, class_type__name="Past yoga",
                        starts_at=timezone.now() - timedelta(days=2))
    ClassSessionFactory(business=business, class_type__name="Next yoga")
    client.force_login(staff)

    text = client.get(url(business, "class-session-list")).content.decode()

    assert "Next yoga" in text
    assert "Past yoga" not in text


def test_a_bad_date_filter_is_explained_and_falls_back_to_upcoming(client, business, staff):
    ClassSessionFactory(business=business, class_type__name="Next yoga")
    client.force_login(staff)

    response = client.get(url(business, "class-session-list"), {"first_day": "soon"})

    assert response.status_code == 200
    assert "first_day" in response.context["filters"].errors
    assert "Next yoga" in response.content.decode()


def test_a_manager_cancels_a_session_and_staff_cannot(client, business, member_of):
    session = ClassSessionFactory(business=business)
    cancel = url(business, "class-session-cancel", session.pk)

    client.force_login(member_of(business, Role.STAFF).user)
    refused = client.post(cancel)
    client.force_login(member_of(business, Role.MANAGER).user)
    accepted = client.post(cancel)

    session.refresh_from_db()
    assert (refused.status_code, accepted.status_code) == (403, 302)
    assert session.is_cancelled is True


def test_the_session_list_reads_in_a_fixed_number_of_queries(
        client, business, staff, django_assert_max_num_queries):
    yoga = ClassTypeFactory(business=business)
    start = timezone.now() + timedelta(days=1)
    for offset in range(20):
        ClassSessionFactory(business=business, class_type=yoga,
                            starts_at=start + timedelta(hours=2 * offset))
    client.force_login(staff)

    response = count_queries(client, url(business, "class-session-list"),
                             django_assert_max_num_queries, 7)

    assert len(response.context["page"]) == 20


@pytest.mark.parametrize(("page", "factory"), [
    ("class-type-list", ClassTypeFactory), ("membership-plan-list", MembershipPlanFactory)])
def test_other_lists_read_in_a_fixed_number_of_queries(
        client, business, staff, page, factory, django_assert_max_num_queries):
    for _ in range(12):
        factory(business=business)
    client.force_login(staff)

    count_queries(client, url(business, page), django_assert_max_num_queries, 6)
