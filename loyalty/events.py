"""What loyalty tells the rest of the product, as Django signals.

- `reward_reached`: sent with `sender=RewardTier, business=..., client=..., tier=<the
  tier crossed>, balance=<the points on the card once crossed>, entry=<the entry whose
  points crossed it>, now=...` once for each stamp-card tier a client's points cross
  upward (loyalty.services.stamp_card): in ledger order, lowest tier first, and again
  each time the card fills after a reset. Giftcards issues the reward's code.

Sent INSIDE the ledger's transaction with `send`: a receiver's writes (the code, the
message log of its email) commit with the points that reached the reward or not at all,
and a receiver that raises undoes the posting. Receivers queue outside effects with
`transaction.on_commit`.
"""

from django.dispatch import Signal

reward_reached = Signal()
