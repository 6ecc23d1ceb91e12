"""Loyalty pages: Settings -> Loyalty, the Loyalty tab of services and classes, "Add
points", and the client's Loyalty tab on the booking site. While Loyalty is off, "Add
points" and the client's tab say that the program is paused."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from booking import selectors as booking_selectors
from booking.access import client_required, site_view
from booking.models import ClassType, Client, Service
from core.errors import add_form_errors, one_line
from core.navigation import local_path
from core.tenancy import get_for_business_or_404
from loyalty import selectors
from loyalty.forms import AdjustmentForm, CatalogPointsForm, ClientSearchForm, ProgramForm
from loyalty.models import EntryKind, PointsEntry
from loyalty.services import adjustments
from loyalty.services import program as program_services
from tenancy.access import backoffice_view
from tenancy.models import Role

HISTORY_PAGE = 100



@backoffice_view(role=Role.MANAGER)
def program_settings(request):
    """Rule changes apply from now on; before saving, the page says how many clients
    and pending points the change touches."""
    business = request.business
    program = selectors.program_of(business)
    form = ProgramForm(request.POST or None, instance=selectors.program_of(business))
    impact = None
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirmed") == "1":
            try:
                program_services.update_program(business=business, **form.cleaned_data)
            except ValidationError as refusal:
                add_form_errors(form, refusal)
            else:
                messages.success(request, _("Loyalty settings saved. They apply to points "
                                            "earned from now on."))
                return redirect("loyalty:settings", slug=business.slug)
        else:
            impact = selectors.rule_change_impact(business=business, saved=program,
                                                  changed=form.instance)
    return render(request, "loyalty/settings.html", {
        "form": form, "impact": impact, "program": program,
        "pending_now": selectors.pending_in_business(business=business, program=program)})


def _catalog_points(request, *, service=None, class_type=None):
    business = request.business
    current = selectors.catalog_points(business=business, service=service,
                                       class_type=class_type)
    form = CatalogPointsForm(request.POST or None, initial={"is_enabled": current.is_enabled,
                                                          "points": current.points})
    item = service or class_type
    back = reverse("booking:service-list" if service else "booking:class-type-list",
                   args=[business.slug])
    if request.method == "POST" and form.is_valid():
        try:
            program_services.set_catalog_points(business=business, service=service,
                                                class_type=class_type, **form.cleaned_data)
        except ValidationError as refusal:
            add_form_errors(form, refusal)
        else:
            messages.success(request, _("Loyalty points of %(item)s saved.") % {"item": item})
            return redirect(back)
    return render(request, "loyalty/catalog_points.html",
                  {"form": form, "item": item, "back_url": back,
                   "loyalty_on": business.loyalty_enabled})


@backoffice_view(role=Role.MANAGER)
def service_points(request, service_pk):
    service = get_for_business_or_404(Service, request.business, pk=service_pk)
    return _catalog_points(request, service=service)


@backoffice_view(role=Role.MANAGER)
def class_type_points(request, class_type_pk):
    class_type = get_for_business_or_404(ClassType, request.business, pk=class_type_pk)
    return _catalog_points(request, class_type=class_type)


@backoffice_view(role=Role.MANAGER)
def adjust(request):
    """"Add points" as a page: pick a client (search), then add or deduct with a reason."""
    return _adjust(request, popup=False)


@backoffice_view(role=Role.MANAGER)
def adjust_popup(request):
    """The same, inside the back office's "Add points" popup: every answer is the
    popup's content, and saving sends the browser on (htmx)."""
    return _adjust(request, popup=True)


def _adjust(request, *, popup: bool):
    business = request.business
    template = "loyalty/_adjust_popup.html" if popup else "loyalty/adjust.html"
    if not business.loyalty_enabled:
        # Opened from a bookmark while Loyalty is off: say so rather than offer a form
        # whose saving would be refused.
        return render(request, template, {"paused": True, "popup": popup})
    client = None
    if request.GET.get("client"):
        client = get_for_business_or_404(Client, business, pk=request.GET["client"])
    search = ClientSearchForm(request.GET or None)
    text = search.cleaned_data["q"] if search.is_valid() else ""
    matches = booking_selectors.clients(business=business, search=text)[:20] if text else []
    # Where saving returns to: kept through the client search and choice, as links.
    next_url = local_path(request, request.POST.get("next") or request.GET.get("next", ""))
    wants_choices = request.htmx and request.method == "GET" and client is None and (
        not popup or request.htmx.target == "popup-client-choices")
    if wants_choices:
        return render(request, "loyalty/_client_choices.html",
                      {"matches": matches, "q": text, "popup": popup, "next": next_url or ""})
    form = AdjustmentForm(request.POST or None)
    if request.method == "POST" and client is not None and form.is_valid():
        try:
            entry = adjustments.adjust_points(business=business, client=client, by=request.user,
                                              **form.cleaned_data)
        except ValidationError as refusal:
            add_form_errors(form, refusal)
        else:
            messages.success(request, ngettext(
                "%(name)s now has %(count)s point.", "%(name)s now has %(count)s points.",
                entry.balance_after) % {"name": client.full_name, "count": entry.balance_after})
            target = next_url or reverse("booking:client-detail",
                                         args=[business.slug, client.pk])
            return HttpResponseClientRedirect(target) if popup else redirect(target)
    return render(request, template, {
        "client": client, "form": form, "search": search, "matches": matches, "q": text,
        "balance": client and selectors.balance_of(business=business, client=client),
        "next": next_url or "", "popup": popup})


@require_POST
@backoffice_view(role=Role.MANAGER)
def undo_adjustment(request, points_entry_pk):
    business = request.business
    entry = get_for_business_or_404(PointsEntry, business, pk=points_entry_pk)
    try:
        adjustments.undo_adjustment(business=business, entry=entry, by=request.user)
    except ValidationError as refusal:
        messages.error(request, one_line(refusal))
    else:
        messages.success(request, _("Adjustment undone."))
    return redirect("booking:client-detail", slug=business.slug, client_pk=entry.client_id)


@backoffice_view
def client_history(request, client_pk):
    """A client's points history: the client page's section, and the popup of reports."""
    business = request.business
    client = get_for_business_or_404(Client, business, pk=client_pk)
    template = "loyalty/_client_history.html" if request.htmx else "loyalty/client_history.html"
    return render(request, template, {
        "client": client, "summary": selectors.summary(business=business, client=client),
        "entries": selectors.history(business=business, client=client)[:HISTORY_PAGE],
        # As on the client page: no Add points nor Undo that saving would refuse.
        "can_adjust": request.membership.can_manage and business.loyalty_enabled})


@site_view
@client_required
def site_loyalty(request):
    """The client's Loyalty tab: balance, pending points, what expires when, history.
    Hidden while the program is off; balances are kept and come back with it."""
    business = request.business
    if not business.loyalty_enabled:
        # A bookmarked tab: a page of the business's site rather than a bare 404.
        return render(request, "loyalty/site_paused.html")
    client = request.client
    return render(request, "loyalty/site_loyalty.html", {
        "summary": selectors.summary(business=business, client=client),
        "entries": selectors.history(business=business, client=client)[:HISTORY_PAGE],
        "EntryKind": EntryKind})
