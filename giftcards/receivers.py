"""How giftcards plugs into booking, checkout and loyalty (connected in apps.py).

Everything here runs inside the other app's transaction: a card is spent with the
booking or the payment that spends it, issued with the invoice that sells it, and
given back with the cancellation or the refund, or not at all.
"""

from django.core.exceptions import ValidationError

from booking.codes import BookingDiscount, CodeKind, CodeScope, CodeTerms
from booking.models import AppointmentState
from checkout import hooks
from giftcards import guessing, selectors
from giftcards.models import AppliesTo
from giftcards.services import bookings as booking_code_services
from giftcards.services import invoices as invoice_services
from giftcards.services import reward_codes

# Coupons say "bookings" where codes say "services": a booking is charged as one.
SCOPES = {AppliesTo.BOOKINGS: CodeScope.SERVICES, AppliesTo.PRODUCTS: CodeScope.PRODUCTS,
          AppliesTo.BOTH: CodeScope.BOTH}


class GiftCardRedeemer:
    """Checkout's gift card tender; refusals name checkout's gift card field."""

    def redeem(self, *, business, payment, code: str) -> str:
        try:
            return invoice_services.redeem_for_payment(business, payment, code)
        except ValidationError as refusal:
            raise ValidationError({"gift_card": refusal.messages}) from refusal

    def refund(self, *, business, payment, amount, refund) -> None:
        invoice_services.refund_to_payment_card(business, payment, amount, refund)


redeemer = GiftCardRedeemer()


class CodeApplier:
    """Booking's one code protocol (booking/codes.py): gift cards and coupons on the
    booking site, coupons and loyalty reward codes on a checkout draft."""

    def enabled(self, *, business) -> bool:
        return business.coupons_gift_cards_enabled

    def find_for_booking(self, *, business, client, service, price,
                         code) -> BookingDiscount | None:
        """Wrong codes typed by a client are counted against guessing (guessing.py)."""
        address = guessing.request_address.get()
        if address is not None and not guessing.start_try(business, address):
            raise guessing.locked_error()
        # A refused or unknown code keeps its try counted; a right one gives it back.
        found = booking_code_services.booking_code(business, client=client, service=service,
                                                   price=price, code=code)
        if found is None:
            return None
        if address is not None:
            guessing.forget_try(business, address)
        return BookingDiscount(code=found.code, label=found.label, discount=found.discount,
                               earns_points=found.earns_points,
                               is_reward=found.coupon is not None and found.coupon.is_loyalty,
                               source=found)

    def use_for_booking(self, *, business, found, appointment) -> None:
        booking_code_services.record_booking_code(business, found.source,
                                                  appointment=appointment)

    def find_for_invoice(self, *, business, client, code, now) -> CodeTerms:
        coupon = invoice_services.checkout_code(business, client=client, code=code, now=now)
        return CodeTerms(code=coupon.code, label=coupon.name,
                         kind=CodeKind(coupon.discount_kind), value=coupon.value,
                         scope=SCOPES[coupon.applies_to], service_id=coupon.service_id)

    def use_for_invoice(self, *, business, invoice, code, amount, now) -> None:
        invoice_services.use_for_invoice(business, invoice, code=code, amount=amount, now=now)


code_applier = CodeApplier()


def client_offers(*, business, client) -> hooks.ClientOffers:
    """A client's reward codes and gift cards for the checkout's one-click buttons."""
    if not business.coupons_gift_cards_enabled:
        return hooks.ClientOffers()
    return hooks.ClientOffers(
        codes=tuple(hooks.OfferedCode(code=coupon.code, label=coupon.name)
                    for coupon in selectors.client_codes(business=business, client=client)),
        cards=tuple(hooks.OfferedCard(key=card.pk, code=card.display_code,
                                      masked_code=card.masked_code, balance=card.balance)
                    for card in selectors.usable_cards_of(business=business, client=client)))


def on_invoice_paid(*, invoice, **_kwargs) -> None:
    invoice_services.issue_for_invoice(invoice=invoice)


def on_invoice_refunded(*, invoice, refund, **_kwargs) -> None:
    invoice_services.cancel_for_refund(invoice=invoice, refund_row=refund)


def on_appointment_state_changed(*, appointment, to_state, **_kwargs) -> None:
    if to_state == AppointmentState.CANCELLED:
        booking_code_services.on_appointment_cancelled(appointment=appointment)


def on_reward_reached(*, business, client, tier, balance, now, **_kwargs) -> None:
    """A stamp-card reward reached (loyalty's announcement): its code, in the ledger's
    transaction."""
    reward_codes.unlock(business=business, client=client, tier=tier, balance=balance, now=now)
