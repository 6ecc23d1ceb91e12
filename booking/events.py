"""What booking tells the rest of the product, as Django signals.

- `appointment_booked`: sent with `sender=Appointment, business=..., appointment=...` once
  an appointment (a service, a class seat, each of a series) is booked, its discount
  code applied.
- `appointment_moved`: sent with `sender=Appointment, business=..., appointment=<locked
  row>` once staff moved a booked appointment to another time or staff member.
- `appointment_state_changed`: sent with `sender=Appointment, business=...,
  appointment=<locked row>, from_state=..., to_state=...` after an appointment's state
  changed (cancelled, completed, no-show, or a mark undone).
- `waitlist_seat_offered`: sent with `sender=WaitlistEntry, business=..., entry=...` once a
  freed class seat is held for a waiting client.

Sent INSIDE the change's transaction with `send`: a receiver's writes (a reversal of
the points the appointment earned, the message log of an email) commit with the change
or not at all, and a receiver that raises undoes the change. Receivers queue outside
effects with `transaction.on_commit`.
"""

from django.dispatch import Signal

appointment_booked = Signal()
appointment_moved = Signal()
appointment_state_changed = Signal()
waitlist_seat_offered = Signal()
