"""Where other apps plug into loyalty without loyalty importing them.

- Next reward: the app that owns reward tiers (giftcards) registers a provider,
  `provider(*, business, client, balance) -> NextReward | None`, so that the client's
  Loyalty tab and the booking confirmation show the progress to the next reward.
"""

from collections.abc import Callable
from dataclasses import dataclass


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


NextRewardProvider = Callable[..., NextReward | None]
_next_reward_providers: list[NextRewardProvider] = []


def register_next_reward(provider: NextRewardProvider) -> None:
    if provider not in _next_reward_providers:
        _next_reward_providers.append(provider)


def next_reward(*, business, client, balance: int) -> NextReward | None:
    for provider in _next_reward_providers:
        found = provider(business=business, client=client, balance=balance)
        if found is not None:
            return found
    return None
