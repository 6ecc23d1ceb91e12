from django import template

register = template.Library()


@register.filter
def label(code, column) -> str:
    """The label of a code in a report column of codes: `{{ row.kind|label:columns.2 }}`."""
    return (column.labels or {}).get(code, code)
