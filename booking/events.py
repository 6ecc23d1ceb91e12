"""What booking tells the rest of the product, as Django signals.

- `extension_switched`: sent with `sender=Business, business=..., extension=<Extension>,
  enabled=<bool>` for each extension a switch turned on or off.
- `appointment_state_changed`: sent with `sender=Appointment, appointment=<locked row>,
  from_state=..., to_state=...` after an appointment's state changed (cancelled,
  completed, no-show, or a mark undone).

Sent INSIDE the change's transaction with `send`: a receiver's writes (a reversal of
the points the appointment earned) commit with the change or not at all, and a
receiver that raises undoes the change. Receivers queue outside effects with
`transaction.on_commit`.
"""

from django.dispatch import Signal

appointment_state_changed = Signal()
extension_switched = Signal()
