import zoneinfo

from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import gettext_lazy as _

from booking.models import Client
from tenancy.models import Business, Extension, Role

TIME_ZONE_CHOICES = [(zone, zone.replace("_", " ")) for zone in
                     sorted(zoneinfo.available_timezones()) if "/" in zone]


class BusinessForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("time zone"), choices=TIME_ZONE_CHOICES)

    class Meta:
        model = Business
        fields = ["name", "time_zone", "currency", "language", "contact_email",
                  "cancellation_notice_hours", "minimum_notice_minutes", "booking_horizon_days",
                  "slot_step_minutes", "waitlist_hold_minutes", "history_retention_months"]


class NewBusinessForm(BusinessForm):
    class Meta(BusinessForm.Meta):
        fields = ["name", "slug", "time_zone", "currency", "language", "contact_email"]


class ExtensionToggleForm(forms.Form):
    extension = forms.ChoiceField(choices=Extension.choices)
    enabled = forms.BooleanField(required=False)


class ClientForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = ["first_name", "last_name", "email", "phone", "notes", "marketing_opt_in"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class ClientSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


class TeamMemberForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.STAFF)


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80,
                           help_text=_("What the token is for, e.g. “Accounting export”."))


class SiteSignUpForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=80)
    last_name = forms.CharField(label=_("Last name"), max_length=80, required=False)
    email = forms.EmailField(label=_("Email"))
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)


class SiteFinishSignUpForm(forms.Form):
    """Opened from the emailed link: the password and the consent come from the person
    who holds the address, not from whoever typed it on the sign-up page."""

    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}), help_text=password_validators_help_text_html)
    marketing_opt_in = forms.BooleanField(
        label=_("Send me news and loyalty messages"), required=False,
        help_text=_("You can change this at any time in your profile."),
    )


class SiteProfileForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=80)
    last_name = forms.CharField(label=_("Last name"), max_length=80, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    marketing_opt_in = forms.BooleanField(label=_("Send me news and loyalty messages"),
                                          required=False)

