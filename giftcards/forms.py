"""Forms of giftcards: the booking site's balance check and purchase, and the back
office's offers, cards, coupons and stamp-card rewards (loyalty's tiers, set up beside the
codes they issue). They parse input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from booking.codes import CodeKind
from booking.models import Client, Service
from giftcards.models import (
    MAX_POINTS_PRICE,
    MAX_VALIDITY_DAYS,
    AppliesTo,
)
from loyalty.models import MAX_POINTS, MAX_REWARD_VALIDITY_DAYS, RewardTier

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CODE_INPUT = forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                    "spellcheck": "false"})


def _money_field(label, **kwargs):
    return forms.DecimalField(label=label, max_digits=12, decimal_places=2,
                              widget=forms.NumberInput(attrs={"step": "0.01"}), **kwargs)


class BalanceCheckForm(forms.Form):
    code = forms.CharField(label=_("Gift card code"), max_length=64, widget=CODE_INPUT,
                           help_text=_("As printed on the card or in the email, with or "
                                       "without dashes."))


class RecipientForm(forms.Form):
    """Who a gift card is for; empty when it is for the buyer."""

    recipient_name = forms.CharField(label=_("Recipient's name"), max_length=120,
                                     required=False)
    recipient_email = forms.EmailField(
        label=_("Recipient's email"), required=False,
        help_text=_("We email the gift card there; leave empty to receive it yourself."))
    message = forms.CharField(label=_("Message"), max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


class OfferForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    value = _money_field(_("Value"), help_text=_("What the card is worth when spent."))
    price = _money_field(_("Price"), help_text=_("What a client pays for it in money."))
    validity_days = forms.IntegerField(label=_("Valid for (days)"), initial=365, min_value=1,
                                       max_value=MAX_VALIDITY_DAYS)
    is_active = forms.BooleanField(label=_("On sale"), required=False, initial=True)


class OfferPointsForm(forms.Form):
    """The offer's Loyalty tab."""

    points_enabled = forms.BooleanField(label=_("Can be bought with points"), required=False)
    points_price = forms.IntegerField(label=_("Price in points"), required=False, min_value=1,
                                      max_value=MAX_POINTS_PRICE)


class IssueForm(RecipientForm):
    value = _money_field(_("Value"))
    validity_days = forms.IntegerField(label=_("Valid for (days)"), initial=365, min_value=1,
                                       max_value=MAX_VALIDITY_DAYS)
    field_order = ["value", "validity_days", "recipient_name", "recipient_email", "message"]


class ClientSearchForm(forms.Form):
    q = forms.CharField(label=_("Client"), required=False, max_length=100)


class GiftCardSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    state = forms.ChoiceField(label=_("State"), required=False, choices=[
        ("", _("All")), ("usable", _("Usable")), ("spent", _("Spent")),
        ("expired", _("Expired")), ("inactive", _("Deactivated"))])


class CouponFilterForm(forms.Form):
    origin = forms.ChoiceField(label=_("Show"), required=False, choices=[
        ("", _("All")), ("staff", _("Coupons")), ("loyalty", _("Loyalty rewards"))])


class CouponForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40, widget=CODE_INPUT,
                           help_text=_("What clients type, e.g. SUMMER10. Case, spaces and "
                                       "dashes do not matter."))
    name = forms.CharField(label=_("Name"), max_length=120, required=False,
                           help_text=_("Shown to the client with the discount."))
    discount_kind = forms.ChoiceField(label=_("Discount"), choices=CodeKind.choices)
    value = _money_field(_("Amount or percent"), required=False)
    service = forms.ModelChoiceField(
        label=_("Free service"), queryset=Service.objects.none(), required=False,
        error_messages={"invalid_choice": _("This service is not in your business.")})
    applies_to = forms.ChoiceField(label=_("Applies to"), choices=AppliesTo.choices)
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DATE_INPUT)
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DATE_INPUT)
    max_uses = forms.IntegerField(label=_("Uses in total"), required=False, min_value=1,
                                  help_text=_("Empty for no limit."))
    max_uses_per_client = forms.IntegerField(label=_("Uses per client"), required=False,
                                             min_value=1, help_text=_("Empty for no limit."))
    client_email = forms.EmailField(
        label=_("Only for the client with this email"), required=False,
        help_text=_("Leave empty for a code anyone may use."))
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.business = business
        self.fields["service"].queryset = Service.objects.for_business(business)

    def clean_client_email(self):
        email = self.cleaned_data["client_email"]
        if not email:
            return None
        client = Client.objects.for_business(self.business).filter(email__iexact=email).first()
        if client is None:
            raise forms.ValidationError(_("No client of yours has this email."))
        return client

    def values(self) -> dict:
        values = dict(self.cleaned_data)
        values["client"] = values.pop("client_email")
        if values["value"] is None:
            values["value"] = 0
        return values


class _DiscountFields(forms.Form):
    """What a stamp-card reward gives, as on a coupon."""

    name = forms.CharField(label=_("Name"), max_length=120,
                           help_text=_("Shown to the client with the code, e.g. "
                                       "\"5 € off your next visit\"."))
    discount_kind = forms.ChoiceField(label=_("Discount"), choices=CodeKind.choices)
    value = _money_field(_("Amount or percent"), required=False)
    service = forms.ModelChoiceField(
        label=_("Free service"), queryset=Service.objects.none(), required=False,
        error_messages={"invalid_choice": _("This service is not in your business.")})
    applies_to = forms.ChoiceField(label=_("Applies to"), choices=AppliesTo.choices)
    validity_days = forms.IntegerField(label=_("Code valid for (days)"), initial=90,
                                       min_value=1, max_value=MAX_REWARD_VALIDITY_DAYS)
    earns_points = forms.BooleanField(label=_("Bookings using it still earn points"),
                                      required=False)

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.for_business(business)

    def values(self) -> dict:
        values = dict(self.cleaned_data)
        if values.get("value") is None:
            values["value"] = 0
        return values


class RewardTierForm(_DiscountFields):
    threshold = forms.IntegerField(label=_("Points needed"), min_value=1, max_value=MAX_POINTS)
    resets_card = forms.BooleanField(
        label=_("Starts the card over"), required=False,
        help_text=_("Only the highest reward can: its points are taken off when it is "
                    "unlocked, and the points above it are kept."))
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    field_order = ["name", "threshold", "discount_kind", "value", "service", "applies_to",
                   "validity_days", "earns_points", "resets_card", "is_active"]


class GiveRewardForm(_DiscountFields):
    """An existing reward (a tier), or a new one described here."""

    tier = forms.ModelChoiceField(
        label=_("Reward"), queryset=None, required=False,
        empty_label=_("A new reward, described below"),
        error_messages={"invalid_choice": _("This reward is not in your business.")})

    field_order = ["tier", "name", "discount_kind", "value", "service", "applies_to",
                   "validity_days", "earns_points"]

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, business=business, **kwargs)
        self.fields["tier"].queryset = RewardTier.objects.for_business(business).filter(
            is_active=True)
        # Filled only for a new reward: the service checks them then.
        for name in ("name", "discount_kind", "applies_to", "validity_days"):
            self.fields[name].required = False

    def values(self) -> dict:
        values = super().values()
        if values["tier"] is not None:
            return {"tier": values["tier"]}
        values.pop("tier")
        values["validity_days"] = values["validity_days"] or 90
        values["applies_to"] = values["applies_to"] or AppliesTo.BOOKINGS
        return values
