from django import forms
from django.utils.translation import gettext_lazy as _

from loyalty.models import MAX_POINTS, Program


class ProgramForm(forms.ModelForm):
    class Meta:
        model = Program
        fields = ["crediting_delay_hours", "members_earn", "expiry_months", "expiry_notice_days",
                  "points_per_booking", "spend_points", "spend_amount", "spend_scope",
                  "points_per_service_line", "points_per_product_unit", "points_per_invoice"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("spend_points") and not cleaned.get("spend_amount"):
            self.add_error("spend_amount", _("Say for what amount the points are given."))
        return cleaned


class CatalogPointsForm(forms.Form):
    is_enabled = forms.BooleanField(label=_("Earns loyalty points"), required=False)
    points = forms.IntegerField(label=_("Points per attended appointment"), min_value=0,
                                max_value=MAX_POINTS, initial=0)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_enabled") and not cleaned.get("points"):
            self.add_error("points", _("Enter how many points it earns."))
        return cleaned


class AdjustmentForm(forms.Form):
    points = forms.IntegerField(
        label=_("Points"), min_value=-MAX_POINTS, max_value=MAX_POINTS,
        help_text=_("A negative number deducts points."))
    description = forms.CharField(
        label=_("Description"), max_length=200,
        help_text=_("The client sees this in their points history."))
    note = forms.CharField(label=_("Staff note"), max_length=200, required=False,
                           help_text=_("Only your team sees this."))

    def clean_points(self):
        points = self.cleaned_data["points"]
        if points == 0:
            raise forms.ValidationError(_("Enter a number of points other than 0."))
        return points

    def clean_description(self):
        description = self.cleaned_data["description"].strip()
        if not description:
            raise forms.ValidationError(_("Say why: the client sees this text."))
        return description


class ClientSearchForm(forms.Form):
    q = forms.CharField(label=_("Find a client"), required=False, max_length=100)
