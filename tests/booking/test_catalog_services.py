"""Setting up what clients book: staff members, services, classes and their sessions."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from booking.models import AppointmentState, ClassSession, Service, ServiceStaff, StaffMember
from booking.services import catalog
from tenancy.models import Role
from tests.factories import (
    AppointmentFactory,
    ClassSessionFactory,
    ClassTypeFactory,
    ServiceFactory,
    StaffMemberFactory,
)

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def refusal_fields(excinfo) -> set[str]:
    return set(excinfo.value.message_dict)


# Staff members ----------------------------------------------------------------------------

def test_a_staff_member_is_created_last_in_the_calendar(business):
    StaffMemberFactory(business=business, name="Anna", position=4)

    member = catalog.create_staff_member(business=business, name="  Ben  ", color="#123abc")

    assert (member.name, member.color, member.position, member.is_active) == (
        "Ben", "#123abc", 5, True)


def test_a_staff_member_is_linked_to_a_team_login_of_the_same_business(business, member_of):
    login = member_of(business, Role.STAFF)

    member = catalog.create_staff_member(business=business, name="Ben", membership=login)

    assert member.membership == login


def test_a_team_login_of_another_business_is_refused(business, other_business, member_of):
    theirs = member_of(other_business, Role.STAFF)

    with pytest.raises(ValidationError) as excinfo:
        catalog.create_staff_member(business=business, name="Ben", membership=theirs)

    assert refusal_fields(excinfo) == {"membership"}
    assert not StaffMember.objects.for_business(business).exists()


def test_one_login_links_to_one_staff_member_only(business, member_of):
    login = member_of(business, Role.STAFF)
    catalog.create_staff_member(business=business, name="Ben", membership=login)

    with pytest.raises(ValidationError) as excinfo:
        catalog.create_staff_member(business=business, name="Benjamin", membership=login)

    assert "already linked" in excinfo.value.message_dict["membership"][0]


def test_two_staff_members_of_a_business_cannot_share_a_name(business, other_business):
    catalog.create_staff_member(business=business, name="Ben")
    catalog.create_staff_member(business=other_business, name="Ben")

    with pytest.raises(ValidationError) as excinfo:
        catalog.create_staff_member(business=business, name="Ben")

    assert excinfo.value.message_dict == {"name": ["A staff member already has this name."]}


def test_a_bad_colour_is_refused(business):
    with pytest.raises(ValidationError) as excinfo:
        catalog.create_staff_member(business=business, name="Ben", color="red")

    assert refusal_fields(excinfo) == {"color"}


def test_a_refused_update_leaves_the_staff_member_and_the_callers_object_unchanged(business):
    StaffMemberFactory(business=business, name="Anna")
    ben = StaffMemberFactory(business=business, name="Ben")

    with pytest.raises(ValidationError):
        catalog.update_staff_member(business=business, staff_member=ben, name="Anna")

    ben.refresh_from_db()
    assert ben.name == "Ben"


def test_moving_a_staff_member_up_swaps_them_with_the_one_before(business):
    anna = catalog.create_staff_member(business=business, name="Anna")
    ben = catalog.create_staff_member(business=business, name="Ben")
    chloe = catalog.create_staff_member(business=business, name="Chloé")

    catalog.move_staff_member(business=business, staff_member=chloe, offset=-1)

    assert list(StaffMember.objects.for_business(business)) == [anna, chloe, ben]


# Services ---------------------------------------------------------------------------------

def test_a_service_is_created_with_its_performers(business):
    anna = StaffMemberFactory(business=business)
    ben = StaffMemberFactory(business=business)

    service = catalog.create_service(
        business=business, name="Colour & cut", duration_minutes=120, price=Decimal("110.00"),
        buffer_after_minutes=10, staff=[anna, ben])

    assert set(service.staff.all()) == {anna, ben}
    assert ServiceStaff.objects.for_business(business).filter(service=service).count() == 2
    assert (service.duration_minutes, service.price, service.buffer_after_minutes) == (
        120, Decimal("110.00"), 10)


@pytest.mark.parametrize(("field", "value"), [
    ("duration_minutes", 0), ("duration_minutes", 4), ("duration_minutes", 1441),
    ("price", Decimal("-0.01")), ("buffer_before_minutes", -5),
    ("buffer_after_minutes", 241), ("name", "   "),
])
def test_a_service_with_a_bad_value_is_refused_on_that_field(business, field, value):
    values = {"name": "Cut", "duration_minutes": 30, "price": Decimal("20.00"), field: value}

    with pytest.raises(ValidationError) as excinfo:
        catalog.create_service(business=business, **values)

    assert refusal_fields(excinfo) == {field}
    assert not Service.objects.for_business(business).exists()


def test_the_duration_message_says_the_limits(business):
    with pytest.raises(ValidationError) as excinfo:
        catalog.create_service(business=business, name="Cut", duration_minutes=0,
                               price=Decimal(10))

    assert excinfo.value.message_dict["duration_minutes"] == [
        "The duration must be between 5 and 1440 minutes."]


def test_a_price_with_more_than_two_decimals_is_refused(business):
    with pytest.raises(ValidationError) as excinfo:
        catalog.create_service(business=business, name="Cut", duration_minutes=30,
                               price=Decimal("10.001"))

    assert refusal_fields(excinfo) == {"price"}


def test_two_services_of_a_business_cannot_share_a_name(business):
    ServiceFactory(business=business, name="Cut")

    with pytest.raises(ValidationError) as excinfo:
        catalog.create_service(business=business, name="Cut", duration_minutes=30,
                               price=Decimal(10))

    assert excinfo.value.message_dict == {"name": ["A service already has this name."]}


def test_a_performer_of_another_business_is_refused_and_nothing_is_written(
        business, other_business):
    theirs = StaffMemberFactory(business=other_business)

    with pytest.raises(ValidationError) as excinfo:
        catalog.create_service(business=business, name="Cut", duration_minutes=30,
                               price=Decimal(10), staff=[theirs])

    assert refusal_fields(excinfo) == {"staff"}
    assert not Service.objects.for_business(business).exists()
    assert not ServiceStaff.objects.exists()


def test_updating_the_performers_replaces_them(business):
    anna, ben, chloe = (StaffMemberFactory(business=business) for _ in range(3))
    service = ServiceFactory(business=business, performers=[anna, ben])

    catalog.update_service(business=business, service=service, staff=[ben, chloe],
                           price=Decimal("50.00"))

    service.refresh_from_db()
    assert set(service.staff.all()) == {ben, chloe}
    assert service.price == Decimal("50.00")


def test_an_update_without_staff_keeps_the_performers(business):
    anna = StaffMemberFactory(business=business)
    service = ServiceFactory(business=business, performers=[anna])

    catalog.update_service(business=business, service=service, name="Cut & go")

    assert list(service.staff.all()) == [anna]


def test_a_refused_update_changes_nothing(business):
    anna = StaffMemberFactory(business=business)
    service = ServiceFactory(business=business, name="Cut", performers=[anna])

    with pytest.raises(ValidationError):
        catalog.update_service(business=business, service=service, name="Other",
                               duration_minutes=0, staff=[])

    service.refresh_from_db()
    assert (service.name, list(service.staff.all())) == ("Cut", [anna])


def test_a_deactivated_service_stays_in_the_catalog(business):
    service = ServiceFactory(business=business)

    catalog.set_service_active(business=business, service=service, is_active=False)

    service.refresh_from_db()
    assert service.is_active is False


def test_reordering_services_puts_the_listed_ones_first(business):
    first, second, third = (catalog.create_service(business=business, name=name,
                                                   duration_minutes=30, price=Decimal(10))
                            for name in ("A", "B", "C"))

    catalog.reorder_services(business=business, service_ids=[third.pk, first.pk])

    assert list(Service.objects.for_business(business)) == [third, first, second]


def test_reordering_with_a_service_of_another_business_is_refused(business, other_business):
    mine = ServiceFactory(business=business)
    theirs = ServiceFactory(business=other_business)

    with pytest.raises(ValidationError):
        catalog.reorder_services(business=business, service_ids=[theirs.pk, mine.pk])


def test_moving_the_first_service_up_changes_nothing(business):
    first = catalog.create_service(business=business, name="A", duration_minutes=30,
                                   price=Decimal(10))
    second = catalog.create_service(business=business, name="B", duration_minutes=30,
                                    price=Decimal(10))

    catalog.move_service(business=business, service=first, offset=-1)

    assert list(Service.objects.for_business(business)) == [first, second]


# Classes ----------------------------------------------------------------------------------

def test_a_class_needs_at_least_one_seat(business):
    with pytest.raises(ValidationError) as excinfo:
        catalog.create_class_type(business=business, name="Yoga", duration_minutes=60,
                                  price=Decimal(15), capacity=0)

    assert refusal_fields(excinfo) == {"capacity"}


def test_a_session_takes_the_class_seats_and_duration(business):
    yoga = ClassTypeFactory(business=business, duration_minutes=75, capacity=12)
    anna = StaffMemberFactory(business=business)
    start = timezone.now() + timedelta(days=3)

    session = catalog.create_class_session(business=business, class_type=yoga,
                                           staff_member=anna, starts_at=start)

    assert (session.capacity, session.ends_at - session.starts_at) == (
        12, timedelta(minutes=75))


def test_a_session_entered_as_10_local_on_30_march_2026_is_stored_at_8_utc(business):
    # Given Paris went to summer time (UTC+2) on 29 March 2026
    yoga = ClassTypeFactory(business=business, duration_minutes=60)
    anna = StaffMemberFactory(business=business)

    # When a session is entered for 10:00 salon time the day after
    session = catalog.create_class_session(
        business=business, class_type=yoga, staff_member=anna,
        starts_at=datetime(2026, 3, 30, 10, tzinfo=PARIS), now=datetime(2026, 3, 1, tzinfo=UTC))

    # Then it is stored at 08:00 UTC and reads 10:00 in Paris
    session.refresh_from_db()
    assert session.starts_at == datetime(2026, 3, 30, 8, tzinfo=UTC)
    assert session.starts_at.astimezone(PARIS).hour == 10


def test_a_session_across_the_autumn_change_lasts_the_class_duration(business):
    # 02:00 local happens twice on 25 October 2026: a 90-minute class from 01:30 ends 02:00
    # winter time, one elapsed hour and a half later.
    yoga = ClassTypeFactory(business=business, duration_minutes=90)
    start = datetime(2026, 10, 25, 1, 30, tzinfo=PARIS)

    session = catalog.create_class_session(
        business=business, class_type=yoga, staff_member=StaffMemberFactory(business=business),
        starts_at=start, now=datetime(2026, 10, 1, tzinfo=UTC))

    assert session.ends_at - session.starts_at == timedelta(minutes=90)
    assert session.ends_at.astimezone(PARIS).strftime("%H:%M %Z") == "02:00 CET"


def test_a_session_in_the_past_is_refused(business):
    yoga = ClassTypeFactory(business=business)

    with pytest.raises(ValidationError) as excinfo:
        catalog.create_class_session(business=business, class_type=yoga,
                                     staff_member=StaffMemberFactory(business=business),
                                     starts_at=timezone.now() - timedelta(minutes=1))

    assert excinfo.value.message_dict == {"starts_at": ["This time has already passed."]}
    assert not ClassSession.objects.exists()


def test_a_session_of_an_inactive_class_is_refused(business):
    yoga = ClassTypeFactory(business=business, is_active=False)

    with pytest.raises(ValidationError) as excinfo:
        catalog.create_class_session(business=business, class_type=yoga,
                                     staff_member=StaffMemberFactory(business=business),
                                     starts_at=timezone.now() + timedelta(days=1))

    assert refusal_fields(excinfo) == {"class_type"}


def test_a_session_led_by_staff_of_another_business_is_refused(business, other_business):
    with pytest.raises(ValidationError) as excinfo:
        catalog.create_class_session(business=business,
                                     class_type=ClassTypeFactory(business=business),
                                     staff_member=StaffMemberFactory(business=other_business),
                                     starts_at=timezone.now() + timedelta(days=1))

    assert refusal_fields(excinfo) == {"staff_member"}


@pytest.mark.parametrize("capacity", [0, -1, 501])
def test_a_session_needs_a_sensible_number_of_seats(business, capacity):
    with pytest.raises(ValidationError) as excinfo:
        catalog.create_class_session(business=business,
                                     class_type=ClassTypeFactory(business=business),
                                     staff_member=StaffMemberFactory(business=business),
                                     starts_at=timezone.now() + timedelta(days=1),
                                     capacity=capacity)

    assert refusal_fields(excinfo) == {"capacity"}


def test_a_staff_member_cannot_lead_two_sessions_at_once(business):
    anna = StaffMemberFactory(business=business, name="Anna")
    first = ClassSessionFactory(business=business, staff_member=anna)

    with pytest.raises(ValidationError) as excinfo:
        catalog.create_class_session(business=business,
                                     class_type=ClassTypeFactory(business=business),
                                     staff_member=anna,
                                     starts_at=first.starts_at + timedelta(minutes=30))

    assert excinfo.value.message_dict["staff_member"] == [
        f"Anna already leads {first.class_type.name} at that time."]


def test_a_staff_member_with_appointments_then_cannot_lead_a_session(business):
    appointment = AppointmentFactory(business=business)

    with pytest.raises(ValidationError) as excinfo:
        catalog.create_class_session(business=business,
                                     class_type=ClassTypeFactory(business=business),
                                     staff_member=appointment.staff_member,
                                     starts_at=appointment.starts_at - timedelta(minutes=30))

    assert set(excinfo.value.message_dict) == {"staff_member"}
    assert not ClassSession.objects.exists()


def test_a_cancelled_appointment_leaves_the_time_free_for_a_session(business):
    appointment = AppointmentFactory(business=business, state=AppointmentState.CANCELLED)

    session = catalog.create_class_session(business=business,
                                           class_type=ClassTypeFactory(business=business),
                                           staff_member=appointment.staff_member,
                                           starts_at=appointment.starts_at)

    assert session.pk is not None


def test_cancelling_a_session_marks_it_once(business):
    session = ClassSessionFactory(business=business)

    catalog.cancel_class_session(business=business, class_session=session)
    again = catalog.cancel_class_session(business=business, class_session=session)

    assert again.is_cancelled is True


def test_a_session_that_has_started_cannot_be_cancelled(business):
    session = ClassSessionFactory(business=business)

    with pytest.raises(ValidationError):
        catalog.cancel_class_session(business=business, class_session=session,
                                     now=session.starts_at + timedelta(minutes=1))

    session.refresh_from_db()
    assert session.is_cancelled is False


def test_a_row_of_another_business_is_never_changed(business, other_business):
    theirs = ServiceFactory(business=other_business, name="Theirs")

    with pytest.raises(ValidationError):
        catalog.update_service(business=business, service=theirs, name="Mine now")

    theirs.refresh_from_db()
    assert theirs.name == "Theirs"

