"""Two clients confirming the same slot at the same moment get one booking and one
"just taken" message; the last class seat goes to one client. Real threads, PostgreSQL."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from booking.models import Appointment
from booking.services.appointments import book_appointment, book_class_seat
from tests.booking.booking_setup import next_weekday, open_salon, paris
from tests.factories import AppointmentFactory, ClassSessionFactory, ClientFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(attempts):
    """Run the callables at the same moment in threads; return ("ok"|message) per attempt."""
    results, barrier = [], threading.Barrier(len(attempts))

    def run(attempt):
        barrier.wait()
        try:
            attempt()
            results.append("ok")
        except ValidationError as refused:
            results.append(refused.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(a,)) for a in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_eight_clients_racing_for_one_slot_get_one_booking(business):
    salon = open_salon(business)
    monday = next_weekday(0)
    clients = [ClientFactory(business=business) for _ in range(8)]

    results = race([
        lambda c=c: book_appointment(business=business, client=c, service=salon.cut,
                                     start=paris(monday, 10), staff_member=salon.anna)
        for c in clients])

    assert results.count("ok") == 1
    assert all("just taken" in r for r in results if r != "ok")
    assert Appointment.objects.filter(staff_member=salon.anna).count() == 1


def test_overlapping_slots_racing_give_one_booking(business):
    salon = open_salon(business)
    monday = next_weekday(0)

    clients = {minute: ClientFactory(business=business) for minute in (0, 15, 30, 45)}

    results = race([
        lambda minute=minute: book_appointment(
            business=business, client=clients[minute], service=salon.cut,
            start=paris(monday, 10, minute), staff_member=salon.anna)
        for minute in clients])

    assert results.count("ok") == 1


def test_the_last_seat_goes_to_exactly_one_client(business):
    session = ClassSessionFactory(business=business, capacity=1)
    clients = [ClientFactory(business=business) for _ in range(6)]

    results = race([lambda c=c: book_class_seat(business=business, client=c,
                                                class_session=session) for c in clients])

    assert results.count("ok") == 1
    assert Appointment.objects.filter(class_session=session).count() == 1


def test_the_database_refuses_overlapping_appointments_even_without_the_service(business):
    salon = open_salon(business)
    first = AppointmentFactory(business=business, staff_member=salon.anna, service=salon.cut)

    with pytest.raises(IntegrityError), transaction.atomic():
        AppointmentFactory(business=business, staff_member=salon.anna, service=salon.cut,
                           starts_at=first.starts_at + timedelta(minutes=30))
