"""The stamp card is loyalty's rule: loyalty finds the tiers an entry crosses, takes a
resetting tier's points off with a `reward` entry, and announces each reward reached
inside the ledger's transaction, whoever listens (giftcards issues the codes)."""

from decimal import Decimal

import pytest

from giftcards import receivers as giftcards_receivers
from loyalty import events
from loyalty.models import EntryKind, PointsAccount, PointsEntry, RewardTier
from loyalty.services import ledger, stamp_card

pytestmark = pytest.mark.django_db

GIFTCARDS_UID = "giftcards-reward-code"


@pytest.fixture
def heard():
    """What loyalty announced: (tier threshold, points on the card, crossing entry)."""
    announcements = []

    def hear(*, sender, tier, balance, entry, **_kwargs):
        announcements.append((tier.threshold, balance, entry.pk))

    events.reward_reached.connect(hear, sender=RewardTier, weak=False,
                                  dispatch_uid="test-heard")
    yield announcements
    events.reward_reached.disconnect(sender=RewardTier, dispatch_uid="test-heard")


@pytest.fixture
def nobody_issues_codes():
    """Giftcards not listening: what is left is loyalty's alone."""
    events.reward_reached.disconnect(sender=RewardTier, dispatch_uid=GIFTCARDS_UID)
    yield
    events.reward_reached.connect(giftcards_receivers.on_reward_reached, sender=RewardTier,
                                  dispatch_uid=GIFTCARDS_UID)


def tier(business, threshold, **values):
    return stamp_card.create_tier(business=business, name=f"{threshold} points",
                                  threshold=threshold, discount_kind="amount",
                                  value=Decimal("5.00"), **values)


def earn(business, client, points):
    return ledger.post_entry(business=business, client=client, kind=EntryKind.EARN,
                             points=points, description="Visit")


def test_loyalty_announces_each_reward_reached_and_resets_the_card_on_its_own(
        business, fan, heard, nobody_issues_codes):
    tier(business, 5)
    tier(business, 10, resets_card=True)

    first = earn(business, fan, 8)
    second = earn(business, fan, 15)

    # 8 reaches 5; 23 reaches 10 (the card starts over at 13), then 5 and 10 again (at 3)
    assert heard == [(5, 8, first.pk), (10, 23, second.pk), (5, 13, second.pk),
                     (10, 13, second.pk)]
    resets = PointsEntry.objects.filter(client=fan, kind=EntryKind.REWARD).order_by("pk")
    assert [(entry.points, entry.unlocked_by_id, entry.round_number) for entry in resets] == [
        (-10, second.pk, 0), (-10, second.pk, 1)]
    assert PointsAccount.objects.get(client=fan).balance == 3


def test_a_receiver_that_fails_undoes_the_points_that_reached_the_reward(business, fan):
    tier(business, 5)
    earn(business, fan, 2)

    def refuse(**_kwargs):
        raise RuntimeError("the code could not be issued")

    events.reward_reached.connect(refuse, sender=RewardTier, weak=False,
                                  dispatch_uid="test-refuse")
    try:
        with pytest.raises(RuntimeError):
            earn(business, fan, 4)
    finally:
        events.reward_reached.disconnect(sender=RewardTier, dispatch_uid="test-refuse")

    assert PointsAccount.objects.get(client=fan).balance == 2
    assert PointsEntry.objects.filter(client=fan).count() == 1
