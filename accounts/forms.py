from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import throttling
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

    def clean(self):
        locked_for = throttling.seconds_locked_out(self.request, self.data.get("username", ""))
        if locked_for:
            raise ValidationError(throttling.lockout_message(locked_for), code="throttled")
        return super().clean()


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "language"]
