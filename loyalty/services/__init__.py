"""Every write of loyalty, one module per use case:

- ledger: the points ledger; `post_entry` is the one way into it, `reverse_entry` undoes an entry
- adjustments: points added, deducted or undone by staff, and points spent on a purchase
- program: the program's settings, the periods it is on, the points of each service and class
- crediting: points for attended appointments, and what a later cancellation takes back
- invoices: points for paid invoices, and what a refund takes back
- expiry: expiring points, and warning clients before they do
- stamp_card: reward tiers, and what crossing them does (announce the reward, reset the card)
"""
