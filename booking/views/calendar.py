"""The back office calendar: the day and the week, an appointment's page, booking from
the calendar (one appointment or a series), and a class session's seats.

Every role runs the calendar. Times are shown and entered in the business's zone,
which `backoffice_view` activates.
"""

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from booking import calendar_selectors
from booking.forms_calendar import (
    AppointmentForm,
    ClientPickForm,
    MoveForm,
    OccurrencesForm,
    RepeatForm,
    StateForm,
    WalkInForm,
    day_from,
    local_start_from,
)
from booking.models import Appointment, AppointmentState
from booking.services import appointments as appointment_services
from booking.services import clients as client_services
from booking.views.calendar_board import card_context
from core.errors import add_form_errors, one_line
from core.navigation import local_path
from core.tenancy import get_for_business_or_404
from tenancy.access import backoffice_view

STATE_DONE = {
    AppointmentState.COMPLETED: gettext_lazy("Marked completed."),
    AppointmentState.NO_SHOW: gettext_lazy("Marked no-show."),
    AppointmentState.BOOKED: gettext_lazy("Back to booked."),
    AppointmentState.CANCELLED: gettext_lazy("Appointment cancelled."),
}
PROGRESS_DONE = {
    appointment_services.ARRIVED: gettext_lazy("Marked arrived."),
    appointment_services.STARTED: gettext_lazy("Started."),
}
# What the new appointment page carries over from a calendar link or a redirect.
PREFILL_FIELDS = ("service", "staff_member", "date", "time", "notes", "interval_weeks", "until",
                  "count", "client", "q")


def _url(request, name: str, *args, query: dict | None = None) -> str:
    url = reverse(f"booking:{name}", args=[request.business.slug, *args])
    return f"{url}?{urlencode(query)}" if query else url


def _day_url(request, day: date) -> str:
    return _url(request, "calendar-day", query={"day": day.isoformat()})


# Day and week --------------------------------------------------------------------------

@backoffice_view
def calendar_day(request):
    today = timezone.localdate()
    day = day_from(request.GET.get("day"), today=today)
    return render(request, "backoffice/calendar/day.html", {
        "calendar": calendar_selectors.day_calendar(business=request.business, day=day),
        "day": day, "today": today, "view": "day",
        "previous_day": day - timedelta(days=1), "next_day": day + timedelta(days=1)})


@backoffice_view
def calendar_week(request):
    today = timezone.localdate()
    day = day_from(request.GET.get("day"), today=today)
    week = calendar_selectors.week_calendar(business=request.business, day=day)
    return render(request, "backoffice/calendar/week.html", {
        "week": week, "day": day, "today": today, "view": "week",
        "previous_day": day - timedelta(days=7), "next_day": day + timedelta(days=7)})


# One appointment -----------------------------------------------------------------------

def _appointment(request, appointment_pk) -> Appointment:
    return get_object_or_404(calendar_selectors.appointments(business=request.business),
                             pk=appointment_pk)


def _actions(appointment: Appointment) -> dict:
    """Which buttons the appointment page offers: the state changes the service allows."""
    state = AppointmentState(appointment.state)
    allowed = appointment_services.ALLOWED_TRANSITIONS[state]
    started = appointment.starts_at <= timezone.now()
    booked = state == AppointmentState.BOOKED
    return {
        "can_complete": AppointmentState.COMPLETED in allowed and started,
        "can_no_show": AppointmentState.NO_SHOW in allowed and started,
        "can_undo": AppointmentState.BOOKED in allowed,
        "can_cancel": booked,
        "can_cancel_following": booked and appointment.series_id is not None,
        "can_move": booked and appointment.service_id is not None,
    }


def _appointment_page(request, appointment: Appointment, move_form: MoveForm | None = None):
    actions = _actions(appointment)
    if actions["can_move"] and move_form is None:
        local = timezone.localtime(appointment.starts_at)
        move_form = MoveForm(business=request.business, initial={
            "date": local.date(), "time": local.time(),
            "staff_member": appointment.staff_member_id,
            "duration": (appointment.ends_at - appointment.starts_at) // timedelta(minutes=1)})
    return render(request, "backoffice/calendar/appointment_detail.html", {
        "appointment": appointment, "move_form": move_form, **actions,
        "history": calendar_selectors.appointment_history(business=request.business,
                                                          appointment=appointment)})


@backoffice_view
def appointment_detail(request, appointment_pk):
    return _appointment_page(request, _appointment(request, appointment_pk))


def _next_url(request, value: str, fallback: str) -> str:
    """Back where the button was (a session's seat list), if it is a page of this business."""
    inside = value.startswith(reverse("booking:backoffice-home", args=[request.business.slug]))
    return value if inside and local_path(request, value) else fallback


@require_POST
@backoffice_view
def appointment_state(request, appointment_pk):
    appointment = get_for_business_or_404(Appointment, request.business, pk=appointment_pk)
    form = StateForm(request.POST)
    back = _url(request, "appointment-detail", appointment.pk)
    if not form.is_valid():
        messages.error(request, _("Choose what to mark the appointment."))
        return redirect(back)
    state = form.cleaned_data["state"]
    try:
        if state in PROGRESS_DONE:
            appointment_services.mark_progress(business=request.business,
                                               appointment=appointment, step=state,
                                               by=request.user)
        else:
            appointment_services.set_appointment_state(
                business=request.business, appointment=appointment, state=state,
                by=request.user)
    except ValidationError as refusal:
        messages.error(request, one_line(refusal))
    else:
        messages.success(request, PROGRESS_DONE.get(state) or STATE_DONE[state])
    if request.htmx:
        # The calendar's card: the same buttons, answered in place.
        return render(request, "backoffice/calendar/_card.html",
                      card_context(request, _appointment(request, appointment.pk)))
    return redirect(_next_url(request, form.cleaned_data["next"], back))


@require_POST
@backoffice_view
def appointment_cancel_following(request, appointment_pk):
    appointment = get_for_business_or_404(Appointment, request.business, pk=appointment_pk)
    try:
        cancelled = appointment_services.cancel_series_from(
            business=request.business, appointment=appointment, by=request.user)
    except ValidationError as refusal:
        messages.error(request, one_line(refusal))
    else:
        messages.success(request, ngettext(
            "%(count)d appointment cancelled.", "%(count)d appointments cancelled.",
            len(cancelled)) % {"count": len(cancelled)})
    return redirect(_url(request, "appointment-detail", appointment.pk))


@backoffice_view
def appointment_move(request, appointment_pk):
    appointment = _appointment(request, appointment_pk)
    if request.method != "POST":
        return redirect(_url(request, "appointment-detail", appointment.pk))
    form = MoveForm(request.POST, business=request.business)
    if form.is_valid():
        try:
            appointment_services.move_appointment(
                business=request.business, appointment=appointment,
                start=form.cleaned_data["start"], staff_member=form.cleaned_data["staff_member"],
                duration_minutes=form.cleaned_data["duration"], by=request.user)
        except ValidationError as refusal:
            add_form_errors(form, refusal)
        else:
            messages.success(request, _("Appointment moved."))
            return redirect(_url(request, "appointment-detail", appointment.pk))
    return _appointment_page(request, appointment, move_form=form)


# New appointment -----------------------------------------------------------------------

def _prefill(request, source) -> dict:
    """Initial values from a calendar link (`?staff=&start=`) or from what was typed."""
    initial = {key: source[key] for key in PREFILL_FIELDS if source.get(key)}
    if source.get("staff"):
        initial["staff_member"] = source["staff"]
    start = local_start_from(source.get("start"), request.business.zone)
    if start is not None:
        initial["date"], initial["time"] = start
    return initial


def _client_choices(request, pick: ClientPickForm, search: str, selected: str | None) -> dict:
    """Context of a client picker: the clients to choose from and the one chosen."""
    try:
        client = pick.fields["client"].clean(selected) if selected else None
    except ValidationError:
        client = None
    return {"search": search, "selected": client,
            "choices": calendar_selectors.client_choices(business=request.business,
                                                         search=search, selected=client)}


@backoffice_view
def appointment_new(request):
    """Book from the calendar: one appointment, or "every N weeks" after reviewing the dates.

    The buttons say what to do: `search` and `add_walk_in` help pick the client and
    keep what was typed; `book` books, or shows the dates of a series; `book_series`
    books the dates chosen among them.
    """
    business = request.business
    action = request.POST.get("action", "") if request.method == "POST" else ""
    booking = action in ("book", "book_series")
    data = request.POST if booking else None
    initial = _prefill(request, request.POST if request.method == "POST" else request.GET)
    pick = ClientPickForm(data, business=business, initial=initial)
    form = AppointmentForm(data, business=business, initial=initial)
    repeat = RepeatForm(data, initial=initial)
    walk_in = WalkInForm(request.POST if action == "add_walk_in" else None)
    occurrences = None

    if action == "add_walk_in" and walk_in.is_valid():
        try:
            client = client_services.create_client(business=business, **walk_in.cleaned_data)
        except ValidationError as refusal:
            add_form_errors(walk_in, refusal)
        else:
            messages.success(request, _("Client %(name)s added.") % {"name": client.full_name})
            kept = {key: value for key, value in initial.items() if key not in ("client", "q")}
            return redirect(_url(request, "appointment-new", query={
                **kept, "client": client.pk}))
    if booking and all(f.is_valid() for f in (pick, form, repeat)):
        values = form.cleaned_data
        common = {"business": business, "client": pick.cleaned_data["client"],
                  "service": values["service"], "staff_member": values["staff_member"]}
        if not repeat.repeats:
            try:
                appointment = appointment_services.book_appointment(
                    **common, start=values["start"], online=False, booked_by=request.user,
                    notes=values["notes"])
            except ValidationError as refusal:
                add_form_errors(form, refusal)
            else:
                messages.success(request, _("%(service)s booked for %(client)s.") % {
                    "service": appointment.service, "client": appointment.client})
                return redirect(_day_url(request, values["date"]))
        else:
            try:
                plan = appointment_services.plan_series(
                    business=business, service=values["service"],
                    staff_member=values["staff_member"], first_start=values["start"],
                    interval_weeks=repeat.cleaned_data["interval_weeks"],
                    until=repeat.cleaned_data["until"], count=repeat.cleaned_data["count"])
            except ValidationError as refusal:
                add_form_errors(repeat, refusal)
            else:
                occurrences = OccurrencesForm(
                    request.POST if action == "book_series" else None, plan=plan,
                    initial={"starts": [start.isoformat() for start, free in plan if free]})
                if action == "book_series" and occurrences.is_valid():
                    try:
                        booked = appointment_services.book_series(
                            **common, starts=occurrences.chosen(),
                            interval_weeks=repeat.cleaned_data["interval_weeks"],
                            booked_by=request.user)
                    except ValidationError as refusal:
                        add_form_errors(occurrences, refusal)
                    else:
                        messages.success(request, ngettext(
                            "%(count)d appointment booked.", "%(count)d appointments booked.",
                            len(booked)) % {"count": len(booked)})
                        return redirect(_day_url(request, values["date"]))

    search = (request.POST if request.method == "POST" else request.GET).get("q", "")[:100]
    selected = (request.POST if request.method == "POST" else request.GET).get("client")
    return render(request, "backoffice/calendar/appointment_new.html", {
        "pick": pick, "form": form, "repeat": repeat, "walk_in": walk_in,
        "occurrences": occurrences, **_client_choices(request, pick, search, selected),
        "back_url": _day_url(request, _prefill_day(initial))})


def _prefill_day(initial: dict) -> date:
    day = initial.get("date")
    if isinstance(day, date):
        return day
    return day_from(day, today=timezone.localdate())


@backoffice_view
def client_search(request):
    """The client choices of a picker, for htmx while typing."""
    pick = ClientPickForm(business=request.business)
    search = request.GET.get("q", "")[:100]
    return render(request, "backoffice/calendar/_client_choices.html",
                  _client_choices(request, pick, search, request.GET.get("client")))


# Class sessions ------------------------------------------------------------------------

def _session_page(request, session, pick: ClientPickForm, search: str = ""):
    business = request.business
    seats = list(calendar_selectors.seats(business=business, class_session=session))
    waitlist = list(calendar_selectors.waitlist(business=business, class_session=session))
    offered = sum(entry.state == entry.State.OFFERED for entry in waitlist)
    return render(request, "backoffice/calendar/class_session_detail.html", {
        "session": session, "seats": seats, "waitlist": waitlist, "pick": pick,
        "offered": offered,
        "full": session.seats_taken + offered >= session.capacity,
        "open": not session.is_cancelled and session.starts_at > timezone.now(),
        **_client_choices(request, pick, search, request.POST.get("client"))})


def _session(request, class_session_pk):
    return get_object_or_404(calendar_selectors.class_sessions(business=request.business),
                             pk=class_session_pk)


@backoffice_view
def class_session_detail(request, class_session_pk):
    return _session_page(request, _session(request, class_session_pk),
                         ClientPickForm(business=request.business))


@backoffice_view
def class_session_add(request, class_session_pk):
    """Give a client a seat, or a place on the waitlist of a full session."""
    session = _session(request, class_session_pk)
    back = _url(request, "class-session-detail", session.pk)
    if request.method != "POST":
        return redirect(back)
    action = request.POST.get("action", "")
    if action not in ("seat", "waitlist"):
        pick = ClientPickForm(business=request.business, initial=request.POST.dict())
        return _session_page(request, session, pick, request.POST.get("q", "")[:100])
    pick = ClientPickForm(request.POST, business=request.business)
    if pick.is_valid():
        client = pick.cleaned_data["client"]
        try:
            if action == "seat":
                appointment_services.book_class_seat(business=request.business, client=client,
                                                     class_session=session,
                                                     booked_by=request.user)
            else:
                appointment_services.join_waitlist(business=request.business, client=client,
                                                   class_session=session)
        except ValidationError as refusal:
            add_form_errors(pick, refusal)
        else:
            messages.success(request, (_("%(client)s has a seat.") if action == "seat"
                                       else _("%(client)s is on the waitlist."))
                             % {"client": client})
            return redirect(back)
    return _session_page(request, session, pick, request.POST.get("q", "")[:100])
