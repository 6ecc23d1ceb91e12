"""Booking from a free cell in the calendar's side panel (issue 18): the same service and
refusals as the new appointment page, a walk-in by default; refusals say why, outside
working hours included; arrival and start in the history; the reward stamp on events."""

from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from booking.models import Appointment, AppointmentEvent, Client
from booking.services import appointments as appointment_services
from tests.booking.booking_setup import next_weekday, open_salon, paris
from tests.factories import AppointmentFactory, ClientFactory, WorkingHoursFactory

pytestmark = pytest.mark.django_db


def panel_url(business):
    return reverse("booking:appointment-panel", args=[business.slug])


def posted(salon, day, clock="10:00", **fields):
    return {"service": salon.cut.pk, "staff_member": salon.anna.pk, "date": day.isoformat(),
            "time": clock, "client": "", "walk_in_name": "", "walk_in_phone": "", "notes": "",
            **fields}


def test_the_panel_is_prefilled_with_the_cells_staff_member_and_time(client, business, staff):
    salon = open_salon(business)
    day = next_weekday(1)
    client.force_login(staff)

    response = client.get(panel_url(business), {"start": f"{day}T10:15",
                                                 "staff": salon.ben.pk}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    form = response.context["form"]
    assert (form["staff_member"].value(), form["date"].value(), form["time"].value()) == (
        str(salon.ben.pk), day, time(10, 15))
    page = response.content.decode()
    assert "<html" not in page
    assert 'name="client" value="" checked' in page
    assert "Book and check out" in page


def test_a_walk_in_with_a_typed_name_is_booked_as_a_new_client(client, business, staff):
    salon = open_salon(business)
    day = next_weekday(1)
    client.force_login(staff)

    response = client.post(panel_url(business), posted(
        salon, day, walk_in_name="  Léa   Petit ", walk_in_phone="06 11 22 33 44"),
        HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert "Cut booked for Léa Petit." in response.content.decode()
    booked = Appointment.objects.for_business(business).get()
    assert (booked.client.first_name, booked.client.last_name, booked.client.phone,
            booked.staff_member, booked.starts_at, booked.booked_by) == (
        "Léa", "Petit", "06 11 22 33 44", salon.anna, paris(day, 10), staff)
    # The answer is the new appointment's card, with its one-click actions.
    assert f'data-appointment="{booked.pk}"' in response.content.decode()


def test_a_nameless_walk_in_is_named_in_the_business_language(client, business, staff):
    business.language = "fr"
    business.save()
    salon = open_salon(business)
    day = next_weekday(1)
    client.force_login(staff)

    client.post(panel_url(business), posted(salon, day), HTTP_HX_REQUEST="true")

    booked = Appointment.objects.for_business(business).get()
    assert booked.client.first_name == "Client de passage"


def test_a_chosen_client_is_booked_and_no_client_is_created(client, business, staff):
    salon = open_salon(business)
    day = next_weekday(1)
    claire = ClientFactory(business=business, first_name="Claire")
    client.force_login(staff)

    client.post(panel_url(business), posted(salon, day, client=claire.pk),
                HTTP_HX_REQUEST="true")

    assert Appointment.objects.for_business(business).get().client == claire
    assert Client.objects.for_business(business).count() == 1


@pytest.mark.parametrize(("case", "fields", "message"), [
    ("taken", {"time": "10:30"}, "This time was just taken. Please choose another one."),
    ("outside working hours", {"time": "18:00"},
     "This time is outside working hours. Please choose another one."),
    ("no service", {"service": ""}, "This field is required."),
    ("bad time", {"time": "25:99"}, "Enter a valid time."),
])
def test_a_refused_booking_says_why_and_leaves_nothing_behind(client, business, staff, case,
                                                              fields, message):
    salon = open_salon(business)
    day = next_weekday(1)
    AppointmentFactory(business=business, staff_member=salon.anna, service=salon.cut,
                       starts_at=paris(day, 10), ends_at=paris(day, 11),
                       busy_from=paris(day, 10), busy_until=paris(day, 11))
    before = (Appointment.objects.count(), Client.objects.count())
    client.force_login(staff)

    fragment = client.post(panel_url(business), posted(salon, day, walk_in_name="Léa",
                                                        **fields), HTTP_HX_REQUEST="true")
    page = client.post(panel_url(business), posted(salon, day, walk_in_name="Léa",
                                                    action="checkout", **fields))

    assert message in fragment.content.decode().replace("&#x27;", "'"), case
    assert page.status_code == 400, case
    assert message in page.content.decode().replace("&#x27;", "'"), case
    assert (Appointment.objects.count(), Client.objects.count()) == before, case


def test_another_business_client_service_or_staff_is_refused(client, business, other_business,
                                                             staff):
    salon = open_salon(business)
    day = next_weekday(1)
    theirs = open_salon(other_business)
    their_client = ClientFactory(business=other_business)
    client.force_login(staff)

    for field, value in (("client", their_client.pk), ("service", theirs.cut.pk),
                         ("staff_member", theirs.anna.pk)):
        response = client.post(panel_url(business), posted(salon, day, **{field: value}))
        assert response.status_code == 400, field
        assert "Select a valid choice" in response.content.decode() \
            or "Choose a client from the list." in response.content.decode(), field
    assert Appointment.objects.count() == 0


def test_without_htmx_book_goes_back_to_the_day(client, business, staff):
    salon = open_salon(business)
    day = next_weekday(1)
    client.force_login(staff)

    response = client.post(panel_url(business), posted(salon, day, walk_in_name="Léa"))

    assert response.status_code == 302
    assert response["Location"].endswith(f"/calendar/?day={day.isoformat()}")
    assert client.get(panel_url(business)).status_code == 200


def test_outside_working_hours_is_refused_by_its_own_message_when_moving(business, staff):
    salon = open_salon(business)
    day = next_weekday(1)
    appointment = AppointmentFactory(business=business, staff_member=salon.anna,
                                     service=salon.cut, starts_at=paris(day, 10),
                                     ends_at=paris(day, 11), busy_from=paris(day, 10),
                                     busy_until=paris(day, 11))

    with pytest.raises(ValidationError, match="outside working hours"):
        appointment_services.move_appointment(business=business, appointment=appointment,
                                              start=paris(day, 20), by=staff)


def test_anyone_free_is_tried_and_only_then_outside_hours_is_said(business, staff):
    salon = open_salon(business)
    day = next_weekday(1)
    claire = ClientFactory(business=business)

    with pytest.raises(ValidationError, match="outside working hours"):
        appointment_services.book_appointment(business=business, client=claire,
                                              service=salon.cut, start=paris(day, 7),
                                              online=False, booked_by=staff)
    booked = appointment_services.book_appointment(business=business, client=claire,
                                                   service=salon.cut, start=paris(day, 9),
                                                   online=False, booked_by=staff)
    assert booked.staff_member == salon.anna


def test_arrival_and_start_are_written_to_the_history(client, business, staff):
    salon = open_salon(business, hours=(time(0), time(23, 59)))
    WorkingHoursFactory(business=business, staff_member=salon.anna, weekday=6,
                        start_time=time(0), end_time=time(23, 59))
    walk_in = appointment_services.book_at_desk(
        business=business, client=None, walk_in_name="Léa", service=salon.cut,
        staff_member=salon.anna, start=_later_today(business), booked_by=staff)
    if walk_in.starts_at.astimezone(business.zone).date() != \
            walk_in.created_at.astimezone(business.zone).date():
        pytest.skip("too close to midnight for an appointment later today")

    appointment_services.mark_progress(business=business, appointment=walk_in,
                                       step="started", by=staff)

    steps = list(AppointmentEvent.objects.for_business(business).filter(appointment=walk_in)
                 .values_list("to_state", "changed_by"))
    assert steps == [("booked", staff.pk), ("arrived", staff.pk), ("started", staff.pk)]
    client.force_login(staff)
    page = client.get(reverse("booking:appointment-detail",
                              args=[business.slug, walk_in.pk])).content.decode()
    assert "Arrived" in page
    assert "Started" in page


def _later_today(business):
    now = timezone.localtime(timezone=business.zone)
    start = (now + timedelta(minutes=45)).replace(second=0, microsecond=0)
    return start - timedelta(minutes=start.minute % 15)


def test_a_reward_booking_carries_the_stamp_on_the_calendar(client, business, staff):
    salon = open_salon(business)
    day = next_weekday(1)
    for first_name, reward, hour in (("Zoé", True, 10), ("Eva", False, 12)):
        AppointmentFactory(business=business, staff_member=salon.anna, service=salon.cut,
                           client=ClientFactory(business=business, first_name=first_name,
                                                last_name="Roy"),
                           starts_at=paris(day, hour), ends_at=paris(day, hour + 1),
                           busy_from=paris(day, hour), busy_until=paris(day, hour + 1),
                           used_reward=reward)
    client.force_login(staff)

    events = client.get(reverse("booking:calendar-events", args=[business.slug]),
                        {"start": day.isoformat(),
                         "end": (day + timedelta(days=1)).isoformat()}).json()

    titles = {event["title"]: event["classNames"] for event in events
              if event.get("id", "").startswith("a")}
    assert titles == {"★ Zoé Roy · Cut": ["ev-booked", "ev-reward"],
                      "Eva Roy · Cut": ["ev-booked"]}
