"""Row locks of checkout, one named function per model, always in primary-key order.

Use cases take them in this order, so that two never wait for each other in
opposite orders: the invoice, then the business's invoice counter, then products,
then (when adding an appointment's line) the appointment.
"""

from checkout.models import Invoice, InvoiceCounter, Product


def lock_invoice(business, invoice_id: int) -> Invoice:
    return Invoice.objects.for_business(business).select_for_update().get(pk=invoice_id)


def lock_invoice_counter(business) -> InvoiceCounter:
    return InvoiceCounter.objects.for_business(business).select_for_update().get()


def lock_products(business, product_ids) -> dict[int, Product]:
    rows = (Product.objects.for_business(business).select_for_update()
            .filter(pk__in=product_ids).order_by("pk"))
    return {product.pk: product for product in rows}
