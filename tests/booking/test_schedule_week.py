"""A staff member's usual week: several intervals a day, saved as a whole week."""

from datetime import time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from booking import catalog_selectors
from booking.models import WorkingHours
from booking.services import schedule
from tests.factories import StaffMemberFactory, WorkingHoursFactory

pytestmark = pytest.mark.django_db

MORNING = (time(9), time(13))
AFTERNOON = (time(14), time(19))


@pytest.fixture
def anna(business):
    return StaffMemberFactory(business=business, name="Anna")


def hours_page(business, member) -> str:
    return reverse("booking:working-hours-edit", args=[business.slug, member.pk])


def week_post(**days) -> dict:
    """week_post(day0=[("09:00", "13:00")]) -> the week page's POST data."""
    data = {}
    for day, intervals in days.items():
        for index, (start, end) in enumerate(intervals):
            data[f"{day}-start_{index}"] = start
            data[f"{day}-end_{index}"] = end
    return data


def test_setting_the_week_replaces_it_whole(business, anna):
    WorkingHoursFactory(business=business, staff_member=anna, weekday=6)

    schedule.set_working_week(business=business, staff_member=anna,
                              week={0: [AFTERNOON, MORNING], 2: [MORNING]})

    assert catalog_selectors.working_week(business=business, staff_member=anna) == {
        0: [MORNING, AFTERNOON], 2: [MORNING]}


@pytest.mark.parametrize(("intervals", "message"), [
    ([(time(9), time(13)), (time(12), time(15))],
     "Tuesday: 09:00\N{EN DASH}13:00 and 12:00\N{EN DASH}15:00 overlap."),
    ([(time(9), time(13)), (time(13), time(15))],
     "Tuesday: 09:00\N{EN DASH}13:00 and 13:00\N{EN DASH}15:00 touch; make them one interval."),
    ([(time(13), time(9))], "Tuesday: 13:00\N{EN DASH}09:00 must end after it starts."),
    ([(time(9), time(9))], "Tuesday: 09:00\N{EN DASH}09:00 must end after it starts."),
])
def test_a_bad_day_is_refused_with_a_message_naming_it(business, anna, intervals, message):
    WorkingHoursFactory(business=business, staff_member=anna, weekday=0)

    with pytest.raises(ValidationError) as excinfo:
        schedule.set_working_week(business=business, staff_member=anna,
                                  week={0: [MORNING], 1: intervals})

    assert excinfo.value.message_dict == {"tuesday": [message]}
    assert WorkingHours.objects.for_business(business).count() == 1


def test_the_message_writes_times_as_the_business_s_country_does(business, anna):
    business.time_zone = "America/New_York"
    business.save(update_fields=["time_zone"])

    with pytest.raises(ValidationError) as excinfo:
        schedule.set_working_week(business=business, staff_member=anna,
                                  week={1: [(time(13), time(9))]})

    assert excinfo.value.message_dict == {"tuesday": [
        "Tuesday: 1:00\N{NARROW NO-BREAK SPACE}PM\N{EN DASH}9:00\N{NARROW NO-BREAK SPACE}AM "
        "must end after it starts."]}


def test_a_staff_member_of_another_business_is_refused(business, other_business):
    theirs = StaffMemberFactory(business=other_business)

    with pytest.raises(ValidationError):
        schedule.set_working_week(business=business, staff_member=theirs, week={0: [MORNING]})

    assert not WorkingHours.objects.exists()


def test_a_manager_saves_the_week_from_one_page(client, business, manager, anna):
    client.force_login(manager)

    response = client.post(hours_page(business, anna), week_post(
        day0=[("09:00", "13:00"), ("14:00", "19:00")], day5=[("10:00", "16:00")]))

    assert response.status_code == 302
    assert catalog_selectors.working_week(business=business, staff_member=anna) == {
        0: [MORNING, AFTERNOON], 5: [(time(10), time(16))]}


def test_the_page_shows_the_current_week_in_local_time(client, business, manager, anna):
    WorkingHoursFactory(business=business, staff_member=anna, weekday=3, start_time=time(9),
                        end_time=time(13))
    client.force_login(manager)

    response = client.get(hours_page(business, anna))

    assert response.context["days"][3]["start_0"].value() == time(9)
    assert 'value="09:00"' in response.content.decode()


def test_overlapping_intervals_are_shown_next_to_their_day_and_nothing_changes(
        client, business, manager, anna):
    WorkingHoursFactory(business=business, staff_member=anna, weekday=0)
    client.force_login(manager)

    response = client.post(hours_page(business, anna), week_post(
        day2=[("09:00", "13:00"), ("12:00", "15:00")]))

    assert response.status_code == 200
    message = "Wednesday: 09:00\N{EN DASH}13:00 and 12:00\N{EN DASH}15:00 overlap."
    assert response.context["days"][2].non_field_errors() == [message]
    assert message in response.content.decode()
    assert list(WorkingHours.objects.for_business(business).values_list("weekday", flat=True)) \
        == [0]


def test_an_interval_with_one_time_is_refused_next_to_the_missing_one(
        client, business, manager, anna):
    client.force_login(manager)

    response = client.post(hours_page(business, anna), {"day1-start_0": "09:00"})

    assert response.context["days"][1].errors == {"end_0": ["Enter both times, or neither."]}
    assert not WorkingHours.objects.exists()


def test_a_time_that_is_not_a_time_is_refused(client, business, manager, anna):
    client.force_login(manager)

    response = client.post(hours_page(business, anna), week_post(day0=[("nine", "13:00")]))

    assert response.status_code == 200
    assert "start_0" in response.context["days"][0].errors


def test_staff_see_a_schedule_but_cannot_edit_it(client, business, staff, anna):
    WorkingHoursFactory(business=business, staff_member=anna, weekday=0, start_time=time(9),
                        end_time=time(13))
    client.force_login(staff)

    shown = client.get(reverse("booking:staff-member-schedule", args=[business.slug, anna.pk]))
    refused = client.post(hours_page(business, anna), week_post(day1=[("09:00", "10:00")]))

    assert shown.status_code == 200
    assert "09:00\N{EN DASH}13:00" in shown.content.decode()
    assert refused.status_code == 403
    assert WorkingHours.objects.count() == 1


def test_the_schedule_page_reads_in_a_fixed_number_of_queries(
        client, business, staff, anna, django_assert_max_num_queries):
    for weekday in range(7):
        WorkingHoursFactory(business=business, staff_member=anna, weekday=weekday,
                            start_time=time(9), end_time=time(12))
        WorkingHoursFactory(business=business, staff_member=anna, weekday=weekday,
                            start_time=time(13), end_time=time(18))
    client.force_login(staff)
    page = reverse("booking:staff-member-schedule", args=[business.slug, anna.pk])
    client.get(page)  # the first visit also records the business in the session

    with django_assert_max_num_queries(8):
        response = client.get(page)

    assert response.status_code == 200
