"""Dated exceptions to the usual week: time off, extra hours, business-wide holidays."""

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from booking.models import ScheduleException
from booking.services import schedule
from tenancy.models import Role
from tests.factories import ScheduleExceptionFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 1)
TIME_OFF = ScheduleException.Kind.TIME_OFF
EXTRA = ScheduleException.Kind.EXTRA_HOURS


def test_a_holiday_closes_the_whole_business_for_the_day(business):
    holiday = schedule.add_schedule_exception(business=business, kind=TIME_OFF,
                                              date=date(2026, 12, 25), note=" Christmas ",
                                              today=TODAY)

    assert (holiday.staff_member, holiday.whole_day, holiday.note) == (None, True, "Christmas")


def test_a_staff_member_takes_some_hours_off(business):
    anna = StaffMemberFactory(business=business)

    off = schedule.add_schedule_exception(business=business, kind=TIME_OFF, staff_member=anna,
                                          date=TODAY, start_time=time(14), end_time=time(16),
                                          today=TODAY)

    assert (off.start_time, off.end_time, off.whole_day) == (time(14), time(16), False)


@pytest.mark.parametrize(("values", "field"), [
    ({"kind": TIME_OFF, "date": TODAY - timedelta(days=1)}, "date"),
    ({"kind": TIME_OFF, "date": TODAY, "start_time": time(9)}, "end_time"),
    ({"kind": TIME_OFF, "date": TODAY, "end_time": time(9)}, "end_time"),
    ({"kind": TIME_OFF, "date": TODAY, "start_time": time(12), "end_time": time(9)},
     "end_time"),
    ({"kind": EXTRA, "date": TODAY, "staff": True}, "start_time"),
    ({"kind": EXTRA, "date": TODAY, "start_time": time(18), "end_time": time(20)},
     "staff_member"),
])
def test_a_bad_exception_is_refused_on_its_field(business, values, field):
    values = dict(values)
    if values.pop("staff", False):
        values["staff_member"] = StaffMemberFactory(business=business)

    with pytest.raises(ValidationError) as excinfo:
        schedule.add_schedule_exception(business=business, today=TODAY, **values)

    assert set(excinfo.value.message_dict) == {field}
    assert not ScheduleException.objects.exists()


def test_today_is_the_business_local_day(business):
    # 23:30 UTC on 31 December is already 1 January in Kyiv.
    business.time_zone = "Europe/Kyiv"
    kyiv_today = timezone.localdate(timezone=business.zone)

    exception = schedule.add_schedule_exception(business=business, kind=TIME_OFF,
                                                date=kyiv_today)

    assert exception.date == kyiv_today


def test_time_off_for_staff_of_another_business_is_refused(business, other_business):
    with pytest.raises(ValidationError) as excinfo:
        schedule.add_schedule_exception(business=business, kind=TIME_OFF, date=TODAY,
                                        staff_member=StaffMemberFactory(business=other_business),
                                        today=TODAY)

    assert set(excinfo.value.message_dict) == {"staff_member"}


def test_a_manager_adds_extra_hours_from_the_page(client, business, manager):
    anna = StaffMemberFactory(business=business, name="Anna")
    client.force_login(manager)
    day = timezone.localdate(timezone=business.zone) + timedelta(days=3)

    response = client.post(reverse("booking:schedule-exception-create", args=[business.slug]), {
        "staff_member": anna.pk, "kind": "extra_hours", "date": day.isoformat(),
        "start_time": "19:00", "end_time": "21:00", "note": "Late opening"})

    assert response.status_code == 302
    extra = ScheduleException.objects.for_business(business).get()
    assert (extra.staff_member, extra.date, extra.start_time) == (anna, day, time(19))


def test_a_past_date_is_refused_next_to_the_date_field(client, business, manager):
    client.force_login(manager)
    yesterday = timezone.localdate(timezone=business.zone) - timedelta(days=1)

    response = client.post(reverse("booking:schedule-exception-create", args=[business.slug]),
                           {"kind": "time_off", "date": yesterday.isoformat()})

    assert response.context["form"].errors == {"date": ["This date has already passed."]}
    assert not ScheduleException.objects.exists()


def test_staff_see_time_off_but_cannot_add_or_remove_it(client, business, member_of):
    holiday = ScheduleExceptionFactory(business=business, staff_member=None, note="Noël",
                                       date=timezone.localdate() + timedelta(days=5))
    client.force_login(member_of(business, Role.STAFF).user)

    listed = client.get(reverse("booking:schedule-exception-list", args=[business.slug]))
    added = client.post(reverse("booking:schedule-exception-create", args=[business.slug]),
                        {"kind": "time_off", "date": "2030-01-01"})
    removed = client.post(reverse("booking:schedule-exception-delete",
                                  args=[business.slug, holiday.pk]))

    assert listed.status_code == 200
    assert "Noël" in listed.content.decode()
    assert (added.status_code, removed.status_code) == (403, 403)
    assert ScheduleException.objects.count() == 1


def test_a_manager_removes_an_exception(client, business, manager):
    exception = ScheduleExceptionFactory(business=business)
    client.force_login(manager)

    response = client.post(reverse("booking:schedule-exception-delete",
                                   args=[business.slug, exception.pk]))

    assert response.status_code == 302
    assert not ScheduleException.objects.exists()


def test_the_exception_list_reads_in_a_fixed_number_of_queries(
        client, business, staff, django_assert_max_num_queries):
    for offset in range(20):
        ScheduleExceptionFactory(business=business,
                                 date=timezone.localdate() + timedelta(days=offset))
    client.force_login(staff)
    page = reverse("booking:schedule-exception-list", args=[business.slug])
    client.get(page)  # the first visit also records the business in the session

    with django_assert_max_num_queries(6):
        response = client.get(page)

    assert len(response.context["exceptions"]) == 20
