"""Back office pages of notifications (the message log, the template editor) and the
booking site's unsubscribe page.

Everyone at the business reads the log; owners and managers edit the templates.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from booking.access import site_view
from core.navigation import local_path
from core.tenancy import get_for_business_or_404
from notifications import selectors, services
from notifications.editor import editor
from notifications.forms import MessageFilterForm, TemplateForm
from notifications.kinds import MessageKind
from notifications.models import OutboundMessage
from tenancy.access import backoffice_view
from tenancy.models import Role

MESSAGES_PER_PAGE = 50


def _kind(kind: str) -> MessageKind:
    try:
        return MessageKind(kind)
    except ValueError as unknown:
        raise Http404(_("No such message.")) from unknown


# The message log ---------------------------------------------------------------------------

@backoffice_view
def message_list(request):
    business = request.business
    filters = MessageFilterForm(request.GET or None, business=business)
    filters.is_valid()
    chosen = filters.filters()
    page = Paginator(selectors.messages(business=business, **chosen), MESSAGES_PER_PAGE) \
        .get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "notifications/message_list.html", {
        "filters": filters, "page": page, "query": query.urlencode(),
        "client": chosen["client"]})


@backoffice_view
def message_detail(request, outbound_message_pk):
    message = get_for_business_or_404(OutboundMessage, request.business, pk=outbound_message_pk)
    return render(request, "notifications/message_detail.html", {"message": message})


# Templates ---------------------------------------------------------------------------------

@backoffice_view(role=Role.MANAGER)
def template_list(request):
    return render(request, "notifications/template_list.html",
                  {"kinds": selectors.kinds_overview(business=request.business)})


def _editor_page(request, kind: MessageKind, form: TemplateForm | None = None):
    return render(request, "notifications/template_edit.html",
                  {"editor": editor(business=request.business, kind=kind, form=form,
                                    next_url=request.GET.get("next", ""))})


@backoffice_view(role=Role.MANAGER)
def template_edit(request, kind):
    kind = _kind(kind)
    if request.method != "POST":
        return _editor_page(request, kind)
    business = request.business
    form = TemplateForm(request.POST, kind=kind)
    if form.is_valid():
        try:
            services.save_template(business=business, kind=kind,
                                   subject=form.cleaned_data["subject"],
                                   body=form.cleaned_data["body"], by=request.user)
        except ValidationError as refusal:
            for field, errors in refusal.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("“%(message)s” saved.") % {"message": kind.label})
            return HttpResponseRedirect(local_path(request, form.cleaned_data["next"])
                                        or request.path)
    return _editor_page(request, kind, form)


@require_POST
@backoffice_view(role=Role.MANAGER)
def template_preview(request, kind):
    """The preview of what is typed, not saved: the preview box alone for htmx."""
    kind = _kind(kind)
    form = TemplateForm(request.POST, kind=kind)
    form.is_valid()
    if request.htmx:
        return render(request, "notifications/_preview.html",
                      {"editor": editor(business=request.business, kind=kind, form=form)})
    return _editor_page(request, kind, form)


@require_POST
@backoffice_view(role=Role.MANAGER)
def template_reset(request, kind):
    kind = _kind(kind)
    services.reset_template(business=request.business, kind=kind)
    messages.success(request, _("“%(message)s” is back to the default wording.")
                     % {"message": kind.label})
    return HttpResponseRedirect(local_path(request, request.POST.get("next", ""))
                                or reverse("notifications:template-edit",
                                           args=[request.business.slug, kind.value]))


# Unsubscribing, on the booking site --------------------------------------------------------

# Mail apps' one-click unsubscribe (RFC 8058) posts without a form: the token is the key.
@csrf_exempt
@site_view
def unsubscribe(request, token):
    business = request.business
    client = selectors.client_for_unsubscribe(business=business, token=token)
    if client is None:
        raise Http404(_("This link is not valid."))
    if request.method == "POST":
        services.unsubscribe(business=business, client=client)
        return render(request, "notifications/unsubscribed.html", {"client": client})
    return render(request, "notifications/unsubscribe.html", {"client": client})
