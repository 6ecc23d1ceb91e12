"""Invoice arithmetic without a database: tax inside prices, discounts, refund shares."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from checkout.pricing import LineInput, price_invoice, refund_share, share, tax_part

D = Decimal
cents = st.integers(min_value=0, max_value=10_000_000).map(lambda n: D(n) / 100)


def test_the_tax_part_of_a_tax_inclusive_price_is_taken_out_of_it():
    assert tax_part(D("12.00"), D("20")) == D("2.00")
    assert tax_part(D("10.55"), D("5.5")) == D("0.55")
    assert tax_part(D("45.00"), D("0")) == D("0.00")


def test_an_invoice_shows_its_tax_per_rate_on_each_rates_total():
    # Given two lines at 20 % and one at 5.5 %
    lines = [LineInput(unit_price=D("18.00"), quantity=2, tax_rate=D("20")),
             LineInput(unit_price=D("45.00"), quantity=1, tax_rate=D("20")),
             LineInput(unit_price=D("10.55"), quantity=1, tax_rate=D("5.5"))]

    # When it is priced
    price = price_invoice(lines)

    # Then the totals are per rate, lowest first, with the tax inside them
    assert price.total == D("91.55")
    assert [(t.rate, t.amount, t.tax) for t in price.taxes] == [
        (D("5.50"), D("10.55"), D("0.55")), (D("20.00"), D("81.00"), D("13.50"))]
    assert price.tax_total == D("14.05")


def test_a_line_discount_comes_off_the_line_and_never_below_zero():
    percent = price_invoice([LineInput(unit_price=D("40.00"), quantity=2, tax_rate=D("20"),
                                       discount_kind="percent", discount_value=D("10"))])
    amount = price_invoice([LineInput(unit_price=D("5.00"), quantity=1,
                                      discount_kind="amount", discount_value=D("9.00"))])

    assert percent.lines[0].amount == D("72.00")
    assert percent.lines[0].tax_amount == D("12.00")
    assert amount.total == D("0.00")


def test_an_invoice_discount_is_shared_over_services_and_products_but_not_gift_cards():
    # Given a 30.00 and a 10.00 line, and a 50.00 gift card
    lines = [LineInput(unit_price=D("30.00"), quantity=1, tax_rate=D("20")),
             LineInput(unit_price=D("10.00"), quantity=1, tax_rate=D("20")),
             LineInput(unit_price=D("50.00"), quantity=1, discountable=False)]

    # When the invoice takes 10 % off
    price = price_invoice(lines, discount_kind="percent", discount_value=D("10"))

    # Then the 4.00 off is shared 3.00 / 1.00 and the gift card keeps its value
    assert [line.invoice_discount for line in price.lines] == [D("3.00"), D("1.00"), D("0")]
    assert price.lines[2].amount == D("50.00")
    assert price.total == D("86.00")
    assert price.discount_total == D("4.00")


def test_a_gift_card_takes_no_line_discount():
    price = price_invoice([LineInput(unit_price=D("50.00"), quantity=1, discountable=False,
                                     discount_kind="percent", discount_value=D("50"))])

    assert price.total == D("50.00")


def test_cents_lost_to_rounding_go_to_the_largest_remainders():
    assert share(D("1.00"), [D("1"), D("1"), D("1")]) == [D("0.34"), D("0.33"), D("0.33")]
    assert share(D("0.00"), [D("5"), D("5")]) == [D("0"), D("0")]


def test_units_refunded_one_by_one_give_back_exactly_the_line():
    refunded, given = 0, D("0.00")
    for _unit in range(3):
        part = refund_share(amount=D("10.00"), quantity=3, refunded_quantity=refunded,
                            refunded_amount=given, refund_quantity=1)
        refunded, given = refunded + 1, given + part

    assert given == D("10.00")


@given(total=cents, weights=st.lists(cents, min_size=1, max_size=12))
def test_shares_always_add_up_to_the_total_when_there_is_something_to_share(total, weights):
    parts = share(total, weights)

    if sum(weights) > 0:
        assert sum(parts) == total
    assert all(part >= 0 for part in parts)


@given(prices=st.lists(st.tuples(cents, st.integers(1, 20), st.sampled_from(
    [D("0"), D("5.5"), D("10"), D("20")])), min_size=1, max_size=8),
    kind=st.sampled_from(["", "amount", "percent"]), value=cents)
def test_a_priced_invoice_is_consistent_whatever_its_discounts(prices, kind, value):
    if kind == "percent":
        value = min(value, D("100"))
    lines = [LineInput(unit_price=p, quantity=q, tax_rate=r) for p, q, r in prices]

    price = price_invoice(lines, discount_kind=kind, discount_value=value)

    assert price.total == sum(line.amount for line in price.lines)
    assert price.total == price.subtotal - price.discount_total
    assert all(line.amount >= 0 for line in price.lines)
    assert sum(t.amount for t in price.taxes) == price.total
    assert all(0 <= t.tax <= t.amount for t in price.taxes)
