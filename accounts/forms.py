from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        "invalid_login": _("This email and password do not match an account."),
        "inactive": _("This account is inactive."),
    }


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "language"]
