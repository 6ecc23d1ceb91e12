"""Back office forms of checkout.

They parse input; the services decide what is allowed, with the messages the API
gives too. Choices are limited to the business's own rows, so another business's
id is refused as "not in your business".
"""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from booking.models import Appointment, Client, Service
from checkout import selectors
from checkout.models import DiscountKind, InvoiceState, Product, Tender
from checkout.services.payments import TenderInput

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _money_field(label, **kwargs):
    return forms.DecimalField(label=label, max_digits=12, decimal_places=2,
                              widget=forms.NumberInput(attrs={"step": "0.01"}), **kwargs)


def _rate_field(label, **kwargs):
    return forms.DecimalField(label=label, max_digits=5, decimal_places=2,
                              widget=forms.NumberInput(attrs={"step": "0.01"}), **kwargs)


class BusinessChoiceField(forms.ModelChoiceField):
    """A row of this business; any other id is "not in your business"."""

    def __init__(self, *, model, not_found, **kwargs):
        super().__init__(queryset=model.objects.none(),
                         error_messages={"invalid_choice": not_found}, **kwargs)
        self.model = model

    def scope(self, business, queryset=None):
        self.queryset = (queryset if queryset is not None
                         else self.model.objects.for_business(business))


class DeskForm(forms.Form):
    """The checkout screen shows several forms at once: each gets its own element ids."""

    id_prefix: str

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


class ClientSearchForm(forms.Form):
    q = forms.CharField(label=_("Client"), required=False, max_length=100)


class CatalogueSearchForm(forms.Form):
    find = forms.CharField(label=_("Add a service or product"), required=False, max_length=100)


class LineQuantityForm(forms.Form):
    quantity = forms.IntegerField(label=_("Quantity"))


class ReceiptEmailForm(DeskForm):
    id_prefix = "receipt"
    email = forms.EmailField(label=_("Email"), required=False,
                             help_text=_("The client's address if left empty."))


class ClientChoiceForm(DeskForm):
    """Start a draft, or set its client; no client means a walk-in."""

    id_prefix = "client"
    client = BusinessChoiceField(model=Client, label=_("Client"), required=False,
                                 not_found=_("This client is not in your business."))

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].scope(business)


class AppointmentLineForm(DeskForm):
    id_prefix = "appointment"
    appointment = BusinessChoiceField(
        model=Appointment, label=_("Appointment"),
        not_found=_("This appointment is not in your business."))

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["appointment"].scope(business)


class ServiceLineForm(DeskForm):
    id_prefix = "service-line"
    service = BusinessChoiceField(model=Service, label=_("Service"),
                                  not_found=_("This service is not in your business."))
    description = forms.CharField(label=_("Description"), max_length=200, required=False,
                                  help_text=_("The service's name if left empty."))
    unit_price = _money_field(_("Price"), required=False,
                              help_text=_("The service's price if left empty."))
    quantity = forms.IntegerField(label=_("Quantity"), initial=1)
    tax_rate = _rate_field(_("Tax rate (%)"), required=False,
                           help_text=_("The business's rate for services if left empty."))

    def __init__(self, *args, business, service_tax_rate=None, **kwargs):
        kwargs.setdefault("initial", {"tax_rate": service_tax_rate})
        super().__init__(*args, **kwargs)
        self.fields["service"].scope(business)


class ProductLineForm(DeskForm):
    id_prefix = "product-line"
    product = BusinessChoiceField(
        model=Product, label=_("Product"),
        not_found=_("This product is not in your business, or no longer on sale."))
    quantity = forms.IntegerField(label=_("Quantity"), initial=1)

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].scope(business, selectors.products(business=business,
                                                                  active_only=True))


class GiftCardLineForm(DeskForm):
    id_prefix = "gift-card"
    amount = _money_field(_("Gift card amount"))
    description = forms.CharField(label=_("Description"), max_length=200, required=False,
                                  help_text=_("For example who it is for."))


class DiscountForm(DeskForm):
    id_prefix = "discount"
    discount_kind = forms.ChoiceField(label=_("Discount"), choices=DiscountKind.choices,
                                      required=False)
    discount_value = _money_field(_("Amount or percent"), required=False)

    def clean(self):
        values = super().clean()
        values["discount_kind"] = values.get("discount_kind") or DiscountKind.NONE
        if "discount_value" in values and values["discount_value"] is None:
            if values["discount_kind"] != DiscountKind.NONE:
                self.add_error("discount_value", _("Enter the discount."))
            values["discount_value"] = Decimal(0)
        return values


class CodeForm(DeskForm):
    id_prefix = "code"
    code = forms.CharField(label=_("Coupon or reward code"), max_length=100)


class PaymentForm(DeskForm):
    id_prefix = "payment"
    cash = _money_field(_("Cash received"), required=False,
                        help_text=_("May be more than due: the change is shown."))
    card = _money_field(_("Card"), required=False)
    card_reference = forms.CharField(
        label=_("Card terminal reference"), max_length=100, required=False,
        widget=forms.TextInput(attrs={"class": "register-ref",
                                      "placeholder": _("Terminal reference (optional)")}))
    gift_card = _money_field(_("Gift card"), required=False)
    gift_card_code = forms.CharField(
        label=_("Gift card code"), max_length=100, required=False,
        widget=forms.TextInput(attrs={"class": "register-ref", "autocomplete": "off",
                                      "placeholder": _("Gift card code")}))

    def tenders(self) -> list[TenderInput]:
        """The tenders filled in; blank and zero amounts are left out."""
        values = self.cleaned_data
        given = [(Tender.GIFT_CARD, values["gift_card"], values["gift_card_code"]),
                 (Tender.CARD, values["card"], values["card_reference"]),
                 (Tender.CASH, values["cash"], "")]
        return [TenderInput(tender=tender, amount=amount, reference=reference)
                for tender, amount, reference in given if amount]


class RefundForm(forms.Form):
    """One quantity per line that can still be refunded, or everything that is left."""

    everything = forms.BooleanField(label=_("Refund everything not yet refunded"),
                                    required=False)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, invoice, **kwargs):
        super().__init__(*args, **kwargs)
        self.refundable_lines = [line for line in invoice.lines.all()
                                 if line.refundable_quantity]
        for line in self.refundable_lines:
            self.fields[f"line_{line.pk}"] = forms.IntegerField(
                label=line.description, required=False, initial=0,
                widget=forms.NumberInput(attrs={"max": line.refundable_quantity}),
                help_text=_("Up to %(count)d") % {"count": line.refundable_quantity})
        self.line_fields = [(line, self[f"line_{line.pk}"]) for line in self.refundable_lines]

    def quantities(self) -> dict[int, int] | None:
        """None for everything; the service refuses an empty choice or too many units."""
        if self.cleaned_data["everything"]:
            return None
        return {line.pk: self.cleaned_data[f"line_{line.pk}"] or 0
                for line in self.refundable_lines}


class InvoiceFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=[("", _("All")), *InvoiceState.choices])
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=_("Until"), required=False, widget=DATE_INPUT)


class ProductForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    sku = forms.CharField(label=_("SKU"), max_length=64,
                          help_text=_("Your reference for this product, unique in your "
                                      "business."))
    price = _money_field(_("Price (tax included)"))
    tax_rate = _rate_field(_("Tax rate (%)"), initial=20)
    stock = forms.IntegerField(label=_("In stock"), initial=0,
                               help_text=_("Count after a delivery or an inventory. Sales "
                                           "take from it and refunds put back."))
    is_active = forms.BooleanField(label=_("On sale"), required=False, initial=True)


class CheckoutSettingsForm(forms.Form):
    service_tax_rate = _rate_field(
        _("Tax rate of services (%)"),
        help_text=_("Proposed on service lines at checkout; each line may change it."))
