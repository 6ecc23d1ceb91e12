from babel.numbers import format_decimal, format_percent
from django import template
from django.utils.translation import get_language, to_locale

from core import dates
from core.money import format_money
from reports.exporters import DATE, DATETIME, INTEGER, MONEY, MONTH

NUMBERS = (INTEGER, MONEY)

register = template.Library()


@register.filter
def label(code, column) -> str:
    """The label of a code in a report column of codes: `{{ row.kind|label:columns.2 }}`."""
    return (column.labels or {}).get(code, code)


@register.simple_tag(takes_context=True)
def report_cells(context, report, row) -> list[tuple[str, bool]]:
    """(text, is a number) of each column of a report's row, in the reader's language:
    money in the business's currency, days and months as Babel writes them.
    `{% report_cells report row as cells %}`."""
    currency = context["request"].business.currency
    locale = to_locale(get_language())
    cells = []
    for column in report.columns:
        value = row.get(column.key)
        if value is None or value == "":
            cells.append(("—", column.kind in NUMBERS))
        elif column.percent:
            cells.append((format_percent(value / 100, locale=locale,
                                         decimal_quantization=False), True))
        elif column.kind == MONEY:
            cells.append((format_money(value, currency), True))
        elif column.kind == INTEGER:
            cells.append((format_decimal(value, locale=locale), True))
        elif column.kind == DATE:
            cells.append((dates.format_date(value, weekday=True), False))
        elif column.kind == MONTH:
            cells.append((dates.format_month(value), False))
        elif column.kind == DATETIME:
            cells.append((dates.format_datetime(value), False))
        else:
            cells.append((str((column.labels or {}).get(value, value)), False))
    return cells



@register.filter
def percent(value) -> str:
    """A number of percent in the reader's language: `{{ 12.5|percent }}` -> "12,5 %"."""
    return format_percent(value / 100, locale=to_locale(get_language()),
                          decimal_quantization=False)
