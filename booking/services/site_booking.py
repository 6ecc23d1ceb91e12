"""Booking on the booking site: the guest's client record and the booking in one
transaction, so that a refused booking (a taken time, a refused code) leaves no client
record behind."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from booking.models import Appointment, ClassSession, Client, Service, StaffMember
from booking.services import appointments, clients
from tenancy.models import Business


class GuestDetailsRefused(ValidationError):
    """The guest's own details were refused (shown next to the form's fields); any other
    `ValidationError` refuses the booking itself."""


def _client(business: Business, client: Client | None, guest: dict | None) -> Client:
    if guest is None:
        return client
    try:
        return clients.find_or_create_guest_client(business=business, **guest)
    except ValidationError as refusal:
        raise GuestDetailsRefused(refusal) from refusal


@transaction.atomic(durable=True)
def book_online(*, business: Business, service: Service, start: datetime,
                staff_member: StaffMember | None, client: Client | None = None,
                guest: dict | None = None, code: str = "", booked_by: User | None = None
                ) -> Appointment:
    """Book `service` at an offered `start` for the signed-in `client`, or for the `guest`
    (first_name, last_name, email, phone) found or created by email."""
    return appointments.place_appointment(
        business=business, client=_client(business, client, guest), service=service,
        start=start, staff_member=staff_member, online=True, code=code, booked_by=booked_by)


@transaction.atomic(durable=True)
def book_seat_online(*, business: Business, class_session: ClassSession,
                     client: Client | None = None, guest: dict | None = None,
                     booked_by: User | None = None) -> Appointment:
    """Take a seat in `class_session` for the signed-in `client` or the `guest`."""
    return appointments.place_class_seat(
        business=business, client=_client(business, client, guest),
        class_session=class_session, booked_by=booked_by)
