"""Invariants of the slot engine in every time zone, over the daylight-saving changes of
2026 and 2027 (no database)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from hypothesis import example, given, settings
from hypothesis import strategies as st

from booking.slots import (
    Interval,
    free_slots,
    free_slots_any_staff,
    local_intervals_to_utc,
    merge,
    naive_free_slots,
)

# Sorted: the set's order changes between runs, and hypothesis must replay a failure.
ZONES = sorted(available_timezones())
FIRST_DAY, LAST_DAY = date(2026, 1, 1), date(2027, 12, 31)
MINUTE = timedelta(minutes=1)
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")  # its clock moves by half an hour
LORD_HOWE_FORWARD, LORD_HOWE_BACK = date(2026, 10, 4), date(2026, 4, 5)
# Wall clocks of 2026-2027 run from UTC-12 to UTC+14: with this margin on both sides, the
# UTC day holds every instant of the local day.
MARGIN = timedelta(hours=15)
AROUND_THE_DAY = timedelta(days=1) + 2 * MARGIN

SETTINGS = settings(max_examples=150, deadline=None)


@dataclass(frozen=True)
class Scenario:
    tz: ZoneInfo
    day: date
    working: tuple[Interval, ...]
    busy: tuple[Interval, ...]
    duration: timedelta
    buffer_before: timedelta
    buffer_after: timedelta
    step: timedelta
    not_before: datetime | None

    def arguments(self) -> dict[str, Any]:
        return {"day": self.day, "tz": self.tz, "working": self.working, "busy": self.busy,
                "duration": self.duration, "buffer_before": self.buffer_before,
                "buffer_after": self.buffer_after, "step": self.step,
                "not_before": self.not_before}


def change_days(zone: str) -> tuple[date, ...]:
    """The local days of 2026-2027 on which the zone's clock changes."""
    tz = ZoneInfo(zone)
    days = [FIRST_DAY + timedelta(days=n) for n in range((LAST_DAY - FIRST_DAY).days + 2)]
    offsets = [datetime.combine(day, time(0), tzinfo=tz).utcoffset() for day in days]
    return tuple(day for day, today, tomorrow in zip(days, offsets, offsets[1:], strict=False)
                 if today != tomorrow)


CHANGES = {zone: change_days(zone) for zone in ZONES}
CHANGING_ZONES = [zone for zone in ZONES if CHANGES[zone]]


@st.composite
def zone_and_day(draw: st.DrawFn) -> tuple[ZoneInfo, date]:
    """Any zone, though more often one whose clock changes; then mostly a change day or the
    day before or after one."""
    zone = draw(st.sampled_from(CHANGING_ZONES) | st.sampled_from(ZONES))
    any_day = st.dates(FIRST_DAY, LAST_DAY)
    changes = CHANGES[zone]
    if not changes:
        return ZoneInfo(zone), draw(any_day)
    next_to_one = st.builds(lambda day, shift: day + timedelta(days=shift),
                            st.sampled_from(changes), st.sampled_from([-1, 1]))
    return ZoneInfo(zone), draw(st.one_of(st.sampled_from(changes), next_to_one, any_day))


def clock(minutes: int) -> time:
    """A minute of the day as a wall time; 1440 is the midnight that ends the day."""
    return time(minutes // 60 % 24, minutes % 60)


@cache
def unusual_minutes(tz: ZoneInfo, day: date) -> tuple[int, ...]:
    """The minutes of the day that the clock skips or repeats, and the minute after each run."""
    midnights = [datetime.combine(day + timedelta(days=n), time(0), tzinfo=tz) for n in (0, 1)]
    if midnights[0].utcoffset() == midnights[1].utcoffset():
        return ()
    unusual = set()
    for minute in range(1440):
        wall = datetime.combine(day, clock(minute), tzinfo=tz)
        if wall.utcoffset() != wall.replace(fold=1).utcoffset():
            unusual.update((minute, minute + 1))
    return tuple(sorted(unusual))


@st.composite
def local_shifts(draw: st.DrawFn, tz: ZoneInfo, day: date) -> tuple[time, time]:
    """Local hours; on a day the clock changes, often starting or ending in or just after the
    skipped or repeated time, which uniform minutes would rarely hit."""
    unusual = unusual_minutes(tz, day)
    starts = [minute for minute in unusual if minute < 1440]
    start = draw(st.one_of(st.sampled_from(starts), st.integers(0, 1439)) if starts
                 else st.integers(0, 1439))
    ends = [minute for minute in unusual if minute > start]
    any_end = st.integers(start + 1, 1440)
    return clock(start), clock(draw(st.one_of(st.sampled_from(ends), any_end) if ends
                                    else any_end))


def intervals_near(day: date) -> st.SearchStrategy[Interval]:
    """UTC intervals to the second, anywhere from the day before to the day after."""
    base = datetime.combine(day, time(0), tzinfo=UTC) - MARGIN
    span = int(AROUND_THE_DAY.total_seconds())
    return st.builds(lambda start, seconds: Interval(base + timedelta(seconds=start),
                                                     base + timedelta(seconds=start + seconds)),
                     st.integers(0, span), st.integers(1, 8 * 3600))


@st.composite
def schedules(draw: st.DrawFn, tz: ZoneInfo, day: date
              ) -> tuple[tuple[Interval, ...], tuple[Interval, ...]]:
    """Working intervals (mostly local hours, sometimes raw UTC) and busy intervals."""
    hours = draw(st.one_of(st.just([(time(0), time(0))]),
                           st.lists(local_shifts(tz, day), max_size=3)))
    working = local_intervals_to_utc(day, hours, tz)
    working += draw(st.lists(intervals_near(day), max_size=1))
    busy = draw(st.lists(intervals_near(day), max_size=12))
    return tuple(working), tuple(busy)


def minutes(low: int, high: int) -> st.SearchStrategy[timedelta]:
    return st.integers(low, high).map(lambda n: n * MINUTE)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    tz, day = draw(zone_and_day())
    working, busy = draw(schedules(tz, day))
    midnight = datetime.combine(day, time(0), tzinfo=UTC)
    return Scenario(
        tz=tz, day=day, working=working, busy=busy, duration=draw(minutes(1, 240)),
        buffer_before=draw(minutes(0, 30)), buffer_after=draw(minutes(0, 30)),
        step=draw(st.one_of(st.sampled_from([5, 10, 15, 20, 30, 60]), st.integers(1, 90))
                  .map(lambda n: n * MINUTE)),
        not_before=draw(st.none() | st.integers(-15 * 60, 39 * 60)
                        .map(lambda n: midnight + n * MINUTE)))


def lord_howe(day: date) -> Scenario:
    """A whole day at Lord Howe, busy across its half-hour change, on a ten-minute grid."""
    return Scenario(
        tz=LORD_HOWE, day=day, working=tuple(local_intervals_to_utc(day, [(time(0), time(0))],
                                                                     LORD_HOWE)),
        busy=(Interval(datetime.combine(day, time(4), tzinfo=LORD_HOWE).astimezone(UTC),
                       datetime.combine(day, time(5), tzinfo=LORD_HOWE).astimezone(UTC)),),
        duration=20 * MINUTE, buffer_before=5 * MINUTE, buffer_after=5 * MINUTE,
        step=10 * MINUTE, not_before=None)


def with_lord_howe(test: Callable[..., None]) -> Callable[..., None]:
    """Both Lord Howe changes of 2026 as explicit examples, whatever hypothesis draws."""
    return example(lord_howe(LORD_HOWE_FORWARD))(example(lord_howe(LORD_HOWE_BACK))(test))


def wall(instant: datetime, tz: ZoneInfo) -> datetime:
    return instant.astimezone(tz).replace(tzinfo=None)


@SETTINGS
@given(scenarios())
@with_lord_howe
def test_every_slot_is_an_existing_local_time_of_the_day_at_its_first_occurrence(
        case: Scenario) -> None:
    slots = free_slots(**case.arguments())

    for slot in slots:
        label = wall(slot, case.tz)
        assert label.date() == case.day
        # Local -> UTC (fold=0, the first occurrence) -> the same slot: the time exists.
        assert label.replace(tzinfo=case.tz).astimezone(UTC) == slot


@SETTINGS
@given(scenarios())
@with_lord_howe
def test_no_local_label_is_offered_twice_and_slots_are_sorted(case: Scenario) -> None:
    slots = free_slots(**case.arguments())

    labels = [wall(slot, case.tz) for slot in slots]
    assert len(set(labels)) == len(labels)
    assert slots == sorted(set(slots))


@SETTINGS
@given(scenarios())
@with_lord_howe
def test_every_slot_is_on_the_step_grid_from_local_midnight(case: Scenario) -> None:
    slots = free_slots(**case.arguments())

    midnight = datetime.combine(case.day, time(0))
    for slot in slots:
        assert (wall(slot, case.tz) - midnight) % case.step == timedelta(0)


@SETTINGS
@given(scenarios())
@with_lord_howe
def test_every_padded_slot_lies_in_one_working_interval_clear_of_busy_time(case: Scenario) -> None:
    slots = free_slots(**case.arguments())

    shifts = merge(case.working)
    for slot in slots:
        padded = Interval(slot - case.buffer_before, slot + case.duration + case.buffer_after)
        assert any(shift.start <= padded.start and padded.end <= shift.end for shift in shifts)
        assert not any(padded.overlaps(busy) for busy in case.busy)
        assert case.not_before is None or slot >= case.not_before


@SETTINGS
@given(scenarios())
@with_lord_howe
def test_free_slots_agree_with_the_naive_oracle(case: Scenario) -> None:
    assert free_slots(**case.arguments()) == naive_free_slots(**case.arguments())


Team = dict[str, tuple[tuple[Interval, ...], tuple[Interval, ...]]]


@st.composite
def teams(draw: st.DrawFn) -> tuple[Scenario, Team]:
    """A scenario for its day and options, and three people with schedules of their own."""
    case = draw(scenarios())
    return case, {name: draw(schedules(case.tz, case.day)) for name in ("ana", "ben", "cleo")}


def lord_howe_team(day: date) -> tuple[Scenario, Team]:
    case = lord_howe(day)
    return case, {"ana": (case.working, case.busy), "ben": (case.working, ()), "cleo": ((), ())}


@SETTINGS
@given(teams())
@example(lord_howe_team(LORD_HOWE_FORWARD))
@example(lord_howe_team(LORD_HOWE_BACK))
def test_any_staff_lists_each_start_with_exactly_the_staff_free_at_it(
        team: tuple[Scenario, Team]) -> None:
    case, people = team
    options = {key: value for key, value in case.arguments().items()
               if key not in ("working", "busy")}

    found = free_slots_any_staff(staff=people, **options)

    each = {name: free_slots(working=working, busy=busy, **options)
            for name, (working, busy) in people.items()}
    starts = sorted({start for slots in each.values() for start in slots})
    assert found == [(start, tuple(name for name in people if start in each[name]))
                     for start in starts]


@st.composite
def hours_of_a_day(draw: st.DrawFn) -> tuple[ZoneInfo, date, tuple[time, time]]:
    tz, day = draw(zone_and_day())
    return tz, day, draw(local_shifts(tz, day))


@SETTINGS
@given(hours_of_a_day())
@example((LORD_HOWE, LORD_HOWE_FORWARD, (time(1, 40), time(3))))
@example((LORD_HOWE, LORD_HOWE_FORWARD, (time(2, 10), time(2, 20))))
@example((LORD_HOWE, LORD_HOWE_FORWARD, (time(2, 10), time(4))))
@example((LORD_HOWE, LORD_HOWE_FORWARD, (time(1), time(2, 15))))
@example((LORD_HOWE, LORD_HOWE_BACK, (time(1, 40), time(3))))
@example((LORD_HOWE, LORD_HOWE_BACK, (time(1, 40), time(1, 50))))
def test_local_hours_span_from_the_first_to_the_last_instant_whose_wall_time_they_hold(
        hours: tuple[ZoneInfo, date, tuple[time, time]]) -> None:
    tz, day, (start, end) = hours

    working = local_intervals_to_utc(day, [(start, end)], tz)

    begin = datetime.combine(day, start)
    finish = datetime.combine(day + timedelta(days=1) if end == time(0) else day, end)
    # Every UTC minute that could read as a time of this local day (the changes of 2026-2027
    # happen on whole minutes, so minutes find both ends exactly).
    first = datetime.combine(day, time(0), tzinfo=UTC) - MARGIN
    instants = (first + n * MINUTE for n in range(AROUND_THE_DAY // MINUTE))
    held = [instant for instant in instants if begin <= wall(instant, tz) < finish]
    assert working == ([Interval(held[0], held[-1] + MINUTE)] if held else [])
