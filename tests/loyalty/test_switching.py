"""Loyalty off and on again: an appointment that ended while the program was on earns,
even after an off and on in between; one that ended while it was off never does; while
it is off nothing is credited, and the pending list says what the job will do."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from loyalty import selectors
from loyalty.models import AppointmentCredit
from loyalty.services import crediting
from tenancy import services as tenant_services
from tenancy.models import Extension
from tests.loyalty.conftest import ended


def switch(business, *, on: bool, at=None):
    """Loyalty switched on or off from the settings page, at `at` (default: now)."""
    with time_machine.travel(at or timezone.now(), tick=False):
        business, _also = tenant_services.set_extension(
            business=business, extension=Extension.LOYALTY, enabled=on)
    return business


def balance(business, client):
    return selectors.balance_of(business=business, client=client)


def test_an_appointment_of_before_an_off_and_on_is_credited_when_due(business, fan, colour):
    # Given an appointment worth 2 points that ended 6 hours ago, Loyalty being on
    appointment = ended(business, fan, colour, hours_ago=6)

    # When Loyalty is turned off and on again before the job credited it
    business = switch(business, on=False)
    business = switch(business, on=True)

    # Then it is pending until its end + 3 hours (not "now"), and the job credits it
    [pending] = selectors.pending(business=business, client=fan)
    assert (pending.appointment, pending.credit_at) == (
        appointment, appointment.ends_at + timedelta(hours=3))
    assert crediting.credit_due_appointments() == 1
    assert balance(business, fan) == 2


def test_nothing_is_credited_while_off_and_what_came_due_meanwhile_comes_once_back_on(
        business, fan, colour):
    # Given an appointment that ended an hour ago, and Loyalty turned off
    appointment = ended(business, fan, colour, hours_ago=1)
    business = switch(business, on=False)
    due = appointment.ends_at + timedelta(hours=3)

    # When the job runs after its due time while off, then once Loyalty is back on
    while_off = crediting.credit_due_appointments(now=due + timedelta(hours=1))
    business = switch(business, on=True, at=due + timedelta(hours=2))
    back_on = crediting.credit_due_appointments(now=due + timedelta(hours=2))

    # Then it waits while off and is credited when the program is back on
    assert (while_off, back_on) == (0, 1)
    assert balance(business, fan) == 2


def test_an_appointment_that_ended_while_the_program_was_off_earns_nothing(business, fan,
                                                                           colour):
    # Given Loyalty off from 20 hours ago to 10 hours ago, one appointment that ended in
    # that time and one that ended after it came back on
    now = timezone.now()
    business = switch(business, on=False, at=now - timedelta(hours=20))
    while_off = ended(business, fan, colour, hours_ago=15)
    business = switch(business, on=True, at=now - timedelta(hours=10))
    while_on = ended(business, fan, colour, hours_ago=5)

    # When the client's tab is read and the job runs
    pending = selectors.pending(business=business, client=fan)
    credited = crediting.credit_due_appointments()

    # Then only the second was pending, and only the second earns
    assert [item.appointment for item in pending] == [while_on]
    assert credited == 1
    assert balance(business, fan) == 2
    assert AppointmentCredit.objects.get(appointment=while_off).reason == "program_off"


def test_an_appointment_that_ended_before_the_program_first_came_on_earns_nothing(
        business, fan, colour):
    # Given Loyalty on since a week ago, and an appointment that ended 8 days ago
    ended(business, fan, colour, hours_ago=8 * 24)

    # When the job runs, then it earns nothing and is not pending
    assert selectors.pending(business=business, client=fan) == []
    assert crediting.credit_due_appointments() == 0
    assert balance(business, fan) == 0


def test_the_pending_list_names_what_the_job_then_credits(business, fan, colour):
    # Given an appointment before an off period, one during it, one after it (due), and
    # one still inside the delay
    now = timezone.now()
    before = ended(business, fan, colour, hours_ago=30)
    business = switch(business, on=False, at=now - timedelta(hours=20))
    ended(business, fan, colour, hours_ago=15)
    business = switch(business, on=True, at=now - timedelta(hours=10))
    after = ended(business, fan, colour, hours_ago=5)
    waiting = ended(business, fan, colour, hours_ago=1)

    # When the pending list is read, and the job runs at each crediting time it gives
    pending = selectors.pending(business=business, client=fan)
    credited_at = {}
    for item in pending:
        crediting.credit_due_appointments(now=item.credit_at)
        credited_at[item.appointment] = set(
            AppointmentCredit.objects.filter(outcome="credited")
            .values_list("appointment", flat=True))

    # Then the list names the three that earn, and each is credited at its time
    assert [item.appointment for item in pending] == [before, after, waiting]
    assert all(item.appointment.pk in credited_at[item.appointment] for item in pending)
    assert balance(business, fan) == 6
