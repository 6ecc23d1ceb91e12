"""The commission rates page: owners and managers set each staff member's rate, for all
their sales or for one service or product (reports/services.py writes them)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import add_form_errors, one_line
from core.tenancy import get_for_business_or_404
from reports import services
from reports.definitions import COMMISSION_HELP
from reports.forms import CommissionRateForm
from reports.models import CommissionRate
from tenancy.access import backoffice_view
from tenancy.models import Role


def _rates(business):
    return (CommissionRate.objects.for_business(business)
            .select_related("staff_member", "service", "product")
            .order_by("staff_member__name", "staff_member_id", "service__name",
                      "product__name", "pk"))


@backoffice_view(role=Role.MANAGER)
def commission_rates(request):
    business = request.business
    form = CommissionRateForm(request.POST or None, business=business)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.set_commission_rate(business=business,
                                             staff_member=form.cleaned_data["staff_member"],
                                             rate=form.cleaned_data["rate"],
                                             **form.cleaned_data["item"])
            except ValidationError as refusal:
                add_form_errors(form, refusal)
            else:
                messages.success(request, _("Commission rate saved."))
                return redirect("reports:commission-rates", slug=business.slug)
        status = 400
    return render(request, "reports/commission_rates.html", {
        "form": form, "rates": _rates(business), "help": COMMISSION_HELP,
    }, status=status)


@require_POST
@backoffice_view(role=Role.MANAGER)
def commission_rate_remove(request, commission_rate_pk):
    rate = get_for_business_or_404(CommissionRate, request.business, pk=commission_rate_pk)
    try:
        services.remove_commission_rate(business=request.business, commission_rate=rate)
    except ValidationError as refusal:
        messages.error(request, one_line(refusal))
    else:
        messages.success(request, _("Commission rate removed."))
    return redirect("reports:commission-rates", slug=request.business.slug)
