"""The crediting job: attended appointments earn once, after the delay; the rest not."""

from datetime import timedelta

import pytest
from django.utils import timezone

from booking.models import AppointmentState
from booking.services.appointments import cancel_appointment, set_appointment_state
from loyalty import selectors
from loyalty.models import AppointmentCredit, EntryKind, EntrySource, PointsEntry
from loyalty.services import crediting as loyalty_crediting
from loyalty.services import ledger as loyalty_ledger
from loyalty.services import program as loyalty_program
from tenancy import services as tenant_services
from tests.factories import ClientMembershipFactory, GiftCardFactory
from tests.loyalty.conftest import ended


def balance(business, client):
    return selectors.balance_of(business=business, client=client)


def test_an_attended_appointment_earns_its_service_points_after_the_delay(business, fan, colour):
    appointment = ended(business, fan, colour, hours_ago=4)
    assert loyalty_crediting.credit_due_appointments() == 1
    entry = PointsEntry.objects.get(client=fan)
    assert (entry.kind, entry.points, entry.appointment_id) == (EntryKind.EARN, 2,
                                                                appointment.pk)
    assert entry.description.startswith("2 points for Colour & cut on ")


def test_an_appointment_still_inside_the_delay_waits_and_shows_as_pending(business, fan,
                                                                          colour):
    appointment = ended(business, fan, colour, hours_ago=1)
    assert loyalty_crediting.credit_due_appointments() == 0
    [pending] = selectors.pending(business=business, client=fan)
    assert (pending.appointment, pending.points) == (appointment, 2)
    assert pending.credit_at == appointment.ends_at + timedelta(hours=3)
    assert balance(business, fan) == 0


def test_running_the_job_twice_credits_once(business, fan, colour):
    ended(business, fan, colour)
    loyalty_crediting.credit_due_appointments()
    assert loyalty_crediting.credit_due_appointments() == 0
    assert balance(business, fan) == 2


def test_per_booking_points_add_to_the_service_points(business, fan, colour):
    loyalty_program.update_program(business=business, points_per_booking=1)
    ended(business, fan, colour)
    loyalty_crediting.credit_due_appointments()
    assert balance(business, fan) == 3


@pytest.mark.parametrize("state", [AppointmentState.CANCELLED, AppointmentState.NO_SHOW])
def test_cancelled_and_no_show_appointments_earn_nothing(business, fan, colour, state):
    ended(business, fan, colour, state=state)
    loyalty_crediting.credit_due_appointments()
    assert balance(business, fan) == 0


def test_a_booking_that_used_a_coupon_earns_nothing(business, fan, colour):
    ended(business, fan, colour, discount_code="SUMMER10", code_earns_points=False)
    loyalty_crediting.credit_due_appointments()
    assert balance(business, fan) == 0
    assert AppointmentCredit.objects.get().reason == "code"


def test_a_booking_with_a_reward_that_still_earns_earns(business, fan, colour):
    ended(business, fan, colour, discount_code="ABCDEF", code_earns_points=True)
    loyalty_crediting.credit_due_appointments()
    assert balance(business, fan) == 2


def test_a_member_earns_nothing_unless_members_earn(business, fan, colour):
    today = timezone.localdate()
    ClientMembershipFactory(business=business, client=fan, starts_on=today - timedelta(days=5),
                            ends_on=today + timedelta(days=5))
    ended(business, fan, colour)
    loyalty_crediting.credit_due_appointments()
    assert balance(business, fan) == 0
    loyalty_program.update_program(business=business, members_earn=True)
    ended(business, fan, colour, hours_ago=5)
    loyalty_crediting.credit_due_appointments()
    assert balance(business, fan) == 2


def test_a_member_is_not_shown_pending_points_unless_members_earn(business, fan, colour):
    today = timezone.localdate()
    ClientMembershipFactory(business=business, client=fan, starts_on=today - timedelta(days=5),
                            ends_on=today + timedelta(days=5))
    ended(business, fan, colour, hours_ago=1)
    assert selectors.pending(business=business, client=fan) == []
    loyalty_program.update_program(business=business, members_earn=True)
    assert [item.points for item in selectors.pending(business=business, client=fan)] == [2]


def test_a_visit_after_the_membership_ends_shows_its_pending_points(business, fan, colour):
    today = timezone.localdate()
    # Two days back, so that the visit an hour ago falls after it in any time zone, even
    # just after midnight.
    ClientMembershipFactory(business=business, client=fan, starts_on=today - timedelta(days=30),
                            ends_on=today - timedelta(days=2))
    ended(business, fan, colour, hours_ago=1)
    assert [item.points for item in selectors.pending(business=business, client=fan)] == [2]


def test_nothing_is_earned_while_the_program_is_off(business, fan, colour):
    from tenancy.models import Extension
    tenant_services.set_extension(business=business, extension=Extension.LOYALTY, enabled=False)
    ended(business, fan, colour)
    loyalty_crediting.credit_due_appointments()
    assert balance(business, fan) == 0


def test_cancelling_a_credited_appointment_takes_its_points_back_once(business, fan, colour,
                                                                      staff):
    appointment = ended(business, fan, colour)
    loyalty_crediting.credit_due_appointments()
    cancel_appointment(business=business, appointment=appointment, by=staff)
    assert balance(business, fan) == 0
    reversal = PointsEntry.objects.get(kind=EntryKind.REVERSE)
    assert reversal.points == -2
    assert "cancelled" in reversal.description


def test_marking_a_credited_appointment_no_show_takes_its_points_back(business, fan, colour,
                                                                      staff):
    appointment = ended(business, fan, colour)
    loyalty_crediting.credit_due_appointments()
    set_appointment_state(business=business, appointment=appointment,
                          state=AppointmentState.NO_SHOW, by=staff)
    assert balance(business, fan) == 0


def test_a_no_show_mark_undone_gives_the_points_again_and_a_second_mark_takes_them(
        business, fan, colour, staff):
    appointment = ended(business, fan, colour)
    loyalty_crediting.credit_due_appointments()

    balances = []
    for state in (AppointmentState.NO_SHOW, AppointmentState.BOOKED,
                  AppointmentState.NO_SHOW, AppointmentState.BOOKED,
                  AppointmentState.COMPLETED):
        set_appointment_state(business=business, appointment=appointment, state=state,
                              by=staff)
        balances.append(balance(business, fan))

    assert balances == [0, 2, 0, 2, 2]
    restored = PointsEntry.objects.filter(kind=EntryKind.REVERSE, points__gt=0).first()
    assert "attended after all" in restored.description
    loyalty_crediting.credit_due_appointments()
    assert balance(business, fan) == 2, "the crediting job does not credit it a second time"
    assert selectors.totals(PointsEntry.objects.filter(client=fan)) == {
        "earned": 2, "spent": 0, "expired": 0}


def test_a_cancellation_before_crediting_removes_the_pending_points(business, fan, colour,
                                                                    staff):
    appointment = ended(business, fan, colour, hours_ago=-24)
    assert selectors.pending(business=business, client=fan)
    cancel_appointment(business=business, appointment=appointment, by=staff)
    assert selectors.pending(business=business, client=fan) == []


def test_a_no_show_mark_before_crediting_removes_the_pending_points(business, fan, colour,
                                                                    staff):
    appointment = ended(business, fan, colour, hours_ago=1)
    assert selectors.pending(business=business, client=fan)
    set_appointment_state(business=business, appointment=appointment,
                          state=AppointmentState.NO_SHOW, by=staff)
    assert selectors.pending(business=business, client=fan) == []
    assert loyalty_crediting.credit_due_appointments(now=timezone.now() + timedelta(hours=4)) == 0


def test_the_crediting_job_runs_every_minute_from_beat():
    from config.celery import app

    entry = app.conf.beat_schedule["credit-due-appointments"]
    assert (entry["task"], entry["schedule"]) == (
        "loyalty.tasks.credit_due_appointments_task", 60.0)


def test_points_already_spent_are_not_taken_below_zero_on_cancellation(business, fan, colour,
                                                                       staff):
    appointment = ended(business, fan, colour)
    loyalty_crediting.credit_due_appointments()
    loyalty_ledger.post_entry(business=business, client=fan, kind=EntryKind.REDEEM, points=-1,
                              description="spent",
                              source=EntrySource(gift_card_id=GiftCardFactory(business=business).pk))
    cancel_appointment(business=business, appointment=appointment, by=staff)
    assert balance(business, fan) == 0


def test_rule_changes_do_not_rewrite_credited_points(business, fan, colour):
    ended(business, fan, colour)
    loyalty_crediting.credit_due_appointments()
    loyalty_program.set_catalog_points(business=business, service=colour, is_enabled=True,
                                       points=50)
    assert PointsEntry.objects.get(client=fan).points == 2
    assert balance(business, fan) == 2


def test_the_job_credits_in_batches_until_everything_due_is_done(business, colour):
    from tests.factories import ClientFactory
    clients = [ClientFactory(business=business) for _ in range(7)]
    for client in clients:
        ended(business, client, colour)
    assert loyalty_crediting.credit_due_appointments(batch_size=3) == 7
    assert AppointmentCredit.objects.count() == 7


def test_crediting_waits_until_the_delay_has_passed_to_the_second(business, fan, colour):
    # Given an appointment that ended at a known moment, 3 hours' delay
    appointment = ended(business, fan, colour, hours_ago=10)
    due = appointment.ends_at + timedelta(hours=3)

    # When the sweep runs one second before the due time, then exactly at it
    before = loyalty_crediting.credit_due_appointments(now=due - timedelta(seconds=1))
    at_due = loyalty_crediting.credit_due_appointments(now=due)

    # Then the first credits nothing and the second credits it
    assert (before, at_due) == (0, 1)


def test_the_pending_list_gives_the_time_the_sweep_credits_to_the_second(business, fan,
                                                                         colour):
    # Given an appointment that ended at a known moment, 3 hours' delay
    appointment = ended(business, fan, colour, hours_ago=10)
    due = appointment.ends_at + timedelta(hours=3)

    # When the pending list is read one second before the due time
    [pending] = selectors.pending(business=business, client=fan,
                                  now=due - timedelta(seconds=1))

    # Then it says the appointment is credited at end + 3 hours, when the sweep credits it
    assert pending.credit_at == due
    just_before = pending.credit_at - timedelta(seconds=1)
    assert loyalty_crediting.credit_due_appointments(now=just_before) == 0
    assert loyalty_crediting.credit_due_appointments(now=pending.credit_at) == 1
