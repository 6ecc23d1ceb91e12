from django import template

from giftcards import selectors

register = template.Library()


@register.inclusion_tag("giftcards/backoffice/_client_codes.html", takes_context=True)
def client_codes(context, client):
    """The client page's reward codes and gift cards, and its "Give a reward" button."""
    request = context["request"]
    business = request.business
    return {"request": request, "client": client,
            "enabled": business.coupons_gift_cards_enabled,
            "codes": selectors.client_codes(business=business, client=client),
            "cards": list(selectors.usable_cards_of(business=business, client=client))}
