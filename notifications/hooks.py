"""Where other apps add to a message without the sender knowing them.

- Appointment lines: the "booking confirmed" email's `loyalty_line`, e.g. "This
  booking will earn you 1 point." The loyalty app registers a provider (from its
  AppConfig.ready); with none registered, the line is empty and the default
  template leaves no gap. A provider runs inside the booking's transaction and
  returns text in the active language (the business's), or None.
"""

from collections.abc import Callable

AppointmentLineProvider = Callable[..., str | None]

_line_providers: list[AppointmentLineProvider] = []


def register_appointment_line(provider: AppointmentLineProvider) -> None:
    """`provider(*, business, appointment)` returns a sentence about the appointment, or None."""
    if provider not in _line_providers:
        _line_providers.append(provider)


def unregister_appointment_line(provider: AppointmentLineProvider) -> None:
    if provider in _line_providers:
        _line_providers.remove(provider)


def appointment_lines(*, business, appointment) -> str:
    texts = (provider(business=business, appointment=appointment) for provider in _line_providers)
    return " ".join(str(text) for text in texts if text)
