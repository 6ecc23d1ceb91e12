"""The kinds of message a business sends its clients, and the variables each one offers.

Callers of `notifications.services.notify` pass a kind's own variables in `context`,
already formatted for the business's language (numbers, money, dates); the sender
fills in the common ones (`client_name`, `business_name`, `booking_link`,
`unsubscribe_link`). A template may use exactly the variables of its kind.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageKind(models.TextChoices):
    BOOKING_CONFIRMED = "booking_confirmed", _("Booking confirmed")
    BOOKING_CANCELLED = "booking_cancelled", _("Booking cancelled")
    WAITLIST_OFFERED = "waitlist_offered", _("Waitlist seat offered")
    POINTS_CREDITED = "points_credited", _("Points credited (automatic)")
    BALANCE_UPDATED = "balance_updated", _("Balance updated (manual)")
    REWARD_UNLOCKED = "reward_unlocked", _("Reward unlocked")
    GIFT_CARD_ISSUED = "gift_card_issued", _("Gift card issued")
    POINTS_EXPIRING = "points_expiring", _("Points expiring soon")
    RECEIPT = "receipt", _("Receipt")


# Loyalty messages: sent only to clients who accepted marketing messages.
MARKETING_KINDS = frozenset({
    MessageKind.POINTS_CREDITED,
    MessageKind.BALANCE_UPDATED,
    MessageKind.REWARD_UNLOCKED,
    MessageKind.POINTS_EXPIRING,
})

# Filled in by the sender for every kind.
COMMON_VARIABLES = ("client_name", "business_name", "booking_link", "unsubscribe_link")

# What the caller passes, per kind.
CONTEXT_VARIABLES: dict[str, tuple[str, ...]] = {
    MessageKind.BOOKING_CONFIRMED: ("service", "date", "staff", "loyalty_line",
                                    "cancellation_line"),
    MessageKind.BOOKING_CANCELLED: ("service", "date", "staff"),
    MessageKind.WAITLIST_OFFERED: ("service", "date", "offer_link", "offer_expires"),
    MessageKind.POINTS_CREDITED: ("points", "balance", "service", "description"),
    MessageKind.BALANCE_UPDATED: ("points", "balance", "description"),
    MessageKind.REWARD_UNLOCKED: ("reward_code", "reward_name", "reward_expires", "balance"),
    MessageKind.GIFT_CARD_ISSUED: ("gift_card_code", "gift_card_value", "gift_card_expires",
                                   "purchaser_name", "message"),
    MessageKind.POINTS_EXPIRING: ("points", "expiry_date", "balance"),
    MessageKind.RECEIPT: ("receipt_number", "receipt_date", "receipt_lines", "receipt_total",
                          "receipt_payments"),
}

# What each variable shows, for the template editor.
VARIABLE_HELP = {
    "client_name": _("The client's first name."),
    "business_name": _("Your business's name."),
    "booking_link": _("The address of your booking site."),
    "unsubscribe_link": _("A link that stops loyalty and marketing emails, without signing in."),
    "service": _("The service or class."),
    "date": _("The day and time of the appointment, in your time zone."),
    "staff": _("Who performs the service."),
    "loyalty_line": _("What the booking will earn in points, when Loyalty is on."),
    "cancellation_line": _("Until when and how the client can cancel (online, or by "
                           "writing to you once the notice period has begun)."),
    "offer_link": _("The link that takes the offered seat."),
    "offer_expires": _("Until when the seat is held."),
    "points": _("The points credited, or the change (negative for a deduction)."),
    "balance": _("The points balance after this change."),
    "description": _("Why the points changed, as the client sees it in their history."),
    "reward_code": _("The reward's single-use code."),
    "reward_name": _("What the reward gives."),
    "reward_expires": _("The last day the reward code can be used."),
    "gift_card_code": _("The gift card's code."),
    "gift_card_value": _("The gift card's value."),
    "gift_card_expires": _("The last day the gift card can be used."),
    "purchaser_name": _("Who bought the gift card."),
    "message": _("The purchaser's message."),
    "expiry_date": _("The day the points expire."),
    "receipt_number": _("The receipt's number."),
    "receipt_date": _("When the invoice was paid, in your time zone."),
    "receipt_lines": _("What was sold, one line each: quantity, description and amount."),
    "receipt_total": _("The total paid, tax included."),
    "receipt_payments": _("How it was paid, one line per payment, and the change given."),
}


def variables(kind: str) -> tuple[str, ...]:
    """Every variable a template of `kind` may use: the kind's own, then the common ones."""
    return (*CONTEXT_VARIABLES[MessageKind(kind)], *COMMON_VARIABLES)


def is_marketing(kind: str) -> bool:
    return MessageKind(kind) in MARKETING_KINDS
