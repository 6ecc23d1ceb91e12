"""Reward codes: the single-use code a client receives when loyalty announces a stamp-card
reward reached (loyalty.events.reward_reached), and the rewards staff give by hand.
The tiers themselves are loyalty's rules (loyalty/stamp_card.py)."""

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from booking.models import Client, Service
from core.dates import format_day
from core.validation import check_same_business, refuse, trimmed, whole_number_error
from giftcards import codes
from giftcards.models import Coupon, CouponOrigin
from giftcards.services.cards import new_code
from giftcards.services.checks import business_today
from loyalty.discounts import AppliesTo, discount_errors, normalise_discount
from loyalty.models import MAX_REWARD_VALIDITY_DAYS, RewardTier
from tenancy.models import Business


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


def unlock(*, business: Business, client: Client, tier: RewardTier, balance: int,
           now: datetime) -> Coupon:
    """The code of a reward reached, with its tier's terms, and the "You've earned a
    reward!" email (`balance`: the points on the card once the tier is crossed). Runs in
    the ledger's transaction."""
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
    # An unsaved tier holds the terms typed, to be checked as a tier's are.
    custom = RewardTier(business=business, name=trimmed(name, 120), discount_kind=discount_kind,
                        value=value, service=service, applies_to=applies_to,
                        validity_days=validity_days)
    normalise_discount(custom)
    refuse({"name": None if custom.name else _("Enter a name."),
             "validity_days": whole_number_error(validity_days, low=1,
                                                 high=MAX_REWARD_VALIDITY_DAYS),
             **discount_errors(custom)})
    check_same_business(business, custom.service, field="service")
    return _reward_code(business, client, origin=CouponOrigin.GIVEN, name=custom.name,
                        discount_kind=custom.discount_kind, value=custom.value,
                        service=custom.service, applies_to=custom.applies_to,
                        validity_days=custom.validity_days, earns_points=earns_points,
                        tier=None, by=by, now=now)
