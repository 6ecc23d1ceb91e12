"""The sales part of the demo: at Atelier Lumière, a month of past visits paid at the desk
(by cash, card and now and then with a product or a gift card sold), a few no-shows,
clients who booked their next visit before leaving, and the staff's commission rates; so
that the dashboard and the sales reports show real figures at once.

Made through the booking and checkout services, as the desk does, each "as of" its
moment; only the day an appointment was booked on is set afterwards (the booking
service stamps it with the clock), for the rebooking rate. Loading twice changes
nothing: a business with this month of sales already is left alone.
"""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from booking.models import Appointment, AppointmentState, Client, Service, StaffMember
from booking.services.appointments import book_appointment, set_appointment_state
from checkout.models import Invoice, Product
from checkout.services import drafts, payments
from checkout.services.payments import TenderInput
from reports import services as report_services
from reports.models import CommissionRate
from tenancy.models import Business

DAYS = 30
# Local hours a visit may start at; each past day gets a few of them.
HOURS = (9, 10, 11, 14, 15, 16, 17)
NOTE = "Demo"
# (staff member, service or product or None for the default rate, rate in percent)
RATES = [
    ("Camille", None, "35"), ("Inès", None, "30"), ("Inès", "Balayage", "40"),
    ("Julien", None, "25"), ("Julien", "AL-SH-250", "10"),
]


def _rates(business: Business) -> None:
    if CommissionRate.objects.for_business(business).exists():
        return
    team = {member.name: member for member in StaffMember.objects.for_business(business)}
    services = {service.name: service for service in Service.objects.for_business(business)}
    products = {product.sku: product for product in Product.objects.for_business(business)}
    for name, item, rate in RATES:
        if name not in team:
            continue
        report_services.set_commission_rate(
            business=business, staff_member=team[name], rate=Decimal(rate),
            service=services.get(item or ""), product=products.get(item or ""))


def _book(business: Business, client: Client, service: Service, start: datetime
          ) -> Appointment | None:
    """A visit at `start` with whoever performs the service and is free, or None."""
    try:
        return book_appointment(business=business, client=client, service=service,
                                start=start, online=False, notes=NOTE,
                                now=start - timedelta(days=3))
    except ValidationError:
        return None  # nobody free then (a day off, the salon closed): the day has fewer


def _pay(business: Business, appointment: Appointment, rng: random.Random,
         products: list[Product]) -> None:
    invoice = drafts.start_invoice(business=business, client=appointment.client)
    drafts.add_appointment_line(business=business, invoice=invoice, appointment=appointment)
    if products and rng.random() < 0.3:
        drafts.add_product_line(business=business, invoice=invoice,
                                product=rng.choice(products))
    if business.coupons_gift_cards_enabled and rng.random() < 0.06:
        drafts.add_gift_card_line(business=business, invoice=invoice, amount=Decimal("50.00"))
    invoice.refresh_from_db()
    if rng.random() < 0.45:
        tenders = [TenderInput(tender="cash", amount=invoice.total)]
    else:
        tenders = [TenderInput(tender="card", amount=invoice.total,
                               reference=f"TPE {rng.randint(1000, 9999):06d}")]
    payments.pay_invoice(business=business, invoice=invoice, tenders=tenders,
                         now=appointment.ends_at + timedelta(minutes=5))


def _month(business: Business) -> None:
    now = timezone.now()
    today = timezone.localdate(now, timezone=business.zone)
    if Invoice.objects.for_business(business).filter(
            paid_at__lt=now - timedelta(days=DAYS // 2)).exists():
        return
    rng = random.Random(18)
    clients = list(Client.objects.for_business(business).order_by("pk"))
    services = list(Service.objects.for_business(business).filter(is_active=True)
                    .order_by("pk"))
    products = list(Product.objects.for_business(business).order_by("pk"))
    if not clients or not services:
        return
    visits: list[Appointment] = []
    for back in range(DAYS, 0, -1):
        day = today - timedelta(days=back)
        for hour in rng.sample(HOURS, 4):
            start = datetime.combine(day, time(hour), tzinfo=business.zone)
            appointment = _book(business, rng.choice(clients), rng.choice(services), start)
            if appointment is None:
                continue
            outcome = (AppointmentState.NO_SHOW if rng.random() < 0.07
                       else AppointmentState.COMPLETED)
            set_appointment_state(business=business, appointment=appointment, state=outcome,
                                  by=None, now=appointment.ends_at)
            if outcome == AppointmentState.COMPLETED:
                _pay(business, appointment, rng, products)
                visits.append(appointment)
    _rebookings(business, visits, rng)


def _rebookings(business: Business, visits: list[Appointment], rng: random.Random) -> None:
    """About a third of the clients booked their next visit at the desk, on the day of the
    one before it: that booking is dated so (the booking service dated it today)."""
    following: dict[int, Appointment] = {}
    for visit in sorted(visits, key=lambda appointment: appointment.starts_at, reverse=True):
        later = following.get(visit.client_id)
        if later is not None and rng.random() < 0.35:
            Appointment.objects.for_business(business).filter(pk=later.pk).update(
                created_at=visit.ends_at)
        following[visit.client_id] = visit


def load(businesses: dict[str, Business]) -> None:
    atelier = businesses["atelier-lumiere"]
    _rates(atelier)
    _month(atelier)
