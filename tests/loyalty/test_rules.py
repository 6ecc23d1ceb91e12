"""Earning and expiry arithmetic, without a database."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from loyalty import rules
from loyalty.rules import EarningRules, Lot, PaidLine

ONE_PER_FIVE = EarningRules(spend_points=1, spend_amount=Decimal("5.00"))
NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


def test_spend_is_rounded_down_per_invoice_without_carry_over():
    first = rules.invoice_points(lines=[PaidLine("service", 1, Decimal("21.50"))],
                                 money_paid=Decimal("21.50"), rules=ONE_PER_FIVE)
    second = rules.invoice_points(lines=[PaidLine("product", 1, Decimal("4.95"))],
                                  money_paid=Decimal("4.95"), rules=ONE_PER_FIVE)
    assert (first, second) == (4, 0)


def test_amounts_paid_by_gift_card_earn_nothing():
    points = rules.invoice_points(lines=[PaidLine("service", 1, Decimal("40.00"))],
                                  money_paid=Decimal("10.00"), rules=ONE_PER_FIVE)
    assert points == 2


def test_gift_card_purchases_earn_nothing_and_take_the_money_first():
    lines = [PaidLine("gift_card", 1, Decimal("50.00")), PaidLine("product", 1, Decimal("20.00"))]
    assert rules.invoice_points(lines=lines, money_paid=Decimal("70.00"), rules=ONE_PER_FIVE) == 4
    assert rules.invoice_points(lines=lines[:1], money_paid=Decimal("50.00"),
                                rules=ONE_PER_FIVE) == 0


def test_spend_scope_counts_only_its_lines():
    lines = [PaidLine("service", 1, Decimal("30.00")), PaidLine("product", 2, Decimal("20.00"))]
    services_only = EarningRules(spend_points=1, spend_amount=Decimal("10"), spend_scope="services")
    products_only = EarningRules(spend_points=1, spend_amount=Decimal("10"), spend_scope="products")
    assert rules.invoice_points(lines=lines, money_paid=Decimal(50), rules=services_only) == 3
    assert rules.invoice_points(lines=lines, money_paid=Decimal(50), rules=products_only) == 2


def test_line_and_invoice_rules_add_up():
    lines = [PaidLine("service", 1, Decimal("30")), PaidLine("service", 1, Decimal("10")),
             PaidLine("product", 3, Decimal("15"))]
    combined = EarningRules(per_service_line=5, per_product_unit=1, per_invoice=10)
    assert rules.invoice_points(lines=lines, money_paid=Decimal(55), rules=combined) == 23


def test_the_points_of_an_invoice_are_given_rule_by_rule():
    lines = [PaidLine("service", 1, Decimal("21.50")), PaidLine("product", 2, Decimal("8"))]
    combined = EarningRules(spend_points=1, spend_amount=Decimal("5.00"),
                            spend_scope="services", per_product_unit=2, per_invoice=1)

    given = rules.invoice_points_by_rule(lines=lines, money_paid=Decimal("29.50"),
                                         rules=combined)

    # 4 for 21.50 spent on services, 2 for each of 2 products, 1 for the invoice; the
    # rule that gives nothing (per service line) is left out
    assert [(item.rule, item.points, item.rate) for item in given] == [
        ("per_spend", 4, 1), ("per_product_unit", 4, 2), ("per_invoice", 1, 1)]
    assert (given[0].spend_amount, given[0].spend_scope) == (Decimal("5.00"), "services")
    assert [rules.RulePoints.from_json(item.as_json()) for item in given] == given
    assert rules.invoice_points(lines=lines, money_paid=Decimal("29.50"), rules=combined) == 9


def test_a_line_of_a_booking_that_used_a_coupon_earns_nothing():
    lines = [PaidLine("service", 1, Decimal("30"), earns=False)]
    assert rules.invoice_points(lines=lines, money_paid=Decimal(30),
                                rules=EarningRules(per_service_line=5, per_invoice=1)) == 0


@given(amounts=st.lists(st.decimals(min_value=0, max_value=10_000, places=2), max_size=6),
       points=st.integers(1, 20), per=st.decimals(min_value=Decimal("0.01"), max_value=500,
                                                    places=2))
def test_spend_points_never_exceed_the_exact_ratio(amounts, points, per):
    total = sum(amounts, Decimal(0))
    earned = rules.points_for_spend(total, points=points, per_amount=per)
    assert 0 <= earned <= total / per * points
    assert earned % points == 0


def test_spending_takes_the_points_that_expire_first():
    lots = [Lot(NOW + timedelta(days=30), 5), Lot(NOW + timedelta(days=10), 3), Lot(None, 4)]
    assert rules.remaining_lots(lots, spent=4) == [Lot(NOW + timedelta(days=30), 4), Lot(None, 4)]


def test_points_expire_only_when_their_date_has_passed_and_only_what_is_left():
    lots = [Lot(NOW - timedelta(days=1), 10), Lot(NOW + timedelta(days=5), 7)]
    assert rules.points_expired_by(lots, spent=6, now=NOW) == 4
    assert rules.upcoming_expiries(lots, spent=6, now=NOW) == [Lot(NOW + timedelta(days=5), 7)]


@given(lots=st.lists(st.tuples(st.one_of(st.none(), st.integers(-400, 400)),
                               st.integers(1, 1000)), max_size=8),
       spent_share=st.floats(0, 1), days=st.integers(-400, 400))
def test_expired_plus_left_plus_spent_is_everything_credited(lots, spent_share, days):
    credits = [Lot(None if d is None else NOW + timedelta(days=d), p) for d, p in lots]
    total = sum(lot.points for lot in credits)
    spent = int(total * spent_share)
    now = NOW + timedelta(days=days)
    expired = rules.points_expired_by(credits, spent=spent, now=now)
    upcoming = sum(lot.points for lot in rules.upcoming_expiries(credits, spent=spent, now=now))
    never = sum(lot.points for lot in rules.remaining_lots(credits, spent=spent)
                if lot.expires_at is None)
    assert expired + upcoming + never + spent == total
