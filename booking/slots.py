"""The slot engine: free start times from working and busy intervals. Pure: no database.

Start times lie on the local wall-clock grid of the step, counted from local
midnight, so that 09:00 stays 09:00 across daylight-saving changes: a local time
that does not exist (the skipped hour) is never offered, and a repeated local
time (the hour that happens twice) is offered once, at its first occurrence.

Wall times are read the PEP 495 way: with fold=0 a repeated time is its first
occurrence, and a skipped time reads back (UTC, then local again) as a later one.
"""

from bisect import bisect_left, bisect_right
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

DAY = timedelta(days=1)
ZERO = timedelta(0)
SECOND = timedelta(seconds=1)
MIDNIGHT = time(0)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DEFAULT_STEP = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class Interval:
    """[start, end) in aware datetimes (UTC by convention)."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError(f"An interval needs aware datetimes: {self.start} .. {self.end}")
        if not self.start < self.end:
            raise ValueError(f"An interval must end after it starts: {self.start} .. {self.end}")

    def overlaps(self, other: "Interval") -> bool:
        return self.start < other.end and other.start < self.end


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, with overlapping or touching intervals joined."""
    merged: list[Interval] = []
    for current in sorted(intervals, key=_bounds):
        if merged and current.start <= merged[-1].end:
            if current.end > merged[-1].end:
                merged[-1] = Interval(merged[-1].start, current.end)
        else:
            merged.append(current)
    return merged


def _bounds(interval: Interval) -> tuple[datetime, datetime]:
    return interval.start, interval.end


def _offset(tz: ZoneInfo, wall: datetime) -> timedelta:
    """The UTC offset of a wall time of `tz` (fold as set on it)."""
    return tz.utcoffset(wall) or ZERO  # a ZoneInfo always answers: `or` narrows the Optional


def _end_of_gap(wall: datetime, tz: ZoneInfo) -> datetime:
    """The first existing instant after the gap that swallowed `wall` (aware in `tz`).

    That is the transition itself, which lies in (wall - after, wall - before].
    Transitions fall on whole seconds, so bisect on seconds since the epoch for
    the first one already at the new offset.
    """
    before = _offset(tz, wall)
    after = _offset(tz, tz.fromutc(wall - before))
    low = (wall - after).replace(tzinfo=UTC) - EPOCH
    high = (wall - before).replace(tzinfo=UTC) - EPOCH
    low_s, high_s = low // SECOND, -(-high // SECOND)
    while high_s - low_s > 1:
        middle = (low_s + high_s) // 2
        if _offset(tz, datetime.fromtimestamp(middle, tz)) == after:
            high_s = middle
        else:
            low_s = middle
    return EPOCH + high_s * SECOND


def _local_to_utc(day: date, clock: time, tz: ZoneInfo, *, last: bool) -> datetime:
    """A local wall time as UTC: a skipped time moves to the end of its gap; a repeated
    time is its first occurrence, or its last when `last`."""
    wall = datetime.combine(day, clock, tzinfo=tz)
    offset = _offset(tz, wall)
    # Read back, a wall time that exists gives itself; one in a gap gives a later one.
    if tz.fromutc(wall - offset) != wall:
        return _end_of_gap(wall, tz)
    if last:
        offset = _offset(tz, datetime.combine(day, clock.replace(fold=1), tzinfo=tz))
    return datetime.combine(day, clock, tzinfo=UTC) - offset


def local_intervals_to_utc(day: date, intervals: Sequence[tuple[time, time]], tz: ZoneInfo
                           ) -> list[Interval]:
    """See `_local_intervals_to_utc`; cached, as staff sharing hours share the conversion."""
    return list(_local_intervals_to_utc(day, tuple(intervals), tz))


@lru_cache(maxsize=8192)
def _local_intervals_to_utc(day: date, intervals: tuple[tuple[time, time], ...], tz: ZoneInfo
                            ) -> tuple[Interval, ...]:
    """Local working hours of `day` ([(09:00, 12:00), (13:00, 18:00)]) as merged UTC intervals.

    A start or an end in a skipped hour moves to the end of the gap. A repeated
    start takes its first occurrence and a repeated end its last, so the interval
    covers the whole repeated hour. An end of 00:00 is the midnight that ends the
    day. Intervals that vanish (wholly inside a gap) are dropped.
    """
    utc = []
    for start, end in intervals:
        if end <= start and end != MIDNIGHT:
            raise ValueError(f"Working hours must end after they start: {start}-{end} "
                             "(use 00:00 as the end for midnight).")
        end_day = day + DAY if end == MIDNIGHT else day
        start_utc = _local_to_utc(day, start, tz, last=False)
        end_utc = _local_to_utc(end_day, end, tz, last=True)
        if start_utc < end_utc:
            utc.append(Interval(start_utc, end_utc))
    return tuple(merge(utc))


def _check(duration: timedelta, step: timedelta, buffer_before: timedelta,
           buffer_after: timedelta) -> None:
    if duration <= ZERO:
        raise ValueError(f"The duration must be longer than zero, not {duration}.")
    if step <= ZERO:
        raise ValueError(f"The step between start times must be longer than zero, not {step}.")
    if buffer_before < ZERO or buffer_after < ZERO:
        raise ValueError(f"The buffers cannot be negative: {buffer_before} before, "
                         f"{buffer_after} after.")


@lru_cache(maxsize=2048)
def _local_grid(day: date, tz: ZoneInfo, step: timedelta) -> tuple[datetime, ...]:
    """The UTC instants of the day's wall times 00:00, 00:00 + step, ... that exist, each at
    its first occurrence. Sorted, as wall time only goes back in a fold, which is skipped."""
    # Arithmetic on aware datetimes is wall-clock arithmetic: `wall` walks the local labels
    # and `same_fields` the same fields read as UTC, so neither needs a slow replace().
    wall = datetime.combine(day, MIDNIGHT, tzinfo=tz)
    same_fields = datetime.combine(day, MIDNIGHT, tzinfo=UTC)
    end = wall + DAY
    grid = []
    while wall < end:
        offset = _offset(tz, wall)
        if tz.fromutc(wall - offset) == wall:
            grid.append(same_fields - offset)
        wall += step
        same_fields += step
    # A tuple, so that the cached grid cannot be changed by a caller.
    return tuple(grid)


def _free_windows(working: Sequence[Interval], busy: Sequence[Interval]
                  ) -> list[tuple[datetime, datetime]]:
    """The maximal stretches of working time that no busy interval touches, in order."""
    shifts = merge(working)
    if not shifts:
        return []
    first, last = shifts[0].start, shifts[-1].end
    # Callers pass weeks of busy time per person: keep the few within this day's work.
    blocks = merge([b for b in busy if b.start < last and b.end > first])
    windows = []
    k = 0
    for shift in shifts:
        cursor = shift.start
        while k < len(blocks) and blocks[k].start < shift.end:
            block = blocks[k]
            if block.start > cursor:
                windows.append((cursor, block.start))
            cursor = max(cursor, block.end)
            if block.end > shift.end:
                break  # it may reach into the next shift too
            k += 1
        if cursor < shift.end:
            windows.append((cursor, shift.end))
    return windows


def _free_spans(grid: Sequence[datetime], first_index: int, working: Sequence[Interval],
                busy: Sequence[Interval], duration: timedelta, buffer_before: timedelta,
                buffer_after: timedelta) -> list[tuple[int, int]]:
    """[i, j) index ranges of `grid` (from `first_index`) whose padded interval fits a window."""
    spans = []
    for window_start, window_end in _free_windows(working, busy):
        i = bisect_left(grid, window_start + buffer_before, first_index)
        j = bisect_right(grid, window_end - duration - buffer_after, first_index)
        if i < j:
            spans.append((i, j))
    return spans


def _first_index(grid: Sequence[datetime], not_before: datetime | None) -> int:
    return 0 if not_before is None else bisect_left(grid, not_before)


def free_slots(*, day: date, tz: ZoneInfo, working: Sequence[Interval],
               busy: Sequence[Interval], duration: timedelta, buffer_before: timedelta = ZERO,
               buffer_after: timedelta = ZERO, step: timedelta = DEFAULT_STEP,
               not_before: datetime | None = None) -> list[datetime]:
    """Sorted UTC start times on local `day`, at or after `not_before`, whose padded interval
    [start - buffer_before, start + duration + buffer_after) fits inside one working interval
    (touching ones count as one) and overlaps no busy interval (busy intervals come padded)."""
    _check(duration, step, buffer_before, buffer_after)
    grid = _local_grid(day, tz, step)
    spans = _free_spans(grid, _first_index(grid, not_before), working, busy, duration,
                        buffer_before, buffer_after)
    return [start for i, j in spans for start in grid[i:j]]


def free_slots_any_staff(*, day: date, tz: ZoneInfo,
                         staff: Mapping[Hashable, tuple[Sequence[Interval], Sequence[Interval]]],
                         duration: timedelta, buffer_before: timedelta = ZERO,
                         buffer_after: timedelta = ZERO, step: timedelta = DEFAULT_STEP,
                         not_before: datetime | None = None
                         ) -> list[tuple[datetime, tuple[Hashable, ...]]]:
    """Each start time free for someone, once, with the staff ids free at it (in the mapping's
    order). `staff` maps an id to its (working, busy) intervals; see `free_slots`."""
    _check(duration, step, buffer_before, buffer_after)
    grid = _local_grid(day, tz, step)
    first_index = _first_index(grid, not_before)
    free_at: list[list[Hashable]] = [[] for _ in grid]
    for staff_id, (working, busy) in staff.items():
        for i, j in _free_spans(grid, first_index, working, busy, duration, buffer_before,
                                buffer_after):
            for k in range(i, j):
                free_at[k].append(staff_id)
    return [(start, tuple(ids)) for start, ids in zip(grid, free_at, strict=True) if ids]


def naive_free_slots(*, day: date, tz: ZoneInfo, working: Sequence[Interval],
                     busy: Sequence[Interval], duration: timedelta,
                     buffer_before: timedelta = ZERO, buffer_after: timedelta = ZERO,
                     step: timedelta = DEFAULT_STEP,
                     not_before: datetime | None = None) -> list[datetime]:
    """`free_slots` the obvious slow way: every step against every working and busy interval.

    The oracle of the property tests and the baseline of bench/slots.py.
    """
    _check(duration, step, buffer_before, buffer_after)
    shifts = merge(working)
    free = []
    label = datetime.combine(day, MIDNIGHT)
    while label < datetime.combine(day + DAY, MIDNIGHT):
        start = label.replace(tzinfo=tz).astimezone(UTC)  # fold=0: the first occurrence
        padded = Interval(start - buffer_before, start + duration + buffer_after)
        exists = start.astimezone(tz).replace(tzinfo=None) == label
        if (exists and (not_before is None or start >= not_before)
                and any(w.start <= padded.start and padded.end <= w.end for w in shifts)
                and not any(padded.overlaps(b) for b in busy)):
            free.append(start)
        label += step
    return free
