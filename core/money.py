"""Money is Decimal in the business's currency, formatted by Babel for the active language."""

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_currency
from django.utils import translation

CENT = Decimal("0.01")


def quantize(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(amount: Decimal, currency: str, language: str | None = None) -> str:
    """`format_money(Decimal("21.5"), "EUR", "fr")` -> "21,50 €"."""
    locale = translation.to_locale(language or translation.get_language() or "en")
    return format_currency(quantize(amount), currency, locale=locale)
