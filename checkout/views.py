"""Back office pages of checkout: the register, invoices, receipts and products.

Every role takes payments and refunds; owners and managers edit products and the
checkout settings. The register is one screen over a draft invoice: its forms post
to one URL each and work without JavaScript (redirect back to the register); with
htmx, adding or changing a line swaps the register in place.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from booking import codes
from booking import selectors as booking_selectors
from booking.models import Appointment
from checkout import hooks, selectors
from checkout.forms import (
    AppointmentLineForm,
    CatalogueSearchForm,
    CheckoutSettingsForm,
    ClientChoiceForm,
    ClientSearchForm,
    CodeForm,
    DiscountForm,
    GiftCardLineForm,
    InvoiceFilterForm,
    LineQuantityForm,
    PaymentForm,
    ProductForm,
    ProductLineForm,
    ReceiptEmailForm,
    RefundForm,
    ServiceLineForm,
)
from checkout.models import Invoice, InvoiceLine, Product
from checkout.services import checkout_settings as settings_services
from checkout.services import drafts, payments, products, receipts, refunds
from core.errors import add_form_errors, one_line
from core.money import format_money
from core.tenancy import get_for_business_or_404
from tenancy.access import backoffice_view
from tenancy.models import Role

CLIENT_RESULTS = 20
INVOICES_PER_PAGE = 50


def _url(request, name: str, *args) -> str:
    return reverse(f"checkout:{name}", args=[request.business.slug, *args])


def _search(request) -> tuple[str, list]:
    search = ClientSearchForm(request.GET or None)
    text = search.cleaned_data["q"].strip() if search.is_valid() else ""
    found = (list(booking_selectors.clients(business=request.business, search=text)
                  [:CLIENT_RESULTS]) if text else [])
    return text, found


# The checkout screen -----------------------------------------------------------------------

@backoffice_view
def checkout_start(request):
    """Find the client (or take a walk-in) and start a draft; resume an open draft."""
    business = request.business
    if request.method == "GET" and request.GET.get("appointment", "").isdigit():
        return redirect(_url(request, "start-appointment", int(request.GET["appointment"])))
    form = ClientChoiceForm(request.POST if request.method == "POST" else None,
                            business=business)
    if request.method == "POST" and form.is_valid():
        invoice = drafts.start_invoice(business=business, client=form.cleaned_data["client"],
                                       by=request.user)
        return redirect(_url(request, "draft", invoice.pk))
    text, found = _search(request)
    context = {"form": form, "q": text, "found": found,
               "target": _url(request, "start"), "target_label": _("Start checkout")}
    if request.htmx and request.method == "GET":
        return render(request, "checkout/_client_results.html", context)
    return render(request, "checkout/start.html", {
        **context, "drafts": selectors.drafts(business=business)[:20],
        "to_check_out": selectors.appointments_to_check_out(business=business,
                                                            day=timezone.localdate())})


@backoffice_view
def start_appointment(request, appointment_pk):
    """Check out an appointment: its open draft, or a new one holding its line.

    Reached by a link from the appointment, so a GET only shows what will be charged
    (or goes to the draft that already holds it); starting is the one POST button.
    """
    business = request.business
    appointment = get_object_or_404(
        Appointment.objects.for_business(business).select_related(
            "client", "service", "staff_member", "class_session__class_type"),
        pk=appointment_pk)
    error = None
    if request.method == "POST":
        try:
            invoice = drafts.start_for_appointment(business=business, appointment=appointment,
                                                   by=request.user)
        except ValidationError as refusal:
            error = one_line(refusal)
        else:
            return redirect(_url(request, "draft", invoice.pk))
    holder = selectors.invoice_holding(business=business, appointment=appointment)
    if holder is not None and holder.is_draft:
        return redirect(_url(request, "draft", holder.pk))
    return render(request, "checkout/start_appointment.html", {
        "appointment": appointment, "holder": holder, "error": error},
        status=400 if error else 200)


def _draft_forms(request, invoice: Invoice) -> dict:
    business = request.business
    return {
        "appointment_form": AppointmentLineForm(business=business),
        "service_form": ServiceLineForm(
            business=business,
            service_tax_rate=selectors.checkout_settings(business=business).service_tax_rate),
        "product_form": ProductLineForm(business=business),
        "gift_card_form": GiftCardLineForm(),
        "discount_form": DiscountForm(initial={"discount_kind": invoice.discount_kind,
                                               "discount_value": invoice.discount_value or None}),
        "code_form": CodeForm(),
        # The whole amount due is proposed in cash; other tenders take their share of it.
        "payment_form": PaymentForm(initial={"cash": invoice.total or None}),
        "client_form": ClientChoiceForm(business=business),
    }


def _render_draft(request, invoice_pk: int, **bound_forms):
    business = request.business
    invoice = get_object_or_404(selectors.invoices_with_details(business=business),
                                pk=invoice_pk)
    if not invoice.is_draft:
        # Paid meanwhile (at another desk): say why the form went away.
        for form in bound_forms.values():
            for error in form.non_field_errors():
                messages.error(request, error)
        detail = _url(request, "invoice-detail", invoice.pk)
        return HttpResponseClientRedirect(detail) if request.htmx else redirect(detail)
    text, found = _search(request)
    context = {
        **_draft_forms(request, invoice), **bound_forms,
        "invoice": invoice, "lines": invoice.lines.all(),
        "taxes": selectors.tax_totals(invoice),
        "badges": hooks.client_badges(business=business, client=invoice.client),
        "codes_enabled": codes.codes_enabled(business=business),
        "offers": hooks.client_offers(business=business, client=invoice.client),
        "appointments": (selectors.billable_appointments(
            business=business, client=invoice.client, day=timezone.localdate())
            if invoice.client else []),
        "shortages": selectors.stock_shortages(business=business, invoice=invoice),
        "q": text, "found": found,
        "target": _url(request, "draft-client", invoice.pk), "target_label": _("Choose"),
        **_catalogue(request),
        "service_choices": selectors.service_choices(business=business),
    }
    template = "checkout/_draft.html" if request.htmx else "checkout/draft.html"
    return render(request, template, context)


def _catalogue(request) -> dict:
    """The register's quick search: services, products on sale, and a gift card of the
    amount typed when a number is typed."""
    search = CatalogueSearchForm(request.GET or None)
    text = search.cleaned_data["find"].strip() if search.is_valid() else ""
    services, found = selectors.catalogue(business=request.business, search=text)
    gift_card = GiftCardLineForm({"amount": text.replace(",", ".")}) if text else None
    return {"find": text, "found_services": services, "found_products": found,
            "gift_card_amount": (gift_card.cleaned_data["amount"]
                                 if gift_card is not None and gift_card.is_valid()
                                 and gift_card.cleaned_data["amount"] > 0 else None)}


@backoffice_view
def invoice_draft(request, invoice_pk):
    if request.htmx and "find" in request.GET:
        get_for_business_or_404(Invoice, request.business, pk=invoice_pk)
        return render(request, "checkout/_catalogue_results.html",
                      {**_catalogue(request), "invoice_pk": invoice_pk})
    if request.htmx and "q" in request.GET:
        text, found = _search(request)
        return render(request, "checkout/_client_results.html", {
            "q": text, "found": found, "target_label": _("Choose"),
            "target": _url(request, "draft-client", invoice_pk)})
    return _render_draft(request, invoice_pk)


def _draft_action(request, invoice_pk: int, form, write, *, slot: str):
    """Validate `form` and run `write(invoice, cleaned_data)`; show the draft again.

    A refusal is shown next to the form that caused it.
    """
    invoice = get_for_business_or_404(Invoice, request.business, pk=invoice_pk)
    if form.is_valid():
        try:
            write(invoice, form.cleaned_data)
        except ValidationError as refusal:
            add_form_errors(form, refusal)
        else:
            if request.htmx:
                return _render_draft(request, invoice.pk)
            return redirect(_url(request, "draft", invoice.pk))
    return _render_draft(request, invoice.pk, **{slot: form})


@require_POST
@backoffice_view
def draft_client(request, invoice_pk):
    return _draft_action(
        request, invoice_pk, ClientChoiceForm(request.POST, business=request.business),
        lambda invoice, values: drafts.set_invoice_client(
            business=request.business, invoice=invoice, client=values["client"]),
        slot="client_form")


@require_POST
@backoffice_view
def add_appointment_line(request, invoice_pk):
    return _draft_action(
        request, invoice_pk, AppointmentLineForm(request.POST, business=request.business),
        lambda invoice, values: drafts.add_appointment_line(
            business=request.business, invoice=invoice, appointment=values["appointment"]),
        slot="appointment_form")


@require_POST
@backoffice_view
def add_service_line(request, invoice_pk):
    business = request.business
    form = ServiceLineForm(request.POST, business=business)
    return _draft_action(
        request, invoice_pk, form,
        lambda invoice, values: drafts.add_service_line(business=business, invoice=invoice,
                                                        **values),
        slot="service_form")


@require_POST
@backoffice_view
def add_product_line(request, invoice_pk):
    return _draft_action(
        request, invoice_pk, ProductLineForm(request.POST, business=request.business),
        lambda invoice, values: drafts.add_product_line(business=request.business,
                                                        invoice=invoice, **values),
        slot="product_form")


@require_POST
@backoffice_view
def add_gift_card_line(request, invoice_pk):
    return _draft_action(
        request, invoice_pk, GiftCardLineForm(request.POST),
        lambda invoice, values: drafts.add_gift_card_line(business=request.business,
                                                          invoice=invoice, **values),
        slot="gift_card_form")


@require_POST
@backoffice_view
def set_invoice_discount(request, invoice_pk):
    return _draft_action(
        request, invoice_pk, DiscountForm(request.POST),
        lambda invoice, values: drafts.set_invoice_discount(
            business=request.business, invoice=invoice, kind=values["discount_kind"],
            value=values["discount_value"]),
        slot="discount_form")


@require_POST
@backoffice_view
def apply_code(request, invoice_pk):
    return _draft_action(
        request, invoice_pk, CodeForm(request.POST),
        lambda invoice, values: drafts.apply_code(business=request.business,
                                                  invoice=invoice, code=values["code"]),
        slot="code_form")


@require_POST
@backoffice_view
def remove_code(request, invoice_pk):
    invoice = get_for_business_or_404(Invoice, request.business, pk=invoice_pk)
    try:
        drafts.remove_code(business=request.business, invoice=invoice)
    except ValidationError as refusal:
        messages.error(request, one_line(refusal))
    if request.htmx:
        return _render_draft(request, invoice.pk)
    return redirect(_url(request, "draft", invoice.pk))


@backoffice_view
def use_gift_card(request, invoice_pk, gift_card_pk):
    """Fill the payment form's gift card tender with one of the client's cards, for its
    balance at most what is due (a card does not pay for gift cards sold on the
    invoice). Only the draft client's usable cards are offered: any other id is 404."""
    business = request.business
    invoice = get_for_business_or_404(Invoice, business, pk=invoice_pk)
    card = next((card for card in hooks.client_offers(business=business,
                                                      client=invoice.client).cards
                 if card.key == gift_card_pk), None)
    if card is None:
        raise Http404
    due = selectors.payable_by_gift_card(business=business, invoice=invoice)
    share = min(card.balance, due)
    form = PaymentForm(initial={"gift_card": share, "gift_card_code": card.code,
                                "cash": (invoice.total - share) or None})
    return _render_draft(request, invoice.pk, payment_form=form)


def _line_action(request, invoice_pk: int, invoice_line_pk: int, write):
    business = request.business
    invoice = get_for_business_or_404(Invoice, business, pk=invoice_pk)
    line = get_for_business_or_404(InvoiceLine, business, pk=invoice_line_pk, invoice=invoice)
    try:
        write(invoice, line)
    except ValidationError as refusal:
        messages.error(request, one_line(refusal))
    if request.htmx:
        return _render_draft(request, invoice.pk)
    return redirect(_url(request, "draft", invoice.pk))


@require_POST
@backoffice_view
def set_line_discount(request, invoice_pk, invoice_line_pk):
    form = DiscountForm(request.POST)

    def write(invoice, line):
        if not form.is_valid():
            raise ValidationError([error for errors in form.errors.values()
                                   for error in errors])
        drafts.set_line_discount(business=request.business, invoice=invoice, line=line,
                                 kind=form.cleaned_data["discount_kind"],
                                 value=form.cleaned_data["discount_value"])

    return _line_action(request, invoice_pk, invoice_line_pk, write)


@require_POST
@backoffice_view
def set_line_quantity(request, invoice_pk, invoice_line_pk):
    form = LineQuantityForm(request.POST)

    def write(invoice, line):
        if not form.is_valid():
            raise ValidationError([error for errors in form.errors.values()
                                   for error in errors])
        drafts.set_line_quantity(business=request.business, invoice=invoice, line=line,
                                 quantity=form.cleaned_data["quantity"])

    return _line_action(request, invoice_pk, invoice_line_pk, write)


@require_POST
@backoffice_view
def remove_line(request, invoice_pk, invoice_line_pk):
    return _line_action(request, invoice_pk, invoice_line_pk, lambda invoice, line:
                        drafts.remove_line(business=request.business, invoice=invoice,
                                           line=line))


@require_POST
@backoffice_view
def discard_draft(request, invoice_pk):
    invoice = get_for_business_or_404(Invoice, request.business, pk=invoice_pk)
    try:
        drafts.discard_invoice(business=request.business, invoice=invoice)
    except ValidationError as refusal:
        messages.error(request, one_line(refusal))
        return redirect(_url(request, "invoice-detail", invoice.pk))
    messages.success(request, _("Draft discarded."))
    return redirect(_url(request, "start"))


@require_POST
@backoffice_view
def pay(request, invoice_pk):
    business = request.business
    invoice = get_for_business_or_404(Invoice, business, pk=invoice_pk)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            result = payments.pay_invoice(business=business, invoice=invoice,
                                          tenders=form.tenders(), by=request.user)
        except ValidationError as refusal:
            add_form_errors(form, refusal)
        else:
            messages.success(request, _("%(invoice)s is paid.") % {
                "invoice": result.invoice.label})
            if result.change:
                messages.info(request, _("Give back %(change)s in change.") % {
                    "change": format_money(result.change, business.currency)})
            for warning in result.warnings:
                messages.warning(request, warning)
            return redirect(_url(request, "invoice-detail", invoice.pk))
    return _render_draft(request, invoice.pk, payment_form=form)


# Invoices ----------------------------------------------------------------------------------

@backoffice_view
def invoice_list(request):
    business = request.business
    filters = InvoiceFilterForm(request.GET or None)
    values = filters.cleaned_data if filters.is_valid() else {}
    rows = selectors.invoices(business=business, state=values.get("state", ""),
                              day_from=values.get("date_from"), day_to=values.get("date_to"))
    page = Paginator(rows, INVOICES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "checkout/invoice_list.html",
                  {"filters": filters, "page": page, "query": query.urlencode()})


def _invoice(request, invoice_pk: int) -> Invoice:
    return get_object_or_404(selectors.invoices_with_details(business=request.business),
                             pk=invoice_pk)


def _render_detail(request, invoice: Invoice, refund_form=None, receipt_form=None,
                   status: int = 200):
    return render(request, "checkout/invoice_detail.html", {
        "invoice": invoice, "taxes": selectors.tax_totals(invoice),
        "refund_form": refund_form or RefundForm(invoice=invoice),
        "receipt_form": receipt_form or ReceiptEmailForm(),
        "sections": hooks.invoice_sections(business=request.business, invoice=invoice),
    }, status=status)


@backoffice_view
def invoice_detail(request, invoice_pk):
    invoice = _invoice(request, invoice_pk)
    if invoice.is_draft:
        return redirect(_url(request, "draft", invoice.pk))
    return _render_detail(request, invoice)


@require_POST
@backoffice_view
def invoice_refund(request, invoice_pk):
    business = request.business
    invoice = _invoice(request, invoice_pk)
    form = RefundForm(request.POST, invoice=invoice)
    if form.is_valid():
        try:
            refund = refunds.refund_invoice(business=business, invoice=invoice,
                                            quantities=form.quantities(),
                                            reason=form.cleaned_data["reason"],
                                            by=request.user)
        except ValidationError as refusal:
            add_form_errors(form, refusal)
        else:
            messages.success(request, _("Refunded %(amount)s.") % {
                "amount": format_money(refund.amount, business.currency)})
            return redirect(_url(request, "invoice-detail", invoice.pk))
    return _render_detail(request, invoice, refund_form=form)


@require_POST
@backoffice_view
def email_receipt(request, invoice_pk):
    invoice = _invoice(request, invoice_pk)
    form = ReceiptEmailForm(request.POST)
    if form.is_valid():
        try:
            address = receipts.email_receipt(business=request.business, invoice=invoice,
                                             email=form.cleaned_data["email"])
        except ValidationError as refusal:
            add_form_errors(form, refusal)
        else:
            messages.success(request, _("Receipt sent to %(email)s.") % {"email": address})
            return redirect(_url(request, "invoice-detail", invoice.pk))
    return _render_detail(request, invoice, receipt_form=form, status=400)


@backoffice_view
def invoice_receipt(request, invoice_pk):
    """A printable receipt in the business's language, whoever prints it."""
    business = request.business
    invoice = _invoice(request, invoice_pk)
    with translation.override(business.language):
        return render(request, "checkout/receipt.html", {
            "invoice": invoice, "business": business, "taxes": selectors.tax_totals(invoice)})


# Products ----------------------------------------------------------------------------------

@backoffice_view
def product_list(request):
    business = request.business
    settings = selectors.checkout_settings(business=business)
    return render(request, "checkout/product_list.html", {
        "products": selectors.products(business=business),
        "settings_form": CheckoutSettingsForm(
            initial={"service_tax_rate": settings.service_tax_rate}),
    })


def _product_form_page(request, form, *, title: str, submit: str):
    return render(request, "checkout/form.html", {
        "form": form, "title": title, "submit_label": submit,
        "back_url": _url(request, "product-list")})


def _save_form(request, form, write, *, success: str):
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        write(**form.cleaned_data)
    except ValidationError as refusal:
        add_form_errors(form, refusal)
        return None
    messages.success(request, success)
    return redirect(_url(request, "product-list"))


@backoffice_view(role=Role.MANAGER)
def product_create(request):
    form = ProductForm(request.POST or None)
    saved = _save_form(request, form, lambda **values: products.create_product(
        business=request.business, **values), success=_("Product saved."))
    return saved or _product_form_page(request, form, title=_("New product"),
                                       submit=_("Create"))


@backoffice_view(role=Role.MANAGER)
def product_edit(request, product_pk):
    product = get_for_business_or_404(Product, request.business, pk=product_pk)
    form = ProductForm(request.POST or None, initial={
        name: getattr(product, name) for name in products.PRODUCT_FIELDS})
    saved = _save_form(request, form, lambda **values: products.update_product(
        business=request.business, product=product, **values), success=_("Product saved."))
    return saved or _product_form_page(request, form, title=product.name, submit=_("Save"))


@backoffice_view(role=Role.MANAGER)
def checkout_settings(request):
    form = CheckoutSettingsForm(request.POST or None, initial={
        "service_tax_rate": selectors.checkout_settings(
            business=request.business).service_tax_rate})
    saved = _save_form(request, form, lambda **values: settings_services.update_checkout_settings(
        business=request.business, **values), success=_("Checkout settings saved."))
    return saved or _product_form_page(request, form, title=_("Checkout settings"),
                                       submit=_("Save"))
