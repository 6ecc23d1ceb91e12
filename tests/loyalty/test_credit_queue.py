"""The crediting job's queue: it holds what may still earn, follows the appointment
whatever changes it, and an idle run reads nothing but the queue."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from booking.models import AppointmentState
from booking.services.appointments import cancel_appointment, set_appointment_state
from loyalty.models import AppointmentCredit, CreditDue
from loyalty.services import crediting, program
from tenancy import services as tenant_services
from tenancy.models import Extension
from tests.factories import AppointmentFactory, BusinessFactory, UserFactory
from tests.loyalty.conftest import ended, loyalty_on


def due_at(appointment):
    return CreditDue.objects.filter(appointment=appointment).values_list(
        "due_at", flat=True).first()


def test_a_booking_is_queued_for_its_end_plus_the_delay(business, fan, colour):
    appointment = AppointmentFactory(business=business, client=fan, service=colour)
    assert due_at(appointment) == appointment.ends_at + timedelta(hours=3)


def test_the_job_unqueues_what_it_handles_whatever_the_outcome(business, fan, colour):
    earns = ended(business, fan, colour)
    earns_nothing = ended(business, fan, colour, hours_ago=5, price=0)
    crediting.credit_due_appointments()
    assert not CreditDue.objects.exists()
    assert set(AppointmentCredit.objects.values_list("appointment_id", flat=True)) == {
        earns.pk, earns_nothing.pk}


def test_what_is_not_due_yet_stays_queued(business, fan, colour):
    waiting = ended(business, fan, colour, hours_ago=1)
    assert crediting.credit_due_appointments() == 0
    assert due_at(waiting) == waiting.ends_at + timedelta(hours=3)


def test_a_cancelled_booking_leaves_the_queue(business, fan, colour):
    appointment = AppointmentFactory(business=business, client=fan, service=colour)
    cancel_appointment(business=business, appointment=appointment, by=None)
    assert due_at(appointment) is None


def test_a_no_show_undone_comes_back_to_the_queue(business, fan, colour):
    appointment = ended(business, fan, colour, hours_ago=1)
    desk = UserFactory()
    set_appointment_state(business=business, appointment=appointment,
                          state=AppointmentState.NO_SHOW, by=desk)
    assert due_at(appointment) is None
    set_appointment_state(business=business, appointment=appointment,
                          state=AppointmentState.COMPLETED, by=desk)
    assert due_at(appointment) == appointment.ends_at + timedelta(hours=3)


def test_a_moved_booking_is_due_at_its_new_end(business, fan, colour):
    appointment = AppointmentFactory(business=business, client=fan, service=colour)
    for field in ("starts_at", "ends_at", "busy_from", "busy_until"):
        setattr(appointment, field, getattr(appointment, field) + timedelta(days=1))
    appointment.save()
    assert due_at(appointment) == appointment.ends_at + timedelta(hours=3)


def test_a_new_delay_moves_every_queued_appointment(business, fan, colour):
    appointment = AppointmentFactory(business=business, client=fan, service=colour)
    program.update_program(business=business, crediting_delay_hours=24)
    assert due_at(appointment) == appointment.ends_at + timedelta(hours=24)


def test_loyalty_off_empties_the_queue_and_on_fills_it_again(business, fan, colour):
    appointment = AppointmentFactory(business=business, client=fan, service=colour)
    tenant_services.set_extension(business=business, extension=Extension.LOYALTY,
                                  enabled=False)
    assert not CreditDue.objects.exists()
    tenant_services.set_extension(business=business, extension=Extension.LOYALTY,
                                  enabled=True)
    assert due_at(appointment) == appointment.ends_at + timedelta(hours=3)


def test_a_business_without_loyalty_queues_nothing(fan, colour):
    other = BusinessFactory()
    AppointmentFactory(business=other)
    assert not CreditDue.objects.filter(business=other).exists()


def test_an_appointment_moved_later_while_queued_is_not_credited_early(business, fan, colour):
    appointment = ended(business, fan, colour)
    # The queue row says due; the appointment now ends in the future (a write that
    # bypassed the services): the job leaves it queued for its real time.
    CreditDue.objects.filter(appointment=appointment).update(due_at=timezone.now()
                                                             - timedelta(hours=1))
    later = timezone.now() + timedelta(hours=1)
    type(appointment).objects.filter(pk=appointment.pk).update(ends_at=later,
                                                               busy_until=later)
    assert crediting.credit_due_appointments() == 0
    assert due_at(appointment) > timezone.now()


def test_an_idle_run_reads_only_the_queue_however_long_the_history(business, fan, colour):
    for hours_ago in range(4, 40):
        ended(business, fan, colour, hours_ago=hours_ago)
    second = loyalty_on(BusinessFactory())
    program.on_loyalty_switched(business=second, enabled=True,
                                now=timezone.now() - timedelta(days=7))
    for hours_ago in range(4, 20):
        AppointmentFactory(business=second, starts_at=timezone.now() - timedelta(
            hours=hours_ago + 1), ends_at=timezone.now() - timedelta(hours=hours_ago))
    crediting.credit_due_appointments()

    with CaptureQueriesContext(connection) as idle:
        assert crediting.credit_due_appointments() == 0

    reads = [query["sql"] for query in idle.captured_queries
             if query["sql"].lstrip().upper().startswith("SELECT")]
    assert len(reads) == 1
    assert "loyalty_creditdue" in reads[0]
    assert "booking_appointment" not in reads[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_idle_claim_is_an_index_probe_on_postgresql(business, fan, colour):
    for hours_ago in range(4, 30):
        ended(business, fan, colour, hours_ago=hours_ago)
    crediting.credit_due_appointments()
    for _later in range(30):
        AppointmentFactory(business=business, client=fan, service=colour)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE loyalty_creditdue")
        # A table this small would be read whole; ask whether the index can answer.
        cursor.execute("SET enable_seqscan = off")
        try:
            cursor.execute("EXPLAIN SELECT * FROM loyalty_creditdue WHERE due_at <= now() "
                           "ORDER BY due_at, id LIMIT 500")
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan")
    assert "loyalty_credit_due_order" in plan


def test_a_save_of_other_fields_leaves_the_queue_alone(business, fan, colour):
    appointment = AppointmentFactory(business=business, client=fan, service=colour)
    CreditDue.objects.filter(appointment=appointment).delete()
    appointment.notes = "Prefers the window seat"
    with CaptureQueriesContext(connection) as saved:
        appointment.save(update_fields=["notes"])
    assert [query["sql"] for query in saved.captured_queries
            if "loyalty_" in query["sql"]] == []
    assert due_at(appointment) is None


def test_a_save_naming_the_state_or_the_end_still_moves_the_queue(business, fan, colour):
    appointment = AppointmentFactory(business=business, client=fan, service=colour)
    appointment.ends_at += timedelta(hours=2)
    appointment.busy_until = appointment.ends_at
    appointment.save(update_fields=["ends_at", "busy_until"])
    assert due_at(appointment) == appointment.ends_at + timedelta(hours=3)
    appointment.state = AppointmentState.CANCELLED
    appointment.save(update_fields=["state", "notes"])
    assert due_at(appointment) is None
