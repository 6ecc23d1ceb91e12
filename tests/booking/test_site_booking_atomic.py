"""The booking site writes a guest's client record with the booking, in one transaction:
a refused booking leaves no client record behind."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from booking import codes
from booking.codes import BookingDiscount
from booking.forms_site import start_param
from booking.models import Appointment, Client
from booking.services.appointments import book_appointment, book_class_seat
from booking.services.site_booking import GuestDetailsRefused, book_online, book_seat_online
from tests.booking.booking_setup import StubCodeApplier, next_weekday, open_salon, paris
from tests.factories import ClassSessionFactory, ClassTypeFactory, ClientFactory

pytestmark = pytest.mark.django_db

GUEST = {"first_name": "Léa", "last_name": "Petit", "email": "lea@example.com",
         "phone": "06 11 22 33 44"}


@pytest.fixture
def salon(business):
    return open_salon(business)


def confirm_url(business, service, start, staff):
    return (reverse("booking:site-book-confirm", args=[business.slug, service.pk])
            + f"?start={start_param(start)}&staff={staff}")


def guests(business):
    return Client.objects.for_business(business).filter(email="lea@example.com")


def test_a_slot_taken_meanwhile_leaves_no_new_client_record(client, salon):
    tuesday = next_weekday(1)
    url = confirm_url(salon.business, salon.cut, paris(tuesday, 10), salon.anna.pk)
    book_appointment(business=salon.business, client=ClientFactory(business=salon.business),
                     service=salon.cut, start=paris(tuesday, 10), staff_member=salon.anna)

    response = client.post(url, GUEST, follow=True)

    assert "This time was just taken. Please choose another one." in [
        str(m) for m in response.context["messages"]]
    assert not guests(salon.business).exists()
    assert Appointment.objects.count() == 1


def test_a_code_refused_while_booking_leaves_no_client_record(client, salon, monkeypatch):
    def used_up(*, appointment):
        raise ValidationError({"code": "This code has been used up."})

    def summer(code):
        return BookingDiscount(code=code, label="Summer", discount=Decimal("5.00"))

    monkeypatch.setattr(codes, "_appliers", [StubCodeApplier(summer, use=used_up)])
    tuesday = next_weekday(1)

    client.post(confirm_url(salon.business, salon.cut, paris(tuesday, 10), "any"),
                {**GUEST, "code": "SUMMER10"})

    assert not guests(salon.business).exists()
    assert not Appointment.objects.exists()


def test_the_service_refusing_a_code_writes_no_client_record(salon):
    tuesday = next_weekday(1)

    with pytest.raises(ValidationError, match="This code is not valid here"):
        book_online(business=salon.business, service=salon.cut, start=paris(tuesday, 10),
                    staff_member=None, guest=GUEST, code="SUMMER10")

    assert not guests(salon.business).exists()
    assert not Appointment.objects.exists()


def test_refused_guest_details_are_told_apart_from_a_refused_booking(salon):
    tuesday = next_weekday(1)

    with pytest.raises(GuestDetailsRefused) as refusal:
        book_online(business=salon.business, service=salon.cut, start=paris(tuesday, 10),
                    staff_member=None, guest={**GUEST, "email": " "})

    assert set(refusal.value.error_dict) == {"email"}
    assert not Appointment.objects.exists()


def test_the_last_seat_taken_meanwhile_leaves_no_new_client_record(business):
    yoga = ClassTypeFactory(business=business, name="Morning yoga", capacity=1)
    session = ClassSessionFactory(business=business, class_type=yoga,
                                  starts_at=timezone.now() + timedelta(days=3))
    book_class_seat(business=business, client=ClientFactory(business=business),
                    class_session=session)

    with pytest.raises(ValidationError, match="The last seat was just taken"):
        book_seat_online(business=business, class_session=session, guest=GUEST)

    assert not guests(business).exists()
    assert Appointment.objects.count() == 1
