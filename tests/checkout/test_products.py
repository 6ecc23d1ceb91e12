"""Products: managers keep the list, everyone sells; a SKU is unique in a business."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from checkout.models import Product
from checkout.services import drafts, products
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

PRODUCT = {"name": "Argan oil", "sku": "AR-50", "price": "24.90", "tax_rate": "20",
           "stock": "6", "is_active": "on"}


def url(business, name, *args) -> str:
    return reverse(f"checkout:{name}", args=[business.slug, *args])


def test_a_sku_is_unique_in_a_business_but_not_across_businesses(business, other_business):
    products.create_product(business=business, name="Oil", sku="AR-50", price=Decimal("24.90"),
                            tax_rate=Decimal("20"))

    with pytest.raises(ValidationError) as refused:
        products.create_product(business=business, name="Other oil", sku="AR-50",
                                price=Decimal("9.00"), tax_rate=Decimal("20"))
    products.create_product(business=other_business, name="Oil", sku="AR-50",
                            price=Decimal("24.90"), tax_rate=Decimal("20"))

    assert "SKU" in refused.value.message_dict["sku"][0]
    assert Product.objects.filter(sku="AR-50").count() == 2


@pytest.mark.parametrize(("field", "value", "message"), [
    ("price", Decimal("-1.00"), "cannot be negative"),
    ("price", Decimal("1.005"), "two decimals"),
    ("tax_rate", Decimal("120"), "between 0 and 100"),
    ("name", "  ", "Enter a name"),
])
def test_bad_product_values_are_refused_with_a_clear_message(business, field, value, message):
    values = {"name": "Oil", "sku": "AR-50", "price": Decimal("24.90"),
              "tax_rate": Decimal("20"), field: value}

    with pytest.raises(ValidationError) as refused:
        products.create_product(business=business, **values)

    assert message in refused.value.message_dict[field][0]
    assert not Product.objects.exists()


def test_a_manager_creates_and_edits_a_product(client, business, manager):
    client.force_login(manager)

    created = client.post(url(business, "product-create"), PRODUCT)
    product = Product.objects.for_business(business).get()
    edited = client.post(url(business, "product-edit", product.pk),
                         {**PRODUCT, "price": "22.00", "stock": "12"})

    product.refresh_from_db()
    assert created.status_code == edited.status_code == 302
    assert (product.name, product.price, product.stock) == ("Argan oil", Decimal("22.00"), 12)


def test_the_form_shows_a_duplicate_sku_next_to_the_field(client, business, manager):
    ProductFactory(business=business, sku="AR-50")
    client.force_login(manager)

    response = client.post(url(business, "product-create"), PRODUCT)

    assert response.status_code == 200
    assert "Another product already has this SKU." in response.content.decode()


def test_staff_see_products_but_cannot_change_them(client, business, staff):
    product = ProductFactory(business=business, name="Argan oil")
    client.force_login(staff)

    listed = client.get(url(business, "product-list"))

    assert "Argan oil" in listed.content.decode()
    assert url(business, "product-edit", product.pk) not in listed.content.decode()
    assert client.get(url(business, "product-create")).status_code == 403
    assert client.post(url(business, "product-edit", product.pk), PRODUCT).status_code == 403
    assert client.post(url(business, "settings"), {"service_tax_rate": "10"}).status_code == 403
    product.refresh_from_db()
    assert product.name == "Argan oil"


def test_a_stock_below_zero_is_flagged_in_the_list(client, business, staff):
    ProductFactory(business=business, stock=-2)
    client.force_login(staff)

    text = client.get(url(business, "product-list")).content.decode()

    assert "sold more than counted" in text


def test_a_manager_sets_the_tax_rate_of_services(client, business, manager, haircut):
    client.force_login(manager)

    response = client.post(url(business, "settings"), {"service_tax_rate": "10"})
    invoice = drafts.start_invoice(business=business)
    line = drafts.add_service_line(business=business, invoice=invoice, service=haircut)

    assert response.status_code == 302
    assert line.tax_rate == Decimal("10.00")
