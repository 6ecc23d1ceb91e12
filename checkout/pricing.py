"""Invoice arithmetic, with no database: discounts, tax-inclusive tax parts, refund shares.

Prices include tax. The tax part of an amount at rate r% is amount * r / (100 + r).
A line's own discount comes off its gross (unit price x quantity); then a coupon or
reward code comes off the lines it covers (an amount or a percent shared over them,
or one unit of the free service); the invoice's discount is then shared over the
service and product lines in proportion to what they still cost. Shares go cent by
cent (largest remainder), so that they add up to the discount exactly. Gift card
sales are money in advance, not a sale of goods: they carry no tax and no discount.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from core.money import CENT, quantize

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
AMOUNT = "amount"
PERCENT = "percent"
FREE_SERVICE = "free_service"


@dataclass(frozen=True)
class LineInput:
    unit_price: Decimal
    quantity: int
    tax_rate: Decimal = ZERO
    discount_kind: str = ""
    discount_value: Decimal = ZERO
    discountable: bool = True  # False for gift card sales
    code_covered: bool = False  # the applied code discounts this line


@dataclass(frozen=True)
class CodeInput:
    """A coupon or reward code: `kind` amount or percent of `value`, or free_service
    (one unit of the first line it covers)."""

    kind: str
    value: Decimal = ZERO


@dataclass(frozen=True)
class LinePrice:
    gross: Decimal
    line_discount: Decimal
    invoice_discount: Decimal
    amount: Decimal
    tax_amount: Decimal
    code_discount: Decimal = ZERO


@dataclass(frozen=True)
class TaxTotal:
    rate: Decimal
    amount: Decimal  # tax included
    tax: Decimal

    @property
    def net(self) -> Decimal:
        return self.amount - self.tax


@dataclass(frozen=True)
class InvoicePrice:
    lines: list[LinePrice]
    subtotal: Decimal
    discount_total: Decimal
    total: Decimal
    tax_total: Decimal
    taxes: list[TaxTotal]
    code_discount: Decimal = ZERO


def discount_of(base: Decimal, kind: str, value: Decimal) -> Decimal:
    """The discount on `base`, never more than `base`."""
    if kind == AMOUNT:
        off = quantize(value)
    elif kind == PERCENT:
        off = quantize(base * value / HUNDRED)
    else:
        return ZERO
    return min(max(off, ZERO), base)


def tax_part(amount: Decimal, rate: Decimal) -> Decimal:
    """The tax inside a tax-inclusive `amount`: 12.00 at 20% holds 2.00."""
    if not rate:
        return ZERO
    return quantize(amount * rate / (HUNDRED + rate))


def share(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split `total` in proportion to `weights`, in cents that add up to `total` exactly.

    The cents lost to rounding down go to the largest remainders, the first line
    winning a tie, so the split is the same every time.
    """
    weight_sum = sum(weights, ZERO)
    if not weights or weight_sum <= 0 or total <= 0:
        return [ZERO for _ in weights]
    exact = [total * weight / weight_sum for weight in weights]
    floors = [value.quantize(CENT, rounding=ROUND_DOWN) for value in exact]
    left = int((total - sum(floors, ZERO)) / CENT)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for index in by_remainder[:left]:
        floors[index] += CENT
    return floors


def tax_totals(rates_and_amounts) -> list[TaxTotal]:
    """Totals per tax rate of (rate, tax-inclusive amount) pairs, lowest rate first.

    The tax of a rate is computed on the rate's total, as a receipt states it, so it
    may differ by a cent from the sum of the lines' tax parts.
    """
    by_rate = defaultdict(lambda: ZERO)
    for rate, amount in rates_and_amounts:
        by_rate[quantize(rate)] += amount
    return [TaxTotal(rate=rate, amount=amount, tax=tax_part(amount, rate))
            for rate, amount in sorted(by_rate.items())]


def code_shares(code: CodeInput | None, covered: Sequence[Decimal],
                quantities: Sequence[int]) -> list[Decimal]:
    """What the code takes off each line, given what each covered line still costs
    (zero for the lines it does not cover); never more than they cost together."""
    shares = [ZERO for _ in covered]
    if code is None:
        return shares
    if code.kind == FREE_SERVICE:
        first = next((i for i, value in enumerate(covered) if value > 0), None)
        if first is not None:
            # One unit at what it costs on this line, after the line's own discount.
            shares[first] = min(quantize(covered[first] / quantities[first]), covered[first])
        return shares
    return share(discount_of(sum(covered, ZERO), code.kind, code.value), covered)


def price_invoice(lines: Sequence[LineInput], *, discount_kind: str = "",
                  discount_value: Decimal = ZERO, code: CodeInput | None = None
                  ) -> InvoicePrice:
    grosses = [quantize(line.unit_price * line.quantity) for line in lines]
    own = [discount_of(gross, line.discount_kind, line.discount_value) if line.discountable
           else ZERO for gross, line in zip(grosses, lines, strict=True)]
    after_own = [gross - off for gross, off in zip(grosses, own, strict=True)]
    coded = code_shares(code, [value if line.discountable and line.code_covered else ZERO
                               for value, line in zip(after_own, lines, strict=True)],
                        [line.quantity for line in lines])
    after_code = [value - off for value, off in zip(after_own, coded, strict=True)]
    discountable = [value if line.discountable else ZERO
                    for value, line in zip(after_code, lines, strict=True)]
    invoice_off = discount_of(sum(discountable, ZERO), discount_kind, discount_value)
    shares = share(invoice_off, discountable)

    priced = []
    for line, gross, off, code_off, shared in zip(lines, grosses, own, coded, shares,
                                                  strict=True):
        amount = gross - off - code_off - shared
        priced.append(LinePrice(gross=gross, line_discount=off, invoice_discount=shared,
                                amount=amount, tax_amount=tax_part(amount, line.tax_rate),
                                code_discount=code_off))
    taxes = tax_totals((line.tax_rate, price.amount)
                       for line, price in zip(lines, priced, strict=True))
    subtotal = sum(grosses, ZERO)
    total = sum((line.amount for line in priced), ZERO)
    return InvoicePrice(lines=priced, subtotal=subtotal, discount_total=subtotal - total,
                        total=total, tax_total=sum((t.tax for t in taxes), ZERO), taxes=taxes,
                        code_discount=sum(coded, ZERO))


def refund_share(*, amount: Decimal, quantity: int, refunded_quantity: int,
                 refunded_amount: Decimal, refund_quantity: int) -> Decimal:
    """What refunding `refund_quantity` more units of a line gives back.

    Units are worth amount / quantity each, rounded; the last units refunded take
    what is left, so a line refunded in several goes gives back exactly its amount.
    """
    if refunded_quantity + refund_quantity >= quantity:
        return amount - refunded_amount
    return min(quantize(amount * refund_quantity / quantity), amount - refunded_amount)
