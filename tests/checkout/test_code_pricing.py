"""A coupon or reward code in the invoice arithmetic: it comes off the lines it covers,
never more than they cost, never off gift card sales, before the invoice's discount."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from checkout.pricing import CodeInput, LineInput, price_invoice

D = Decimal
cents = st.integers(min_value=0, max_value=1_000_000).map(lambda n: D(n) / 100)


def test_an_amount_code_is_shared_over_the_lines_it_covers_only():
    lines = [LineInput(unit_price=D("30.00"), quantity=1, code_covered=True),
             LineInput(unit_price=D("10.00"), quantity=1, code_covered=True),
             LineInput(unit_price=D("18.00"), quantity=1)]

    price = price_invoice(lines, code=CodeInput(kind="amount", value=D("8.00")))

    assert [line.code_discount for line in price.lines] == [D("6.00"), D("2.00"), D("0")]
    assert (price.code_discount, price.total) == (D("8.00"), D("50.00"))


def test_a_free_service_takes_one_unit_after_the_line_s_own_discount():
    lines = [LineInput(unit_price=D("45.00"), quantity=2, discount_kind="percent",
                       discount_value=D("10"), code_covered=True)]

    price = price_invoice(lines, code=CodeInput(kind="free_service"))

    assert price.lines[0].code_discount == D("40.50")
    assert price.total == D("40.50")


def test_a_gift_card_sale_takes_no_code_even_if_marked_covered():
    lines = [LineInput(unit_price=D("50.00"), quantity=1, discountable=False,
                       code_covered=True)]

    price = price_invoice(lines, code=CodeInput(kind="percent", value=D("100")))

    assert (price.code_discount, price.total) == (D("0"), D("50.00"))


@given(prices=st.lists(st.tuples(cents, st.integers(1, 5), st.booleans(), st.booleans()),
                       min_size=1, max_size=8),
       kind=st.sampled_from(["amount", "percent", "free_service"]), value=cents,
       invoice_percent=st.integers(0, 100))
def test_a_code_never_takes_more_than_the_covered_lines_and_the_totals_add_up(
        prices, kind, value, invoice_percent):
    lines = [LineInput(unit_price=price, quantity=quantity, discountable=discountable,
                       code_covered=covered)
             for price, quantity, discountable, covered in prices]

    price = price_invoice(lines, discount_kind="percent", discount_value=D(invoice_percent),
                          code=CodeInput(kind=kind, value=min(value, D(100))
                                         if kind == "percent" else value))

    covered = sum((line.gross for line, given_line in zip(price.lines, lines, strict=True)
                   if given_line.code_covered and given_line.discountable), D(0))
    assert 0 <= price.code_discount <= covered
    assert price.code_discount == sum((line.code_discount for line in price.lines), D(0))
    assert all(line.amount >= 0 for line in price.lines)
    assert all(line.code_discount == 0 for line, given_line in zip(price.lines, lines,
                                                                    strict=True)
               if not (given_line.code_covered and given_line.discountable))
    assert price.total == price.subtotal - price.discount_total
