"""Booking from the calendar: one appointment, a walk-in, a series after reviewing its dates."""

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from booking.forms_calendar import local_datetime
from booking.models import Appointment, AppointmentSeries, Client
from tests.booking.booking_setup import next_weekday, open_salon, paris
from tests.factories import AppointmentFactory, ClientFactory, WorkingHoursFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def new_url(business) -> str:
    return reverse("booking:appointment-new", args=[business.slug])


def form_data(salon, client, day, at="10:00", **extra):
    return {"action": "book", "client": client.pk, "service": salon.cut.pk,
            "staff_member": salon.anna.pk, "date": day.isoformat(), "time": at, **extra}


def next_dst_change(month: int) -> date:
    """The next last Sunday of `month` (March: clocks skip 02:00-03:00; October: repeat)."""
    today = timezone.localdate()
    for year in (today.year, today.year + 1):
        last = date(year, month + 1, 1) - timedelta(days=1)
        sunday = last - timedelta(days=(last.weekday() - 6) % 7)
        if sunday > today:
            return sunday
    raise AssertionError("unreachable")


def test_a_calendar_spot_prefills_the_staff_member_date_and_time(client, business, staff):
    salon = open_salon(business)
    client.force_login(staff)

    response = client.get(new_url(business), {"staff": salon.ben.pk, "start": "2030-01-08T10:15"})

    form = response.context["form"]
    assert form.initial["staff_member"] == str(salon.ben.pk)
    assert (form.initial["date"], form.initial["time"]) == (date(2030, 1, 8), time(10, 15))
    text = response.content.decode()
    assert 'value="2030-01-08"' in text
    assert 'value="10:15"' in text


@pytest.mark.parametrize("query", [{"staff": "abc", "start": "yesterday"},
                                   {"start": "2030-02-30T10:00"}, {"client": "nope"},
                                   {"start": "0001-01-01T00:00"}, {"date": "not-a-date"}])
def test_bad_prefill_values_are_ignored(client, business, staff, query):
    open_salon(business)
    client.force_login(staff)

    response = client.get(new_url(business), query)

    assert response.status_code == 200
    assert not response.context["form"].is_bound


def test_staff_book_a_client_at_a_free_time_off_the_online_grid(client, business, staff):
    salon = open_salon(business)
    claire = ClientFactory(business=business)
    day = next_weekday(1)
    client.force_login(staff)

    response = client.post(new_url(business), form_data(salon, claire, day, "10:07",
                                                       notes="First visit"))

    assert response["Location"] == (reverse("booking:calendar-day", args=[business.slug])
                                    + f"?day={day.isoformat()}")
    appointment = Appointment.objects.for_business(business).get()
    assert (appointment.client, appointment.staff_member, appointment.starts_at,
            appointment.notes, appointment.booked_by) == (
        claire, salon.anna, paris(day, 10, 7), "First visit", staff)


def test_a_busy_time_is_refused_on_the_form_and_nothing_is_booked(client, business, staff):
    salon = open_salon(business)
    day = next_weekday(1)
    AppointmentFactory(business=business, staff_member=salon.anna, service=salon.cut,
                       starts_at=paris(day, 10), ends_at=paris(day, 11),
                       busy_from=paris(day, 10), busy_until=paris(day, 11))
    claire = ClientFactory(business=business)
    client.force_login(staff)

    response = client.post(new_url(business), form_data(salon, claire, day, "10:30"))

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "This time was just taken. Please choose another one."]
    assert "This time was just taken" in response.content.decode()
    assert Appointment.objects.for_business(business).count() == 1


def test_a_time_in_the_past_is_refused(client, business, staff):
    salon = open_salon(business)
    client.force_login(staff)

    response = client.post(new_url(business), form_data(
        salon, ClientFactory(business=business), date(2020, 1, 6)))

    assert response.context["form"].non_field_errors() == ["This time has already passed."]
    assert not Appointment.objects.exists()


def test_missing_fields_are_shown_next_to_them(client, business, staff):
    open_salon(business)
    client.force_login(staff)

    response = client.post(new_url(business), {"action": "book"})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"service", "staff_member", "date", "time"}
    assert response.context["pick"].errors["client"] == ["Choose a client, or add a new walk-in."]
    assert "Choose a client, or add a new walk-in." in response.content.decode()


def test_a_client_of_another_business_is_not_a_choice(client, business, other_business, staff):
    salon = open_salon(business)
    theirs = ClientFactory(business=other_business)
    client.force_login(staff)

    response = client.post(new_url(business), form_data(salon, theirs, next_weekday(1)))

    assert response.context["pick"].errors["client"] == ["Choose a client from the list."]
    assert not Appointment.objects.exists()


def test_a_local_time_the_clocks_skip_is_refused_next_to_the_time(client, business, staff):
    salon = open_salon(business)
    spring = next_dst_change(3)
    client.force_login(staff)

    response = client.post(new_url(business), form_data(
        salon, ClientFactory(business=business), spring, "02:30"))

    errors = response.context["form"].errors
    assert list(errors) == ["time"]
    assert errors["time"][0].startswith("02:30 does not exist on")
    assert not Appointment.objects.exists()


def test_a_local_time_the_clocks_repeat_takes_its_first_occurrence(client, business, staff):
    salon = open_salon(business)
    autumn = next_dst_change(10)
    WorkingHoursFactory(business=business, staff_member=salon.anna, weekday=6,
                        start_time=time(1), end_time=time(5))
    client.force_login(staff)

    client.post(new_url(business), form_data(
        salon, ClientFactory(business=business), autumn, "02:30"))

    appointment = Appointment.objects.for_business(business).get()
    assert appointment.starts_at == local_datetime(autumn, time(2, 30), PARIS)
    assert appointment.starts_at.astimezone(PARIS).utcoffset() == timedelta(hours=2)


def test_a_walk_in_is_added_and_comes_back_selected_with_what_was_typed(client, business,
                                                                        staff):
    salon = open_salon(business)
    day = next_weekday(2)
    client.force_login(staff)

    response = client.post(new_url(business), {
        "action": "add_walk_in", "walk_in-first_name": "Léa", "walk_in-last_name": "Petit",
        "walk_in-phone": "06 11 22 33 44", "service": salon.cut.pk,
        "staff_member": salon.ben.pk, "date": day.isoformat(), "time": "11:00"})

    lea = Client.objects.for_business(business).get()
    assert (lea.full_name, lea.phone, lea.user) == ("Léa Petit", "06 11 22 33 44", None)
    page = client.get(response["Location"])
    assert page.context["selected"] == lea
    assert f'value="{lea.pk}" checked' in page.content.decode()
    assert page.context["form"].initial["staff_member"] == str(salon.ben.pk)
    assert page.context["form"].initial["time"] == "11:00"
    assert "Client Léa Petit added." in page.content.decode()


def test_a_walk_in_without_a_name_is_refused_and_nothing_is_created(client, business, staff):
    open_salon(business)
    client.force_login(staff)

    response = client.post(new_url(business), {"action": "add_walk_in",
                                                "walk_in-first_name": " "})

    assert response.status_code == 200
    assert "first_name" in response.context["walk_in"].errors
    assert not response.context["form"].is_bound
    assert not Client.objects.exists()


def test_a_walk_in_with_a_known_email_is_refused_next_to_the_email(client, business, staff):
    ClientFactory(business=business, email="lea@example.com")
    client.force_login(staff)

    response = client.post(new_url(business), {
        "action": "add_walk_in", "walk_in-first_name": "Léa",
        "walk_in-email": "LEA@example.com"})

    assert response.context["walk_in"].errors == {
        "email": ["Another client of this business has this email."]}
    assert Client.objects.count() == 1


def test_searching_clients_by_name_email_or_phone(client, business, staff):
    ClientFactory(business=business, first_name="Claire", last_name="Martin",
                  email="c.martin@example.com", phone="0611")
    ClientFactory(business=business, first_name="Paul", last_name="Durand", phone="0799")
    client.force_login(staff)
    search = reverse("booking:appointment-client-search", args=[business.slug])

    by_name = client.get(search, {"q": "mart"}, HTTP_HX_REQUEST="true").content.decode()
    by_phone = client.get(search, {"q": "0799"}).content.decode()
    nothing = client.get(search, {"q": "zzz"}).content.decode()

    assert "Claire Martin" in by_name
    assert "Paul Durand" not in by_name
    assert "Paul Durand" in by_phone
    assert "Claire Martin" not in by_phone
    assert "No client matches “zzz”." in nothing


def test_search_without_javascript_keeps_what_was_typed(client, business, staff):
    salon = open_salon(business)
    ClientFactory(business=business, first_name="Claire", last_name="Martin")
    client.force_login(staff)

    response = client.post(new_url(business), {"action": "search", "q": "claire",
                                                "service": salon.cut.pk, "time": "10:45"})

    assert [c.full_name for c in response.context["choices"]] == ["Claire Martin"]
    assert response.context["form"].initial["time"] == "10:45"
    assert not response.context["form"].errors


def test_the_search_never_finds_another_businesss_clients(client, business, other_business,
                                                         staff):
    ClientFactory(business=other_business, first_name="Secret")
    client.force_login(staff)

    text = client.get(reverse("booking:appointment-client-search", args=[business.slug]),
                      {"q": "Secret"}).content.decode()

    assert "No client matches" in text


def test_a_repeat_first_shows_the_dates_with_conflicts_unchecked_and_disabled(client, business,
                                                                             staff):
    salon = open_salon(business)
    first = next_weekday(1)
    busy = first + timedelta(weeks=2)
    AppointmentFactory(business=business, staff_member=salon.anna, service=salon.cut,
                       starts_at=paris(busy, 10), ends_at=paris(busy, 11),
                       busy_from=paris(busy, 10), busy_until=paris(busy, 11))
    claire = ClientFactory(business=business)
    client.force_login(staff)

    response = client.post(new_url(business), form_data(salon, claire, first,
                                                       interval_weeks="1", count="4"))

    assert response.status_code == 200
    rows = response.context["occurrences"].rows()
    assert [(start, free, checked) for start, free, _value, checked in rows] == [
        (paris(first + timedelta(weeks=week), 10), week != 2, week != 2) for week in range(4)]
    text = response.content.decode()
    assert text.count('name="starts"') == 4
    assert text.count(" disabled>") == 1
    assert "Conflict: not free" in text
    assert Appointment.objects.for_business(business).count() == 1


def test_confirming_books_only_the_chosen_dates_as_one_series(client, business, staff):
    salon = open_salon(business)
    first = next_weekday(1)
    claire = ClientFactory(business=business)
    client.force_login(staff)
    plan = client.post(new_url(business), form_data(salon, claire, first, interval_weeks="2",
                                                   until=(first + timedelta(weeks=6)).isoformat()))
    values = [value for _start, _free, value, _checked in plan.context["occurrences"].rows()]
    assert len(values) == 4

    response = client.post(new_url(business), form_data(
        salon, claire, first, interval_weeks="2", until=(first + timedelta(weeks=6)).isoformat(),
        action="book_series", starts=[values[0], values[1], values[3]]))

    assert response.status_code == 302
    booked = Appointment.objects.for_business(business).order_by("starts_at")
    assert [a.starts_at for a in booked] == [paris(first + timedelta(weeks=w), 10)
                                              for w in (0, 2, 6)]
    series = AppointmentSeries.objects.for_business(business).get()
    assert {a.series for a in booked} == {series}
    assert series.interval_weeks == 2


def test_a_date_outside_the_plan_cannot_be_slipped_in(client, business, staff):
    salon = open_salon(business)
    first = next_weekday(1)
    claire = ClientFactory(business=business)
    client.force_login(staff)

    response = client.post(new_url(business), form_data(
        salon, claire, first, interval_weeks="1", count="2", action="book_series",
        starts=[paris(first + timedelta(days=1), 10).isoformat()]))

    assert response.status_code == 200
    assert response.context["occurrences"].errors["starts"]
    assert not Appointment.objects.exists()


def test_choosing_no_date_is_refused(client, business, staff):
    salon = open_salon(business)
    client.force_login(staff)

    response = client.post(new_url(business), form_data(
        salon, ClientFactory(business=business), next_weekday(1), interval_weeks="1",
        count="2", action="book_series"))

    assert response.context["occurrences"].non_field_errors() == ["Choose at least one date."]
    assert not Appointment.objects.exists()


@pytest.mark.parametrize(("repeat", "field", "message"), [
    ({"interval_weeks": "0", "count": "3"}, "interval_weeks", "Repeat every 1 to 52 weeks."),
    ({"interval_weeks": "1", "count": "80"}, "count", "A series has 2 to 52 appointments."),
    ({"interval_weeks": "1"}, None, "Give either an end date or a number of appointments."),
    ({"count": "3"}, "interval_weeks", "Say every how many weeks it repeats."),
    ({"interval_weeks": "1", "until": "2020-01-01"}, "until",
     "The end date is before the first appointment."),
])
def test_a_bad_repeat_is_explained_next_to_its_field(client, business, staff, repeat, field,
                                                     message):
    salon = open_salon(business)
    client.force_login(staff)

    response = client.post(new_url(business), form_data(
        salon, ClientFactory(business=business), next_weekday(1), **repeat))

    assert response.context["repeat"].errors == {field or "__all__": [message]}
    assert response.context["occurrences"] is None
    assert not Appointment.objects.exists()


def test_the_client_page_links_to_a_new_appointment_for_them(client, business, staff):
    claire = ClientFactory(business=business)
    client.force_login(staff)

    page = client.get(new_url(business), {"client": claire.pk})

    assert page.context["selected"] == claire
    assert [c.pk for c in page.context["choices"]] == [claire.pk]
