"""The EXPLAIN (ANALYZE, BUFFERS) audit at scale (docs/scale.md): every SELECT of the
availability, balance, booking, checkout, calendar, client page, points report and
dashboard paths of one business, run on the large database bench/scale.py builds.

`.venv/bin/python bench/explain.py [slug]` prints, for each path, its queries with the
buffers each one touched (shared hit + read) and the tables it read whole (Seq Scan);
the costliest first. A query whose buffers grow with other businesses' rows or with
years of history is the one to fix.
"""

import json
import os
import sys
import time
from datetime import time as clock
from datetime import timedelta

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/salonbook_scale_big")
from _setup import setup_django

setup_django()

from django.db import connection  # noqa: E402
from django.test import Client as Browser  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from booking.models import (  # noqa: E402
    Appointment,
    Client,
    Service,
    ServiceStaff,
    StaffMember,
    WorkingHours,
)
from tenancy.models import Business, Role, StaffMembership  # noqa: E402
from tenancy.services import issue_api_token  # noqa: E402

SHOWN = 4
# EXPLAIN_PLANS=100: also print the plan of each query shown that touched 100 buffers.
PLANS = int(os.environ.get("EXPLAIN_PLANS", "0"))


def explain(sql: str) -> tuple[int, float, list[str]]:
    """Buffers touched, milliseconds, and the relations read whole, for one SELECT."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}")
        [plan] = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)[0]
    seq, stack = [], [plan["Plan"]]
    while stack:
        node = stack.pop()
        if node["Node Type"] == "Seq Scan":
            seq.append(node["Relation Name"])
        stack.extend(node.get("Plans", []))
    top = plan["Plan"]
    return (top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0),
            plan["Execution Time"], seq)


def audit(name: str, call) -> None:
    with CaptureQueriesContext(connection) as captured:
        answer = call()
    if answer.status_code >= 400:
        raise SystemExit(f"{name}: {answer.status_code} {answer.content[:300]!r}")
    rows = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        buffers, ms, seq = explain(sql)
        rows.append((buffers, ms, seq, sql))
    rows.sort(key=lambda row: -row[0])
    total = sum(row[0] for row in rows)
    print(f"\n## {name}: {len(captured.captured_queries)} queries, {len(rows)} SELECTs, "
          f"{total} buffers")
    for buffers, ms, seq, sql in rows[:SHOWN]:
        whole = f" SEQ SCAN {', '.join(seq)}" if seq else ""
        print(f"- {buffers} buffers, {ms:.1f} ms{whole}: {sql[:400]}")
        if PLANS and buffers >= PLANS:
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                print("\n".join("    " + row[0] for row in cursor.fetchall()))


def _open_every_day(business) -> None:
    """The built salons have staff and visits but no hours: open them, to book."""
    if WorkingHours.objects.for_business(business).exists():
        return
    staff = list(StaffMember.objects.for_business(business))
    ServiceStaff.objects.bulk_create(
        ServiceStaff(business=business, service=service, staff_member=member)
        for service in Service.objects.for_business(business) for member in staff)
    WorkingHours.objects.bulk_create(
        WorkingHours(business=business, staff_member=member, weekday=day,
                     start_time=clock(9), end_time=clock(19))
        for member in staff for day in range(7))


def main() -> None:
    slug = sys.argv[1] if len(sys.argv) > 1 else "scale-0"
    business = Business.objects.get(slug=slug)
    stamp = time.time_ns()
    owner = User.objects.create_user(email=f"audit-{stamp}@example.com", password=None)
    membership = StaffMembership.objects.create(business=business, user=owner, role=Role.OWNER)
    _token, key = issue_api_token(business=business, membership=membership, name="audit")
    api = Browser(SERVER_NAME="localhost", HTTP_AUTHORIZATION=f"Token {key}")
    office = Browser(SERVER_NAME="localhost")
    office.force_login(owner)
    service = Service.objects.for_business(business).first()
    _open_every_day(business)
    client = Client.objects.for_business(business).order_by("pk").first()
    visit = Appointment.objects.for_business(business).order_by("-starts_at").first()
    tomorrow = (timezone.localdate(timezone=business.zone) + timedelta(days=1)).isoformat()
    last_visit_day = visit.starts_at.date().isoformat()
    base = f"/manage/{slug}"

    audit("availability", lambda: api.get("/api/v1/availability/", {
        "service": service.pk, "start": tomorrow, "days": 1}))
    audit("balance", lambda: api.get(f"/api/v1/loyalty/clients/{client.pk}/"))
    slots = api.get("/api/v1/availability/", {"service": service.pk, "start": tomorrow,
                                               "days": 1}).json()
    start = next(slot["start"] for day in slots for slot in day["slots"])
    audit("booking", lambda: api.post("/api/v1/appointments/", {
        "client": client.pk, "service": service.pk, "start": start},
        content_type="application/json"))
    invoice = {}

    def start_checkout():
        answer = api.post("/api/v1/invoices/", {"client": client.pk},
                          content_type="application/json")
        invoice.update(answer.json())
        return answer
    audit("checkout: start", start_checkout)
    lines = {}

    def add_line():
        answer = api.post(f"/api/v1/invoices/{invoice['id']}/lines/",
                          {"kind": "service", "service": service.pk},
                          content_type="application/json")
        lines.update(answer.json())
        return answer
    audit("checkout: add line", add_line)
    audit("checkout: pay", lambda: api.post(
        f"/api/v1/invoices/{invoice['id']}/pay/",
        {"tenders": [{"tender": "cash", "amount": lines["total"]}]},
        content_type="application/json"))
    audit("calendar (day of the last visit)",
          lambda: office.get(f"{base}/calendar/", {"day": last_visit_day}))
    audit("calendar week", lambda: office.get(f"{base}/calendar/week/",
                                              {"day": last_visit_day}))
    audit("client page", lambda: office.get(f"{base}/clients/{client.pk}/"))
    audit("client list", lambda: office.get(f"{base}/clients/"))
    audit("points report", lambda: office.get(f"{base}/reports/points/"))
    audit("loyalty dashboard", lambda: office.get(f"{base}/reports/loyalty/"))


if __name__ == "__main__":
    main()
