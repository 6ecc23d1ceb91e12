"""Filter forms of the reports, and the export request.

Filters read the query string (GET) on a report's page and the same fields posted
with an export, so that an export holds exactly the rows the page lists.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from booking.models import Client, Service
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
