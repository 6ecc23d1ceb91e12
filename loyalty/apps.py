from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoyaltyConfig(AppConfig):
    name = "loyalty"
    verbose_name = _("Loyalty")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from booking.events import appointment_state_changed
        from booking.hooks import register_client_badge as register_card_badge
        from booking.models import Appointment
        from checkout.events import invoice_paid, invoice_refunded
        from checkout.hooks import register_client_badge, register_invoice_section
        from checkout.models import Invoice
        from loyalty import receivers
        from loyalty.selectors import (
            appointment_sentence,
            checkout_badge,
            invoice_points_section,
        )
        from notifications.hooks import register_appointment_line
        from tenancy.events import extension_switched
        from tenancy.models import Business

        invoice_paid.connect(receivers.on_invoice_paid, sender=Invoice,
                             dispatch_uid="loyalty-invoice-paid")
        invoice_refunded.connect(receivers.on_invoice_refunded, sender=Invoice,
                                 dispatch_uid="loyalty-invoice-refunded")
        appointment_state_changed.connect(receivers.on_appointment_state_changed,
                                          sender=Appointment,
                                          dispatch_uid="loyalty-appointment-state")
        post_save.connect(receivers.on_appointment_saved, sender=Appointment,
                          dispatch_uid="loyalty-credit-queue")
        extension_switched.connect(receivers.on_extension_switched, sender=Business,
                                   dispatch_uid="loyalty-extension-switched")
        register_client_badge(checkout_badge)
        register_card_badge(checkout_badge)
        register_invoice_section(invoice_points_section)
        register_appointment_line(appointment_sentence)
