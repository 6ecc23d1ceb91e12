"""The checkout part of the demo: products on the shelf of both salons, and at Atelier
Lumière one paid invoice (Claire's last visit and a bottle of oil) and one open in the
register (Léa's balayage and a shampoo, her gift card and reward code offered in one
click).

Made through the services, as the desk does; found before being made, so loading
twice changes nothing.
"""

from decimal import Decimal

from booking.models import Appointment, AppointmentState, Client
from checkout.models import Invoice, Product
from checkout.services import drafts, payments, products
from checkout.services.payments import TenderInput
from tenancy.models import Business

PRODUCTS = {
    "atelier-lumiere": [
        # name, SKU, price (tax included), tax rate, stock
        ("Shampoing doux", "AL-SH-250", "18.00", "20", 12),
        ("Masque nourrissant", "AL-MA-200", "24.50", "20", 8),
        ("Huile d'argan", "AL-HU-50", "29.90", "20", 5),
        ("Brosse démêlante", "AL-BR-01", "15.00", "20", 3),
    ],
    "studio-kvitka": [
        ("Олія для кутикули", "SK-OK-10", "250.00", "20", 10),
        ("Крем для рук", "SK-KR-75", "320.00", "20", 6),
    ],
}


def _products(business: Business, rows) -> dict[str, Product]:
    shelf = {}
    for name, sku, price, tax_rate, stock in rows:
        product = Product.objects.for_business(business).filter(sku=sku).first()
        shelf[sku] = product or products.create_product(
            business=business, name=name, sku=sku, price=Decimal(price),
            tax_rate=Decimal(tax_rate), stock=stock)
    return shelf


def _claires_visit(business: Business, shelf: dict[str, Product]) -> None:
    claire = Client.objects.for_business(business).filter(first_name="Claire",
                                                          last_name="Martin").first()
    if claire is None or Invoice.objects.for_business(business).filter(client=claire).exists():
        return
    invoice = drafts.start_invoice(business=business, client=claire)
    visit = (Appointment.objects.for_business(business)
             .filter(client=claire, state=AppointmentState.COMPLETED)
             .order_by("-starts_at").first())
    if visit is not None:
        drafts.add_appointment_line(business=business, invoice=invoice, appointment=visit)
    drafts.add_product_line(business=business, invoice=invoice, product=shelf["AL-HU-50"])
    invoice.refresh_from_db()
    payments.pay_invoice(business=business, invoice=invoice, tenders=[
        TenderInput(tender="card", amount=invoice.total, reference="TPE 004211")])


def _leas_open_register(business: Business, shelf: dict[str, Product]) -> None:
    lea = Client.objects.for_business(business).filter(email="lea.dubois@example.com").first()
    if lea is None or Invoice.objects.for_business(business).filter(client=lea).exists():
        return
    visit = (Appointment.objects.for_business(business)
             .filter(client=lea, state=AppointmentState.COMPLETED)
             .order_by("-starts_at").first())
    if visit is None:
        return
    invoice = drafts.start_for_appointment(business=business, appointment=visit)
    drafts.add_product_line(business=business, invoice=invoice, product=shelf["AL-SH-250"])


def load(businesses: dict[str, Business]) -> None:
    """Add products to the demo businesses that demo.data made, Claire's paid visit and
    Léa's open one."""
    atelier = businesses["atelier-lumiere"]
    shelf = _products(atelier, PRODUCTS["atelier-lumiere"])
    _claires_visit(atelier, shelf)
    _leas_open_register(atelier, shelf)
    _products(businesses["studio-kvitka"], PRODUCTS["studio-kvitka"])
