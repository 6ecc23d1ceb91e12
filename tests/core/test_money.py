from decimal import Decimal

from core.money import format_money, quantize


def test_money_is_formatted_for_the_language_and_currency():
    assert format_money(Decimal("21.5"), "EUR", "fr") == "21,50\xa0€"
    assert format_money(Decimal("1234.5"), "EUR", "en") == "€1,234.50"
    assert format_money(Decimal("350"), "UAH", "uk") == "350,00\xa0₴"


def test_amounts_round_half_up_to_the_cent():
    assert quantize(Decimal("2.675")) == Decimal("2.68")
    assert quantize(Decimal("2.674")) == Decimal("2.67")
