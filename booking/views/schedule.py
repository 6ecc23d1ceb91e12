"""Back office pages of staff schedules: the usual week and dated exceptions (time off,
extra hours, holidays), all in the business's local time.

Every role sees them; owners and managers change them.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from booking import catalog_selectors
from booking.forms_catalog import (
    INTERVALS_PER_DAY,
    DayHoursForm,
    ScheduleExceptionForm,
    day_initial,
)
from booking.models import ScheduleException, StaffMember, Weekday
from booking.services import schedule as schedule_services
from core.errors import add_form_errors
from core.tenancy import get_for_business_or_404
from tenancy.access import backoffice_view
from tenancy.models import Role


def _week_rows(week):
    return [{"day": day.label, "intervals": week.get(day.value, [])} for day in Weekday]


@backoffice_view
def staff_member_schedule(request, staff_member_pk):
    business = request.business
    member = get_for_business_or_404(StaffMember, business, pk=staff_member_pk)
    week = catalog_selectors.working_week(business=business, staff_member=member)
    exceptions = catalog_selectors.schedule_exceptions(
        business=business, from_day=timezone.localdate(), staff_member=member)
    return render(request, "backoffice/schedule/staff_schedule.html",
                  {"staff_member": member, "week": _week_rows(week), "exceptions": exceptions})


@backoffice_view(role=Role.MANAGER)
def working_hours_edit(request, staff_member_pk):
    """The whole week on one page: for each day, up to INTERVALS_PER_DAY intervals."""
    business = request.business
    member = get_for_business_or_404(StaffMember, business, pk=staff_member_pk)
    week = catalog_selectors.working_week(business=business, staff_member=member)
    days = [DayHoursForm(request.POST or None, weekday=day,
                         intervals=max(INTERVALS_PER_DAY, len(week.get(day, []))),
                         initial=day_initial(week.get(day, [])))
            for day in Weekday.values]
    if request.method == "POST" and all(form.is_valid() for form in days):
        try:
            schedule_services.set_working_week(
                business=business, staff_member=member,
                week={form.weekday.value: form.intervals() for form in days})
        except ValidationError as refusal:
            by_key = {schedule_services.weekday_key(form.weekday): form for form in days}
            for key, errors in refusal.message_dict.items():
                by_key[key].add_error(None, errors)
        else:
            messages.success(request, _("Working hours of %(name)s saved.") % {
                "name": member.name})
            return redirect("booking:staff-member-schedule", slug=business.slug,
                            staff_member_pk=member.pk)
    return render(request, "backoffice/schedule/working_hours_form.html",
                  {"staff_member": member, "days": days})


@backoffice_view
def schedule_exception_list(request):
    exceptions = catalog_selectors.schedule_exceptions(business=request.business,
                                                       from_day=timezone.localdate())
    return render(request, "backoffice/schedule/exception_list.html", {"exceptions": exceptions})


@backoffice_view(role=Role.MANAGER)
def schedule_exception_create(request):
    business = request.business
    form = ScheduleExceptionForm(request.POST or None, business=business,
                                 initial={"staff_member": request.GET.get("staff_member"),
                                          "date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            schedule_services.add_schedule_exception(business=business, **form.cleaned_data)
        except ValidationError as refusal:
            add_form_errors(form, refusal)
        else:
            messages.success(request, _("Schedule exception saved."))
            return redirect("booking:schedule-exception-list", slug=business.slug)
    return render(request, "backoffice/catalog/form.html", {
        "form": form, "title": _("Time off, extra hours or holiday"), "submit_label": _("Save"),
        "back_url": reverse("booking:schedule-exception-list", args=[business.slug])})


@require_POST
@backoffice_view(role=Role.MANAGER)
def schedule_exception_delete(request, schedule_exception_pk):
    exception = get_for_business_or_404(ScheduleException, request.business,
                                        pk=schedule_exception_pk)
    schedule_services.delete_schedule_exception(business=request.business,
                                                schedule_exception=exception)
    messages.success(request, _("Schedule exception removed."))
    return redirect("booking:schedule-exception-list", slug=request.business.slug)
