"""What loyalty tells the rest of the product, as Django signals.

- `balance_changed`: sent with `sender=PointsEntry, changes=[(entry, previous_balance),
  ...]` once per batch of entries written together (one entry, or a crediting batch),
  in ledger order, INSIDE their transaction with `send`: a receiver's writes (a
  reward code issued when a threshold is crossed) commit with the entries or not at
  all. One signal per batch lets a receiver read its settings once, not per entry.
  Receivers queue outside effects with `on_commit`.
"""

from django.dispatch import Signal

balance_changed = Signal()
