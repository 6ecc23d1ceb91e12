"""The stamp card (SPEC 3.3, from Book in Beautiful): reward tiers at point thresholds.
Crossing one upward reaches its reward; the highest tier may start the card over,
keeping the points above it. This module reads it: the active tiers, and a client's
progress to their next reward. Its writes are loyalty.services.stamp_card.

Why the tiers are loyalty's, not giftcards': they are rules about points. A tier is
reached by a client's balance crossing its threshold, counted only for points earned or
added by staff, and only while the program is on (SPEC 3.4); a resetting tier takes its
points off with a `reward` entry, one of the ledger's own kinds (SPEC 3.2); a client's
Loyalty tab and booking confirmation show the progress to the next one (SPEC 3.6).
Loyalty owns the balance, the ledger and those pages, so it owns the rule. What a reward
reached becomes, a single-use code of six letters, is a coupon: giftcards (the layer
above) issues it when loyalty announces the reward (loyalty.events.reward_reached).
"""

from dataclasses import dataclass

from loyalty.models import RewardTier
from tenancy.models import Business


@dataclass(frozen=True)
class NextReward:
    name: str
    threshold: int
    # Points counted on the card now (below the threshold; resets start the card over).
    progress: int

    @property
    def missing(self) -> int:
        return max(self.threshold - self.progress, 0)

    @property
    def percent(self) -> int:
        return min(100, int(self.progress * 100 / self.threshold)) if self.threshold else 100


def active_tiers(*, business: Business) -> list[RewardTier]:
    """The stamp card: its active tiers, lowest first (the last may reset the card)."""
    return list(RewardTier.objects.for_business(business).filter(is_active=True)
                .select_related("service").order_by("threshold"))


def reset_tier(*, business: Business) -> RewardTier | None:
    """The active tier that starts the card over, if any (the highest one)."""
    return (RewardTier.objects.for_business(business)
            .filter(is_active=True, resets_card=True).first())


def next_reward(*, business: Business, balance: int) -> NextReward | None:
    """A client's progress to their next stamp-card reward once they hold `balance` (their
    balance now, or with the points still to be credited), for loyalty's pages and the
    booking confirmation; None when no tier lies ahead."""
    tiers = active_tiers(business=business)
    reset = next((tier for tier in tiers if tier.resets_card), None)
    if reset is not None and balance >= reset.threshold:
        # A balance still to be credited may go round the card: count what stays on it.
        balance %= reset.threshold
    tier = next((tier for tier in tiers if tier.threshold > balance), None)
    if tier is None:
        return None
    return NextReward(name=tier.name, threshold=tier.threshold, progress=balance)
