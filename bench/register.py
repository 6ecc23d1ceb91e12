"""The register page at two sizes: its median time and its query count.

Two businesses on PostgreSQL, each with a client at the desk whose draft is open in
the register, with Loyalty and Coupons & gift cards on:
- small: 20 services, 20 products, 3 lines on the draft, 2 gift cards and 2 codes;
- large: 2,000 services, 5,000 products, 40 lines on the draft, 20 gift cards and 20
  codes, and 5 of the client's appointments today.
Figures: register_ms (median of the register page, the larger of the two sizes;
register_cpu_ms, the CPU time of this process in it, which a busy machine inflates
less),
search_ms (median of the quick search's answer, typed "co", the larger), queries (the
register page's queries at each size: the count must not grow with the rows).
Made once and kept for the next run.
"""

import json
import statistics
import time
from datetime import timedelta
from decimal import Decimal

from _setup import setup_django

setup_django()

from django.db import connection  # noqa: E402
from django.test import Client as TestClient  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from booking.models import Appointment, Client, Service, StaffMember  # noqa: E402
from checkout.models import Invoice, Product  # noqa: E402
from checkout.services import drafts  # noqa: E402
from config.celery import app as celery_app  # noqa: E402
from giftcards.services import cards, coupons  # noqa: E402
from tenancy.models import Business, Extension, Role, StaffMembership  # noqa: E402
from tenancy.services import set_extension  # noqa: E402

RUNS = 30
SIZES = {"small": {"services": 20, "products": 20, "lines": 3, "cards": 2, "appointments": 0},
         "large": {"services": 2_000, "products": 5_000, "lines": 40, "cards": 20,
                   "appointments": 5}}
USER = "bench-register@example.com"


def make(size: str, spec: dict) -> Invoice:
    slug = f"bench-register-{size}"
    business = Business.objects.filter(slug=slug).first()
    if business is not None:
        return Invoice.objects.for_business(business).drafts().get()
    business = Business.objects.create(name=f"Bench register {size}", slug=slug,
                                       contact_email="bench@example.com", language="fr",
                                       time_zone="Europe/Paris")
    for extension in (Extension.ACCEPT_PAYMENTS, Extension.COUPONS_GIFT_CARDS,
                      Extension.LOYALTY):
        business, _also = set_extension(business=business, extension=extension, enabled=True)
    user = User.objects.filter(email=USER).first() or User.objects.create_user(
        email=USER, full_name="Inès Moreau")
    StaffMembership.objects.create(business=business, user=user, role=Role.OWNER)
    Service.objects.bulk_create(
        Service(business=business, name=f"Colour {n:04d}", duration_minutes=60,
                price=Decimal(40 + n % 50), position=n) for n in range(spec["services"]))
    Product.objects.bulk_create(
        Product(business=business, name=f"Conditioner {n:04d}", sku=f"CO-{n:05d}",
                price=Decimal("18.00"), tax_rate=Decimal(20), stock=10)
        for n in range(spec["products"]))
    client = Client.objects.create(business=business, first_name="Léa", last_name="Dubois",
                                   email="lea@bench.test")
    staff = StaffMember.objects.create(business=business, name="Inès")
    start = timezone.now().replace(microsecond=0) - timedelta(hours=9)
    Appointment.objects.bulk_create(
        Appointment(business=business, client=client, staff_member=staff,
                    service=Service.objects.for_business(business).first(),
                    starts_at=start + timedelta(hours=n),
                    ends_at=start + timedelta(hours=n, minutes=50),
                    busy_from=start + timedelta(hours=n),
                    busy_until=start + timedelta(hours=n, minutes=50), price=Decimal(45))
        for n in range(spec["appointments"]))
    for n in range(spec["cards"]):
        cards.issue_gift_card(business=business, value=Decimal(50), validity_days=365,
                              purchaser=client)
        coupons.create_coupon(business=business, code=f"REWARD{n:03d}", discount_kind="amount",
                              value=Decimal(5), client=client, applies_to="both",
                              max_uses=1, max_uses_per_client=1)
    invoice = drafts.start_invoice(business=business, client=client)
    for product in Product.objects.for_business(business).order_by("pk")[:spec["lines"]]:
        drafts.add_product_line(business=business, invoice=invoice, product=product)
    return invoice


def measure(browser: TestClient, url: str, **extra) -> tuple[float, int]:
    browser.get(url, **extra)
    times, cpu = [], []
    for _run in range(RUNS):
        began, began_cpu = time.perf_counter(), time.process_time()
        response = browser.get(url, **extra)
        times.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        browser.get(url, **extra)
    return statistics.median(times), len(queries.captured_queries), statistics.median(cpu)


def main() -> None:
    browser = TestClient(HTTP_HOST="localhost")
    results = {}
    for size, spec in SIZES.items():
        invoice = make(size, spec)
        browser.force_login(User.objects.get(email=USER))
        url = reverse("checkout:draft", args=[invoice.business.slug, invoice.pk])
        page_ms, queries, page_cpu = measure(browser, url)
        search_ms, _search_queries, _cpu = measure(browser, f"{url}?find=co",
                                                   HTTP_HX_REQUEST="true")
        results[size] = (page_ms, queries, search_ms, page_cpu)
        print(f"{size:>6}: register {page_ms:.1f} ms ({page_cpu:.1f} ms of CPU in this "
              f"process), {queries} queries; search {search_ms:.1f} ms")
    # Issuing cards queued emails to fake clients: no worker runs here.
    celery_app.control.purge()
    figures = {"register_ms": round(max(r[0] for r in results.values()), 1),
               "search_ms": round(max(r[2] for r in results.values()), 1),
               "register_cpu_ms": round(max(r[3] for r in results.values()), 1),
               "queries": [results["small"][1], results["large"][1]]}
    targets = {"register_ms": "< 100", "queries": "equal at both sizes"}
    print("BENCH " + json.dumps({"name": "register", "figures": figures, "targets": targets}))


if __name__ == "__main__":
    main()
