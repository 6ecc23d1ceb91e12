from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from booking import hooks, selectors
from booking.forms import (
    ApiTokenForm,
    BusinessForm,
    ClientForm,
    ClientSearchForm,
    ExtensionToggleForm,
    NewBusinessForm,
    TeamMemberForm,
)
from booking.forms_catalog import membership_section
from booking.models import Client
from booking.services import clients as client_services
from core.errors import add_form_errors, one_line
from core.tenancy import get_for_business_or_404
from tenancy import selectors as tenancy_selectors
from tenancy import services as tenant_services
from tenancy.access import LAST_BUSINESS_SESSION_KEY, backoffice_view
from tenancy.models import ApiToken, Extension, Role, StaffMembership

# Lazy: the text is chosen per request, in the user's language.
EXTENSION_DESCRIPTIONS = {
    Extension.LOYALTY: gettext_lazy(
        "Clients earn points for their visits and spending and turn them into rewards and "
        "gift cards. Also turns on Accept payments, Client login and Coupons & gift cards."),
    Extension.ACCEPT_PAYMENTS: gettext_lazy(
        "Take payments at checkout and online: cash, card and gift cards."),
    Extension.CLIENT_LOGIN: gettext_lazy(
        "Clients sign up and log in on your booking site to see their appointments, points "
        "and gift cards."),
    Extension.COUPONS_GIFT_CARDS: gettext_lazy(
        "Sell gift cards and offer discount codes, on the booking site and at checkout."),
    Extension.CLEAR_HISTORY: gettext_lazy(
        "Automatically delete bookings older than the period you choose, with their "
        "personal data. Not available with Loyalty."),
}




@login_required
def business_switcher(request):
    memberships = list(tenancy_selectors.memberships_of(request.user))
    last = request.session.get(LAST_BUSINESS_SESSION_KEY)
    if len(memberships) == 1 or (last and any(m.business.slug == last for m in memberships)
                                 and request.GET.get("choose") is None):
        chosen = last if len(memberships) > 1 else memberships[0].business.slug
        return redirect("booking:backoffice-home", slug=chosen)
    return render(request, "backoffice/switcher.html", {"memberships": memberships})


@login_required
def business_create(request):
    form = NewBusinessForm(request.POST or None,
                           initial={"contact_email": request.user.email,
                                    "language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        try:
            business = tenant_services.create_business(owner=request.user, **form.cleaned_data)
        except ValidationError as refusal:
            add_form_errors(form, refusal)
        else:
            messages.success(request, _("Welcome to %(name)s!") % {"name": business.name})
            return redirect("booking:backoffice-home", slug=business.slug)
    return render(request, "backoffice/business_new.html", {"form": form})


@backoffice_view
def home(request):
    dashboard = hooks.home_view()
    if dashboard is not None:
        return dashboard(request)
    business = request.business
    context = {
        "client_count": Client.objects.for_business(business).count(),
        "team_count": StaffMembership.objects.for_business(business).filter(is_active=True)
        .count(),
        "extensions": [ext.label for ext in Extension if business.has_extension(ext)],
    }
    return render(request, "backoffice/home.html", context)


@backoffice_view(role=Role.MANAGER)
def settings_general(request):
    form = BusinessForm(request.POST or None, instance=request.business)
    if request.method == "POST" and form.is_valid():
        try:
            tenant_services.update_business(business=request.business, **form.cleaned_data)
        except ValidationError as refusal:
            add_form_errors(form, refusal)
        else:
            messages.success(request, _("Business settings saved."))
            return redirect("booking:settings-general", slug=request.business.slug)
    return render(request, "backoffice/settings_general.html", {"form": form})


def _extension_rows(business):
    return [
        {"key": ext.value, "label": ext.label, "enabled": business.has_extension(ext),
         "description": EXTENSION_DESCRIPTIONS[ext]}
        for ext in Extension
    ]


@backoffice_view(role=Role.MANAGER)
def settings_extensions(request):
    business = request.business
    if request.method == "POST":
        form = ExtensionToggleForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose an extension to switch."))
        else:
            extension = Extension(form.cleaned_data["extension"])
            enabled = form.cleaned_data["enabled"]
            try:
                business, also_enabled = tenant_services.set_extension(
                    business=business, extension=extension, enabled=enabled)
            except ValidationError as refusal:
                messages.error(request, one_line(refusal))
            else:
                if enabled:
                    messages.success(request, _("%(extension)s is on.") % {
                        "extension": extension.label})
                else:
                    messages.success(request, _("%(extension)s is off.") % {
                        "extension": extension.label})
                if also_enabled:
                    messages.info(request, ngettext(
                        "%(extension)s needs %(others)s: it is on too.",
                        "%(extension)s needs %(others)s: they are on too.", len(also_enabled))
                        % {"extension": extension.label,
                           "others": get_text_list([str(ext.label) for ext in also_enabled],
                                                   _("and"))})
        if not request.htmx:
            return redirect("booking:settings-extensions", slug=business.slug)
        business.refresh_from_db()
    template = ("backoffice/_extensions.html" if request.htmx
                else "backoffice/settings_extensions.html")
    return render(request, template, {"extensions": _extension_rows(business)})


@backoffice_view(role=Role.MANAGER)
def settings_team(request):
    business = request.business
    form = TeamMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = tenant_services.invite_staff_member(business=business, **form.cleaned_data)
        except ValidationError as refusal:
            add_form_errors(form, refusal)
        else:
            messages.success(request, _("%(email)s joined your team. They can set a password "
                                        "with “Forgot your password?” on the sign-in page.")
                             % {"email": membership.user.email})
            return redirect("booking:settings-team", slug=business.slug)
    return render(request, "backoffice/settings_team.html",
                  {"form": form, "team": tenancy_selectors.team(business=business)})


@backoffice_view(role=Role.MANAGER)
def settings_api_tokens(request):
    business = request.business
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = tenant_services.issue_api_token(
                business=business, membership=request.membership, name=form.cleaned_data["name"])
        except ValidationError as refusal:
            add_form_errors(form, refusal)
        else:
            form = ApiTokenForm()
    tokens = ApiToken.objects.for_business(business).select_related("membership__user") \
        .order_by("-created_at")
    return render(request, "backoffice/settings_api_tokens.html",
                  {"form": form, "tokens": tokens, "new_key": new_key})


@require_POST
@backoffice_view(role=Role.MANAGER)
def api_token_revoke(request, api_token_pk):
    token = get_for_business_or_404(ApiToken, request.business, pk=api_token_pk)
    tenant_services.revoke_api_token(business=request.business, token=token)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("booking:settings-api-tokens", slug=request.business.slug)


@backoffice_view
def client_list(request):
    search = ClientSearchForm(request.GET or None)
    text = search.cleaned_data["q"] if search.is_valid() else ""
    page = Paginator(selectors.clients(business=request.business, search=text), 50) \
        .get_page(request.GET.get("page"))
    template = "backoffice/_client_rows.html" if request.htmx else "backoffice/client_list.html"
    return render(request, template, {"search": search, "page": page, "q": text})


@backoffice_view
def client_create(request):
    form = ClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            client = client_services.create_client(business=request.business,
                                                   **form.cleaned_data)
        except ValidationError as refusal:
            add_form_errors(form, refusal)
        else:
            messages.success(request, _("Client %(name)s added.") % {"name": client.full_name})
            return redirect("booking:client-detail", slug=request.business.slug,
                            client_pk=client.pk)
    return render(request, "backoffice/client_form.html", {"form": form, "client": None})


@backoffice_view
def client_detail(request, client_pk):
    client = get_for_business_or_404(Client, request.business, pk=client_pk)
    return render(request, "backoffice/client_detail.html",
                  {"client": client, **membership_section(request.business, client),
                   "appointments": selectors.client_appointments(business=request.business,
                                                                 client=client)})


@backoffice_view
def client_edit(request, client_pk):
    client = get_for_business_or_404(Client, request.business, pk=client_pk)
    form = ClientForm(request.POST or None, instance=client)
    if request.method == "POST" and form.is_valid():
        try:
            client_services.update_client(business=request.business, client=client,
                                          **form.cleaned_data)
        except ValidationError as refusal:
            add_form_errors(form, refusal)
        else:
            messages.success(request, _("Client saved."))
            return redirect("booking:client-detail", slug=request.business.slug,
                            client_pk=client.pk)
    return render(request, "backoffice/client_form.html", {"form": form, "client": client})
