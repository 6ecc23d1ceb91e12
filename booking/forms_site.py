"""Forms of the booking site: who books (a signed-in client or a guest), the one code field,
and the reading of the day and start time that the slot links carry.

They parse input; the booking services decide what can be booked.
"""

from datetime import UTC, date, datetime

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """What a signed-in client fills in to confirm: only the optional code."""

    code = forms.CharField(label=_("Discount code or gift card"), max_length=64, required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "off",
                                                         "autocapitalize": "characters"}))


class GuestForm(forms.Form):
    """A visitor booking on a site without client login."""

    first_name = forms.CharField(label=_("First name"), max_length=80,
                                 widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    last_name = forms.CharField(label=_("Last name"), max_length=80,
                                widget=forms.TextInput(attrs={"autocomplete": "family-name"}))
    email = forms.EmailField(label=_("Email"),
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    phone = forms.CharField(label=_("Phone"), max_length=32,
                            widget=forms.TextInput(attrs={"autocomplete": "tel",
                                                          "type": "tel"}))

    def guest(self) -> dict[str, str]:
        return {name: self.cleaned_data[name]
                for name in ("first_name", "last_name", "email", "phone")}


class GuestCodeForm(CodeForm, GuestForm):
    """A guest confirming a service: their details, then the optional code."""


def day_from(value: str | None) -> date | None:
    """The `?day=YYYY-MM-DD` of the slot page; None when it is missing or unreadable."""
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


def start_from(value: str | None) -> datetime | None:
    """The `?start=` of a slot link (ISO 8601 with an offset) in UTC; None when unreadable.

    A time without an offset is refused: it would be read in the server's zone.
    """
    try:
        start = datetime.fromisoformat(value or "")
        if start.tzinfo is None:
            return None
        return start.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def start_param(start: datetime) -> str:
    """How a slot link writes its start: UTC with a Z, e.g. 2026-03-10T09:15:00Z."""
    return start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
