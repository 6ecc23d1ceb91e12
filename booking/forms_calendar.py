"""Forms of the back office calendar: dates and times are read in the business's zone.

They parse input; the appointment services decide what is allowed. Choices are
limited to the business's own rows, so another business's id is "not a valid choice".
"""

from datetime import UTC, date, datetime, time

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from booking import catalog_selectors, selectors
from booking.forms_catalog import DATE_INPUT, TIME_INPUT
from booking.models import AppointmentState
from booking.services.appointments import (
    ARRIVED,
    MAX_DURATION_MINUTES,
    MIN_DURATION_MINUTES,
    STARTED,
)
from core import dates

# Days the calendar opens; others (a typo like 0202-01-01) fall back to today.
FIRST_DAY = date(1970, 1, 1)
LAST_DAY = date(2999, 12, 31)


def day_from(value: str | None, *, today: date) -> date:
    """The `?day=YYYY-MM-DD` of a calendar URL, or today when it is missing or bad."""
    try:
        day = date.fromisoformat(value or "")
    except ValueError:
        return today
    return day if FIRST_DAY <= day <= LAST_DAY else today


def local_datetime(day: date, clock: time, zone) -> datetime:
    """The instant a salon's wall clock shows `clock` on `day`, in UTC.

    A time the clocks skip (02:30 on the spring change) is refused; a time they
    show twice (autumn) is its first occurrence (fold=0).
    """
    wall = datetime.combine(day, clock, tzinfo=zone)
    instant = wall.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != wall.replace(tzinfo=None):
        raise ValidationError(
            _("%(time)s does not exist on %(date)s: the clocks change that night. "
              "Choose another time."),
            code="nonexistent_time",
            params={"time": dates.format_time(clock, time_zone=zone.key),
                    "date": dates.format_date(day, time_zone=zone.key)})
    return instant


def local_start_from(value: str | None, zone) -> tuple[date, time] | None:
    """The `?start=2026-03-10T10:15` of a calendar link as local date and time, or None."""
    try:
        start = datetime.fromisoformat(value or "")
    except ValueError:
        return None
    if start.tzinfo is not None:
        start = start.astimezone(zone)
    if not FIRST_DAY <= start.date() <= LAST_DAY:
        return None
    return start.date(), start.time().replace(second=0, microsecond=0)


class LocalStartForm(forms.Form):
    """A local date and time, combined into `cleaned_data["start"]` (UTC)."""

    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    time = forms.TimeField(label=_("Time"), widget=TIME_INPUT)

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.business = business

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date") and cleaned.get("time"):
            if not FIRST_DAY <= cleaned["date"] <= LAST_DAY:
                self.add_error("date", _("Enter a date between 1970 and 2999."))
                return cleaned
            try:
                cleaned["start"] = local_datetime(cleaned["date"], cleaned["time"],
                                                  self.business.zone)
            except ValidationError as error:
                self.add_error("time", error)
        return cleaned


class AppointmentForm(LocalStartForm):
    service = forms.ModelChoiceField(label=_("Service"), queryset=None)
    staff_member = forms.ModelChoiceField(label=_("With"), queryset=None)
    notes = forms.CharField(label=_("Notes"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))

    field_order = ["service", "staff_member", "date", "time", "notes"]

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, business=business, **kwargs)
        self.fields["service"].queryset = catalog_selectors.services(business=business,
                                                                     active_only=True)
        self.fields["staff_member"].queryset = catalog_selectors.staff_members(
            business=business, active_only=True)


class DeskBookingForm(AppointmentForm):
    """The calendar's side panel: the new appointment form's fields, and a client on file
    or, by default, a walk-in whose name and phone may be typed on the spot."""

    client = forms.ModelChoiceField(
        label=_("Client"), queryset=None, required=False,
        error_messages={"invalid_choice": _("Choose a client from the list.")})
    walk_in_name = forms.CharField(label=_("Walk-in's name"), max_length=161, required=False)
    walk_in_phone = forms.CharField(label=_("Phone"), max_length=32, required=False)

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, business=business, **kwargs)
        self.fields["client"].queryset = selectors.clients(business=business)
        # The cell gave the staff member and the time: what is left to choose is the service.
        self.fields["service"].widget.attrs["autofocus"] = True
        self.fields["notes"].widget.attrs["rows"] = 1


class RepeatForm(forms.Form):
    """Optional: "every N weeks", until a date or a number of times."""

    interval_weeks = forms.IntegerField(label=_("Repeat every (weeks)"), required=False)
    until = forms.DateField(label=_("Until"), required=False, widget=DATE_INPUT)
    count = forms.IntegerField(label=_("Or this many times"), required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("interval_weeks") is None and not self.has_error("interval_weeks") \
                and (cleaned.get("until") or cleaned.get("count") is not None):
            self.add_error("interval_weeks", _("Say every how many weeks it repeats."))
        return cleaned

    @property
    def repeats(self) -> bool:
        return self.cleaned_data.get("interval_weeks") is not None


class OccurrencesForm(forms.Form):
    """The free occurrences of a planned series that staff choose to book."""

    starts = forms.MultipleChoiceField(label=_("Dates"), required=False,
                                       widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, plan: list[tuple[datetime, bool]], **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.free = {start.isoformat(): start for start, free in plan if free}
        self.fields["starts"].choices = [(key, key) for key in self.free]

    def rows(self) -> list[tuple[datetime, bool, str, bool]]:
        """(start, free, value, checked) of every occurrence, for the table of dates."""
        checked = set(self["starts"].value() or [])
        return [(start, free, start.isoformat(), start.isoformat() in checked)
                for start, free in self.plan]

    def chosen(self) -> list[datetime]:
        return [self.free[key] for key in self.cleaned_data["starts"]]


class ClientPickForm(forms.Form):
    """A client chosen among search results (rendered by the template, not the widget)."""

    q = forms.CharField(label=_("Find a client"), required=False, max_length=100)
    client = forms.ModelChoiceField(
        label=_("Client"), queryset=None,
        error_messages={"required": _("Choose a client, or add a new walk-in."),
                        "invalid_choice": _("Choose a client from the list.")})

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = selectors.clients(business=business)


class WalkInForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=80)
    last_name = forms.CharField(label=_("Last name"), max_length=80, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    email = forms.EmailField(label=_("Email"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="walk_in", **kwargs)


class MoveForm(LocalStartForm):
    """Where and when an appointment goes; the calendar's drag and resize post the same."""

    staff_member = forms.ModelChoiceField(label=_("With"), queryset=None)
    duration = forms.IntegerField(label=_("Duration (minutes)"), required=False,
                                  min_value=MIN_DURATION_MINUTES,
                                  max_value=MAX_DURATION_MINUTES)

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, business=business, **kwargs)
        self.fields["staff_member"].queryset = catalog_selectors.staff_members(
            business=business, active_only=True)


class StateForm(forms.Form):
    state = forms.ChoiceField(choices=[*AppointmentState.choices, (ARRIVED, ARRIVED),
                                       (STARTED, STARTED)])
    next = forms.CharField(required=False)


class RebookForm(forms.Form):
    """"Again in N weeks" on the appointment card."""

    weeks = forms.IntegerField(label=_("In how many weeks"), min_value=1, max_value=52)
