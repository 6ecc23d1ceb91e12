"""From a staff member's week, exceptions and bookings to their working and busy
intervals for one local day. Pure: no database, tested without one.

The slot engine (`booking.slots`) turns these into free start times.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from booking.slots import Interval, local_intervals_to_utc, merge


@dataclass(frozen=True)
class ExceptionRule:
    """A dated exception as stored: staff_member_id None means the whole business."""

    staff_member_id: int | None
    day: date
    kind: str  # "time_off" or "extra_hours"
    start: time | None
    end: time | None


def subtract(intervals: Sequence[Interval], holes: Sequence[Interval]) -> list[Interval]:
    """What remains of `intervals` once `holes` are cut out of them."""
    remaining = []
    holes = merge(holes)
    for interval in merge(intervals):
        start = interval.start
        for hole in holes:
            if hole.end <= start or hole.start >= interval.end:
                continue
            if hole.start > start:
                remaining.append(Interval(start, hole.start))
            start = max(start, hole.end)
        if start < interval.end:
            remaining.append(Interval(start, interval.end))
    return remaining


def _local_day(day: date, start: time | None, end: time | None, tz: ZoneInfo) -> list[Interval]:
    if start is None:
        return local_intervals_to_utc(day, [(time(0), time(0))], tz)
    return local_intervals_to_utc(day, [(start, end)], tz)


def working_intervals(*, day: date, tz: ZoneInfo, staff_member_id: int,
                      weekly: Sequence[tuple[time, time]],
                      exceptions: Sequence[ExceptionRule]) -> list[Interval]:
    """The staff member's working time on `day`, in UTC.

    The usual week's hours for that weekday, plus extra hours, minus time off
    (their own or the whole business's).
    """
    todays = [e for e in exceptions if e.day == day
              and e.staff_member_id in (None, staff_member_id)]
    working = local_intervals_to_utc(day, weekly, tz) if weekly else []
    extra = [i for e in todays if e.kind == "extra_hours"
             for i in _local_day(day, e.start, e.end, tz)]
    off = [i for e in todays if e.kind == "time_off" for i in _local_day(day, e.start, e.end, tz)]
    return subtract(merge([*working, *extra]), off)


def local_day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants of local midnight at the start and end of `day`."""
    start = datetime.combine(day, time(0), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    return start.astimezone(ZoneInfo("UTC")), end.astimezone(ZoneInfo("UTC"))
