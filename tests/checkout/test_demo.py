"""The checkout part of the demo: products at both salons, one paid invoice at Atelier
Lumière, and nothing more when it is loaded again."""

import pytest

from checkout.models import Invoice, InvoiceState, Product
from demo import checkout as demo_checkout
from demo import data

pytestmark = pytest.mark.django_db


def test_the_demo_has_products_and_a_paid_invoice_and_loads_twice_the_same():
    businesses = data.load()
    demo_checkout.load(businesses)
    counts = (Product.objects.count(), Invoice.objects.count())

    demo_checkout.load(businesses)

    atelier = businesses["atelier-lumiere"]
    [invoice] = Invoice.objects.for_business(atelier)
    assert (invoice.state, invoice.number) == (InvoiceState.PAID, 1)
    assert invoice.client.first_name == "Claire"
    assert invoice.lines.count() == 2
    assert Product.objects.for_business(businesses["studio-kvitka"]).exists()
    assert (Product.objects.count(), Invoice.objects.count()) == counts
