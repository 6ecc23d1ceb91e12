from babel.dates import format_skeleton
from django import template
from django.utils import translation

register = template.Library()


@register.filter
def label(code, column) -> str:
    """The label of a code in a report column of codes: `{{ row.kind|label:columns.2 }}`."""
    return (column.labels or {}).get(code, code)


@register.filter
def month(day) -> str:
    """"May 2025" in the reader's language: `{{ row.month|month }}`."""
    return format_skeleton("yMMMM", day, locale=translation.to_locale(translation.get_language()))
