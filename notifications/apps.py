from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self) -> None:
        from booking.events import (
            appointment_booked,
            appointment_moved,
            appointment_state_changed,
            waitlist_seat_offered,
        )
        from booking.models import Appointment, WaitlistEntry
        from checkout.events import receipt_requested
        from checkout.models import Invoice
        from notifications import booking_emails, receipt_emails

        appointment_booked.connect(booking_emails.on_appointment_booked, sender=Appointment,
                                   dispatch_uid="notifications-appointment-booked")
        appointment_moved.connect(booking_emails.on_appointment_moved, sender=Appointment,
                                  dispatch_uid="notifications-appointment-moved")
        appointment_state_changed.connect(booking_emails.on_appointment_state_changed,
                                          sender=Appointment,
                                          dispatch_uid="notifications-appointment-state")
        waitlist_seat_offered.connect(booking_emails.on_waitlist_seat_offered,
                                      sender=WaitlistEntry,
                                      dispatch_uid="notifications-waitlist-seat-offered")
        receipt_requested.connect(receipt_emails.on_receipt_requested, sender=Invoice,
                                  dispatch_uid="notifications-receipt-requested")
