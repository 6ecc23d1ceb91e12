"""The stamp card's writes (loyalty/stamp_card.py says why it is loyalty's): its tiers,
and what a ledger entry crossing them does. The ledger calls `reward_crossings` with
every batch of entries it writes, inside their transaction: loyalty announces each
reward reached (events.reward_reached: giftcards issues its code) and takes a resetting
tier's points off with a `reward` entry."""

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from booking.models import Service
from core.validation import check_same_business, refuse, trimmed, whole_number_error
from loyalty import events, locks
from loyalty.discounts import AppliesTo, discount_errors, normalise_discount
from loyalty.models import (
    MAX_POINTS,
    MAX_REWARD_VALIDITY_DAYS,
    EntryKind,
    EntrySource,
    PointsEntry,
    RewardTier,
)
from loyalty.services import ledger
from loyalty.stamp_card import active_tiers
from tenancy.models import Business

TIER_FIELDS = ("name", "threshold", "discount_kind", "value", "service", "applies_to",
               "validity_days", "earns_points", "resets_card", "is_active")
# A huge adjustment on a small resetting card would otherwise reach rewards by the thousand.
MAX_RESETS_PER_ENTRY = 10


def _save_tier(business: Business, tier: RewardTier) -> RewardTier:
    tier.name = trimmed(tier.name, 120)
    normalise_discount(tier)
    errors = {"name": None if tier.name else _("Enter a name."),
              "threshold": whole_number_error(tier.threshold, low=1, high=MAX_POINTS),
              "validity_days": whole_number_error(tier.validity_days, low=1,
                                                  high=MAX_REWARD_VALIDITY_DAYS),
              **discount_errors(tier)}
    refuse(errors)
    check_same_business(business, tier.service, field="service")
    if tier.is_active:
        others = RewardTier.objects.for_business(business).filter(is_active=True).exclude(
            pk=tier.pk)
        if others.filter(threshold=tier.threshold).exists():
            raise ValidationError({"threshold": _("Another reward already needs this many "
                                                  "points.")})
        reset = others.filter(resets_card=True).first()
        if tier.resets_card and others.filter(threshold__gt=tier.threshold).exists():
            raise ValidationError({"resets_card": _("Only the highest reward can start the "
                                                    "card over.")})
        if reset is not None and tier.threshold > reset.threshold:
            raise ValidationError({"threshold": ngettext(
                "%(name)s starts the card over at %(points)s point: no client could reach "
                "this reward.",
                "%(name)s starts the card over at %(points)s points: no client could reach "
                "this reward.", reset.threshold) % {"name": reset.name,
                                                    "points": reset.threshold}})
    tier.save()
    return tier


@transaction.atomic(durable=True)
def create_tier(*, business: Business, name: str, threshold: int, discount_kind: str,
                value: Decimal = Decimal(0), service: Service | None = None,
                applies_to: str = AppliesTo.BOOKINGS, validity_days: int = 90,
                earns_points: bool = False, resets_card: bool = False,
                is_active: bool = True) -> RewardTier:
    """A new tier rewards only crossings from now on: nobody already above it gets it."""
    locks.lock_tiers(business)
    return _save_tier(business, RewardTier(
        business=business, name=name, threshold=threshold, discount_kind=discount_kind,
        value=value, service=service, applies_to=applies_to, validity_days=validity_days,
        earns_points=earns_points, resets_card=resets_card, is_active=is_active))


@transaction.atomic(durable=True)
def update_tier(*, business: Business, tier: RewardTier, **changes) -> RewardTier:
    """Codes already issued keep what they were issued with."""
    unknown = set(changes) - set(TIER_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    check_same_business(business, tier, field="__all__")
    locks.lock_tiers(business)
    locked = RewardTier.objects.for_business(business).get(pk=tier.pk)
    for name, value in changes.items():
        setattr(locked, name, value)
    return _save_tier(business, locked)


def reward_crossings(*, changes: list[tuple[PointsEntry, int]],
                     now: datetime | None = None) -> None:
    """Announce the tiers that entries cross upward, inside their transaction (their
    accounts are locked). `changes`: [(entry, previous_balance)] of one business, in
    ledger order. Only points earned or added by staff reach rewards: points given
    back (a reversed purchase) were counted when first earned.

    A reset tier takes its points off with a `reward` entry; the card then counts again
    from what is left, which may reach tiers again (at most MAX_RESETS_PER_ENTRY times).
    A batch's entries are all written before this runs, so a reset posted for an earlier
    entry of a client is carried over to that client's later entries here."""
    earning = [(entry, previous) for entry, previous in changes
               if entry.points > 0 and entry.kind in (EntryKind.EARN, EntryKind.ADJUST)]
    if not earning:
        return
    business = earning[0][0].business
    if not business.loyalty_enabled:
        return
    tiers = active_tiers(business=business)
    if not tiers:
        return
    now = now or timezone.now()
    reset = next((tier for tier in tiers if tier.resets_card), None)
    reset_so_far: dict[int, int] = {}
    for entry, previous in earning:
        carried = reset_so_far.get(entry.client_id, 0)
        before, after = previous - carried, entry.balance_after - carried
        for round_number in range(MAX_RESETS_PER_ENTRY):
            crossed = [tier for tier in tiers if before < tier.threshold <= after]
            for tier in crossed:
                events.reward_reached.send(sender=RewardTier, business=business,
                                           client=entry.client, tier=tier, balance=after,
                                           entry=entry, now=now)
            if reset is None or reset not in crossed:
                break
            with translation.override(business.language):
                description = _("%(reward)s unlocked: the card starts over") % {
                    "reward": reset.name}
            ledger.post_entry(business=business, client=entry.client, kind=EntryKind.REWARD,
                              points=-reset.threshold, description=description,
                              source=EntrySource(unlocked_by_id=entry.pk,
                                                 round_number=round_number),
                              now=now)
            reset_so_far[entry.client_id] = carried = carried + reset.threshold
            before, after = 0, after - reset.threshold
