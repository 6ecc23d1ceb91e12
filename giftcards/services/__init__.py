"""Every write of giftcards, one module per use case (import the module you need):

- `offers`: the gift card offers a business sells.
- `cards`: the gift card ledger: issue, redeem, refund, cancel, deactivate and reactivate.
- `purchases`: buying a card with loyalty points or with money on the booking site.
- `coupons`: coupons and reward codes, and each use of them.
- `bookings`: codes typed on the booking site, and what a cancelled booking gives back.
- `invoices`: checkout's gift card tender, codes on invoices, cards sold or refunded there.
- `reward_codes`: the code of a stamp-card reward reached (the tiers are loyalty's), and
  rewards given by staff.
- `checks`: checks of typed values the modules above share.
"""
