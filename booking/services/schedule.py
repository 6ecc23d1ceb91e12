"""Staff schedules: the usual week and its dated exceptions.

Every time here is local wall-clock time in the business's time zone, as entered
(booking.models.schedule): turning it into UTC happens per date, when slots are
computed.
"""

from collections.abc import Mapping, Sequence
from datetime import date, time
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from booking import locks
from booking.models import ScheduleException, StaffMember, Weekday, WorkingHours
from core import dates
from core.validation import check_same_business, refuse
from tenancy.models import Business


def weekday_key(weekday: int) -> str:
    """The error key of one day of the week page: "monday" ... "sunday"."""
    return Weekday(weekday).name.lower()


def _span(start: time, end: time, time_zone: str) -> str:
    # The clock of the business's country ("09:00" in Paris, "9:00 AM" in New York).
    return (f"{dates.format_time(start, time_zone=time_zone)}\N{EN DASH}"
            f"{dates.format_time(end, time_zone=time_zone)}")


def _day_errors(weekday: int, intervals: Sequence[tuple[time, time]], time_zone: str
                ) -> list[str]:
    # Leads the sentence: French and Ukrainian day names are lowercase.
    day = capfirst(Weekday(weekday).label)
    errors = [_("%(day)s: %(span)s must end after it starts.") % {
        "day": day, "span": _span(start, end, time_zone)}
        for start, end in intervals if end <= start]
    if errors:
        return errors
    ordered = sorted(intervals)
    for (start, end), (next_start, next_end) in pairwise(ordered):
        if next_start < end:
            errors.append(_("%(day)s: %(first)s and %(second)s overlap.") % {
                "day": day, "first": _span(start, end, time_zone),
                "second": _span(next_start, next_end, time_zone)})
        elif next_start == end:
            errors.append(_("%(day)s: %(first)s and %(second)s touch; make them one interval.")
                          % {"day": day, "first": _span(start, end, time_zone),
                             "second": _span(next_start, next_end, time_zone)})
    return errors


@transaction.atomic(durable=True)
def set_working_week(*, business: Business, staff_member: StaffMember,
                     week: Mapping[int, Sequence[tuple[time, time]]]) -> list[WorkingHours]:
    """Replace a staff member's whole usual week; a day left out is a day off.

    `week` maps a weekday (0 = Monday) to its (from, to) intervals. Errors are keyed
    by day (see `weekday_key`) and name it.
    """
    if not set(week) <= set(Weekday.values):
        raise ValueError(f"Weekdays are 0 to 6, not {sorted(set(week) - set(Weekday.values))}")
    check_same_business(business, staff_member, field="staff_member")
    errors = {weekday_key(day): _day_errors(day, intervals, business.time_zone)
              for day, intervals in week.items()}
    errors = {key: messages for key, messages in errors.items() if messages}
    if errors:
        raise ValidationError(errors)
    # Two managers saving the same week at once must not end up with both weeks mixed.
    locks.lock_staff_members(business, [staff_member.pk])
    WorkingHours.objects.for_business(business).filter(staff_member=staff_member).delete()
    return WorkingHours.objects.bulk_create(
        WorkingHours(business=business, staff_member=staff_member, weekday=day,
                     start_time=start, end_time=end)
        for day, intervals in sorted(week.items()) for start, end in sorted(intervals))


@transaction.atomic(durable=True)
def add_schedule_exception(*, business: Business, kind: str, date: date,
                           staff_member: StaffMember | None = None,
                           start_time: time | None = None, end_time: time | None = None,
                           note: str = "", today: date | None = None) -> ScheduleException:
    """Time off (a staff member's, or without one a holiday for the whole business) or
    extra hours of one staff member, on a date; without times it is the whole day."""
    kind = ScheduleException.Kind(kind)
    check_same_business(business, staff_member, field="staff_member")
    today = today or timezone.localdate(timezone=business.zone)
    one_time_only = (start_time is None) != (end_time is None)
    refuse({
        "date": _("This date has already passed.") if date < today else None,
        "staff_member": _("Extra hours are for one staff member: choose who.")
        if kind == ScheduleException.Kind.EXTRA_HOURS and staff_member is None else None,
        "start_time": _("Extra hours need a time range.")
        if kind == ScheduleException.Kind.EXTRA_HOURS and start_time is None
        and end_time is None else None,
        "end_time": _("Enter both times, or neither for the whole day.") if one_time_only
        else _("The end must be after the start.")
        if start_time is not None and end_time <= start_time else None,
    })
    exception = ScheduleException(business=business, staff_member=staff_member, date=date,
                                  kind=kind, start_time=start_time, end_time=end_time,
                                  note=note.strip())
    exception.full_clean(exclude=["business", "staff_member"], validate_constraints=False)
    exception.save()
    return exception


@transaction.atomic(durable=True)
def delete_schedule_exception(*, business: Business, schedule_exception: ScheduleException
                              ) -> None:
    check_same_business(business, schedule_exception, field="__all__")
    ScheduleException.objects.for_business(business).filter(pk=schedule_exception.pk).delete()
