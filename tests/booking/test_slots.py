"""The slot engine on chosen days: the 2026 daylight-saving changes of Paris and Kyiv,
buffers, busy time, minimum notice, bad input and "any staff" (no database)."""

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from booking.slots import (
    Interval,
    free_slots,
    free_slots_any_staff,
    local_intervals_to_utc,
    naive_free_slots,
)

PARIS = ZoneInfo("Europe/Paris")
KYIV = ZoneInfo("Europe/Kyiv")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
SPRING_FORWARD = date(2026, 3, 29)
FALL_BACK = date(2026, 10, 25)
# Where each zone's clock jumps on SPRING_FORWARD and repeats on FALL_BACK.
SKIPPED_HOUR = {PARIS: 2, KYIV: 3}
REPEATED_HOUR = {PARIS: 2, KYIV: 3}
MINUTES = timedelta(minutes=1)


def utc(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def local(day: date, hour: int, minute: int, tz: ZoneInfo, fold: int = 0) -> datetime:
    """The UTC instant of a local wall time (fold=1: its second occurrence)."""
    return datetime.combine(day, time(hour, minute, fold=fold), tzinfo=tz).astimezone(UTC)


def labels(slots: list[datetime], tz: ZoneInfo) -> list[str]:
    return [slot.astimezone(tz).strftime("%H:%M") for slot in slots]


def hours(day: date, tz: ZoneInfo, *shifts: tuple[int, int]) -> list[Interval]:
    """Working intervals from whole local hours; an end of 24 is midnight."""
    return local_intervals_to_utc(day, [(time(start), time(end % 24)) for start, end in shifts],
                                  tz)


def slots(day: date, tz: ZoneInfo, working: list[Interval], minutes: int = 60,
          **options: Any) -> list[datetime]:
    return free_slots(day=day, tz=tz, working=working, busy=options.pop("busy", []),
                      duration=minutes * MINUTES, **options)


@pytest.mark.parametrize("tz", [PARIS, KYIV], ids=["Paris", "Kyiv"])
@pytest.mark.parametrize("change", [SPRING_FORWARD, FALL_BACK], ids=["spring", "fall"])
@pytest.mark.parametrize("days_from_change", [-1, 0, 1])
def test_a_nine_to_five_shift_offers_nine_to_four_local_around_each_change(
        tz: ZoneInfo, change: date, days_from_change: int) -> None:
    day = change + timedelta(days=days_from_change)
    working = hours(day, tz, (9, 17))

    found = slots(day, tz, working)

    assert labels(found, tz)[0] == "09:00"
    assert labels(found, tz)[-1] == "16:00"
    assert len(found) == 29
    assert found[0] == local(day, 9, 0, tz)


def test_the_first_slot_moves_one_utc_hour_across_the_spring_change_in_paris() -> None:
    before, after = SPRING_FORWARD - timedelta(days=1), SPRING_FORWARD + timedelta(days=1)

    firsts = [slots(day, PARIS, hours(day, PARIS, (9, 17)))[0] for day in (before, after)]

    assert firsts == [utc(before, 8), utc(after, 7)]


@pytest.mark.parametrize("tz", [PARIS, KYIV], ids=["Paris", "Kyiv"])
def test_a_night_shift_across_the_skipped_hour_offers_nothing_inside_it(tz: ZoneInfo) -> None:
    gap = SKIPPED_HOUR[tz]
    working = hours(SPRING_FORWARD, tz, (gap - 2, gap + 3))

    found = slots(SPRING_FORWARD, tz, working, minutes=15)

    assert not [label for label in labels(found, tz) if label.startswith(f"{gap:02}:")]
    assert labels(found, tz)[:9] == [
        f"{hour:02}:{minute:02}" for hour in (gap - 2, gap - 1) for minute in (0, 15, 30, 45)
    ] + [f"{gap + 1:02}:00"]
    # Five hours on the wall clock, four of real work: sixteen quarter-hour starts.
    assert len(found) == 16
    assert found == naive_free_slots(day=SPRING_FORWARD, tz=tz, working=working, busy=[],
                                     duration=15 * MINUTES)


@pytest.mark.parametrize("tz", [PARIS, KYIV], ids=["Paris", "Kyiv"])
def test_a_shift_across_the_repeated_hour_offers_each_local_label_once(tz: ZoneInfo) -> None:
    repeated = REPEATED_HOUR[tz]
    working = hours(FALL_BACK, tz, (repeated - 1, repeated + 2))

    found = slots(FALL_BACK, tz, working, minutes=15)

    assert labels(found, tz) == [f"{hour:02}:{minute:02}"
                                 for hour in range(repeated - 1, repeated + 2)
                                 for minute in (0, 15, 30, 45)]
    assert local(FALL_BACK, repeated, 0, tz) in found
    assert local(FALL_BACK, repeated, 0, tz, fold=1) not in found


def test_a_shift_across_the_repeated_hour_lasts_an_hour_longer_in_real_time() -> None:
    working = hours(FALL_BACK, PARIS, (1, 4))

    assert working == [Interval(local(FALL_BACK, 1, 0, PARIS), local(FALL_BACK, 4, 0, PARIS))]
    assert working[0].end - working[0].start == timedelta(hours=4)


def test_a_slot_starting_in_the_first_pass_of_the_repeated_hour_may_run_into_the_second() -> None:
    working = hours(FALL_BACK, PARIS, (2, 3))

    found = slots(FALL_BACK, PARIS, working, minutes=90)

    assert labels(found, PARIS) == ["02:00", "02:15", "02:30"]
    assert found[-1] + 90 * MINUTES == local(FALL_BACK, 3, 0, PARIS)


def test_a_start_in_the_skipped_hour_moves_to_the_end_of_the_gap() -> None:
    working = local_intervals_to_utc(SPRING_FORWARD, [(time(2, 30), time(5))], PARIS)

    assert working == [Interval(local(SPRING_FORWARD, 3, 0, PARIS),
                                local(SPRING_FORWARD, 5, 0, PARIS))]


def test_an_end_in_the_skipped_hour_moves_to_the_end_of_the_gap() -> None:
    working = local_intervals_to_utc(SPRING_FORWARD, [(time(1), time(2, 30))], PARIS)

    assert working == [Interval(utc(SPRING_FORWARD, 0), utc(SPRING_FORWARD, 1))]


def test_hours_wholly_inside_the_skipped_hour_vanish() -> None:
    assert local_intervals_to_utc(SPRING_FORWARD, [(time(2), time(2, 45))], PARIS) == []


def test_repeated_hours_start_at_their_first_occurrence_and_end_at_their_last() -> None:
    working = local_intervals_to_utc(FALL_BACK, [(time(2, 30), time(2, 45))], PARIS)

    assert working == [Interval(local(FALL_BACK, 2, 30, PARIS),
                                local(FALL_BACK, 2, 45, PARIS, fold=1))]
    assert working[0].end - working[0].start == timedelta(hours=1, minutes=15)


def test_lord_howe_skips_half_an_hour() -> None:
    day = date(2026, 10, 4)
    working = local_intervals_to_utc(day, [(time(2, 10), time(4))], LORD_HOWE)

    found = slots(day, LORD_HOWE, working, minutes=30, step=10 * MINUTES)

    assert working[0].start == utc(day - timedelta(days=1), 15, 30)
    assert labels(found, LORD_HOWE)[:2] == ["02:30", "02:40"]


def test_an_end_of_midnight_is_the_end_of_the_day() -> None:
    working = local_intervals_to_utc(FALL_BACK, [(time(22), time(0))], PARIS)

    found = slots(FALL_BACK, PARIS, working)

    assert working == [Interval(utc(FALL_BACK, 21), utc(FALL_BACK, 23))]
    assert labels(found, PARIS)[-1] == "23:00"


def test_overlapping_and_touching_hours_are_merged() -> None:
    day = date(2026, 6, 1)

    working = local_intervals_to_utc(
        day, [(time(13), time(15)), (time(9), time(12)), (time(12), time(13)),
              (time(11), time(12, 30)), (time(17), time(18))], PARIS)

    assert working == [Interval(utc(day, 7), utc(day, 13)), Interval(utc(day, 15), utc(day, 16))]


def test_a_slot_may_not_straddle_two_separate_shifts() -> None:
    day = date(2026, 6, 1)
    working = hours(day, PARIS, (9, 12), (13, 18))

    found = slots(day, PARIS, working, minutes=60, step=30 * MINUTES)

    assert "11:30" not in labels(found, PARIS)
    assert "12:30" not in labels(found, PARIS)
    assert labels(found, PARIS)[:6] == ["09:00", "09:30", "10:00", "10:30", "11:00", "13:00"]


def test_buffers_keep_the_padded_service_inside_working_hours() -> None:
    day = date(2026, 6, 1)
    working = hours(day, PARIS, (9, 12))

    found = slots(day, PARIS, working, minutes=60, buffer_before=15 * MINUTES,
                  buffer_after=15 * MINUTES)

    assert labels(found, PARIS) == ["09:15", "09:30", "09:45", "10:00", "10:15", "10:30",
                                    "10:45"]


def test_buffers_keep_the_padded_service_clear_of_busy_time() -> None:
    day = date(2026, 6, 1)
    working = hours(day, PARIS, (9, 13))
    busy = [Interval(local(day, 11, 0, PARIS), local(day, 11, 30, PARIS))]

    found = slots(day, PARIS, working, minutes=30, busy=busy, step=30 * MINUTES,
                  buffer_before=10 * MINUTES, buffer_after=10 * MINUTES)

    assert labels(found, PARIS) == ["09:30", "10:00", "12:00"]


def test_busy_time_removes_the_starts_it_overlaps_and_touching_is_fine() -> None:
    day = date(2026, 6, 1)
    working = hours(day, PARIS, (9, 12))
    busy = [Interval(local(day, 10, 0, PARIS), local(day, 11, 0, PARIS))]

    found = slots(day, PARIS, working, minutes=30, busy=busy, step=30 * MINUTES)

    assert labels(found, PARIS) == ["09:00", "09:30", "11:00", "11:30"]


def test_busy_time_from_one_shift_into_the_next_blocks_both() -> None:
    day = date(2026, 6, 1)
    working = hours(day, PARIS, (9, 12), (13, 18))
    busy = [Interval(local(day, 11, 0, PARIS), local(day, 14, 0, PARIS))]

    found = slots(day, PARIS, working, minutes=60, busy=busy, step=60 * MINUTES)

    assert labels(found, PARIS) == ["09:00", "10:00", "14:00", "15:00", "16:00", "17:00"]


def test_busy_time_may_overlap_itself_and_reach_beyond_the_day() -> None:
    day = date(2026, 6, 1)
    working = hours(day, PARIS, (0, 24))
    busy = [Interval(utc(day, 5), utc(day, 9)), Interval(utc(day, 6), utc(day, 8)),
            Interval(utc(day - timedelta(days=3), 0), utc(day, 1)),
            Interval(utc(day, 20), utc(day + timedelta(days=3), 0))]

    found = slots(day, PARIS, working, minutes=60, busy=busy)

    assert found[:14] == [utc(day, 1) + quarter * 15 * MINUTES for quarter in range(13)] + [
        utc(day, 9)]
    assert found[-1] == utc(day, 19)


def test_nothing_is_offered_before_not_before() -> None:
    day = date(2026, 6, 1)
    working = hours(day, PARIS, (9, 12))

    found = slots(day, PARIS, working, not_before=local(day, 10, 20, PARIS))

    assert labels(found, PARIS) == ["10:30", "10:45", "11:00"]


def test_a_start_exactly_at_not_before_is_offered() -> None:
    day = date(2026, 6, 1)
    working = hours(day, PARIS, (9, 12))

    found = slots(day, PARIS, working, not_before=local(day, 11, 0, PARIS))

    assert labels(found, PARIS) == ["11:00"]


def test_without_working_hours_there_are_no_slots() -> None:
    assert slots(date(2026, 6, 1), PARIS, []) == []


@pytest.mark.parametrize(("option", "value"), [
    ("duration", timedelta(0)),
    ("duration", -MINUTES),
    ("step", timedelta(0)),
    ("step", -15 * MINUTES),
    ("buffer_before", -MINUTES),
    ("buffer_after", -MINUTES),
])
@pytest.mark.parametrize("engine", [free_slots, naive_free_slots, free_slots_any_staff])
def test_a_bad_duration_step_or_buffer_is_refused(engine: Callable[..., list], option: str,
                                                  value: timedelta) -> None:
    day = date(2026, 6, 1)
    arguments = {"day": day, "tz": PARIS, "duration": 30 * MINUTES, option: value}
    if engine is free_slots_any_staff:
        arguments["staff"] = {1: (hours(day, PARIS, (9, 17)), [])}
    else:
        arguments.update(working=hours(day, PARIS, (9, 17)), busy=[])

    with pytest.raises(ValueError, match=option.split("_")[0]):
        engine(**arguments)


def test_working_hours_that_end_before_they_start_are_refused() -> None:
    with pytest.raises(ValueError, match="must end after they start"):
        local_intervals_to_utc(date(2026, 6, 1), [(time(17), time(9))], PARIS)


def test_empty_working_hours_are_refused() -> None:
    with pytest.raises(ValueError, match="must end after they start"):
        local_intervals_to_utc(date(2026, 6, 1), [(time(9), time(9))], PARIS)


def test_an_interval_must_end_after_it_starts() -> None:
    with pytest.raises(ValueError, match="must end after it starts"):
        Interval(utc(date(2026, 6, 1), 10), utc(date(2026, 6, 1), 10))


def test_an_interval_needs_aware_datetimes() -> None:
    with pytest.raises(ValueError, match="aware"):
        Interval(datetime(2026, 6, 1, 9), datetime(2026, 6, 1, 10))


def test_intervals_that_only_touch_do_not_overlap() -> None:
    day = date(2026, 6, 1)
    morning, noon = Interval(utc(day, 9), utc(day, 12)), Interval(utc(day, 12), utc(day, 13))

    assert not morning.overlaps(noon)
    assert not noon.overlaps(morning)
    assert morning.overlaps(Interval(utc(day, 11, 59), utc(day, 12)))


def test_any_staff_lists_each_start_once_with_who_is_free() -> None:
    day = date(2026, 6, 1)
    staff = {
        "zoe": (hours(day, PARIS, (9, 11)), []),
        "adam": (hours(day, PARIS, (10, 12)),
                 [Interval(local(day, 10, 0, PARIS), local(day, 10, 30, PARIS))]),
        "lea": ([], []),
    }

    found = free_slots_any_staff(day=day, tz=PARIS, staff=staff, duration=30 * MINUTES,
                                 step=30 * MINUTES)

    assert [(start.astimezone(PARIS).strftime("%H:%M"), ids) for start, ids in found] == [
        ("09:00", ("zoe",)),
        ("09:30", ("zoe",)),
        ("10:00", ("zoe",)),
        ("10:30", ("zoe", "adam")),
        ("11:00", ("adam",)),
        ("11:30", ("adam",)),
    ]


def test_any_staff_follows_the_mapping_order_and_not_before() -> None:
    day = date(2026, 6, 1)
    staff = {2: (hours(day, PARIS, (9, 12)), []), 1: (hours(day, PARIS, (9, 12)), [])}

    found = free_slots_any_staff(day=day, tz=PARIS, staff=staff, duration=60 * MINUTES,
                                 step=60 * MINUTES, not_before=local(day, 9, 30, PARIS))

    assert found == [(local(day, 10, 0, PARIS), (2, 1)), (local(day, 11, 0, PARIS), (2, 1))]


def test_any_staff_across_the_repeated_hour_gives_each_label_once() -> None:
    staff = {1: (hours(FALL_BACK, PARIS, (1, 4)), []), 2: (hours(FALL_BACK, PARIS, (2, 3)), [])}

    found = free_slots_any_staff(day=FALL_BACK, tz=PARIS, staff=staff, duration=30 * MINUTES,
                                 step=30 * MINUTES)

    assert labels([start for start, _ids in found], PARIS) == [
        "01:00", "01:30", "02:00", "02:30", "03:00", "03:30"]
    assert dict(found)[local(FALL_BACK, 2, 0, PARIS)] == (1, 2)
