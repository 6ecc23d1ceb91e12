"""The appointment page: details, history in the business's zone, state buttons, cancel, move."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from booking.models import Appointment, AppointmentEvent, AppointmentState
from booking.services.appointments import book_series
from tests.booking.booking_setup import next_weekday, open_salon, paris
from tests.factories import AppointmentFactory, ClassSessionFactory, ClientFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(business, name, *args) -> str:
    return reverse(f"booking:{name}", args=[business.slug, *args])


def past_appointment(salon, hours_ago=2, **fields):
    start = (timezone.now() - timedelta(hours=hours_ago)).replace(second=0, microsecond=0)
    return AppointmentFactory(business=salon.business, staff_member=salon.anna,
                              service=salon.cut, starts_at=start, busy_from=start,
                              ends_at=start + timedelta(hours=1),
                              busy_until=start + timedelta(hours=1), **fields)


def future_appointment(salon, day, hour=10, staff_member=None, **fields):
    start = paris(day, hour)
    return AppointmentFactory(business=salon.business, staff_member=staff_member or salon.anna,
                              service=salon.cut, starts_at=start, busy_from=start,
                              ends_at=start + timedelta(hours=1),
                              busy_until=start + timedelta(hours=1), **fields)


def test_the_page_shows_the_appointment_in_the_business_zone(client, business, staff):
    salon = open_salon(business)
    day = next_weekday(2)
    claire = ClientFactory(business=business, first_name="Claire", last_name="Martin",
                           phone="+33 6 12 34 56 78")
    appointment = future_appointment(salon, day, 14, client=claire, notes="Allergic to ammonia")
    client.force_login(staff)

    text = client.get(url(business, "appointment-detail", appointment.pk)).content.decode()

    assert "Claire Martin · Cut" in text
    assert "14:00</time>\u201315:00" in text
    assert "+33 6 12 34 56 78" in text
    assert "Allergic to ammonia" in text
    assert "45,00\xa0€" in text or "€45.00" in text
    assert url(business, "client-detail", claire.pk) in text


def test_the_history_says_who_changed_what_and_when_in_local_time(client, business, staff):
    salon = open_salon(business)
    appointment = past_appointment(salon)
    camille = UserFactory(full_name="Camille Laurent")
    AppointmentEvent.objects.create(
        business=business, appointment=appointment, from_state="", to_state="booked",
        changed_by=camille, changed_at=datetime(2026, 7, 1, 8, 5, tzinfo=UTC))
    AppointmentEvent.objects.create(
        business=business, appointment=appointment, from_state="booked", to_state="no_show",
        changed_by=None, changed_at=datetime(2026, 7, 2, 16, 30, tzinfo=UTC))
    client.force_login(staff)

    text = client.get(url(business, "appointment-detail", appointment.pk)).content.decode()

    history = text.split("<h2>History</h2>")[1]
    assert "1 Jul 2026, 10:05" in history  # summer time in Paris: UTC+2
    assert "Camille Laurent" in history
    assert "2 Jul 2026, 18:30" in history
    assert "Booked → No-show" in history


def test_a_past_booked_appointment_offers_completed_no_show_and_cancel(client, business, staff):
    appointment = past_appointment(open_salon(business))
    client.force_login(staff)

    response = client.get(url(business, "appointment-detail", appointment.pk))

    assert {key: response.context[key] for key in (
        "can_complete", "can_no_show", "can_undo", "can_cancel", "can_cancel_following",
        "can_move")} == {"can_complete": True, "can_no_show": True, "can_undo": False,
                         "can_cancel": True, "can_cancel_following": False, "can_move": True}
    assert "Mark no-show" in response.content.decode()


def test_a_future_appointment_cannot_be_marked_yet(client, business, staff):
    salon = open_salon(business)
    appointment = future_appointment(salon, next_weekday(1))
    client.force_login(staff)

    text = client.get(url(business, "appointment-detail", appointment.pk)).content.decode()

    assert "Mark completed" not in text
    assert "Mark no-show" not in text
    assert "Cancel appointment" in text
    assert "once it has started" in text


def test_staff_mark_a_past_appointment_no_show_and_the_history_records_them(client, business,
                                                                            staff):
    appointment = past_appointment(open_salon(business))
    client.force_login(staff)

    response = client.post(url(business, "appointment-state", appointment.pk),
                           {"state": "no_show"}, follow=True)

    appointment.refresh_from_db()
    assert appointment.state == AppointmentState.NO_SHOW
    assert response.redirect_chain[-1][0] == url(business, "appointment-detail", appointment.pk)
    text = response.content.decode()
    assert "Marked no-show." in text
    assert response.context["can_undo"] is True
    assert response.context["can_cancel"] is False
    event = appointment.events.get()
    assert (event.from_state, event.to_state, event.changed_by) == ("booked", "no_show", staff)


def test_undo_puts_a_no_show_back_to_booked(client, business, staff):
    appointment = past_appointment(open_salon(business), state=AppointmentState.NO_SHOW)
    client.force_login(staff)

    client.post(url(business, "appointment-state", appointment.pk), {"state": "booked"})

    appointment.refresh_from_db()
    assert appointment.state == AppointmentState.BOOKED


def test_marking_a_future_appointment_is_refused_with_a_message_and_nothing_changes(
        client, business, staff):
    appointment = future_appointment(open_salon(business), next_weekday(3))
    client.force_login(staff)

    response = client.post(url(business, "appointment-state", appointment.pk),
                           {"state": "completed"}, follow=True)

    assert "An appointment that has not started yet cannot be marked “Completed”." in \
        response.content.decode()
    appointment.refresh_from_db()
    assert appointment.state == AppointmentState.BOOKED
    assert not appointment.events.exists()


def test_an_unknown_state_is_a_message_not_an_error(client, business, staff):
    appointment = past_appointment(open_salon(business))
    client.force_login(staff)

    response = client.post(url(business, "appointment-state", appointment.pk),
                           {"state": "teleported"}, follow=True)

    assert response.status_code == 200
    assert "Choose what to mark the appointment." in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.state == AppointmentState.BOOKED


def test_staff_can_cancel_even_inside_the_notice_period(client, business, staff):
    salon = open_salon(business)
    start = timezone.now() + timedelta(hours=1)
    appointment = AppointmentFactory(business=business, staff_member=salon.anna,
                                     service=salon.cut, starts_at=start, busy_from=start,
                                     ends_at=start + timedelta(hours=1),
                                     busy_until=start + timedelta(hours=1))
    client.force_login(staff)

    response = client.post(url(business, "appointment-state", appointment.pk),
                           {"state": "cancelled"}, follow=True)

    appointment.refresh_from_db()
    assert appointment.state == AppointmentState.CANCELLED
    assert "Appointment cancelled." in response.content.decode()


def test_cancelling_a_seat_from_the_session_page_goes_back_there(client, business, staff):
    salon = open_salon(business)
    session = ClassSessionFactory(business=business, staff_member=salon.anna)
    seat = AppointmentFactory(business=business, staff_member=salon.anna, service=None,
                              class_session=session, starts_at=session.starts_at,
                              ends_at=session.ends_at, busy_from=session.starts_at,
                              busy_until=session.ends_at, price=0)
    back = url(business, "class-session-detail", session.pk)
    client.force_login(staff)

    response = client.post(url(business, "appointment-state", seat.pk),
                           {"state": "cancelled", "next": back})

    assert response["Location"] == back
    seat.refresh_from_db()
    assert seat.state == AppointmentState.CANCELLED


def test_a_next_address_outside_the_business_is_ignored(client, business, staff):
    appointment = past_appointment(open_salon(business))
    client.force_login(staff)

    for outside in ("https://evil.example/", "//evil.example/manage/", "/manage/other/"):
        response = client.post(url(business, "appointment-state", appointment.pk),
                               {"state": "booked", "next": outside})

        assert response["Location"] == url(business, "appointment-detail", appointment.pk)


def test_cancel_this_and_following_cancels_the_rest_of_the_series(client, business, staff):
    salon = open_salon(business)
    claire = ClientFactory(business=business)
    first = next_weekday(1)
    series = book_series(business=business, client=claire, service=salon.cut,
                         staff_member=salon.anna,
                         starts=[paris(first + timedelta(weeks=week), 10) for week in range(4)],
                         interval_weeks=1, booked_by=staff)
    client.force_login(staff)
    page = client.get(url(business, "appointment-detail", series[1].pk))
    assert page.context["can_cancel_following"] is True

    response = client.post(url(business, "appointment-cancel-following", series[1].pk),
                           follow=True)

    states = [a.state for a in Appointment.objects.for_business(business).order_by("starts_at")]
    assert states == ["booked", "cancelled", "cancelled", "cancelled"]
    assert "3 appointments cancelled." in response.content.decode()


def test_moving_changes_time_and_staff_member(client, business, staff):
    salon = open_salon(business)
    day = next_weekday(2)
    appointment = future_appointment(salon, day, 10)
    client.force_login(staff)

    response = client.post(url(business, "appointment-move", appointment.pk), {
        "date": day.isoformat(), "time": "15:30", "staff_member": salon.ben.pk})

    assert response["Location"] == url(business, "appointment-detail", appointment.pk)
    appointment.refresh_from_db()
    assert (appointment.starts_at, appointment.staff_member) == (paris(day, 15, 30), salon.ben)
    event = appointment.events.get()
    assert event.from_state == event.to_state == appointment.state
    page = client.get(url(business, "appointment-detail", appointment.pk))
    assert "Moved" in page.content.decode()


def test_a_refused_move_is_shown_on_the_form_and_nothing_changes(client, business, staff):
    salon = open_salon(business)
    day = next_weekday(2)
    appointment = future_appointment(salon, day, 10)
    future_appointment(salon, day, 15, staff_member=salon.ben)
    client.force_login(staff)

    response = client.post(url(business, "appointment-move", appointment.pk), {
        "date": day.isoformat(), "time": "15:30", "staff_member": salon.ben.pk})

    assert response.status_code == 200
    assert response.context["move_form"].non_field_errors() == [
        "This time was just taken. Please choose another one."]
    appointment.refresh_from_db()
    assert (appointment.starts_at, appointment.staff_member) == (paris(day, 10), salon.anna)


def test_a_move_to_a_time_the_clocks_skip_is_refused_next_to_the_time(client, business, staff):
    salon = open_salon(business)
    appointment = future_appointment(salon, next_weekday(2), 10)
    client.force_login(staff)

    response = client.post(url(business, "appointment-move", appointment.pk), {
        "date": "2027-03-28", "time": "02:30", "staff_member": salon.anna.pk})

    errors = response.context["move_form"].errors
    assert list(errors) == ["time"]
    assert "02:30 does not exist on" in errors["time"][0]
    assert "the clocks change that night" in errors["time"][0]


def test_bad_move_input_is_shown_next_to_the_fields(client, business, staff):
    salon = open_salon(business)
    appointment = future_appointment(salon, next_weekday(2), 10)
    client.force_login(staff)

    response = client.post(url(business, "appointment-move", appointment.pk), {
        "date": "31/02/2027", "time": "25:00", "staff_member": "999999"})

    assert response.status_code == 200
    assert set(response.context["move_form"].errors) == {"date", "time", "staff_member"}


def test_a_cancelled_appointment_offers_no_action(client, business, staff):
    appointment = past_appointment(open_salon(business), state=AppointmentState.CANCELLED)
    client.force_login(staff)

    response = client.get(url(business, "appointment-detail", appointment.pk))

    assert not any(response.context[key] for key in (
        "can_complete", "can_no_show", "can_undo", "can_cancel", "can_move"))
    assert response.context["move_form"] is None


def test_another_businesss_appointment_is_not_found(client, business, other_business, staff):
    theirs = AppointmentFactory(business=other_business)
    client.force_login(staff)

    assert client.get(url(business, "appointment-detail", theirs.pk)).status_code == 404
    assert client.post(url(business, "appointment-state", theirs.pk),
                       {"state": "cancelled"}).status_code == 404
    assert client.post(url(business, "appointment-move", theirs.pk),
                       {"date": "2030-01-01", "time": "10:00"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == AppointmentState.BOOKED


def test_the_client_page_lists_their_appointments_with_links(client, business, staff):
    salon = open_salon(business)
    claire = ClientFactory(business=business)
    mine = future_appointment(salon, next_weekday(1), client=claire)
    other = future_appointment(salon, next_weekday(1), 12)
    client.force_login(staff)

    text = client.get(url(business, "client-detail", claire.pk)).content.decode()

    section = text.split('<h2 id="appointments">')[1]
    assert url(business, "appointment-detail", mine.pk) in section
    assert url(business, "appointment-detail", other.pk) not in section


def test_move_by_get_goes_back_to_the_page(client, business, staff):
    appointment = future_appointment(open_salon(business), next_weekday(1))
    client.force_login(staff)

    response = client.get(url(business, "appointment-move", appointment.pk))

    assert response["Location"] == url(business, "appointment-detail", appointment.pk)


def test_a_day_in_the_move_form_is_read_as_a_local_date(client, business, staff):
    salon = open_salon(business)
    appointment = future_appointment(salon, next_weekday(2), 10)
    client.force_login(staff)

    page = client.get(url(business, "appointment-detail", appointment.pk))

    assert page.context["move_form"].initial["date"] == appointment.starts_at.astimezone(
        business.zone).date()
    assert isinstance(page.context["move_form"].initial["date"], date)
