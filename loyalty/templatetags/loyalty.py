from django import template
from django.utils import translation

from loyalty import descriptions, selectors, stamp_card

register = template.Library()


@register.filter
def signed(points: int) -> str:
    """+5 and \N{MINUS SIGN}3, as a statement shows them."""
    return f"+{points}" if points > 0 else f"\N{MINUS SIGN}{abs(points)}"


@register.filter
def described(entry, business) -> str:
    """The entry's description in the active language (a staff member's own)."""
    return descriptions.describe(entry, business)


@register.filter
def described_for_client(entry, business) -> str:
    """The entry's description in the business's language, as its clients read it."""
    with translation.override(business.language):
        return descriptions.describe(entry, business)


@register.simple_tag
def booking_points(business, client, starts_at, service=None, class_type=None) -> str:
    """The booking confirmation's "This booking will earn you N points..." sentence."""
    return selectors.booking_sentence(business=business, client=client, starts_at=starts_at,
                                      service=service, class_type=class_type)


@register.inclusion_tag("loyalty/_progress.html")
def client_progress(business, client):
    balance = selectors.balance_of(business=business, client=client)
    return {"next_reward": stamp_card.next_reward(business=business, balance=balance)}


@register.inclusion_tag("loyalty/_profile_points.html")
def profile_points(business, client):
    """The client's points on their profile page, with the way to their Loyalty tab."""
    summary = selectors.summary(business=business, client=client)
    return {"business": business, "summary": summary,
            "next_reward": stamp_card.next_reward(business=business, balance=summary.balance)}


@register.inclusion_tag("loyalty/_client_history.html", takes_context=True)
def client_loyalty(context, client):
    request = context["request"]
    business = request.business
    return {"request": request, "client": client,
            "summary": selectors.summary(business=business, client=client),
            "entries": selectors.history(business=business, client=client)[:20],
            "can_adjust": request.membership.can_manage and business.loyalty_enabled,
            "csrf_token": context.get("csrf_token")}
