"""Points entries posted per second through the ledger service, by 8 concurrent writers.

A business with 10,000 clients. Each writer is a process with its own connection and
posts adjustments through `loyalty.services.ledger.post_entry`, each in its own transaction
(account lock, balance check, entry insert with the PostgreSQL chain trigger, account
update).
Figures:
- spread_per_s: 8 writers, each entry on a random client of the 10,000;
- hot_per_s: 8 writers on one single client (they queue on its account lock);
- naive_per_s: the baseline, 8 writers on random clients that read the balance, write
  the entry and the balance with the same three SQL statements as the service, without
  lock, checks or triggers (wrong under concurrency: it is what safety is measured
  against);
- safety_cost: naive_per_s / spread_per_s (target: within 2x);
- orm_naive_per_s: the same naive writer through the ORM (get, save, update), which
  costs more in Python than the statements cost in PostgreSQL;
- bytes_per_entry: the entries table on disk, indexes included, per entry.
"""

import functools
import json
import multiprocessing
import random
import time

from _setup import setup_django

setup_django()

from django.db import connection, connections, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from booking.models import Client  # noqa: E402
from loyalty.models import EntryKind, PointsAccount, PointsEntry  # noqa: E402
from loyalty.services import ledger  # noqa: E402
from tenancy.models import Business  # noqa: E402

CLIENTS, WRITERS, SECONDS = 10_000, 8, 8.0


def make_business() -> tuple[Business, list[int]]:
    business = Business.objects.create(
        name="Bench ledger", slug=f"bench-ledger-{int(time.time() * 1000)}",
        contact_email="bench@example.com", loyalty_enabled=False)
    Client.objects.bulk_create(Client(business=business, first_name=f"Client {n}")
                               for n in range(CLIENTS))
    client_ids = list(Client.objects.for_business(business).values_list("pk", flat=True))
    PointsAccount.objects.bulk_create(PointsAccount(business=business, client_id=client_id)
                                      for client_id in client_ids)
    return business, client_ids


@functools.cache
def bench_client(business_id: int, client_id: int) -> Client:
    return Client(pk=client_id, business_id=business_id)


@functools.cache
def bench_business(business_id: int) -> Business:
    return Business.objects.get(pk=business_id)


def safe_post(business_id: int, client_id: int, points: int) -> None:
    ledger.post_entry(business=bench_business(business_id),
                      client=bench_client(business_id, client_id), kind=EntryKind.ADJUST,
                      points=points, description="bench")


NAIVE_READ = ("SELECT id, balance FROM loyalty_pointsaccount "
              "WHERE business_id = %s AND client_id = %s")
NAIVE_INSERT = ("INSERT INTO loyalty_pointsentry (business_id, account_id, client_id, kind, "
                "points, balance_after, reverses_id, description, note, "
                "created_by_id, created_at, expires_at) "
                "VALUES (%s, %s, %s, %s, %s, %s, NULL, %s, '', NULL, %s, NULL) RETURNING id")
NAIVE_UPDATE = "UPDATE loyalty_pointsaccount SET balance = %s, updated_at = %s WHERE id = %s"


def naive_post(business_id: int, client_id: int, points: int) -> None:
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(NAIVE_READ, [business_id, client_id])
        account_id, balance = cursor.fetchone()
        cursor.execute(NAIVE_INSERT, [business_id, account_id, client_id, EntryKind.ADJUST,
                                      points, balance + points, "bench", now])
        cursor.fetchone()
        cursor.execute(NAIVE_UPDATE, [balance + points, now, account_id])


def orm_naive_post(business_id: int, client_id: int, points: int) -> None:
    with transaction.atomic():
        account = PointsAccount.objects.get(business_id=business_id, client_id=client_id)
        balance = account.balance + points
        PointsEntry(business_id=business_id, account=account, client_id=client_id,
                    kind=EntryKind.ADJUST, points=points, balance_after=balance,
                    description="bench").save(force_insert=True)
        PointsAccount.objects.filter(pk=account.pk).update(balance=balance)


def writer(post, business_id, client_ids, seed, deadline, counter):
    """One writer process: `post` on random clients until the deadline."""
    connections.close_all()
    rng = random.Random(seed)
    posted = 0
    while time.monotonic() < deadline:
        post(business_id, rng.choice(client_ids), rng.randint(1, 9))
        posted += 1
    counter.put(posted)


def run(post, business_id, client_ids) -> float:
    connections.close_all()
    counter = multiprocessing.Queue()
    start = time.monotonic()
    deadline = start + SECONDS
    workers = [multiprocessing.Process(target=writer, args=(post, business_id, client_ids,
                                                            seed, deadline, counter))
               for seed in range(WRITERS)]
    for worker in workers:
        worker.start()
    total = sum(counter.get() for _ in workers)
    for worker in workers:
        worker.join()
    return total / (time.monotonic() - start)


def set_triggers(enabled: bool) -> None:
    """The ledger's guards (the entry chain, the balance held to the entries) on or off."""
    with connection.cursor() as cursor:
        for table in ("loyalty_pointsentry", "loyalty_pointsaccount"):
            cursor.execute(f"ALTER TABLE {table} "
                           f"{'ENABLE' if enabled else 'DISABLE'} TRIGGER USER")


def main() -> None:
    multiprocessing.set_start_method("fork")
    business, client_ids = make_business()
    spread = run(safe_post, business.pk, client_ids)
    hot = run(safe_post, business.pk, client_ids[:1])

    naive_business, naive_clients = make_business()
    set_triggers(False)
    try:
        naive = run(naive_post, naive_business.pk, naive_clients)
        orm_naive = run(orm_naive_post, naive_business.pk, naive_clients)
    finally:
        set_triggers(True)

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE loyalty_pointsentry")
        cursor.execute("SELECT pg_total_relation_size('loyalty_pointsentry')")
        size = cursor.fetchone()[0]
    entries = PointsEntry.objects.count()
    figures = {"spread_per_s": round(spread), "hot_per_s": round(hot),
               "naive_per_s": round(naive), "safety_cost": round(naive / spread, 2),
               "orm_naive_per_s": round(orm_naive),
               "bytes_per_entry": round(size / entries), "entries_on_disk": entries}
    targets = {"spread_per_s": ">= 1000", "hot_per_s": ">= 300", "safety_cost": "<= 2",
               "bytes_per_entry": "< 600"}
    print(f"writers {WRITERS}, {SECONDS:.0f} s each run, {CLIENTS} clients")
    for name, value in figures.items():
        print(f"{name:>16}: {value}")
    print("BENCH " + json.dumps({"name": "ledger", "figures": figures, "targets": targets}))


if __name__ == "__main__":
    main()
