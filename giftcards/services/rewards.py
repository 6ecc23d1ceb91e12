"""Stamp-card rewards: reward tiers, the codes clients unlock by crossing them, and
the rewards staff give by hand."""

from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from booking.models import Client, Service
from core.dates import format_day
from core.validation import check_same_business, refuse, trimmed, whole_number_error
from giftcards import codes, locks, selectors
from giftcards.models import (
    MAX_POINTS_PRICE,
    MAX_VALIDITY_DAYS,
    AppliesTo,
    Coupon,
    CouponOrigin,
)
from giftcards.services.cards import new_code
from giftcards.services.checks import business_today
from loyalty.discounts import discount_errors, normalise_discount
from loyalty.models import RewardTier
from tenancy.models import Business

TIER_FIELDS = ("name", "threshold", "discount_kind", "value", "service", "applies_to",
               "validity_days", "earns_points", "resets_card", "is_active")
# A huge adjustment on a small resetting card would otherwise issue codes by the thousand.
MAX_RESETS_PER_ENTRY = 10


def _save_tier(business: Business, tier: RewardTier) -> RewardTier:
    tier.name = trimmed(tier.name, 120)
    normalise_discount(tier)
    errors = {"name": None if tier.name else _("Enter a name."),
              "threshold": whole_number_error(tier.threshold, low=1, high=MAX_POINTS_PRICE),
              "validity_days": whole_number_error(tier.validity_days, low=1,
                                                  high=MAX_VALIDITY_DAYS),
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


def _reward_code(business: Business, client: Client, *, origin: str, name: str,
                 discount_kind: str, value: Decimal, service: Service | None, applies_to: str,
                 validity_days: int, earns_points: bool, tier: RewardTier | None, by=None,
                 now: datetime) -> Coupon:
    """A single-use code of six letters, bound to `client`, valid `validity_days` days."""
    code = Coupon(
        business=business, code=new_code(business, make=codes.new_reward_code, model=Coupon),
        name=trimmed(name, 120), origin=origin, discount_kind=discount_kind, value=value,
        service=service, applies_to=applies_to,
        valid_until=business_today(business, now) + timedelta(days=validity_days),
        max_uses=1, max_uses_per_client=1, client=client, earns_points=earns_points,
        tier=tier, created_by=by, created_at=now)
    code.save(force_insert=True)
    return code


def _unlock(business: Business, client: Client, tier: RewardTier, *, balance: int,
            now: datetime) -> Coupon:
    code = _reward_code(business, client, origin=CouponOrigin.REWARD, name=tier.name,
                        discount_kind=tier.discount_kind, value=tier.value,
                        service=tier.service, applies_to=tier.applies_to,
                        validity_days=tier.validity_days, earns_points=tier.earns_points,
                        tier=tier, now=now)
    from notifications.kinds import MessageKind
    from notifications.services import notify

    with translation.override(business.language):
        context = {"reward_code": code.code, "reward_name": code.name,
                   "reward_expires": format_day(code.valid_until, business.language,
                                                business.time_zone, year=True),
                   "balance": str(balance)}
    notify(MessageKind.REWARD_UNLOCKED, client, context)
    return code


def reward_for_entries(*, changes, now: datetime | None = None) -> list[Coupon]:
    """Unlock the tiers that entries cross upward, inside their transaction (their
    accounts are locked). `changes`: [(entry, previous_balance)] of one business, in
    ledger order. Only points earned or added by staff unlock rewards: points given
    back (a reversed purchase) were counted when first earned.

    A reset tier takes its points off with a `reward` entry; the card then counts again
    from what is left, which may unlock tiers again (at most MAX_RESETS_PER_ENTRY times).
    A batch's entries are all written before this runs, so a reset posted for an earlier
    entry of a client is carried over to that client's later entries here."""
    from loyalty.models import EntryKind, EntrySource
    from loyalty.services.ledger import post_entry

    earning = [(entry, previous) for entry, previous in changes
               if entry.points > 0 and entry.kind in (EntryKind.EARN, EntryKind.ADJUST)]
    if not earning:
        return []
    business = earning[0][0].business
    if not business.loyalty_enabled:
        return []
    tiers = selectors.active_tiers(business=business)
    if not tiers:
        return []
    now = now or timezone.now()
    reset = next((tier for tier in tiers if tier.resets_card), None)
    reset_so_far: dict[int, int] = {}
    unlocked = []
    for entry, previous in earning:
        carried = reset_so_far.get(entry.client_id, 0)
        before, after = previous - carried, entry.balance_after - carried
        for round_number in range(MAX_RESETS_PER_ENTRY):
            crossed = [tier for tier in tiers if before < tier.threshold <= after]
            unlocked += [_unlock(business, entry.client, tier, balance=after, now=now)
                         for tier in crossed]
            if reset is None or reset not in crossed:
                break
            with translation.override(business.language):
                description = _("%(reward)s unlocked: the card starts over") % {
                    "reward": reset.name}
            post_entry(business=business, client=entry.client, kind=EntryKind.REWARD,
                       points=-reset.threshold, description=description,
                       source=EntrySource(unlocked_by_id=entry.pk, round_number=round_number),
                       now=now)
            reset_so_far[entry.client_id] = carried = carried + reset.threshold
            before, after = 0, after - reset.threshold
    return unlocked


@transaction.atomic(durable=True)
def give_reward(*, business: Business, client: Client, by, tier: RewardTier | None = None,
                name: str = "", discount_kind: str = "", value: Decimal = Decimal(0),
                service: Service | None = None, applies_to: str = AppliesTo.BOOKINGS,
                validity_days: int = 90, earns_points: bool = False,
                now: datetime | None = None) -> Coupon:
    """Staff give a client an existing reward (`tier`) or a new custom one. No points
    are taken and no "reward unlocked" email is sent: staff hand it over themselves."""
    check_same_business(business, client, field="client")
    check_same_business(business, tier, field="tier")
    now = now or timezone.now()
    if tier is not None:
        return _reward_code(business, client, origin=CouponOrigin.GIVEN, name=tier.name,
                            discount_kind=tier.discount_kind, value=tier.value,
                            service=tier.service, applies_to=tier.applies_to,
                            validity_days=tier.validity_days, earns_points=tier.earns_points,
                            tier=tier, by=by, now=now)
    custom = RewardTier(business=business, name=trimmed(name, 120), discount_kind=discount_kind,
                        value=value, service=service, applies_to=applies_to,
                        validity_days=validity_days)
    normalise_discount(custom)
    refuse({"name": None if custom.name else _("Enter a name."),
             "validity_days": whole_number_error(validity_days, low=1, high=MAX_VALIDITY_DAYS),
             **discount_errors(custom)})
    check_same_business(business, custom.service, field="service")
    return _reward_code(business, client, origin=CouponOrigin.GIVEN, name=custom.name,
                        discount_kind=custom.discount_kind, value=custom.value,
                        service=custom.service, applies_to=custom.applies_to,
                        validity_days=custom.validity_days, earns_points=earns_points,
                        tier=None, by=by, now=now)
