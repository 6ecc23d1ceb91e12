"""What checkout tells the rest of the product, as Django signals.

- `invoice_paid`: sent with `sender=Invoice, invoice=<the paid invoice>` once the
  invoice has its number, its payments and its new state.
- `invoice_refunded`: sent with `sender=Invoice, invoice=<the invoice>,
  refund=<the Refund>` once the refund, its lines and its allocations to the
  tenders are written.
- `receipt_requested`: sent with `sender=Invoice, invoice=<a paid invoice>,
  email=<the address>` when staff email the receipt; the notifications app
  records the email and sends it once the transaction commits.

Both are sent INSIDE the payment's or the refund's database transaction, with
`send` rather than `send_robust`. A receiver's writes (loyalty points, an issued
gift card) therefore commit with the payment or not at all, and a receiver that
raises rolls the payment or refund back: the caller gets the error and nothing
is recorded. A handler running after commit could be lost in a crash between the
two. Receivers must therefore be quick and must not leave the process: they queue
email and other outside effects with `transaction.on_commit`.
"""

from django.dispatch import Signal

invoice_paid = Signal()
invoice_refunded = Signal()
receipt_requested = Signal()
