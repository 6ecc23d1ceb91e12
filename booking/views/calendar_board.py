"""The interactive calendar, on EventCalendar: the day with a column per staff member and
the week, fed by JSON; moving by drag and resize through the move form's service; and
the appointment card, a side panel with the front desk's one-click actions.

Times travel as the salon's wall clock without an offset ("2026-03-10T10:15"), which
the calendar shows as they are, whatever the browser's zone.
"""

from datetime import date, datetime, timedelta

from babel import Locale
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from booking import calendar_selectors, hooks
from booking.forms_calendar import (
    FIRST_DAY,
    LAST_DAY,
    DeskBookingForm,
    MoveForm,
    RebookForm,
    day_from,
    local_start_from,
)
from booking.models import Appointment, AppointmentState, StaffMember
from booking.services import appointments as appointment_services
from core.dates import babel_locale, format_datetime
from core.errors import add_form_errors, one_line
from tenancy.access import backoffice_view

REBOOK_WEEKS = (2, 4, 6, 8)


def _mine(request) -> StaffMember | None:
    """The signed-in member's own column, when they are a staff member of the calendar."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return None
    return StaffMember.objects.for_business(request.business).filter(
        membership=membership).first()


def _week_of(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def _calendar_options(request, *, view: str, day: date, staff: list[StaffMember],
                      mine: StaffMember | None) -> dict:
    locale = Locale.parse(babel_locale())
    slug = request.business.slug
    return {
        "view": view, "date": day.isoformat(),
        "locale": str(locale).replace("_", "-"),
        # Babel counts from Monday (0), EventCalendar from Sunday (0).
        "firstDay": (locale.first_week_day + 1) % 7,
        "hour12": "a" in locale.time_formats["short"].pattern,
        "now": timezone.localtime().replace(tzinfo=None).isoformat(timespec="minutes"),
        "resources": [{"id": member.pk, "title": str(member.name),
                       "mine": mine is not None and member.pk == mine.pk} for member in staff],
        "eventsUrl": reverse("booking:calendar-events", args=[slug]),
        "panelUrl": reverse("booking:appointment-panel", args=[slug]),
        "dropUrl": reverse("booking:appointment-drop", args=[slug, 0]),
        "cardUrl": reverse("booking:appointment-card", args=[slug, 0]),
        "sessionUrl": reverse("booking:class-session-detail", args=[slug, 0]),
        "texts": {
            "today": _("Today"), "day": _("Day"), "week": _("Week"),
            "prevDay": _("Previous day"), "nextDay": _("Next day"),
            "prevWeek": _("Previous week"), "nextWeek": _("Next week"),
            "moved": _("Appointment moved."), "failed": _("The calendar could not be "
                                                          "reached. Please try again."),
            "noEvents": _("Nothing booked."), "close": _("Close"),
        },
    }


def _board(request, view: str):
    today = timezone.localdate()
    day = day_from(request.GET.get("day"), today=today)
    first, last = _week_of(day)
    mine = _mine(request)
    staff = calendar_selectors.feed_staff(business=request.business, first_day=first,
                                          last_day=last, mine=mine)
    return render(request, "backoffice/calendar/board.html", {
        "view": view, "day": day, "today": today, "staff": staff, "mine": mine,
        "options": _calendar_options(request, view=view, day=day, staff=staff, mine=mine)})


@backoffice_view
def calendar_day(request):
    return _board(request, "day")


@backoffice_view
def calendar_week(request):
    return _board(request, "week")


def _feed_day(value: str | None) -> date | None:
    """A day of the feed's `start`/`end` ("2026-03-10" or "2026-03-10T00:00:00")."""
    try:
        day = datetime.fromisoformat(value or "").date()
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None


@require_GET
@backoffice_view
def calendar_events(request):
    """The events of [start, end) as EventCalendar reads them: a JSON array."""
    first, end = _feed_day(request.GET.get("start")), _feed_day(request.GET.get("end"))
    if first is None or end is None or end <= first:
        return JsonResponse({"error": _("Give a start and an end date, the end after the "
                                        "start.")}, status=400)
    if (end - first).days > calendar_selectors.MAX_FEED_DAYS:
        return JsonResponse({"error": _("Ask for %(days)s days at most.")
                             % {"days": calendar_selectors.MAX_FEED_DAYS}}, status=400)
    last = end - timedelta(days=1)
    staff = calendar_selectors.feed_staff(business=request.business, first_day=first,
                                          last_day=last)
    wanted = request.GET.get("staff", "")
    if wanted:
        staff = [member for member in staff if str(member.pk) == wanted]
    return JsonResponse(calendar_selectors.calendar_feed(
        business=request.business, first_day=first, last_day=last, staff=staff), safe=False)


def _move_data(request, appointment: Appointment) -> dict:
    """The drop's wall-clock start and end as the move form's fields."""
    data = {"staff_member": request.POST.get("staff_member") or appointment.staff_member_id}
    try:
        start = datetime.fromisoformat(request.POST.get("start", ""))
        end = datetime.fromisoformat(request.POST.get("end", ""))
    except ValueError:
        return data
    data.update({"date": start.date().isoformat(),
                 "time": start.time().isoformat(timespec="minutes"),
                 "duration": int((end - start).total_seconds() // 60)})
    return data


@require_POST
@backoffice_view
def appointment_drop(request, appointment_pk):
    """A drag or a resize on the calendar: 200, or 400 with the form's or the service's
    message, which the calendar shows before putting the appointment back."""
    appointment = get_object_or_404(calendar_selectors.appointments(business=request.business),
                                    pk=appointment_pk)
    form = MoveForm(_move_data(request, appointment), business=request.business)
    if not form.is_valid():
        errors = [message for messages_ in form.errors.values() for message in messages_]
        return JsonResponse({"error": " ".join(errors)}, status=400)
    try:
        appointment_services.move_appointment(
            business=request.business, appointment=appointment,
            start=form.cleaned_data["start"], staff_member=form.cleaned_data["staff_member"],
            duration_minutes=form.cleaned_data["duration"], by=request.user)
    except ValidationError as refusal:
        return JsonResponse({"error": one_line(refusal)}, status=400)
    return JsonResponse({"message": _("Appointment moved.")})


# The appointment card --------------------------------------------------------------------

def card_context(request, appointment: Appointment) -> dict:
    business = request.business
    state = AppointmentState(appointment.state)
    allowed = appointment_services.ALLOWED_TRANSITIONS[state]
    now = timezone.now()
    booked = state == AppointmentState.BOOKED
    on_its_day = timezone.localdate(appointment.starts_at) == timezone.localdate(now)
    here_early = appointment.started_at is not None
    return {
        "appointment": appointment,
        "can_arrive": booked and on_its_day and appointment.arrived_at is None,
        "can_start": booked and on_its_day and appointment.started_at is None,
        "can_complete": AppointmentState.COMPLETED in allowed
        and (appointment.starts_at <= now or here_early),
        "can_no_show": AppointmentState.NO_SHOW in allowed and appointment.starts_at <= now,
        "can_undo": AppointmentState.BOOKED in allowed,
        "can_rebook": appointment.service_id is not None,
        "rebook_weeks": REBOOK_WEEKS,
        "badges": hooks.client_badges(business=business, client=appointment.client),
        "last_visits": calendar_selectors.last_visits(business=business,
                                                      appointment=appointment),
    }


def _card(request, appointment: Appointment, status: int = 200):
    return render(request, "backoffice/calendar/_card.html", card_context(request, appointment),
                  status=status)


@require_GET
@backoffice_view
def appointment_card(request, appointment_pk):
    return _card(request, get_object_or_404(
        calendar_selectors.appointments(business=request.business), pk=appointment_pk))


@require_POST
@backoffice_view
def appointment_rebook(request, appointment_pk):
    """"Again in N weeks": the same service with the same staff member, N weeks later."""
    appointment = get_object_or_404(calendar_selectors.appointments(business=request.business),
                                    pk=appointment_pk)
    form = RebookForm(request.POST)
    if not form.is_valid():
        messages.error(request, one_line(ValidationError(list(form.errors["weeks"]))))
    elif appointment.service_id is None:
        messages.error(request, _("Only a service appointment can be booked again."))
    else:
        weeks = form.cleaned_data["weeks"]
        try:
            again = appointment_services.book_appointment(
                business=request.business, client=appointment.client,
                service=appointment.service, staff_member=appointment.staff_member,
                start=appointment.starts_at + timedelta(weeks=weeks), online=False,
                booked_by=request.user)
        except ValidationError as refusal:
            messages.error(request, one_line(refusal))
        else:
            messages.success(request, _("Booked again on %(when)s.") % {
                "when": format_datetime(again.starts_at)})
    if request.htmx:
        return _card(request, appointment)
    return redirect(reverse("booking:appointment-detail",
                            args=[request.business.slug, appointment.pk]))


# Booking from a free cell ----------------------------------------------------------------

def _panel(request, form: DeskBookingForm, status: int = 200):
    """The booking panel: a fragment for the calendar, a page of its own without htmx."""
    chosen = getattr(form, "cleaned_data", {}).get("client")
    context = {"form": form, "search": "", "selected": chosen, "walk_in": chosen is None,
               "choices": calendar_selectors.client_choices(business=request.business,
                                                            search="", selected=chosen)}
    if request.htmx:
        return render(request, "backoffice/calendar/_book_panel.html", context)
    return render(request, "backoffice/calendar/book_panel.html", context, status=status)


@backoffice_view
def appointment_panel(request):
    """Book from a free cell: prefilled with the cell's staff member and time, a walk-in
    unless a client is chosen. "Book" shows the new appointment's card; "Book and check
    out" goes on to the register holding it."""
    business = request.business
    if request.method != "POST":
        initial = {"staff_member": request.GET.get("staff") or None}
        start = local_start_from(request.GET.get("start"), business.zone)
        if start is not None:
            initial["date"], initial["time"] = start
        return _panel(request, DeskBookingForm(business=business, initial=initial))
    form = DeskBookingForm(request.POST, business=business)
    if not form.is_valid():
        return _panel(request, form, status=400)
    values = form.cleaned_data
    try:
        appointment = appointment_services.book_at_desk(
            business=business, client=values["client"], walk_in_name=values["walk_in_name"],
            walk_in_phone=values["walk_in_phone"], service=values["service"],
            staff_member=values["staff_member"], start=values["start"],
            notes=values["notes"], booked_by=request.user)
    except ValidationError as refusal:
        add_form_errors(form, refusal)
        return _panel(request, form, status=400)
    if request.POST.get("action") == "checkout":
        # A 307 keeps the POST and its CSRF token: the register's own start opens a draft
        # holding the appointment, with no page to confirm in between.
        return redirect(reverse("checkout:start-appointment", args=[business.slug,
                                                                     appointment.pk]),
                        preserve_request=True)
    messages.success(request, _("%(service)s booked for %(client)s.") % {
        "service": appointment.service, "client": appointment.client})
    if request.htmx:
        return _card(request, appointment)
    return redirect(reverse("booking:calendar-day", args=[business.slug])
                    + f"?day={values['date'].isoformat()}")
