"""Products on sale: creating them, and changing them (the stock count included)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from checkout import locks
from checkout.models import Product
from checkout.services.checks import price_error, rate_error
from core.validation import check_same_business, refuse
from tenancy.models import Business

PRODUCT_FIELDS = ("name", "sku", "price", "tax_rate", "stock", "is_active")


def _save_product(business: Business, product: Product) -> Product:
    product.name = (product.name or "").strip()
    product.sku = (product.sku or "").strip()
    refuse({
        "name": None if product.name else _("Enter a name."),
        "sku": None if product.sku else _("Enter a SKU."),
        "price": price_error(product.price),
        "tax_rate": rate_error(product.tax_rate),
        "stock": None if isinstance(product.stock, int) else _("Enter a whole number."),
    })
    product.full_clean(exclude=["business"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            product.save()
    except IntegrityError as clash:
        raise ValidationError({"sku": _("Another product already has this SKU.")}) from clash
    return product


@transaction.atomic(durable=True)
def create_product(*, business: Business, name: str, sku: str, price: Decimal,
                   tax_rate: Decimal, stock: int = 0, is_active: bool = True) -> Product:
    return _save_product(business, Product(business=business, name=name, sku=sku, price=price,
                                           tax_rate=tax_rate, stock=stock, is_active=is_active))


@transaction.atomic(durable=True)
def update_product(*, business: Business, product: Product, **changes) -> Product:
    """Change a product; `stock` is set to the count the manager gives (after a delivery
    or an inventory), on a locked row so that a sale in between is not lost."""
    unknown = set(changes) - set(PRODUCT_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    check_same_business(business, product, field="__all__")
    locked = locks.lock_products(business, [product.pk])[product.pk]
    for name, value in changes.items():
        setattr(locked, name, value)
    return _save_product(business, locked)
