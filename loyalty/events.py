"""What loyalty tells the rest of the product, as Django signals.

- `balance_changed`: sent with `sender=PointsEntry, entry=<the new entry>,
  previous_balance=<int>` after every entry, INSIDE its transaction with `send`: a
  receiver's writes (a reward code issued when a threshold is crossed) commit with
  the entry or not at all. Receivers queue outside effects with `on_commit`.
"""

from django.dispatch import Signal

balance_changed = Signal()
