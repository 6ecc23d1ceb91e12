"""The crediting job on 100,000 due appointments, run by two worker processes at once.

A business with Loyalty on, 200 staff members, 10,000 clients and 100,000 completed
visits whose crediting delay has passed. Two processes run the job's code
(`loyalty.services.crediting.credit_due_appointments`, what the beat task calls) at the same
moment, as two workers would. Each credit also records its "points credited" message.
Figures:
- per_s: appointments handled per second, wall clock, both processes together;
- duplicates: appointments credited more than once (must be 0);
- missed: due appointments left uncredited (must be 0).
"""

import json
import multiprocessing
import os
import statistics
import time
from datetime import timedelta
from decimal import Decimal

from _setup import setup_django

# The credit messages are queued on Redis, as in production (not the laptop's files).
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/9")
# The workers are forked: a pool's connections must not be shared with the children
# (each child connects on its own, as a prefork Celery child does per task).
os.environ.setdefault("DATABASE_POOL", "off")
setup_django()

from django.db import connections  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from booking.models import Appointment, AppointmentState, Client, Service, StaffMember  # noqa: E402
from config.celery import app as celery_app  # noqa: E402
from loyalty.models import AppointmentCredit, EntryKind, PointsEntry  # noqa: E402
from loyalty.services import credit_queue, crediting, program  # noqa: E402
from tenancy.models import Business  # noqa: E402

APPOINTMENTS, STAFF, CLIENTS, WORKERS = 100_000, 200, 10_000, 2


def make_business() -> Business:
    business = Business.objects.create(
        name="Bench crediting", slug=f"bench-credit-{int(time.time() * 1000)}",
        contact_email="bench@example.com", accept_payments_enabled=True,
        client_login_enabled=True, coupons_gift_cards_enabled=True, loyalty_enabled=True)
    program.on_loyalty_switched(business=business, enabled=True,
                                now=timezone.now() - timedelta(days=29))
    program.update_program(business=business, points_per_booking=1)
    service = Service.objects.create(business=business, name="Colour", duration_minutes=30,
                                     price=Decimal("60"))
    program.set_catalog_points(business=business, service=service, is_enabled=True, points=2)
    staff = StaffMember.objects.bulk_create(StaffMember(business=business, name=f"S{n}")
                                            for n in range(STAFF))
    clients = Client.objects.bulk_create(
        Client(business=business, first_name=f"Client {n}", email=f"c{n}@example.com",
               marketing_opt_in=n % 2 == 0,
               marketing_opt_in_at=timezone.now() if n % 2 == 0 else None)
        for n in range(CLIENTS))
    last_end = timezone.now() - timedelta(hours=4)
    batch = []
    for index in range(APPOINTMENTS):
        end = last_end - timedelta(minutes=30 * (index // STAFF))
        batch.append(Appointment(
            business=business, client=clients[index % CLIENTS], staff_member=staff[index % STAFF],
            service=service, starts_at=end - timedelta(minutes=30), ends_at=end,
            busy_from=end - timedelta(minutes=30), busy_until=end, price=service.price,
            state=AppointmentState.COMPLETED))
        if len(batch) == 10_000:
            Appointment.objects.bulk_create(batch)
            batch = []
    Appointment.objects.bulk_create(batch)
    # bulk_create sends no post_save: queue them as the switch to Loyalty on would.
    credit_queue.queue_business(business)
    return business


def sweep(counter) -> None:
    connections.close_all()
    counter.put(crediting.credit_due_appointments())


def main() -> None:
    multiprocessing.set_start_method("fork")
    business = make_business()
    connections.close_all()
    counter = multiprocessing.Queue()
    start = time.monotonic()
    workers = [multiprocessing.Process(target=sweep, args=(counter,)) for _ in range(WORKERS)]
    for worker in workers:
        worker.start()
    credited = [counter.get() for _ in workers]
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - start
    # With everything handled, what the every-minute run costs when nothing is due.
    idle = []
    for _run in range(20):
        began = time.perf_counter()
        crediting.credit_due_appointments()
        idle.append((time.perf_counter() - began) * 1000)

    handled = AppointmentCredit.objects.filter(business=business).count()
    duplicates = (PointsEntry.objects.filter(business=business, kind=EntryKind.EARN)
                  .values("appointment").annotate(n=Count("id")).filter(n__gt=1).count())
    missed = APPOINTMENTS - handled
    # No worker runs here: drop the queued "points credited" emails of fake clients.
    celery_app.control.purge()
    figures = {"per_s": round(handled / elapsed), "duplicates": duplicates, "missed": missed,
               "seconds": round(elapsed, 1), "credited_by_each_worker": credited,
               "idle_sweep_ms": round(statistics.median(idle), 2)}
    targets = {"per_s": ">= 2000", "duplicates": "== 0", "missed": "== 0",
               "idle_sweep_ms": "<= 50"}
    print(f"{APPOINTMENTS} due appointments, {WORKERS} worker processes")
    for name, value in figures.items():
        print(f"{name:>24}: {value}")
    print("BENCH " + json.dumps({"name": "crediting", "figures": figures, "targets": targets}))


if __name__ == "__main__":
    main()
