"""A small salon in Paris for booking tests: two stylists working Mon-Sat 09:00-17:00."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from booking.models import Service, StaffMember
from tenancy.models import Business
from tests.factories import ServiceFactory, StaffMemberFactory, WorkingHoursFactory

PARIS = ZoneInfo("Europe/Paris")


@dataclass
class Salon:
    business: Business
    anna: StaffMember
    ben: StaffMember
    cut: Service


def open_salon(business: Business, *, hours=(time(9), time(17))) -> Salon:
    anna = StaffMemberFactory(business=business, name="Anna", position=1)
    ben = StaffMemberFactory(business=business, name="Ben", position=2)
    for person in (anna, ben):
        for weekday in range(6):
            WorkingHoursFactory(business=business, staff_member=person, weekday=weekday,
                                start_time=hours[0], end_time=hours[1])
    cut = ServiceFactory(business=business, name="Cut", duration_minutes=60,
                         performers=[anna, ben])
    return Salon(business, anna, ben, cut)


def next_weekday(weekday: int, *, after: date | None = None) -> date:
    """The next date (at least 2 days ahead) falling on `weekday` (0 = Monday)."""
    day = (after or date.today()) + timedelta(days=2)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def paris(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


class StubCodeApplier:
    """Booking's code protocol (booking/codes.py) answering with `find(code)`, and
    recording a use with `use(appointment=...)`, for the booking side tested alone."""

    def __init__(self, find, use=None):
        self._find, self._use = find, use

    def enabled(self, *, business) -> bool:
        return True

    def find_for_booking(self, *, business, client, service, price, code):
        return self._find(code)

    def use_for_booking(self, *, business, found, appointment) -> None:
        if self._use is not None:
            self._use(appointment=appointment)

    def find_for_invoice(self, *, business, client, code, now):
        raise AssertionError("a booking test typed a code at checkout")

    def use_for_invoice(self, *, business, invoice, code, amount, now):
        raise AssertionError("a booking test paid an invoice with a code")
