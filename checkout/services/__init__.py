"""Every write of checkout, one module per use case:

- products: products on sale, their price, tax rate and stock count
- checkout_settings: the tax rate proposed on service lines
- drafts: draft invoices, their client, lines and discounts, and the code applied to them
- payments: paying a draft (`TenderInput`, `PaymentResult`, `pay_invoice`)
- receipts: emailing a paid invoice's receipt (notifications sends it)
- refunds: refunding a paid invoice to the tenders it was paid with
- stock: product stock taken by a payment and put back by a refund
- checks: the price, tax rate, quantity and discount checks the others share

Refusals raise ValidationError (keyed by the field at fault when there is one) and
change nothing. Use cases on an invoice lock it first ("lock, then check"), then
the invoice counter and products (see locks.py for the order).
"""
