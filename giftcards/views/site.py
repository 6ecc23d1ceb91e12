"""The booking site's gift cards, `/<slug>/gift-cards/`: offers to buy with money or
points, the public balance check, and the client's own cards and codes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from booking.access import client_required, site_view
from core import ratelimit
from core.errors import add_form_errors
from giftcards import guessing, selectors
from giftcards.forms import BalanceCheckForm, RecipientForm
from giftcards.models import GiftCardOffer
from giftcards.services import purchases as purchase_services

TOO_MANY = 429


def _require_gift_cards(business) -> None:
    if not business.coupons_gift_cards_enabled:
        raise Http404(_("This business does not sell gift cards."))


def _points(business, client) -> int | None:
    """The client's points balance when the loyalty program is on; None otherwise."""
    from loyalty.selectors import balance_of, program_enabled

    if client is None or not program_enabled(business):
        return None
    return balance_of(business=business, client=client)


def _mark_points(offer: GiftCardOffer, balance: int | None) -> GiftCardOffer:
    """"Select by points" shows when the offer sells for points, and is active only when
    the client's balance covers its price; otherwise the page says how many are missing."""
    offer.for_points = balance is not None and offer.points_enabled
    offer.points_covered = offer.for_points and balance >= offer.points_price
    offer.points_missing = offer.points_price - balance if offer.for_points else 0
    return offer



@site_view
def gift_cards(request):
    business = request.business
    _require_gift_cards(business)
    balance = _points(business, request.client)
    return render(request, "giftcards/site/gift_cards.html", {
        "offers": [_mark_points(offer, balance)
                   for offer in selectors.offers(business=business, for_sale=True)],
        "points": balance})


@site_view
def balance_check(request):
    """Anyone may check a card's balance; wrong codes are counted against guessing, and
    an unknown code and another business's are answered alike."""
    business = request.business
    _require_gift_cards(business)
    form = BalanceCheckForm(request.POST or None)
    card, status = None, 200
    if request.method == "POST" and form.is_valid():
        address = ratelimit.client_address(request)
        if not guessing.start_try(business, address):
            form.add_error("code", guessing.locked_error().messages[0])
            status = TOO_MANY
        else:
            card = selectors.card_for_code(business=business, code=form.cleaned_data["code"])
            if card is None:
                form.add_error("code", _("We could not find a gift card with this code. "
                                         "Check it and try again."))
            else:
                guessing.forget_try(business, address)
    return render(request, "giftcards/site/balance.html", {
        "form": form, "card": card, "state": card and selectors.card_state(card)},
        status=status)


@site_view
@client_required
def my_gift_cards(request):
    business = request.business
    _require_gift_cards(business)
    client = request.client
    cards = list(selectors.client_gift_cards(business=business, client=client))
    for card in cards:
        card.state = selectors.card_state(card)
    return render(request, "giftcards/site/mine.html", {
        "cards": cards, "codes": selectors.client_codes(business=business, client=client)})


@site_view
@client_required
def buy(request, gift_card_offer_pk):
    """Buy an offer for money (through the payment provider) or, when the client's points
    cover its price, for points."""
    business = request.business
    _require_gift_cards(business)
    offer = get_object_or_404(selectors.offers(business=business, for_sale=True),
                              pk=gift_card_offer_pk)
    client = request.client
    balance = _points(business, client)
    _mark_points(offer, balance)
    form = RecipientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        mine = reverse("giftcards:site-mine", args=[business.slug])
        try:
            if request.POST.get("pay_with") == "points":
                card, elsewhere = purchase_services.buy_with_points(
                    business=business, client=client, offer=offer, **form.cleaned_data), ""
            else:
                result = purchase_services.buy_with_money(
                    business=business, client=client, offer=offer,
                    return_url=request.build_absolute_uri(mine), **form.cleaned_data)
                card, elsewhere = result.gift_card, result.redirect_url
        except ValidationError as refusal:
            add_form_errors(form, refusal)
        else:
            if card is None:
                # The provider collects the payment on its own page, then sends the
                # client back to "Your gift cards".
                return redirect(elsewhere)
            messages.success(request, _("Your gift card %(code)s is ready: we have emailed it.")
                             % {"code": card.display_code})
            return redirect(mine)
    return render(request, "giftcards/site/buy.html",
                  {"offer": offer, "form": form, "points": balance})
