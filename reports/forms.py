"""Filter forms of the reports, and the export request.

Filters read the query string (GET) on a report's page and the same fields posted
with an export, so that an export holds exactly the rows the page lists.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from booking.models import Client, Service, StaffMember
from checkout.models import Product
from giftcards.models import GiftCardOffer
from loyalty.models import EntryKind
from reports.models import ExportFormat
from reports.registry import DATE_INPUT, ReportFilterForm


class ClientsFilterForm(ReportFilterForm):
    q = forms.CharField(label=_("Client"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("Name, email or phone"),
                                                      "type": "search"}))
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT,
                                help_text=_("Visits and spend from this day on."))
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)


class PointsFilterForm(ReportFilterForm):
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)
    q = forms.CharField(label=_("Client"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("Name, email or phone"),
                                                      "type": "search"}))
    # Set by a client's name in the report: one client's entries.
    client = forms.ModelChoiceField(
        label=_("Client"), required=False, queryset=Client.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("This client is not in your business.")})
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("All kinds")), *EntryKind.choices])
    service = forms.ModelChoiceField(
        label=_("Service"), required=False, queryset=Service.objects.none(),
        empty_label=_("All services"),
        error_messages={"invalid_choice": _("This service is not in your business.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = Client.objects.for_business(self.business)
        self.fields["service"].queryset = Service.objects.for_business(self.business)


class GiftCardsFilterForm(ReportFilterForm):
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT,
                                help_text=_("Cards issued from this day on."))
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)
    offer = forms.ModelChoiceField(
        label=_("Offer"), required=False, queryset=GiftCardOffer.objects.none(),
        empty_label=_("All offers"),
        error_messages={"invalid_choice": _("This offer is not in your business.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = GiftCardOffer.objects.for_business(self.business)


class ExportForm(forms.Form):
    format = forms.ChoiceField(label=_("Format"), choices=ExportFormat.choices)


class SalesFilterForm(ReportFilterForm):
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT,
                                help_text=_("Invoices paid from this day on."))
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)


class CommissionRateForm(forms.Form):
    """A staff member's rate, for all their sales or for one service or product."""

    staff_member = forms.ModelChoiceField(
        label=_("Staff member"), queryset=StaffMember.objects.none(),
        error_messages={"invalid_choice": _("This staff member is not in your business.")})
    item = forms.ChoiceField(label=_("Applies to"), required=False)
    rate = forms.DecimalField(label=_("Rate (%)"), min_value=0, max_value=100,
                              decimal_places=2, max_digits=5,
                              widget=forms.NumberInput(attrs={"step": "0.01"}))

    def __init__(self, data=None, *, business, **kwargs):
        super().__init__(data, **kwargs)
        self.business = business
        self.fields["staff_member"].queryset = StaffMember.objects.for_business(business)
        self.services = {str(s.pk): s for s in Service.objects.for_business(business)}
        self.products = {str(p.pk): p for p in Product.objects.for_business(business)}
        self.fields["item"].choices = [
            ("", _("All their sales (default rate)")),
            (_("Services"), [(f"service:{pk}", s.name) for pk, s in self.services.items()]),
            (_("Products"), [(f"product:{pk}", p.name) for pk, p in self.products.items()]),
        ]

    def clean_item(self) -> dict:
        """{"service": ..., "product": ...} for the service's arguments."""
        kind, _sep, pk = self.cleaned_data["item"].partition(":")
        return {"service": self.services.get(pk) if kind == "service" else None,
                "product": self.products.get(pk) if kind == "product" else None}


class DashboardForm(forms.Form):
    """The dashboard's period: a day, a week or a month, around a day (today by default)."""

    period = forms.ChoiceField(required=False, choices=[
        ("day", _("Day")), ("week", _("Week")), ("month", _("Month"))])
    date = forms.DateField(required=False, input_formats=["%Y-%m-%d"],
                           error_messages={"invalid": _("Enter a date as YYYY-MM-DD.")})
