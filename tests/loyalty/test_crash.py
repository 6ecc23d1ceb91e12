"""The crediting job in real worker processes: a worker killed with SIGKILL in the
middle of a batch, two workers sweeping at once, and two real beat schedulers sending
the sweep while a worker is killed, still credit every due appointment exactly once."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from booking.models import Appointment, AppointmentState
from loyalty.models import AppointmentCredit, EntryKind, PointsEntry
from loyalty.services import credit_queue
from loyalty.tasks import credit_due_appointments_task
from tests.factories import ClientFactory, StaffMemberFactory
from tests.fixtures.worker import (
    SESSION_QUEUE,
    BeatProcess,
    WorkerProcess,
    purge_session_queue,
    wait_until,
)

pytestmark = [pytest.mark.celery, pytest.mark.postgres, pytest.mark.redis,
              pytest.mark.django_db(transaction=True)]

DUE = 3000


def make_due_appointments(business, service, count):
    """`count` completed half-hour visits spread over 50 staff members and 50 clients."""
    staff_members = [StaffMemberFactory(business=business) for _ in range(50)]
    clients = [ClientFactory(business=business) for _ in range(50)]
    last_end = timezone.now() - timedelta(hours=5)
    rows = []
    for index in range(count):
        end = last_end - timedelta(minutes=30 * (index // len(staff_members)))
        start = end - timedelta(minutes=30)
        rows.append(Appointment(
            business=business, client=clients[index % len(clients)],
            staff_member=staff_members[index % len(staff_members)], service=service,
            starts_at=start, ends_at=end, busy_from=start, busy_until=end,
            price=service.price, state=AppointmentState.COMPLETED))
    Appointment.objects.bulk_create(rows)
    # bulk_create sends no post_save: queue them as Loyalty coming on would.
    credit_queue.queue_business(business)


def worker(name):
    process = WorkerProcess(SESSION_QUEUE, {})
    process.log_path = Path(settings.VAR_DIR) / f"worker-{SESSION_QUEUE}-{name}.log"
    process.start()
    return process


def assert_each_credited_once(count):
    assert AppointmentCredit.objects.count() == count
    earned = (PointsEntry.objects.filter(kind=EntryKind.EARN).values("appointment")
              .annotate(n=Count("id")).filter(n__gt=1))
    assert not earned.exists()
    assert PointsEntry.objects.filter(kind=EntryKind.EARN).count() == count


def test_a_worker_killed_mid_batch_leaves_nothing_half_done(business, colour):
    make_due_appointments(business, colour, DUE)
    purge_session_queue()
    first = worker("first")
    try:
        credit_due_appointments_task.delay()
        wait_until(lambda: 0 < AppointmentCredit.objects.count() < DUE, timeout=90,
                   interval=0.02, message="the worker never started crediting:\n" + first.log())
        first.stop(sig_kill=True)
    finally:
        first.stop()
    partial = AppointmentCredit.objects.count()
    assert partial < DUE

    second = worker("second")
    try:
        credit_due_appointments_task.delay()
        wait_until(lambda: AppointmentCredit.objects.count() == DUE, timeout=120,
                   message="the restarted worker did not finish:\n" + second.log())
    finally:
        second.stop()
    assert_each_credited_once(DUE)


def test_two_workers_sweeping_at_once_credit_each_appointment_once(business, colour):
    make_due_appointments(business, colour, DUE)
    purge_session_queue()
    workers = [worker("a"), worker("b")]
    try:
        for _ in range(4):
            credit_due_appointments_task.delay()
        wait_until(lambda: AppointmentCredit.objects.count() == DUE, timeout=120,
                   message="the workers did not finish:\n" + workers[0].log())
    finally:
        for process in workers:
            process.stop()
    assert_each_credited_once(DUE)


def test_two_beat_schedulers_and_a_worker_killed_mid_batch_credit_each_appointment_once(
        business, colour, tmp_path):
    make_due_appointments(business, colour, DUE)
    purge_session_queue()
    beats = [BeatProcess("one", tmp_path), BeatProcess("two", tmp_path)]
    for beat in beats:
        beat.start()
    first = second = None
    try:
        first = worker("killed")
        wait_until(lambda: 0 < AppointmentCredit.objects.count() < DUE, timeout=90,
                   interval=0.02, message="no sweep reached the worker:\n" + beats[0].log())
        first.stop(sig_kill=True)
        assert AppointmentCredit.objects.count() < DUE

        second = worker("restarted")
        wait_until(lambda: AppointmentCredit.objects.count() == DUE, timeout=120,
                   message="the restarted worker did not finish:\n" + second.log())
        # Both schedulers were sending the sweep the whole time.
        wait_until(lambda: all(beat.sweeps_sent() >= 3 for beat in beats), timeout=30,
                   message="a scheduler did not send the sweep:\n" + beats[1].log())
    finally:
        for process in [*beats, first, second]:
            if process is not None:
                process.stop()
    assert_each_credited_once(DUE)
