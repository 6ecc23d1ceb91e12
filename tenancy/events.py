"""What the tenancy core tells the rest of the product, as Django signals.

- `extension_switched`: sent with `sender=Business, business=..., extension=<Extension>,
  enabled=<bool>` for each extension a switch turned on or off.

Sent INSIDE the switch's transaction with `send`: a receiver's writes commit with the
switch or not at all, and a receiver that raises undoes it. Receivers queue outside
effects with `transaction.on_commit`.
"""

from django.dispatch import Signal

extension_switched = Signal()
