"""Back office pages of the catalog: services, staff members, classes and their
sessions, membership plans, and the memberships on a client's page.

Every role sees them; owners and managers change them.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from booking import catalog_selectors
from booking.forms_catalog import (
    AssignMembershipForm,
    ClassSessionFilterForm,
    ClassSessionForm,
    ClassTypeForm,
    MembershipPlanForm,
    ServiceForm,
    StaffMemberForm,
    membership_section,
)
from booking.models import (
    ClassSession,
    ClassType,
    Client,
    ClientMembership,
    MembershipPlan,
    Service,
    StaffMember,
)
from booking.services import catalog as catalog_services
from booking.services import memberships as membership_services
from core.errors import add_form_errors, one_line
from core.tenancy import get_for_business_or_404
from tenancy.access import backoffice_view
from tenancy.models import Role

MOVES = {"up": -1, "down": 1}


def _form_page(request, form, *, title: str, back: str, submit: str):
    return render(request, "backoffice/catalog/form.html",
                  {"form": form, "title": title, "back_url": back, "submit_label": submit})


def _save(request, form, write, *, done: str, success: str):
    """Run `write(**cleaned_data)` for a valid POST: redirect on success, else None."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        write(**form.cleaned_data)
    except ValidationError as refusal:
        add_form_errors(form, refusal)
        return None
    messages.success(request, success)
    return redirect(done)


def _url(request, name: str, *args) -> str:
    return reverse(f"booking:{name}", args=[request.business.slug, *args])


# Services ---------------------------------------------------------------------------------

@backoffice_view
def service_list(request):
    return render(request, "backoffice/catalog/service_list.html",
                  {"services": catalog_selectors.services(business=request.business)})


@backoffice_view(role=Role.MANAGER)
def service_create(request):
    business = request.business
    form = ServiceForm(request.POST or None, business=business)
    saved = _save(request, form, lambda **values: catalog_services.create_service(
        business=business, **values), done=_url(request, "service-list"),
        success=_("Service saved."))
    return saved or _form_page(request, form, title=_("New service"),
                               back=_url(request, "service-list"), submit=_("Create"))


@backoffice_view(role=Role.MANAGER)
def service_edit(request, service_pk):
    business = request.business
    service = get_for_business_or_404(Service, business, pk=service_pk)
    initial = {field: getattr(service, field) for field in catalog_services.SERVICE_FIELDS
               if field != "staff"}
    form = ServiceForm(request.POST or None, business=business,
                       initial={**initial, "staff": list(service.staff.all())})
    saved = _save(request, form, lambda **values: catalog_services.update_service(
        business=business, service=service, **values), done=_url(request, "service-list"),
        success=_("Service saved."))
    return saved or _form_page(request, form, title=service.name,
                               back=_url(request, "service-list"), submit=_("Save"))


@require_POST
@backoffice_view(role=Role.MANAGER)
def service_set_active(request, service_pk):
    service = get_for_business_or_404(Service, request.business, pk=service_pk)
    active = request.POST.get("is_active") == "on"
    catalog_services.set_service_active(business=request.business, service=service,
                                        is_active=active)
    messages.success(request, (_("%(name)s can be booked.") if active
                               else _("%(name)s can no longer be booked.")) % {
        "name": service.name})
    return redirect(_url(request, "service-list"))


@require_POST
@backoffice_view(role=Role.MANAGER)
def service_move(request, service_pk):
    service = get_for_business_or_404(Service, request.business, pk=service_pk)
    if request.POST.get("direction") in MOVES:
        catalog_services.move_service(business=request.business, service=service,
                                      offset=MOVES[request.POST["direction"]])
    return redirect(_url(request, "service-list"))


# Staff members ----------------------------------------------------------------------------

@backoffice_view
def staff_member_list(request):
    return render(request, "backoffice/catalog/staff_member_list.html",
                  {"staff_members": catalog_selectors.staff_members(business=request.business)})


@backoffice_view(role=Role.MANAGER)
def staff_member_create(request):
    business = request.business
    form = StaffMemberForm(request.POST or None, business=business)
    saved = _save(request, form, lambda **values: catalog_services.create_staff_member(
        business=business, **values), done=_url(request, "staff-member-list"),
        success=_("Staff member saved. Set their working hours from their schedule."))
    return saved or _form_page(request, form, title=_("New staff member"),
                               back=_url(request, "staff-member-list"), submit=_("Create"))


@backoffice_view(role=Role.MANAGER)
def staff_member_edit(request, staff_member_pk):
    business = request.business
    member = get_for_business_or_404(StaffMember, business, pk=staff_member_pk)
    form = StaffMemberForm(request.POST or None, business=business, initial={
        field: getattr(member, field) for field in catalog_services.STAFF_MEMBER_FIELDS})
    saved = _save(request, form, lambda **values: catalog_services.update_staff_member(
        business=business, staff_member=member, **values),
        done=_url(request, "staff-member-list"), success=_("Staff member saved."))
    return saved or _form_page(request, form, title=member.name,
                               back=_url(request, "staff-member-list"), submit=_("Save"))


@require_POST
@backoffice_view(role=Role.MANAGER)
def staff_member_move(request, staff_member_pk):
    member = get_for_business_or_404(StaffMember, request.business, pk=staff_member_pk)
    if request.POST.get("direction") in MOVES:
        catalog_services.move_staff_member(business=request.business, staff_member=member,
                                           offset=MOVES[request.POST["direction"]])
    return redirect(_url(request, "staff-member-list"))


# Classes ----------------------------------------------------------------------------------

@backoffice_view
def class_type_list(request):
    return render(request, "backoffice/catalog/class_type_list.html",
                  {"class_types": catalog_selectors.class_types(business=request.business)})


@backoffice_view(role=Role.MANAGER)
def class_type_create(request):
    business = request.business
    form = ClassTypeForm(request.POST or None)
    saved = _save(request, form, lambda **values: catalog_services.create_class_type(
        business=business, **values), done=_url(request, "class-type-list"),
        success=_("Class saved."))
    return saved or _form_page(request, form, title=_("New class"),
                               back=_url(request, "class-type-list"), submit=_("Create"))


@backoffice_view(role=Role.MANAGER)
def class_type_edit(request, class_type_pk):
    business = request.business
    class_type = get_for_business_or_404(ClassType, business, pk=class_type_pk)
    form = ClassTypeForm(request.POST or None, initial={
        field: getattr(class_type, field) for field in catalog_services.CLASS_TYPE_FIELDS})
    saved = _save(request, form, lambda **values: catalog_services.update_class_type(
        business=business, class_type=class_type, **values),
        done=_url(request, "class-type-list"), success=_("Class saved."))
    return saved or _form_page(request, form, title=class_type.name,
                               back=_url(request, "class-type-list"), submit=_("Save"))


@backoffice_view
def class_session_list(request):
    """Upcoming sessions by default; an empty "from" shows past ones too."""
    query = request.GET.copy()
    query.pop("page", None)
    query.setdefault("first_day", timezone.localdate().isoformat())
    filters = ClassSessionFilterForm(query)
    chosen = filters.cleaned_data if filters.is_valid() else {"first_day": timezone.localdate()}
    sessions = catalog_selectors.class_sessions(business=request.business,
                                                first_day=chosen.get("first_day"),
                                                last_day=chosen.get("last_day"))
    page = Paginator(sessions, 50).get_page(request.GET.get("page"))
    return render(request, "backoffice/catalog/class_session_list.html",
                  {"filters": filters, "page": page, "query": query.urlencode()})


@backoffice_view(role=Role.MANAGER)
def class_session_create(request):
    business = request.business
    form = ClassSessionForm(request.POST or None, business=business)
    saved = _save(request, form, lambda **values: catalog_services.create_class_session(
        business=business, **values), done=_url(request, "class-session-list"),
        success=_("Session planned."))
    return saved or _form_page(request, form, title=_("New class session"),
                               back=_url(request, "class-session-list"), submit=_("Create"))


@require_POST
@backoffice_view(role=Role.MANAGER)
def class_session_cancel(request, class_session_pk):
    session = get_for_business_or_404(ClassSession, request.business, pk=class_session_pk)
    try:
        catalog_services.cancel_class_session(business=request.business, class_session=session)
    except ValidationError as refusal:
        messages.error(request, one_line(refusal))
    else:
        messages.success(request, _("Session cancelled."))
    return redirect(_url(request, "class-session-list"))


# Membership plans and client memberships --------------------------------------------------

@backoffice_view
def membership_plan_list(request):
    return render(request, "backoffice/catalog/membership_plan_list.html",
                  {"plans": catalog_selectors.membership_plans(business=request.business)})


@backoffice_view(role=Role.MANAGER)
def membership_plan_create(request):
    business = request.business
    form = MembershipPlanForm(request.POST or None)
    saved = _save(request, form, lambda **values: membership_services.create_membership_plan(
        business=business, **values), done=_url(request, "membership-plan-list"),
        success=_("Membership plan saved."))
    return saved or _form_page(request, form, title=_("New membership plan"),
                               back=_url(request, "membership-plan-list"), submit=_("Create"))


@backoffice_view(role=Role.MANAGER)
def membership_plan_edit(request, membership_plan_pk):
    business = request.business
    plan = get_for_business_or_404(MembershipPlan, business, pk=membership_plan_pk)
    form = MembershipPlanForm(request.POST or None, initial={
        "name": plan.name, "price": plan.price, "validity_days": plan.validity_days,
        "is_active": plan.is_active})
    saved = _save(request, form, lambda **values: membership_services.update_membership_plan(
        business=business, plan=plan, **values), done=_url(request, "membership-plan-list"),
        success=_("Membership plan saved."))
    return saved or _form_page(request, form, title=plan.name,
                               back=_url(request, "membership-plan-list"), submit=_("Save"))


@require_POST
@backoffice_view
def client_membership_assign(request, client_pk):
    """The assign form of the client page; a refusal shows that page with the errors."""
    business = request.business
    client = get_for_business_or_404(Client, business, pk=client_pk)
    form = AssignMembershipForm(request.POST, business=business)
    saved = _save(request, form, lambda **values: membership_services.assign_membership(
        business=business, client=client, **values),
        done=_url(request, "client-detail", client.pk), success=_("Membership added."))
    return saved or render(request, "backoffice/client_detail.html",
                           {"client": client, **membership_section(business, client, form)})


@require_POST
@backoffice_view(role=Role.MANAGER)
def client_membership_cancel(request, client_pk, client_membership_pk):
    business = request.business
    client = get_for_business_or_404(Client, business, pk=client_pk)
    membership = get_for_business_or_404(ClientMembership, business, pk=client_membership_pk,
                                         client=client)
    membership_services.cancel_membership(business=business, membership=membership)
    messages.success(request, _("Membership cancelled."))
    return redirect(_url(request, "client-detail", client.pk))
