"""Manage -> Coupons & gift cards: gift cards (look up, issue, deactivate), gift card
offers (with their Loyalty tab), coupons, loyalty reward codes among them, and the
stamp card's rewards. The tiers are loyalty's rules (loyalty.services.stamp_card); their
page stays here, where it shows the codes each tier issued and warns of the gift card
offers its reset leaves unpayable, both facts of giftcards.

Every role looks cards up; owners and managers issue cards, edit offers and coupons,
and deactivate.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from booking import selectors as booking_selectors
from booking.models import Client
from core.errors import add_form_errors, one_line
from core.tenancy import get_for_business_or_404
from giftcards import selectors
from giftcards.forms import (
    ClientSearchForm,
    CouponFilterForm,
    CouponForm,
    GiftCardSearchForm,
    GiveRewardForm,
    IssueForm,
    OfferForm,
    OfferPointsForm,
    RewardTierForm,
)
from giftcards.models import Coupon, GiftCard, GiftCardOffer
from giftcards.services import cards as card_services
from giftcards.services import coupons as coupon_services
from giftcards.services import offers as offer_services
from giftcards.services import purchases as purchase_services
from giftcards.services import reward_codes
from loyalty.models import RewardTier
from loyalty.services import stamp_card as stamp_card_services
from tenancy.access import backoffice_view
from tenancy.models import Role

PER_PAGE = 50
CLIENT_RESULTS = 20


def _url(request, name: str, *args) -> str:
    return reverse(f"giftcards:{name}", args=[request.business.slug, *args])



def _saved(request, form, write, *, success: str, to: str, then=None):
    """Run `write(**cleaned_data)` for a valid POST, then `then(saved row)` if given: a
    redirect, or None to show the form again with the refusal next to its fields."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        saved = write(**form.cleaned_data)
    except ValidationError as refusal:
        add_form_errors(form, refusal)
        return None
    messages.success(request, success)
    if then is not None:
        then(saved)
    return redirect(to)


def _warn_unpayable(request, offer: GiftCardOffer | None = None) -> None:
    """Warn, without refusing, of offers whose points price the stamp card's reset never
    lets a balance reach: the manager may be about to change the other side, and clients
    who already hold more points can still buy."""
    reset, offers = selectors.offers_beyond_reset(business=request.business, offer=offer)
    for unpayable in offers:
        messages.warning(request, ngettext(
            "Clients cannot buy %(offer)s with points: %(reward)s starts the card over at "
            "%(count)s point, so no balance reaches its price.",
            "Clients cannot buy %(offer)s with points: %(reward)s starts the card over at "
            "%(count)s points, so no balance reaches its price.",
            reset.threshold) % {"offer": unpayable.name, "reward": reset.name,
                                "count": reset.threshold})


def _warn_if_reset(request, tier: RewardTier) -> None:
    if tier.resets_card and tier.is_active:
        _warn_unpayable(request)


def _page(request, rows):
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


# Gift cards --------------------------------------------------------------------------------

@backoffice_view
def card_list(request):
    business = request.business
    filters = GiftCardSearchForm(request.GET or None)
    values = filters.cleaned_data if filters.is_valid() else {}
    page, query = _page(request, selectors.gift_cards(
        business=business, search=values.get("q", ""), state=values.get("state", "")))
    for card in page:
        card.state = selectors.card_state(card)
    return render(request, "giftcards/backoffice/card_list.html",
                  {"filters": filters, "page": page, "query": query})


@backoffice_view(role=Role.MANAGER)
def card_issue(request):
    """Issue a card by hand, for a client found by search (who receives it by email) or
    for nobody in particular (the code is handed over)."""
    business = request.business
    client = None
    if request.GET.get("client"):
        client = get_for_business_or_404(Client, business, pk=request.GET["client"])
    search = ClientSearchForm(request.GET or None)
    text = search.cleaned_data["q"] if search.is_valid() else ""
    matches = booking_selectors.clients(business=business, search=text)[:CLIENT_RESULTS] \
        if text else []
    if request.htmx and request.method == "GET" and client is None:
        return render(request, "giftcards/backoffice/_client_choices.html",
                      {"matches": matches, "q": text})
    form = IssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            card = card_services.issue_gift_card(business=business, purchaser=client,
                                                 by=request.user, **form.cleaned_data)
        except ValidationError as refusal:
            add_form_errors(form, refusal)
        else:
            messages.success(request, _("Gift card %(code)s issued.") % {
                "code": card.display_code})
            return redirect(_url(request, "card-detail", card.pk))
    return render(request, "giftcards/backoffice/card_issue.html", {
        "form": form, "client": client, "matches": matches, "q": text})


@backoffice_view
def card_detail(request, gift_card_pk):
    business = request.business
    card = get_for_business_or_404(GiftCard, business, pk=gift_card_pk)
    history = list(selectors.transactions(business=business, card=card))
    for entry in history:
        entry.label, entry.magnitude = selectors.describe(entry), abs(entry.amount)
    return render(request, "giftcards/backoffice/card_detail.html", {
        "card": card, "state": selectors.card_state(card), "history": history})


@require_POST
@backoffice_view(role=Role.MANAGER)
def card_set_active(request, gift_card_pk):
    business = request.business
    card = get_for_business_or_404(GiftCard, business, pk=gift_card_pk)
    active = request.POST.get("active") == "1"
    try:
        card_services.set_gift_card_active(business=business, card=card, active=active)
    except ValidationError as refusal:
        messages.error(request, one_line(refusal))
    else:
        messages.success(request, _("Gift card reactivated.") if active
                         else _("Gift card deactivated: it can no longer pay."))
    return redirect(_url(request, "card-detail", card.pk))


@require_POST
@backoffice_view(role=Role.MANAGER)
def card_refund_points(request, gift_card_pk):
    business = request.business
    card = get_for_business_or_404(GiftCard, business, pk=gift_card_pk)
    try:
        purchase_services.refund_points_purchase(business=business, card=card, by=request.user)
    except ValidationError as refusal:
        messages.error(request, one_line(refusal))
    else:
        messages.success(request, _("Gift card withdrawn and its points given back."))
    return redirect(_url(request, "card-detail", card.pk))


# Offers ------------------------------------------------------------------------------------

@backoffice_view(role=Role.MANAGER)
def offer_list(request):
    return render(request, "giftcards/backoffice/offer_list.html",
                  {"offers": selectors.offers(business=request.business)})


def _offer_form_page(request, form, *, title: str, offer=None):
    return render(request, "giftcards/backoffice/offer_form.html", {
        "form": form, "title": title, "offer": offer,
        "back_url": _url(request, "offer-list")})


@backoffice_view(role=Role.MANAGER)
def offer_create(request):
    form = OfferForm(request.POST or None)
    saved = _saved(request, form, lambda **values: offer_services.create_offer(
        business=request.business, **values), success=_("Gift card offer saved."),
        to=_url(request, "offer-list"), then=lambda offer: _warn_unpayable(request, offer))
    return saved or _offer_form_page(request, form, title=_("New gift card offer"))


@backoffice_view(role=Role.MANAGER)
def offer_edit(request, gift_card_offer_pk):
    offer = get_for_business_or_404(GiftCardOffer, request.business, pk=gift_card_offer_pk)
    form = OfferForm(request.POST or None, initial={
        name: getattr(offer, name) for name in OfferForm.base_fields})
    saved = _saved(request, form, lambda **values: offer_services.update_offer(
        business=request.business, offer=offer, **values), success=_("Gift card offer saved."),
        to=_url(request, "offer-list"), then=lambda offer: _warn_unpayable(request, offer))
    return saved or _offer_form_page(request, form, title=offer.name, offer=offer)


@backoffice_view(role=Role.MANAGER)
def offer_points(request, gift_card_offer_pk):
    """The offer's Loyalty tab: whether clients may buy it with points, and for how many."""
    offer = get_for_business_or_404(GiftCardOffer, request.business, pk=gift_card_offer_pk)
    form = OfferPointsForm(request.POST or None, initial={
        "points_enabled": offer.points_enabled, "points_price": offer.points_price})
    saved = _saved(request, form, lambda **values: offer_services.update_offer(
        business=request.business, offer=offer, **values), success=_("Gift card offer saved."),
        to=_url(request, "offer-list"), then=lambda offer: _warn_unpayable(request, offer))
    return saved or _offer_form_page(request, form, title=offer.name, offer=offer)


# Coupons -----------------------------------------------------------------------------------

@backoffice_view
def coupon_list(request):
    business = request.business
    filters = CouponFilterForm(request.GET or None)
    origin = filters.cleaned_data["origin"] if filters.is_valid() else ""
    page, query = _page(request, selectors.coupons(business=business, origin=origin))
    return render(request, "giftcards/backoffice/coupon_list.html",
                  {"filters": filters, "page": page, "query": query})


def _coupon_form_page(request, form, *, title: str, coupon=None):
    return render(request, "giftcards/backoffice/coupon_form.html", {
        "form": form, "title": title, "coupon": coupon,
        "back_url": _url(request, "coupon-list")})


@backoffice_view(role=Role.MANAGER)
def coupon_create(request):
    form = CouponForm(request.POST or None, business=request.business)
    saved = _saved(request, form, lambda **_values: coupon_services.create_coupon(
        business=request.business, by=request.user, **form.values()),
        success=_("Coupon saved."), to=_url(request, "coupon-list"))
    return saved or _coupon_form_page(request, form, title=_("New coupon"))


@backoffice_view(role=Role.MANAGER)
def coupon_edit(request, coupon_pk):
    coupon = get_for_business_or_404(Coupon, request.business, pk=coupon_pk)
    if coupon.is_loyalty:
        messages.info(request, _("A loyalty reward code can only be deactivated or "
                                 "reactivated."))
        return redirect(_url(request, "coupon-list"))
    form = CouponForm(request.POST or None, business=request.business, initial={
        **{name: getattr(coupon, name) for name in coupon_services.COUPON_FIELDS},
        "client_email": coupon.client.email if coupon.client else ""})
    saved = _saved(request, form, lambda **_values: coupon_services.update_coupon(
        business=request.business, coupon=coupon, **form.values()),
        success=_("Coupon saved."), to=_url(request, "coupon-list"))
    return saved or _coupon_form_page(request, form, title=coupon.code, coupon=coupon)


@require_POST
@backoffice_view(role=Role.MANAGER)
def coupon_set_active(request, coupon_pk):
    business = request.business
    coupon = get_for_business_or_404(Coupon, business, pk=coupon_pk)
    active = request.POST.get("active") == "1"
    coupon_services.set_coupon_active(business=business, coupon=coupon, active=active)
    messages.success(request, _("%(code)s reactivated.") % {"code": coupon.code} if active
                     else _("%(code)s deactivated: it can no longer be used.") % {
                         "code": coupon.code})
    return redirect(_url(request, "coupon-list"))


# Stamp-card rewards ------------------------------------------------------------------------

@backoffice_view
def tier_list(request):
    return render(request, "giftcards/backoffice/tier_list.html", {
        "tiers": selectors.reward_tiers(business=request.business)})


def _tier_form_page(request, form, *, title: str):
    return render(request, "giftcards/backoffice/tier_form.html", {
        "form": form, "title": title, "back_url": _url(request, "tier-list")})


@backoffice_view(role=Role.MANAGER)
def tier_create(request):
    form = RewardTierForm(request.POST or None, business=request.business)
    saved = _saved(request, form, lambda **_values: stamp_card_services.create_tier(
        business=request.business, **form.values()),
        success=_("Reward saved."), to=_url(request, "tier-list"),
        then=lambda tier: _warn_if_reset(request, tier))
    return saved or _tier_form_page(request, form, title=_("New reward"))


@backoffice_view(role=Role.MANAGER)
def tier_edit(request, reward_tier_pk):
    tier = get_for_business_or_404(RewardTier, request.business, pk=reward_tier_pk)
    form = RewardTierForm(request.POST or None, business=request.business, initial={
        name: getattr(tier, name) for name in stamp_card_services.TIER_FIELDS})
    saved = _saved(request, form, lambda **_values: stamp_card_services.update_tier(
        business=request.business, tier=tier, **form.values()),
        success=_("Reward saved."), to=_url(request, "tier-list"),
        then=lambda tier: _warn_if_reset(request, tier))
    return saved or _tier_form_page(request, form, title=tier.name)


@backoffice_view(role=Role.MANAGER)
def give_reward(request, client_pk):
    """Staff give a client a reward: an existing one or a new one, without points."""
    business = request.business
    client = get_for_business_or_404(Client, business, pk=client_pk)
    form = GiveRewardForm(request.POST or None, business=business)
    if request.method == "POST" and form.is_valid():
        try:
            code = reward_codes.give_reward(business=business, client=client, by=request.user,
                                            **form.values())
        except ValidationError as refusal:
            add_form_errors(form, refusal)
        else:
            messages.success(request, _("%(client)s received the reward %(name)s: code "
                                        "%(code)s.") % {"client": client.full_name,
                                                        "name": code.name, "code": code.code})
            return redirect(reverse("booking:client-detail", args=[business.slug, client.pk]))
    return render(request, "giftcards/backoffice/give_reward.html", {
        "form": form, "client": client,
        "back_url": reverse("booking:client-detail", args=[business.slug, client.pk])})
