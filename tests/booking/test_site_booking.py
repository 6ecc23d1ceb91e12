"""Booking a service on the site /<slug>/: staff, day, slot, confirm, the confirmation page
and "My appointments"."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, quote, urlparse

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone

from booking import codes
from booking.codes import BookingDiscount
from booking.forms_site import start_param
from booking.models import Appointment, AppointmentState, Client
from booking.services.appointments import book_appointment, book_class_seat
from tenancy.models import Extension
from tenancy.services import set_extension
from tests.booking.booking_setup import (
    PARIS,
    StubCodeApplier,
    next_weekday,
    open_salon,
    paris,
)
from tests.factories import (
    PASSWORD,
    AppointmentFactory,
    ClassSessionFactory,
    ClassTypeFactory,
    ClientFactory,
    ServiceFactory,
    StaffMemberFactory,
    UserFactory,
    WorkingHoursFactory,
)
from tests.fixtures.site import sign_in_on_site

pytestmark = pytest.mark.django_db

EN_DASH = "\u2013"
GUEST = {"first_name": "Léa", "last_name": "Petit", "email": "lea@example.com",
         "phone": "06 11 22 33 44"}


@pytest.fixture
def salon(business):
    return open_salon(business)


@pytest.fixture
def with_login(business):
    set_extension(business=business, extension=Extension.CLIENT_LOGIN, enabled=True)
    return business


@pytest.fixture
def signed_in(client, business):
    """A client of the business with a login, signed in on Django's test client."""
    user = UserFactory(email="claire@example.com")
    claire = ClientFactory(business=business, user=user, email=user.email, first_name="Claire")
    sign_in_on_site(client, user, business)
    return claire


def slots_url(business, service, **query):
    url = reverse("booking:site-book-service", args=[business.slug, service.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def confirm_url(business, service, start, staff="any"):
    return (reverse("booking:site-book-confirm", args=[business.slug, service.pk])
            + f"?start={start_param(start) if hasattr(start, 'tzinfo') else start}"
            + f"&staff={staff}")


def site_url(business, name, *args):
    return reverse(f"booking:site-{name}", args=[business.slug, *args])


def shown_times(response) -> list[str]:
    return [start.astimezone(PARIS).strftime("%H:%M") for start, _url in response.context["slots"]]


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# Home ----------------------------------------------------------------------------------

def test_home_lists_the_active_services_with_duration_and_price_in_the_business_currency(
        client, salon, other_business):
    ServiceFactory(business=salon.business, name="Old perm", is_active=False)
    ServiceFactory(business=other_business, name="Their massage")
    salon.cut.description = "Wash, cut and blow-dry."
    salon.cut.price = Decimal("45.50")
    salon.cut.save()

    page = client.get(site_url(salon.business, "home")).content.decode()

    assert "Cut" in page
    assert "Wash, cut and blow-dry." in page
    assert "60 min" in page
    assert "€45.50" in page
    assert slots_url(salon.business, salon.cut) in page
    assert "Old perm" not in page
    assert "Their massage" not in page


def test_home_lists_the_class_sessions_of_the_next_14_days_with_the_seats_left(
        client, business):
    yoga = ClassTypeFactory(business=business, name="Morning yoga", capacity=3)
    soon = ClassSessionFactory(business=business, class_type=yoga,
                               starts_at=timezone.now() + timedelta(days=1))
    book_class_seat(business=business, client=ClientFactory(business=business),
                    class_session=soon)
    ClassSessionFactory(business=business, class_type=ClassTypeFactory(
        business=business, name="Cancelled pilates"), is_cancelled=True)
    ClassSessionFactory(business=business, class_type=ClassTypeFactory(
        business=business, name="Far barre"), starts_at=timezone.now() + timedelta(days=20))
    ClassSessionFactory(business=business, class_type=ClassTypeFactory(
        business=business, name="Past stretch"), starts_at=timezone.now() - timedelta(hours=2))

    response = client.get(site_url(business, "home"))

    page = response.content.decode()
    assert [s.pk for s in response.context["class_sessions"]] == [soon.pk]
    assert "Morning yoga" in page
    assert "2 seats left" in page
    assert site_url(business, "class-session", soon.pk) in page
    assert "Cancelled pilates" not in page
    assert "Far barre" not in page
    assert "Past stretch" not in page


# Choosing a staff member, a day and a slot ---------------------------------------------

def test_the_slot_page_shows_the_free_times_of_the_day_in_the_business_time(client, salon):
    tuesday = next_weekday(1)

    response = client.get(slots_url(salon.business, salon.cut, day=tuesday.isoformat()))

    assert response.status_code == 200
    times = shown_times(response)
    assert times[0] == "09:00"
    assert times[-1] == "16:00"
    page = response.content.decode()
    assert ">09:00<" in page
    first_link = response.context["slots"][0][1]
    assert parse_qs(urlparse(first_link).query) == {
        "start": [start_param(paris(tuesday, 9))], "staff": ["any"]}


def test_choosing_a_staff_member_shows_only_their_free_times(client, salon):
    tuesday = next_weekday(1)
    AppointmentFactory(business=salon.business, staff_member=salon.anna, service=salon.cut,
                       starts_at=paris(tuesday, 10), ends_at=paris(tuesday, 11),
                       busy_from=paris(tuesday, 10), busy_until=paris(tuesday, 11))

    with_anna = client.get(slots_url(salon.business, salon.cut, day=tuesday.isoformat(),
                                     staff=salon.anna.pk))
    with_anyone = client.get(slots_url(salon.business, salon.cut, day=tuesday.isoformat(),
                                       staff="any"))

    assert "10:00" not in shown_times(with_anna)
    assert "09:00" in shown_times(with_anna)
    assert "10:00" in shown_times(with_anyone)
    assert with_anna.context["slots"][0][1].endswith(f"&staff={salon.anna.pk}")


def test_an_empty_day_says_so_and_suggests_the_next_day_with_free_times(client, salon):
    sunday = next_weekday(6)

    response = client.get(slots_url(salon.business, salon.cut, day=sunday.isoformat()))

    page = response.content.decode()
    assert response.context["slots"] == []
    assert "No free times on this day." in page
    assert response.context["next_free_day"] == sunday + timedelta(days=1)
    monday_url = slots_url(salon.business, salon.cut, staff="any",
                           day=(sunday + timedelta(days=1)).isoformat())
    assert monday_url.replace("&", "&amp;") in page


def test_a_day_with_nothing_free_for_14_days_asks_to_call(client, business):
    nobody = ServiceFactory(business=business, name="Rare treatment")

    response = client.get(slots_url(business, nobody))

    assert response.context["next_free_day"] is None
    assert "Nothing is free in the next 14 days either" in response.content.decode()


@pytest.mark.parametrize(("day", "message"), [
    ("2026-02-30", "Enter the day as a date"),
    ("not-a-date", "Enter the day as a date"),
    ("2001-01-01", "This day has passed; here is today."),
])
def test_an_unreadable_or_past_day_gets_a_message_and_today(client, salon, day, message):
    response = client.get(slots_url(salon.business, salon.cut, day=day))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["day"] == timezone.localdate()


def test_a_day_past_the_booking_horizon_shows_the_last_bookable_day(client, salon):
    salon.business.booking_horizon_days = 10
    salon.business.save()
    far = timezone.localdate() + timedelta(days=60)

    response = client.get(slots_url(salon.business, salon.cut, day=far.isoformat()))

    assert "Online booking is open up to" in response.content.decode()
    assert response.context["day"] == timezone.localdate(timezone.now() + timedelta(days=10))
    assert response.context["next_url"] is None


def test_a_staff_member_who_does_not_perform_the_service_falls_back_to_any(
        client, salon, other_business):
    stranger = StaffMemberFactory(business=other_business)

    response = client.get(slots_url(salon.business, salon.cut, staff=stranger.pk))

    assert "Choose a staff member from the list." in response.content.decode()
    assert response.context["staff_key"] == "any"


def test_a_service_of_another_business_an_inactive_one_or_none_is_not_found(
        client, salon, other_business):
    theirs = ServiceFactory(business=other_business)
    retired = ServiceFactory(business=salon.business, is_active=False)

    for service_pk in (theirs.pk, retired.pk, 999_999):
        assert client.get(reverse("booking:site-book-service",
                                  args=[salon.business.slug, service_pk])).status_code == 404
        assert client.get(reverse("booking:site-book-confirm",
                                  args=[salon.business.slug, service_pk])).status_code == 404


def test_the_slot_page_makes_as_many_queries_with_a_big_team_and_a_full_diary(
        client, salon, django_assert_max_num_queries):
    tuesday = next_weekday(1)
    url = slots_url(salon.business, salon.cut, day=tuesday.isoformat())
    with django_assert_max_num_queries(6):
        small = client.get(url)
    for n in range(8):
        person = StaffMemberFactory(business=salon.business, name=f"Extra {n}")
        salon.cut.staff.add(person, through_defaults={"business": salon.business})
        for weekday in range(6):
            WorkingHoursFactory(business=salon.business, staff_member=person, weekday=weekday)
        for hour in (9, 11, 14):
            AppointmentFactory(business=salon.business, staff_member=person, service=salon.cut,
                               starts_at=paris(tuesday, hour), ends_at=paris(tuesday, hour + 1),
                               busy_from=paris(tuesday, hour),
                               busy_until=paris(tuesday, hour + 1))

    with django_assert_max_num_queries(6):
        big = client.get(url)

    assert len(big.context["performers"]) == 10
    assert shown_times(big) == shown_times(small)


# Confirming ----------------------------------------------------------------------------

def test_a_guest_confirms_a_slot_and_sees_the_confirmation(client, salon):
    tuesday = next_weekday(1)
    url = confirm_url(salon.business, salon.cut, paris(tuesday, 10))

    summary = client.get(url)
    response = client.post(url, GUEST)

    appointment = Appointment.objects.for_business(salon.business).get()
    assert "Any" not in summary.content.decode()
    assert "First available" in summary.content.decode()
    assert f"10:00{EN_DASH}11:00" in summary.content.decode()
    assert response.status_code == 302
    assert response["Location"] == site_url(salon.business, "appointment", appointment.pk)
    assert appointment.starts_at == paris(tuesday, 10)
    assert appointment.staff_member == salon.anna
    assert (appointment.client.first_name, appointment.client.email) == ("Léa", "lea@example.com")
    assert appointment.booked_by is None
    confirmation = client.get(response["Location"])
    assert "Your booking is confirmed" in confirmation.content.decode()


def test_a_guest_with_a_known_email_books_as_that_client(client, salon):
    known = ClientFactory(business=salon.business, email="lea@example.com", phone="")
    tuesday = next_weekday(1)

    client.post(confirm_url(salon.business, salon.cut, paris(tuesday, 10), salon.ben.pk),
                {**GUEST, "email": "LEA@Example.com"})

    appointment = Appointment.objects.for_business(salon.business).get()
    known.refresh_from_db()
    assert appointment.client == known
    assert appointment.staff_member == salon.ben
    assert known.phone == GUEST["phone"]
    assert Client.objects.for_business(salon.business).count() == 1


def test_the_guest_form_needs_a_name_an_email_and_a_phone(client, salon):
    tuesday = next_weekday(1)

    response = client.post(confirm_url(salon.business, salon.cut, paris(tuesday, 10)),
                           {"first_name": "Léa", "email": "not-an-email"})

    errors = response.context["form"].errors
    assert set(errors) == {"last_name", "email", "phone"}
    assert not Appointment.objects.exists()
    assert not Client.objects.exists()


def test_a_refused_code_is_shown_next_to_the_field_and_nothing_is_booked(client, salon):
    tuesday = next_weekday(1)

    response = client.post(confirm_url(salon.business, salon.cut, paris(tuesday, 10)),
                           {**GUEST, "code": "SUMMER10"})

    assert response.status_code == 200
    assert "This code is not valid here" in str(response.context["form"].errors["code"])
    assert not Appointment.objects.exists()
    assert not Client.objects.exists()


def test_an_accepted_code_is_recorded_on_the_booking(client, salon, monkeypatch):
    def summer(code):
        return BookingDiscount(code=code, label="Summer", discount=Decimal("5.00")) \
            if code == "SUMMER10" else None

    monkeypatch.setattr(codes, "_appliers", [StubCodeApplier(summer)])
    tuesday = next_weekday(1)

    client.post(confirm_url(salon.business, salon.cut, paris(tuesday, 10)),
                {**GUEST, "code": " SUMMER10 "})

    appointment = Appointment.objects.for_business(salon.business).get()
    assert (appointment.discount_code, appointment.discount) == ("SUMMER10", Decimal("5.00"))
    assert appointment.amount_due == salon.cut.price - Decimal("5.00")
    assert appointment.code_earns_points is False


def test_a_code_whose_use_is_refused_while_booking_books_nothing(client, salon, monkeypatch):
    def used_up(*, appointment):
        raise ValidationError({"code": "This code has been used up."})

    def summer(code):
        return BookingDiscount(code=code, label="Summer", discount=Decimal("5.00"))

    monkeypatch.setattr(codes, "_appliers", [StubCodeApplier(summer, use=used_up)])
    tuesday = next_weekday(1)

    response = client.post(confirm_url(salon.business, salon.cut, paris(tuesday, 10)),
                           {**GUEST, "code": "SUMMER10"}, follow=True)

    assert "This code has been used up." in messages_of(response)
    assert not Appointment.objects.exists()


def test_a_reward_code_that_still_earns_is_recorded_as_such(salon, monkeypatch):
    used = []

    def reward(code):
        return BookingDiscount(code=code, label="Reward", discount=Decimal("500.00"),
                               earns_points=True)

    def use(*, appointment):
        used.append(appointment.pk)

    monkeypatch.setattr(codes, "_appliers", [StubCodeApplier(reward, use=use)])
    tuesday = next_weekday(1)

    appointment = book_appointment(
        business=salon.business, client=ClientFactory(business=salon.business),
        service=salon.cut, start=paris(tuesday, 10), staff_member=salon.anna, code="ABCDEF")

    assert appointment.discount == salon.cut.price
    assert appointment.amount_due == 0
    assert appointment.code_earns_points is True
    assert used == [appointment.pk]


def test_a_slot_just_taken_returns_to_the_slot_choice_with_the_message(client, salon):
    tuesday = next_weekday(1)
    url = confirm_url(salon.business, salon.cut, paris(tuesday, 10), salon.anna.pk)
    client.get(url)
    book_appointment(business=salon.business, client=ClientFactory(business=salon.business),
                     service=salon.cut, start=paris(tuesday, 10), staff_member=salon.anna)

    response = client.post(url, GUEST, follow=True)

    assert response.redirect_chain[-1][0] == slots_url(
        salon.business, salon.cut, staff=salon.anna.pk, day=tuesday.isoformat())
    assert "This time was just taken. Please choose another one." in messages_of(response)
    assert "10:00" not in shown_times(response)
    assert Appointment.objects.count() == 1


@pytest.mark.parametrize("start", ["tomorrow", "2030-01-07T10:00:00", "9999-12-31T23:59:59Z",
                                   "0001-01-01T00:00:00+01:00", ""])
def test_an_unreadable_start_books_nothing_and_sends_back_to_the_slots(client, salon, start):
    response = client.post(confirm_url(salon.business, salon.cut, start), GUEST, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain
    assert messages_of(response)
    assert not Appointment.objects.exists()


def test_a_start_that_is_not_an_offered_slot_is_refused(client, salon):
    tuesday = next_weekday(1)
    url = confirm_url(salon.business, salon.cut, paris(tuesday, 10, 7))

    shown = client.get(url, follow=True)
    posted = client.post(url, GUEST, follow=True)

    assert "This time is no longer available" in messages_of(shown)[0]
    assert "just taken" in messages_of(posted)[0]
    assert not Appointment.objects.exists()


def test_a_past_start_is_refused_with_a_message(client, salon):
    yesterday = timezone.localdate() - timedelta(days=1)

    response = client.get(confirm_url(salon.business, salon.cut, paris(yesterday, 10)),
                          follow=True)

    assert response.redirect_chain[-1][0] == slots_url(salon.business, salon.cut, staff="any")
    assert "no longer available" in messages_of(response)[0]


def test_with_client_login_a_visitor_logs_in_or_signs_up_and_comes_back(client, salon,
                                                                        with_login):
    tuesday = next_weekday(1)
    url = confirm_url(salon.business, salon.cut, paris(tuesday, 10))

    page = client.get(url).content.decode()
    posted = client.post(url, {})

    back = f"?next={quote(url, safe='/')}"
    assert site_url(salon.business, "login") + back in page
    assert site_url(salon.business, "signup") + back in page
    assert 'name="first_name"' not in page
    assert posted.status_code == 302
    assert posted["Location"].startswith(site_url(salon.business, "login") + "?next=")
    assert not Appointment.objects.exists()


def test_a_signed_in_client_confirms_directly(client, salon, with_login, signed_in):
    tuesday = next_weekday(1)
    url = confirm_url(salon.business, salon.cut, paris(tuesday, 10))

    page = client.get(url).content.decode()
    client.post(url, {"code": ""})

    appointment = Appointment.objects.for_business(salon.business).get()
    assert "Booking as claire@example.com" in page
    assert 'name="email"' not in page
    assert appointment.client == signed_in
    assert appointment.booked_by == signed_in.user


def test_a_sign_in_at_another_business_site_does_not_book_here(
        client, salon, with_login, other_business):
    user = UserFactory(email="olga@example.com", full_name="Olga Shevchenko")
    ClientFactory(business=other_business, user=user, email=user.email)
    sign_in_on_site(client, user, other_business)
    url = confirm_url(salon.business, salon.cut, paris(next_weekday(1), 10))

    response = client.post(url, {})

    assert response.status_code == 302
    assert reverse("booking:site-login", args=[salon.business.slug]) in response["Location"]
    assert not Appointment.objects.for_business(salon.business).exists()


def test_a_person_with_a_login_elsewhere_becomes_a_client_here_by_signing_in(
        client, salon, with_login, other_business):
    user = UserFactory(email="olga@example.com", full_name="Olga Shevchenko")
    ClientFactory(business=other_business, user=user, email=user.email)
    client.post(reverse("booking:site-login", args=[salon.business.slug]),
                {"email": "olga@example.com", "password": PASSWORD})

    client.post(confirm_url(salon.business, salon.cut, paris(next_weekday(1), 10)), {})

    appointment = Appointment.objects.for_business(salon.business).get()
    assert appointment.client.user == user
    assert appointment.client.business == salon.business


def test_the_confirm_page_speaks_the_business_language_and_time(client, salon):
    salon.business.language = "fr"
    salon.business.time_zone = "America/Montreal"
    salon.business.save()
    ten_in_montreal = datetime.combine(next_weekday(1), time(10), tzinfo=salon.business.zone)

    page = client.get(confirm_url(salon.business, salon.cut, ten_in_montreal)).content.decode()

    assert '<html lang="fr">' in page
    assert f"10:00{EN_DASH}11:00" in page


# The confirmation ----------------------------------------------------------------------

def test_the_confirmation_is_not_found_for_anyone_but_who_booked_it(client, salon, with_login,
                                                                    signed_in):
    theirs = AppointmentFactory(business=salon.business, staff_member=salon.anna,
                                service=salon.cut)
    mine = AppointmentFactory(business=salon.business, client=signed_in,
                              staff_member=salon.ben, service=salon.cut)

    assert client.get(site_url(salon.business, "appointment", mine.pk)).status_code == 200
    assert client.get(site_url(salon.business, "appointment", theirs.pk)).status_code == 404
    assert client.get(site_url(salon.business, "appointment", 999_999)).status_code == 404
    client.logout()
    assert client.get(site_url(salon.business, "appointment", mine.pk)).status_code == 404


def test_a_guest_sees_only_the_confirmation_of_what_this_browser_booked(client, salon):
    tuesday = next_weekday(1)
    client.post(confirm_url(salon.business, salon.cut, paris(tuesday, 10)), GUEST)
    appointment = Appointment.objects.get()
    url = site_url(salon.business, "appointment", appointment.pk)
    stranger = Browser()

    assert client.get(url).status_code == 200
    assert stranger.get(url).status_code == 404
    assert stranger.get(site_url(salon.business, "appointment-calendar",
                                 appointment.pk)).status_code == 404


def test_the_confirmation_offers_the_booking_as_a_calendar_file(client, salon):
    tuesday = next_weekday(1)
    client.post(confirm_url(salon.business, salon.cut, paris(tuesday, 10)), GUEST)
    appointment = Appointment.objects.get()

    response = client.get(site_url(salon.business, "appointment-calendar", appointment.pk))

    body = response.content.decode()
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert f"SUMMARY:Cut · {salon.business.name}" in body
    assert "DTSTART;TZID=Europe/Paris:" + paris(tuesday, 10).strftime("%Y%m%dT%H%M%S") in body


# My appointments -----------------------------------------------------------------------

def test_my_appointments_lists_upcoming_and_past_with_cancel_only_when_allowed(
        client, salon, with_login, signed_in):
    tuesday = next_weekday(1)
    far = AppointmentFactory(business=salon.business, client=signed_in, service=salon.cut,
                             staff_member=salon.anna, starts_at=paris(tuesday, 10),
                             ends_at=paris(tuesday, 11), busy_from=paris(tuesday, 10),
                             busy_until=paris(tuesday, 11))
    soon_start = (timezone.now() + timedelta(hours=3)).replace(second=0, microsecond=0)
    soon = AppointmentFactory(business=salon.business, client=signed_in, service=salon.cut,
                              staff_member=salon.ben, starts_at=soon_start,
                              ends_at=soon_start + timedelta(hours=1), busy_from=soon_start,
                              busy_until=soon_start + timedelta(hours=1))
    past_start = timezone.now() - timedelta(days=3)
    past = AppointmentFactory(business=salon.business, client=signed_in, service=salon.cut,
                              staff_member=salon.ben, starts_at=past_start,
                              ends_at=past_start + timedelta(hours=1), busy_from=past_start,
                              busy_until=past_start + timedelta(hours=1))
    AppointmentFactory(business=salon.business, service=salon.cut, staff_member=salon.anna)

    response = client.get(site_url(salon.business, "my-appointments"))

    page = response.content.decode()
    assert [a.pk for a in response.context["upcoming"]] == [soon.pk, far.pk]
    assert [a.pk for a in response.context["past"]] == [past.pk]
    assert site_url(salon.business, "appointment-cancel", far.pk) in page
    assert site_url(salon.business, "appointment-cancel", soon.pk) not in page
    assert "Cancellation online closes 24 hours before; please call us." in page
    assert "Attended" in page


def test_a_client_cancels_from_my_appointments(client, salon, with_login, signed_in):
    tuesday = next_weekday(1)
    client.post(confirm_url(salon.business, salon.cut, paris(tuesday, 10)), {})
    appointment = Appointment.objects.get()

    response = client.post(site_url(salon.business, "appointment-cancel", appointment.pk),
                           follow=True)

    appointment.refresh_from_db()
    assert appointment.state == AppointmentState.CANCELLED
    assert appointment.state_changed_by == signed_in.user
    assert "Your appointment is cancelled." in messages_of(response)


def test_a_client_cannot_cancel_inside_the_notice_or_someone_elses(client, salon, with_login,
                                                                     signed_in):
    start = (timezone.now() + timedelta(hours=3)).replace(second=0, microsecond=0)
    soon = AppointmentFactory(business=salon.business, client=signed_in, service=salon.cut,
                              staff_member=salon.ben, starts_at=start,
                              ends_at=start + timedelta(hours=1), busy_from=start,
                              busy_until=start + timedelta(hours=1))
    theirs = AppointmentFactory(business=salon.business, service=salon.cut,
                                staff_member=salon.anna)

    refused = client.post(site_url(salon.business, "appointment-cancel", soon.pk), follow=True)
    other = client.post(site_url(salon.business, "appointment-cancel", theirs.pk))

    assert "can be cancelled online up to 24 hours" in messages_of(refused)[0]
    assert other.status_code == 404
    assert set(Appointment.objects.values_list("state", flat=True)) == {"booked"}


def test_my_appointments_asks_a_visitor_to_log_in_and_is_absent_without_client_login(
        client, salon):
    assert client.get(site_url(salon.business, "my-appointments")).status_code == 404

    set_extension(business=salon.business, extension=Extension.CLIENT_LOGIN, enabled=True)
    response = client.get(site_url(salon.business, "my-appointments"))

    assert response.status_code == 302
    assert response["Location"].startswith(site_url(salon.business, "login"))


def test_the_header_offers_my_appointments_to_a_signed_in_client(client, business, with_login,
                                                                 signed_in):
    page = client.get(site_url(business, "home")).content.decode()

    assert site_url(business, "my-appointments") in page
    assert "My appointments" in page


def test_slot_times_keep_their_wall_clock_in_another_zone(client, business):
    business.time_zone = "Europe/Kyiv"
    business.save()
    anna = StaffMemberFactory(business=business, name="Anna")
    for weekday in range(7):
        WorkingHoursFactory(business=business, staff_member=anna, weekday=weekday,
                            start_time=time(10), end_time=time(12))
    service = ServiceFactory(business=business, performers=[anna])
    day = next_weekday(2)

    response = client.get(slots_url(business, service, day=day.isoformat()))

    assert ">10:00<" in response.content.decode()
    assert response.context["slots"][0][0].astimezone(business.zone).hour == 10


def test_a_login_whose_address_has_an_unconnected_client_record_books_nothing_with_it(
        client, salon, with_login):
    # Given a walk-in, and a login of its address that never opened the emailed link
    walk_in = ClientFactory(business=salon.business, email="claire@example.com", user=None)
    sign_in_on_site(client, UserFactory(email="claire@example.com"), salon.business)

    # When it confirms a booking
    response = client.post(confirm_url(salon.business, salon.cut,
                                       paris(next_weekday(1), 10)), {"code": ""})

    # Then it is sent to the link's page, and nothing is booked nor linked
    assert response["Location"] == site_url(salon.business, "connect-sent")
    assert not Appointment.objects.exists()
    walk_in.refresh_from_db()
    assert walk_in.user is None
