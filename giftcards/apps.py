from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GiftcardsConfig(AppConfig):
    name = "giftcards"
    verbose_name = _("Coupons & gift cards")

    def ready(self) -> None:
        from booking.codes import register_code_applier
        from booking.events import appointment_state_changed
        from booking.models import Appointment
        from checkout.events import invoice_paid, invoice_refunded
        from checkout.hooks import register_client_offers, register_gift_card_redeemer
        from checkout.models import Invoice
        from giftcards import receivers
        from loyalty.events import reward_reached
        from loyalty.models import RewardTier

        register_gift_card_redeemer(receivers.redeemer)
        register_code_applier(receivers.code_applier)
        register_client_offers(receivers.client_offers)
        invoice_paid.connect(receivers.on_invoice_paid, sender=Invoice,
                             dispatch_uid="giftcards-invoice-paid")
        invoice_refunded.connect(receivers.on_invoice_refunded, sender=Invoice,
                                 dispatch_uid="giftcards-invoice-refunded")
        appointment_state_changed.connect(receivers.on_appointment_state_changed,
                                          sender=Appointment,
                                          dispatch_uid="giftcards-appointment-state")
        reward_reached.connect(receivers.on_reward_reached, sender=RewardTier,
                               dispatch_uid="giftcards-reward-code")
