"""A class session's seat list: staff give clients seats, cancel seats, see the waitlist."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from booking.models import Appointment, AppointmentState, WaitlistEntry
from tests.factories import (
    AppointmentFactory,
    ClassSessionFactory,
    ClassTypeFactory,
    ClientFactory,
    StaffMemberFactory,
    WaitlistEntryFactory,
)

pytestmark = pytest.mark.django_db


def url(business, name, *args) -> str:
    return reverse(f"booking:{name}", args=[business.slug, *args])


def session_of(business, capacity=3, **fields):
    leader = StaffMemberFactory(business=business, name="Iryna")
    kind = ClassTypeFactory(business=business, name="Pilates", capacity=capacity)
    return ClassSessionFactory(business=business, class_type=kind, staff_member=leader,
                               capacity=capacity, **fields)


def seat(session, client=None, **fields):
    return AppointmentFactory(business=session.business, staff_member=session.staff_member,
                              service=None, class_session=session,
                              client=client or ClientFactory(business=session.business),
                              starts_at=session.starts_at, ends_at=session.ends_at,
                              busy_from=session.starts_at, busy_until=session.ends_at, price=0,
                              **fields)


def test_the_page_lists_seats_and_the_waitlist(client, business, staff):
    session = session_of(business, capacity=2)
    olena = ClientFactory(business=business, first_name="Olena", last_name="Shevchenko")
    seat(session, olena)
    seat(session, state=AppointmentState.CANCELLED,
         client=ClientFactory(business=business, first_name="Gone"))
    waiting = WaitlistEntryFactory(business=business, class_session=session,
                                   client=ClientFactory(business=business, first_name="Maria"))
    client.force_login(staff)

    response = client.get(url(business, "class-session-detail", session.pk))

    text = response.content.decode()
    assert "Pilates" in text
    assert "Iryna" in text
    assert "1 of 2 booked" in text
    assert [s.client.first_name for s in response.context["seats"]] == ["Olena", "Gone"]
    assert "Cancel the seat of Olena Shevchenko" in text
    assert "Cancel the seat of Gone" not in text
    assert [e.pk for e in response.context["waitlist"]] == [waiting.pk]
    assert "Maria" in text
    assert "Give a client a seat" in text


def test_staff_give_a_client_a_seat(client, business, staff):
    session = session_of(business)
    claire = ClientFactory(business=business)
    client.force_login(staff)

    response = client.post(url(business, "class-session-add", session.pk),
                           {"action": "seat", "client": claire.pk}, follow=True)

    booked = Appointment.objects.for_business(business).get()
    assert (booked.client, booked.class_session, booked.booked_by) == (claire, session, staff)
    assert f"{claire.full_name} has a seat." in response.content.decode()


def test_a_second_seat_for_the_same_client_is_refused_on_the_form(client, business, staff):
    session = session_of(business)
    claire = ClientFactory(business=business)
    seat(session, claire)
    client.force_login(staff)

    response = client.post(url(business, "class-session-add", session.pk),
                           {"action": "seat", "client": claire.pk})

    assert response.status_code == 200
    assert response.context["pick"].non_field_errors() == [
        "You already have a seat in this class."]
    assert Appointment.objects.count() == 1


def test_without_a_client_the_form_says_so(client, business, staff):
    session = session_of(business)
    client.force_login(staff)

    response = client.post(url(business, "class-session-add", session.pk), {"action": "seat"})

    assert response.context["pick"].errors["client"] == ["Choose a client, or add a new walk-in."]


def test_a_full_session_offers_the_waitlist_and_staff_add_a_client_to_it(client, business,
                                                                         staff):
    session = session_of(business, capacity=1)
    seat(session)
    claire = ClientFactory(business=business)
    client.force_login(staff)
    page = client.get(url(business, "class-session-detail", session.pk))
    assert page.context["full"] is True
    assert "Add to the waitlist" in page.content.decode()

    client.post(url(business, "class-session-add", session.pk),
                {"action": "waitlist", "client": claire.pk})

    entry = WaitlistEntry.objects.for_business(business).get()
    assert (entry.client, entry.state) == (claire, WaitlistEntry.State.WAITING)


def test_cancelling_a_seat_offers_it_to_the_waitlist(client, business, staff):
    session = session_of(business, capacity=1)
    taken = seat(session)
    waiting = WaitlistEntryFactory(business=business, class_session=session)
    client.force_login(staff)

    client.post(url(business, "appointment-state", taken.pk),
                {"state": "cancelled", "next": url(business, "class-session-detail", session.pk)})

    waiting.refresh_from_db()
    assert waiting.state == WaitlistEntry.State.OFFERED
    page = client.get(url(business, "class-session-detail", session.pk))
    assert "Seat offered until" in page.content.decode()
    assert "1 held for the waitlist" in page.content.decode()


def test_a_started_session_takes_no_new_seats(client, business, staff):
    start = timezone.now() - timedelta(minutes=10)
    session = session_of(business, starts_at=start, ends_at=start + timedelta(hours=1))
    client.force_login(staff)

    text = client.get(url(business, "class-session-detail", session.pk)).content.decode()

    assert "seats can no longer be added" in text
    assert "Book a seat" not in text


def test_searching_on_the_session_page_without_javascript(client, business, staff):
    session = session_of(business)
    ClientFactory(business=business, first_name="Claire", last_name="Martin")
    client.force_login(staff)

    response = client.post(url(business, "class-session-add", session.pk),
                           {"action": "search", "q": "mart"})

    assert [c.full_name for c in response.context["choices"]] == ["Claire Martin"]
    assert not Appointment.objects.exists()


def test_another_businesss_session_is_not_found(client, business, other_business, staff):
    theirs = session_of(other_business)
    mine = ClientFactory(business=business)
    client.force_login(staff)

    assert client.get(url(business, "class-session-detail", theirs.pk)).status_code == 404
    assert client.post(url(business, "class-session-add", theirs.pk),
                       {"action": "seat", "client": mine.pk}).status_code == 404
    assert not Appointment.objects.exists()
