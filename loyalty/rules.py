"""Earning and expiry arithmetic: plain values in, whole points out. No database.

Money is Decimal; points are whole numbers, always rounded down, and each invoice
or appointment is computed on its own (no carry-over from one to the next:
at 1 point per 5.00, 21.50 earns 4 and a following 4.95 earns 0).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal

SPEND_ALL = "all"
SPEND_SERVICES = "services"
SPEND_PRODUCTS = "products"

LINE_SERVICE = "service"
LINE_PRODUCT = "product"
LINE_GIFT_CARD = "gift_card"


@dataclass(frozen=True)
class EarningRules:
    """The rules of a program that do not depend on one service (those come per item)."""

    per_booking: int = 0
    spend_points: int = 0
    spend_amount: Decimal | None = None
    spend_scope: str = SPEND_ALL
    per_service_line: int = 0
    per_product_unit: int = 0
    per_invoice: int = 0

    @property
    def has_invoice_rules(self) -> bool:
        return bool((self.spend_points and self.spend_amount) or self.per_service_line
                    or self.per_product_unit or self.per_invoice)


def points_for_spend(amount: Decimal, *, points: int, per_amount: Decimal | None) -> int:
    """`points` for every whole `per_amount` in `amount`, rounded down."""
    if not points or not per_amount or per_amount <= 0 or amount <= 0:
        return 0
    return int(amount // per_amount) * points


def appointment_points(*, item_points: int, rules: EarningRules) -> int:
    """An attended appointment earns its service's (or class's) points plus the per
    booking points."""
    return max(item_points, 0) + max(rules.per_booking, 0)


@dataclass(frozen=True)
class PaidLine:
    """One invoice line as loyalty sees it: `amount` after discounts, and whether it
    may earn (a line for a booking that used a non-loyalty code may not)."""

    kind: str
    quantity: int
    amount: Decimal
    earns: bool = True


RULE_SPEND = "per_spend"
RULE_SERVICE_LINE = "per_service_line"
RULE_PRODUCT_UNIT = "per_product_unit"
RULE_INVOICE = "per_invoice"


@dataclass(frozen=True)
class RulePoints:
    """What one invoice rule gave: `points`, at `rate` points per `spend_amount` spent
    in `spend_scope` (the spend rule), or per paid service, product unit or invoice."""

    rule: str
    points: int
    rate: int
    spend_amount: Decimal | None = None
    spend_scope: str = ""

    def as_json(self) -> dict:
        return {"rule": self.rule, "points": self.points, "rate": self.rate,
                "spend_amount": None if self.spend_amount is None else str(self.spend_amount),
                "spend_scope": self.spend_scope}

    @classmethod
    def from_json(cls, data: dict) -> "RulePoints":
        amount = data.get("spend_amount")
        return cls(rule=data["rule"], points=data["points"], rate=data["rate"],
                   spend_amount=None if amount is None else Decimal(amount),
                   spend_scope=data.get("spend_scope", ""))


def invoice_points_by_rule(*, lines: Sequence[PaidLine], money_paid: Decimal,
                           rules: EarningRules) -> list[RulePoints]:
    """Points for a paid invoice under the invoice rules, rule by rule (those that give
    some), so that staff can say why an invoice earned what it did.

    Spend is the money actually paid (gift card tenders are not money) and gift card
    purchases never earn: the money paid goes first to the gift cards bought, and what
    is left counts for the earning lines, up to their amount. The per line and per
    invoice rules count paid lines whatever paid them.
    """
    earning = [line for line in lines if line.earns and line.kind != LINE_GIFT_CARD]
    if not earning:
        return []
    gift_cards_bought = sum((line.amount for line in lines if line.kind == LINE_GIFT_CARD),
                            Decimal(0))
    money_for_lines = max(money_paid - gift_cards_bought, Decimal(0))
    if rules.spend_scope == SPEND_SERVICES:
        in_scope = [line for line in earning if line.kind == LINE_SERVICE]
    elif rules.spend_scope == SPEND_PRODUCTS:
        in_scope = [line for line in earning if line.kind == LINE_PRODUCT]
    else:
        in_scope = earning
    spend = min(sum((line.amount for line in in_scope), Decimal(0)), money_for_lines)
    given = [
        RulePoints(RULE_SPEND, points_for_spend(spend, points=rules.spend_points,
                                                per_amount=rules.spend_amount),
                   rules.spend_points, rules.spend_amount, rules.spend_scope),
        RulePoints(RULE_SERVICE_LINE, rules.per_service_line * sum(
            1 for line in earning if line.kind == LINE_SERVICE), rules.per_service_line),
        RulePoints(RULE_PRODUCT_UNIT, rules.per_product_unit * sum(
            line.quantity for line in earning if line.kind == LINE_PRODUCT),
            rules.per_product_unit),
        RulePoints(RULE_INVOICE, rules.per_invoice, rules.per_invoice),
    ]
    return [item for item in given if item.points > 0]


def invoice_points(*, lines: Sequence[PaidLine], money_paid: Decimal,
                   rules: EarningRules) -> int:
    """Points for a paid invoice under the invoice rules: the sum of invoice_points_by_rule."""
    return sum(item.points for item in invoice_points_by_rule(
        lines=lines, money_paid=money_paid, rules=rules))


@dataclass(frozen=True)
class Lot:
    """Points credited at once that expire together (`expires_at` None: never)."""

    expires_at: datetime | None
    points: int


def remaining_lots(credits: Iterable[Lot], *, spent: int) -> list[Lot]:
    """What is left of each lot after `spent` points were taken, soonest-expiring first.

    Spending and expiry take the points that expire first; with one expiry period for
    all points that is the oldest first (SPEC 3.2).
    """
    never = [lot for lot in credits if lot.expires_at is None]
    dated = sorted((lot for lot in credits if lot.expires_at is not None),
                   key=lambda lot: lot.expires_at)
    left = []
    for lot in [*dated, *never]:
        taken = min(spent, lot.points)
        spent -= taken
        if lot.points - taken > 0:
            left.append(Lot(lot.expires_at, lot.points - taken))
    return left


def points_expired_by(credits: Iterable[Lot], *, spent: int, now: datetime) -> int:
    """How many of the remaining points have passed their expiry at `now`."""
    return sum(lot.points for lot in remaining_lots(credits, spent=spent)
               if lot.expires_at is not None and lot.expires_at <= now)


def upcoming_expiries(credits: Iterable[Lot], *, spent: int, now: datetime) -> list[Lot]:
    """Remaining points that will expire after `now`, grouped by expiry time."""
    grouped: dict[datetime, int] = {}
    for lot in remaining_lots(credits, spent=spent):
        if lot.expires_at is not None and lot.expires_at > now:
            grouped[lot.expires_at] = grouped.get(lot.expires_at, 0) + lot.points
    return [Lot(expires_at, points) for expires_at, points in sorted(grouped.items())]


@dataclass(frozen=True)
class ExpiryDay:
    day: date
    points: int


def expiries_by_day(lots: Iterable[Lot], zone: tzinfo) -> list[ExpiryDay]:
    """One line per local day: lots credited at different times of a day expire that day."""
    grouped: dict[date, int] = {}
    for lot in lots:
        day = lot.expires_at.astimezone(zone).date()
        grouped[day] = grouped.get(day, 0) + lot.points
    return [ExpiryDay(day, points) for day, points in sorted(grouped.items())]
