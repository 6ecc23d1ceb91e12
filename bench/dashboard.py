"""The back office dashboard's month on PostgreSQL, at two sizes.

Two businesses, each with 20 staff members working Monday to Saturday, clients, and two
years of history: appointments (mostly completed, some no-shows and cancellations), an
invoice with its line and payment for each completed visit, and points entries:
- small: 10,000 appointments and 100,000 points entries;
- large: 100,000 appointments and 1,000,000 points entries.
Rows are written once with bulk inserts and COPY (points through the ledger's triggers:
each entry's balance follows the account's previous one) and kept for the next run.

Figures: dashboard_ms, the median time of the home page with the month's figures
(`?period=month`, signed in as the owner, the whole response), at the large size;
dashboard_small_ms the same at the small size; queries, the page's queries at the large
size, and queries_small at the small one (the same: the count does not grow with rows).
"""

import io
import json
import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from decimal import Decimal

from _setup import setup_django

setup_django()

from django.db import connection  # noqa: E402
from django.test import Client as TestClient  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.models import User  # noqa: E402
from booking.models import (  # noqa: E402
    Appointment,
    Client,
    Service,
    StaffMember,
    WorkingHours,
)
from checkout.models import Invoice, InvoiceLine, Payment  # noqa: E402
from loyalty.models import PointsAccount, PointsEntry  # noqa: E402
from tenancy.models import Business, Role, StaffMembership  # noqa: E402

SIZES = {"small": (10_000, 100_000), "large": (100_000, 1_000_000)}
STAFF, CLIENTS, DAYS = 20, 5_000, 730
RUNS = 20
BATCH = 5_000
TENDERS = ("cash", "card", "card", "gift_card")


def _business(size: str, owner: User) -> Business:
    slug = f"bench-dashboard-{size}"
    business = Business.objects.filter(slug=slug).first() or Business.objects.create(
        name=f"Bench dashboard {size}", slug=slug, contact_email="bench@example.com",
        language="fr", time_zone="Europe/Paris", currency="EUR")
    StaffMembership.objects.get_or_create(business=business, user=owner,
                                          defaults={"role": Role.OWNER})
    return business


def _catalog(business: Business, rng: random.Random):
    if not StaffMember.objects.for_business(business).exists():
        StaffMember.objects.bulk_create(StaffMember(business=business, name=f"Stylist {n:02d}",
                                                    position=n) for n in range(STAFF))
        Service.objects.bulk_create(
            Service(business=business, name=f"Service {n}", duration_minutes=60,
                    price=Decimal(25 + 5 * n)) for n in range(8))
        Client.objects.bulk_create(
            Client(business=business, first_name=rng.choice(["Léa", "Hugo", "Оксана"]),
                   last_name=f"Client {n:05d}", email=f"c{n}@bench.test")
            for n in range(CLIENTS))
        staff = StaffMember.objects.for_business(business)
        WorkingHours.objects.bulk_create(
            WorkingHours(business=business, staff_member=member, weekday=day,
                         start_time=clock(9), end_time=clock(19))
            for member in staff for day in range(6))
    return (list(StaffMember.objects.for_business(business).values_list("pk", flat=True)),
            list(Service.objects.for_business(business).values_list("pk", "price")),
            list(Client.objects.for_business(business).values_list("pk", flat=True)))


def _appointments(business: Business, count: int, rng: random.Random) -> None:
    """`count` one-hour appointments ending today, in slots of 20 stylists from 9:00."""
    if Appointment.objects.for_business(business).exists():
        return
    staff, services, clients = _catalog(business, rng)
    per_day = max(1, count // DAYS)
    today = datetime.now(UTC).replace(hour=8, minute=0, second=0, microsecond=0)
    batch, made, number = [], 0, 0
    for slot in range(count):
        day, place = divmod(slot, per_day)
        hour, stylist = divmod(place, STAFF)
        start = today - timedelta(days=DAYS - day) + timedelta(hours=hour % 10)
        service_id, price = rng.choice(services)
        roll = rng.random()
        state = "completed" if roll < 0.85 else "no_show" if roll < 0.9 else "cancelled"
        batch.append(Appointment(
            business=business, client_id=rng.choice(clients), staff_member_id=staff[stylist],
            service_id=service_id, starts_at=start, ends_at=start + timedelta(hours=1),
            busy_from=start, busy_until=start + timedelta(hours=1), price=price, state=state))
        if len(batch) == BATCH or slot == count - 1:
            made_rows = Appointment.objects.bulk_create(batch)
            number = _invoices(business, [a for a in made_rows if a.state == "completed"],
                               number, rng)
            made += len(batch)
            batch = []
            print(f"  {business.slug}: {made:,} appointments", flush=True)


def _invoices(business: Business, visits: list[Appointment], number: int,
              rng: random.Random) -> int:
    invoices = []
    for visit in visits:
        number += 1
        paid = visit.ends_at + timedelta(minutes=5)
        invoices.append(Invoice(business=business, client_id=visit.client_id, state="paid",
                                number=number, subtotal=visit.price, total=visit.price,
                                paid_amount=visit.price, created_at=visit.starts_at,
                                paid_at=paid))
    Invoice.objects.bulk_create(invoices)
    InvoiceLine.objects.bulk_create(
        InvoiceLine(business=business, invoice=invoice, kind="service",
                    description="Service", appointment=visit, service_id=visit.service_id,
                    unit_price=visit.price, amount=visit.price, tax_rate=Decimal(20))
        for invoice, visit in zip(invoices, visits, strict=True))
    Payment.objects.bulk_create(
        Payment(business=business, invoice=invoice, tender=rng.choice(TENDERS),
                amount=invoice.total, received=invoice.total, created_at=invoice.paid_at)
        for invoice in invoices)
    return number


def _points(business: Business, count: int, rng: random.Random) -> None:
    """`count` earning entries over two years, with COPY, the ledger's triggers checking
    each balance."""
    if PointsEntry.objects.for_business(business).exists():
        return
    clients = list(Client.objects.for_business(business).values_list("pk", flat=True))
    PointsAccount.objects.bulk_create(PointsAccount(business=business, client_id=pk)
                                      for pk in clients)
    accounts = dict(PointsAccount.objects.for_business(business).values_list("client_id", "pk"))
    balances = dict.fromkeys(clients, 0)
    start = datetime.now(UTC) - timedelta(days=DAYS)
    step = timedelta(days=DAYS) / count
    buffer = io.StringIO()
    for n in range(count):
        client_id = rng.choice(clients)
        points = rng.randint(1, 12)
        balances[client_id] += points
        buffer.write("\t".join([
            str(business.pk), str(accounts[client_id]), str(client_id), "earn", str(points),
            str(balances[client_id]), "Bench", "", (start + step * n).isoformat()]) + "\n")
        if (n + 1) % 100_000 == 0 or n + 1 == count:
            with connection.cursor() as cursor, cursor.cursor.copy(
                    "COPY loyalty_pointsentry (business_id, account_id, client_id, kind, "
                    "points, balance_after, description, note, created_at) FROM STDIN"
            ) as copy:
                copy.write(buffer.getvalue())
            buffer = io.StringIO()
            print(f"  {business.slug}: {n + 1:,} points entries", flush=True)
    for client_id, balance in balances.items():
        PointsAccount.objects.for_business(business).filter(client_id=client_id).update(
            balance=balance)


def measure(business: Business, owner: User) -> tuple[float, int]:
    browser = TestClient(HTTP_HOST="localhost")
    browser.force_login(owner)
    url = reverse("booking:backoffice-home", args=[business.slug])
    browser.get(url, {"period": "month"})  # the first visit notes the business in the session
    timings = []
    for _run in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            response = browser.get(url, {"period": "month"})
            timings.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, response.status_code
    return statistics.median(timings), len(captured.captured_queries)


def main() -> None:
    owner = User.objects.filter(email="bench-dashboard@example.com").first() or \
        User.objects.create_user(email="bench-dashboard@example.com", full_name="Camille")
    results = {}
    for size, (appointments, entries) in SIZES.items():
        rng = random.Random(18)
        business = _business(size, owner)
        _appointments(business, appointments, rng)
        _points(business, entries, rng)
        with connection.cursor() as cursor:
            for table in ("booking_appointment", "checkout_invoice", "checkout_invoiceline",
                          "checkout_payment", "loyalty_pointsentry"):
                cursor.execute(f"ANALYZE {table}")
        results[size] = measure(business, owner)
        print(f"{size}: {appointments:,} appointments, {entries:,} points entries: "
              f"{results[size][0]:.1f} ms, {results[size][1]} queries", flush=True)
    figures = {"dashboard_ms": round(results["large"][0], 1),
               "dashboard_small_ms": round(results["small"][0], 1),
               "queries": results["large"][1], "queries_small": results["small"][1]}
    targets = {"dashboard_ms": "< 150", "queries": "== queries_small"}
    for name, value in figures.items():
        print(f"{name:>20}: {value}")
    print("BENCH " + json.dumps({"name": "dashboard", "figures": figures, "targets": targets}))


if __name__ == "__main__":
    main()
