"""Template helpers of the register."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def options(choices, chosen) -> SafeString:
    """`<option>`s of (value, label) pairs, `chosen` selected: one call for a whole
    catalogue, where a template loop or a widget per option costs a node each."""
    chosen = "" if chosen is None else str(chosen)
    return mark_safe("".join(  # noqa: S308 - every value and label is escaped here
        f'<option value="{escape(value)}"{" selected" if value == chosen else ""}>'
        f"{escape(label)}</option>" for value, label in choices))
