"""The checkout part of the demo: products at both salons, one paid invoice and one open
in the register at Atelier Lumière, and nothing more when it is loaded again."""

import pytest

from checkout.models import Invoice, InvoiceState, Product
from demo import checkout as demo_checkout
from demo import data

pytestmark = pytest.mark.django_db


def test_the_demo_has_products_a_paid_invoice_and_an_open_one_and_loads_twice_the_same():
    businesses = data.load()
    demo_checkout.load(businesses)
    counts = (Product.objects.count(), Invoice.objects.count())

    demo_checkout.load(businesses)

    atelier = businesses["atelier-lumiere"]
    # The first invoice (demo.sales adds a month of others after it)
    invoice = Invoice.objects.for_business(atelier).get(number=1)
    [open_one] = Invoice.objects.for_business(atelier).drafts()
    assert (invoice.state, invoice.number) == (InvoiceState.PAID, 1)
    assert invoice.client.first_name == "Claire"
    assert invoice.lines.count() == 2
    assert open_one.client.first_name == "Léa"
    assert sorted(line.kind for line in open_one.lines.all()) == ["product", "service"]
    assert open_one.lines.filter(appointment__isnull=False).count() == 1
    assert Product.objects.for_business(businesses["studio-kvitka"]).exists()
    assert (Product.objects.count(), Invoice.objects.count()) == counts
