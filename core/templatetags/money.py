from django import template

from core.money import format_money

register = template.Library()


@register.filter
def money(amount, currency: str) -> str:
    """`{{ service.price|money:request.business.currency }}`."""
    if amount is None or amount == "":
        return ""
    return format_money(amount, currency)
