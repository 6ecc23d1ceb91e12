"""Back office forms of the catalog, schedules and memberships.

They parse input; the services decide what is allowed, with the messages the API
gives too. Choices are limited to the business's own rows, so another business's
id is simply "not a valid choice".
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking import catalog_selectors
from booking.models import ScheduleException, Weekday
from tenancy import selectors as tenancy_selectors

# Working hours per day on the week page; a day needing more is an exception.
INTERVALS_PER_DAY = 3

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class TeamLoginChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, membership):
        user = membership.user
        return f"{user.full_name} ({user.email})" if user.full_name else user.email


class StaffMemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    color = forms.CharField(label=_("Calendar colour"), max_length=7, initial="#7a2f66",
                            widget=forms.TextInput(attrs={"type": "color"}))
    membership = TeamLoginChoiceField(
        label=_("Team login"), queryset=None, required=False,
        empty_label=_("None: this person does not sign in"),
        help_text=_("Link the login this person signs in with, so the calendar can show "
                    "them their own appointments."))
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = tenancy_selectors.team_logins(business=business)


class ServiceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"))
    price = forms.DecimalField(label=_("Price"), max_digits=12, decimal_places=2)
    buffer_before_minutes = forms.IntegerField(
        label=_("Buffer before (minutes)"), initial=0,
        help_text=_("Time kept free before the appointment, e.g. to prepare."))
    buffer_after_minutes = forms.IntegerField(
        label=_("Buffer after (minutes)"), initial=0,
        help_text=_("Time kept free after the appointment, e.g. to clean up."))
    staff = forms.ModelMultipleChoiceField(label=_("Performed by"), queryset=None,
                                           required=False, widget=forms.CheckboxSelectMultiple)
    is_active = forms.BooleanField(label=_("Bookable"), required=False, initial=True)

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = catalog_selectors.staff_members(business=business)


class ClassTypeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"))
    price = forms.DecimalField(label=_("Price"), max_digits=12, decimal_places=2)
    capacity = forms.IntegerField(label=_("Seats"))
    is_active = forms.BooleanField(label=_("Bookable"), required=False, initial=True)


class ClassSessionForm(forms.Form):
    """`starts_at` is read in the current time zone, which the back office sets to the
    business's: 10:00 means 10:00 at the salon, whatever the season."""

    class_type = forms.ModelChoiceField(label=_("Class"), queryset=None)
    staff_member = forms.ModelChoiceField(label=_("Led by"), queryset=None)
    starts_at = forms.SplitDateTimeField(
        label=_("Starts"),
        # The label cannot name two inputs (a MultiWidget has no id for it): each names itself.
        widget=forms.SplitDateTimeWidget(date_attrs={"type": "date", "aria-label": _("Date")},
                                         time_attrs={"type": "time", "aria-label": _("Time")},
                                         date_format="%Y-%m-%d", time_format="%H:%M"))
    capacity = forms.IntegerField(label=_("Seats"), required=False,
                                  help_text=_("Empty: the class's number of seats."))

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["class_type"].queryset = catalog_selectors.class_types(
            business=business, active_only=True)
        self.fields["staff_member"].queryset = catalog_selectors.staff_members(
            business=business, active_only=True)


class ClassSessionFilterForm(forms.Form):
    first_day = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    last_day = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)


class MembershipPlanForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    price = forms.DecimalField(label=_("Price"), max_digits=12, decimal_places=2)
    validity_days = forms.IntegerField(label=_("Valid for (days)"), initial=30)
    is_active = forms.BooleanField(label=_("On sale"), required=False, initial=True)


class AssignMembershipForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=None)
    starts_on = forms.DateField(label=_("From"), widget=DATE_INPUT)

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = catalog_selectors.membership_plans(
            business=business, on_sale_only=True)
        self.fields["starts_on"].initial = timezone.localdate(timezone=business.zone)


def membership_section(business, client, form: AssignMembershipForm | None = None) -> dict:
    """Context of the Memberships section of the client page."""
    return {"memberships": catalog_selectors.client_memberships(business=business, client=client),
            "membership_form": form or AssignMembershipForm(business=business)}


class DayHoursForm(forms.Form):
    """One weekday of the week page: up to `intervals` "from - to" pairs."""

    def __init__(self, *args, weekday: int, intervals: int = INTERVALS_PER_DAY, **kwargs):
        super().__init__(*args, prefix=f"day{weekday}", **kwargs)
        self.weekday = Weekday(weekday)
        self.size = intervals
        for index in range(intervals):
            self.fields[f"start_{index}"] = forms.TimeField(
                label=_("From"), required=False, widget=TIME_INPUT)
            self.fields[f"end_{index}"] = forms.TimeField(
                label=_("To"), required=False, widget=TIME_INPUT)

    @property
    def pairs(self):
        return [(self[f"start_{index}"], self[f"end_{index}"]) for index in range(self.size)]

    def clean(self):
        cleaned = super().clean()
        for index in range(self.size):
            start, end = cleaned.get(f"start_{index}"), cleaned.get(f"end_{index}")
            if (start is None) != (end is None) and not self.has_error(f"start_{index}") \
                    and not self.has_error(f"end_{index}"):
                self.add_error(f"end_{index}" if end is None else f"start_{index}",
                               _("Enter both times, or neither."))
        return cleaned

    def intervals(self):
        return [(self.cleaned_data[f"start_{index}"], self.cleaned_data[f"end_{index}"])
                for index in range(self.size)
                if self.cleaned_data.get(f"start_{index}") is not None]


def day_initial(intervals) -> dict:
    initial = {}
    for index, (start, end) in enumerate(intervals):
        initial[f"start_{index}"] = start
        initial[f"end_{index}"] = end
    return initial


class ScheduleExceptionForm(forms.Form):
    staff_member = forms.ModelChoiceField(
        label=_("Who"), queryset=None, required=False,
        empty_label=_("Everyone: the business is closed (a holiday)"))
    kind = forms.ChoiceField(label=_("Kind"), choices=ScheduleException.Kind.choices)
    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    start_time = forms.TimeField(label=_("From"), required=False, widget=TIME_INPUT,
                                 help_text=_("Leave both times empty for the whole day."))
    end_time = forms.TimeField(label=_("To"), required=False, widget=TIME_INPUT)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff_member"].queryset = catalog_selectors.staff_members(
            business=business)
