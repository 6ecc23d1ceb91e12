"""The wording every business starts with, in English, French and Ukrainian.

A business that edits a kind stores its own subject and body; "Reset to default"
deletes them and these apply again. They are translated like any other text and
read in the business's language when a message is rendered.

Counts are written as "Label: value" rather than "5 points", because a template
cannot choose a plural form.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from notifications.kinds import MessageKind


@dataclass(frozen=True)
class DefaultTemplate:
    subject: Promise
    body: Promise


DEFAULTS: dict[str, DefaultTemplate] = {
    MessageKind.BOOKING_CONFIRMED: DefaultTemplate(
        subject=_("Your booking at {{ business_name }} is confirmed"),
        body=_(
            "Hello {{ client_name }},\n"
            "\n"
            "Your booking is confirmed:\n"
            "{{ service }} with {{ staff }}\n"
            "{{ date }}\n"
            "\n"
            "{{ cancellation_line }}\n"
            "\n"
            "{{ loyalty_line }}\n"
            "\n"
            "Open the attached file to add it to your calendar. To see your appointments or "
            "book again: {{ booking_link }}\n"
            "\n"
            "See you soon,\n"
            "{{ business_name }}"
        ),
    ),
    MessageKind.BOOKING_CANCELLED: DefaultTemplate(
        subject=_("Your booking at {{ business_name }} is cancelled"),
        body=_(
            "Hello {{ client_name }},\n"
            "\n"
            "Your booking is cancelled:\n"
            "{{ service }} with {{ staff }}\n"
            "{{ date }}\n"
            "\n"
            "Open the attached file to remove it from your calendar. To book another time: "
            "{{ booking_link }}\n"
            "\n"
            "{{ business_name }}"
        ),
    ),
    MessageKind.WAITLIST_OFFERED: DefaultTemplate(
        subject=_("A seat is free for you: {{ service }}"),
        body=_(
            "Hello {{ client_name }},\n"
            "\n"
            "Good news: a seat is free in {{ service }} on {{ date }}. We are holding it for "
            "you until {{ offer_expires }}.\n"
            "\n"
            "Take it here: {{ offer_link }}\n"
            "\n"
            "After that, it goes to the next person on the waitlist.\n"
            "\n"
            "{{ business_name }}"
        ),
    ),
    MessageKind.POINTS_CREDITED: DefaultTemplate(
        subject=_("Thank you for your visit: your points are credited"),
        body=_(
            "Hello {{ client_name }},\n"
            "\n"
            "Thank you for your visit! Your points are credited:\n"
            "{{ description }}\n"
            "\n"
            "Points earned: {{ points }}\n"
            "Your balance: {{ balance }}\n"
            "\n"
            "Book your next visit: {{ booking_link }}\n"
            "\n"
            "{{ business_name }}"
        ),
    ),
    MessageKind.BALANCE_UPDATED: DefaultTemplate(
        subject=_("Your points balance at {{ business_name }} has changed"),
        body=_(
            "Hello {{ client_name }},\n"
            "\n"
            "Your points balance has changed:\n"
            "{{ description }}\n"
            "\n"
            "Change: {{ points }}\n"
            "Your balance: {{ balance }}\n"
            "\n"
            "{{ business_name }}"
        ),
    ),
    MessageKind.REWARD_UNLOCKED: DefaultTemplate(
        subject=_("You've earned a reward!"),
        body=_(
            "Hello {{ client_name }},\n"
            "\n"
            "Congratulations: you've earned a reward at {{ business_name }}!\n"
            "\n"
            "{{ reward_name }}\n"
            "Your code: {{ reward_code }}\n"
            "Valid until: {{ reward_expires }}\n"
            "\n"
            "Enter the code when you book online, or show it at the desk: {{ booking_link }}\n"
            "\n"
            "Your points balance: {{ balance }}\n"
            "\n"
            "{{ business_name }}"
        ),
    ),
    MessageKind.GIFT_CARD_ISSUED: DefaultTemplate(
        subject=_("Your gift card for {{ business_name }}"),
        body=_(
            "Hello,\n"
            "\n"
            "Here is a gift card for {{ business_name }}.\n"
            "From: {{ purchaser_name }}\n"
            "\n"
            "{{ message }}\n"
            "\n"
            "Value: {{ gift_card_value }}\n"
            "Code: {{ gift_card_code }}\n"
            "Valid until: {{ gift_card_expires }}\n"
            "\n"
            "Enter the code when you book online, or show it at the desk: {{ booking_link }}\n"
            "\n"
            "{{ business_name }}"
        ),
    ),
    MessageKind.POINTS_EXPIRING: DefaultTemplate(
        subject=_("Your points expire soon"),
        body=_(
            "Hello {{ client_name }},\n"
            "\n"
            "Some of your points at {{ business_name }} expire soon.\n"
            "\n"
            "Points expiring: {{ points }}\n"
            "On: {{ expiry_date }}\n"
            "Your balance today: {{ balance }}\n"
            "\n"
            "Use them before then: {{ booking_link }}\n"
            "\n"
            "{{ business_name }}"
        ),
    ),
    MessageKind.RECEIPT: DefaultTemplate(
        subject=_("Your receipt from {{ business_name }}"),
        body=_(
            "Hello {{ client_name }},\n"
            "\n"
            "Thank you for your visit. Here is your receipt.\n"
            "\n"
            "Receipt no. {{ receipt_number }}\n"
            "{{ receipt_date }}\n"
            "\n"
            "{{ receipt_lines }}\n"
            "\n"
            "Total (tax included): {{ receipt_total }}\n"
            "{{ receipt_payments }}\n"
            "\n"
            "To book again: {{ booking_link }}\n"
            "\n"
            "{{ business_name }}"
        ),
    ),
}
