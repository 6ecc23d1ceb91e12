"""How long the typed sources migration (loyalty 0007, giftcards 0004) takes on a million
points entries written in the old string sources.

A copy database (dropped and made again each run): the demo, migrated back to before
typed sources (its sources rebuilt as strings), then 1,000,000 generated entries in the
old strings, by COPY: 60% "appointment:<n>" credits, 12% take-back and restoration
rounds ("appointment:<n>", "appointment:<n>:2", "appointment:<n>:restored:1"), 8%
"invoice:<n>", 4% "refund:<n>", 4% "gift_card:<n>", 2% "reset:<entry>:0", the rest
adjustments and expiry. The ids name no row (the bench makes no million bookings):
an appointment's UPDATE writes every row it matches all the same (its key is looked up
per row), while invoices, refunds and gift cards whose row is missing are only
matched, not written.
Figures:
- migration_s: the forward migration of both apps, as `migrate` runs it;
- copy_s: the baseline, measured in the same run: the same rows copied into a table of
  the same columns and indexes (INSERT ... SELECT), the least a rewrite of them costs;
- migration_per_copy: migration_s / copy_s (target: within 10x);
- entries: the rows converted.
"""

import io
import json
import os
import random
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("BENCH_SOURCES_DATABASE_URL",
                              "postgres://postgres@127.0.0.1:5432/salonbook_bench_sources")
ENTRIES, CLIENTS = 1_000_000, 20_000
BEFORE = [("loyalty", "0006_entry_breakdown"), ("giftcards", "0003_reward_tiers")]


def fresh_database(url: str) -> None:
    import dj_database_url
    import psycopg

    params = dj_database_url.parse(url)
    connection = psycopg.connect(dbname="postgres", user=params["USER"] or None,
                                 password=params["PASSWORD"] or None,
                                 host=params["HOST"] or None, port=params["PORT"] or None,
                                 autocommit=True)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{params["NAME"]}"')
        cursor.execute(f'CREATE DATABASE "{params["NAME"]}"')
    connection.close()


fresh_database(DATABASE_URL)
sys.path.insert(0, str(PROJECT_DIR))
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402


def migrate(targets) -> float:
    executor = MigrationExecutor(connection)
    start = time.monotonic()
    executor.migrate(targets)
    return time.monotonic() - start


def old_source(rng: random.Random, n: int, entry_id: int) -> tuple[str, int, str]:
    """(kind, points, source) of the n-th generated entry, in the strings of before."""
    roll = rng.random()
    if roll < 0.60:
        return "earn", rng.randint(1, 12), f"appointment:{10_000_000 + n}"
    if roll < 0.64:
        return "reverse", -1, f"appointment:{10_000_000 + n}"
    if roll < 0.68:
        return "reverse", -1, f"appointment:{10_000_000 + n}:2"
    if roll < 0.72:
        return "reverse", 1, f"appointment:{10_000_000 + n}:restored:1"
    if roll < 0.80:
        return "earn", rng.randint(1, 12), f"invoice:{10_000_000 + n}"
    if roll < 0.84:
        return "reverse", -1, f"refund:{10_000_000 + n}"
    if roll < 0.88:
        return "redeem", -1, f"gift_card:{10_000_000 + n}"
    if roll < 0.90:
        return "reward", -1, f"reset:{entry_id}:0"
    if roll < 0.95:
        return "adjust", rng.randint(1, 20), ""
    return "expire", -1, ""


def generate(business_id: int) -> None:
    """ENTRIES entries in old strings, each reversal reversing the entry before it (the
    chain trigger is off while they load: loading is not what is measured)."""
    rng = random.Random(7)
    from booking.models import Client
    from loyalty.models import PointsAccount

    Client.objects.bulk_create(Client(business_id=business_id, first_name="Bench",
                                      last_name=f"Client {n}") for n in range(CLIENTS))
    clients = list(Client.objects.filter(business_id=business_id, first_name="Bench")
                   .values_list("pk", flat=True))
    PointsAccount.objects.bulk_create(PointsAccount(business_id=business_id, client_id=pk)
                                      for pk in clients)
    accounts = dict(PointsAccount.objects.filter(client_id__in=clients)
                    .values_list("client_id", "pk"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(max(id), 0) FROM loyalty_pointsentry")
        next_id = cursor.fetchone()[0] + 1
        cursor.execute("ALTER TABLE loyalty_pointsentry DISABLE TRIGGER "
                       "loyalty_entry_balance_chain")
    balances = dict.fromkeys(clients, 1_000)
    buffer = io.StringIO()
    for n in range(ENTRIES):
        client_id = rng.choice(clients)
        previous = next_id + max(n - 1, 0)
        kind, points, source = old_source(rng, n, previous)
        balances[client_id] += points
        buffer.write("\t".join([
            str(next_id + n), str(business_id), str(accounts[client_id]), str(client_id), kind,
            str(points), str(balances[client_id]), source,
            str(previous) if kind == "reverse" else r"\N",
            f"{points} points", "", "2026-01-01T10:00:00+00:00"]) + "\n")
        if (n + 1) % 200_000 == 0 or n + 1 == ENTRIES:
            buffer.seek(0)
            with connection.cursor() as cursor:
                cursor.cursor.copy_expert(
                    "COPY loyalty_pointsentry (id, business_id, account_id, client_id, kind, "
                    "points, balance_after, source, reverses_id, description, note, "
                    "created_at) FROM STDIN", buffer)
            buffer = io.StringIO()
            print(f"  {n + 1:,} entries", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE loyalty_pointsentry ENABLE TRIGGER "
                       "loyalty_entry_balance_chain")
        cursor.execute("SELECT setval(pg_get_serial_sequence('loyalty_pointsentry', 'id'), "
                       "(SELECT max(id) FROM loyalty_pointsentry))")
        cursor.execute("VACUUM ANALYZE loyalty_pointsentry")


def copy_seconds() -> float:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_entry_copy (LIKE loyalty_pointsentry "
                       "INCLUDING DEFAULTS INCLUDING INDEXES)")
        start = time.monotonic()
        cursor.execute("INSERT INTO bench_entry_copy SELECT * FROM loyalty_pointsentry")
        elapsed = time.monotonic() - start
        cursor.execute("DROP TABLE bench_entry_copy")
    return elapsed


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    migrate(BEFORE)
    from tenancy.models import Business

    business = Business.objects.order_by("pk").first()
    generate(business.pk)
    copy_s = copy_seconds()
    migration_s = migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), count(appointment_id) + count(round_number) "
                       "+ count(unlocked_by_id) FROM loyalty_pointsentry")
        entries, typed = cursor.fetchone()
    figures = {"migration_s": round(migration_s, 1), "copy_s": round(copy_s, 1),
               "migration_per_copy": round(migration_s / copy_s, 1), "entries": entries,
               "typed_values": typed}
    targets = {"migration_per_copy": "<= 10"}
    for name, value in figures.items():
        print(f"{name:>20}: {value}")
    print("BENCH " + json.dumps({"name": "source_migration", "figures": figures,
                                 "targets": targets}))


if __name__ == "__main__":
    main()
