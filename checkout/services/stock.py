"""Product stock moved by a sale (taken when paid) or a refund (put back)."""

from collections import defaultdict
from collections.abc import Mapping, Sequence

from django.db.models import F
from django.utils.translation import gettext as _

from checkout import locks
from checkout.models import InvoiceLine, LineKind, Product
from tenancy.models import Business


def units_by_product(lines: Sequence[InvoiceLine], quantity_of) -> dict[int, int]:
    units = defaultdict(int)
    for line in lines:
        if line.kind == LineKind.PRODUCT and line.product_id is not None:
            units[line.product_id] += quantity_of(line)
    return {pk: count for pk, count in units.items() if count}


def move_stock(business: Business, units: Mapping[int, int], *, sign: int) -> list[str]:
    """Add `sign` x units to each product's stock; warn of each that goes below zero."""
    warnings = []
    for pk, product in locks.lock_products(business, units).items():
        Product.objects.for_business(business).filter(pk=pk).update(
            stock=F("stock") + sign * units[pk])
        left = product.stock + sign * units[pk]
        if left < 0:
            warnings.append(_("%(product)s: %(sold)d sold with %(stock)d in stock; the stock "
                              "now reads %(left)d, please recount it.") % {
                "product": product.name, "sold": units[pk], "stock": product.stock,
                "left": left})
    return warnings
