"""Working intervals of one local day from the week, exceptions and holidays (no database)."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from booking.availability import ExceptionRule, merge, subtract, working_intervals
from booking.slots import Interval

PARIS = ZoneInfo("Europe/Paris")


def utc(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def test_merge_joins_overlapping_and_touching_intervals():
    day = date(2026, 6, 1)

    merged = merge([Interval(utc(day, 9), utc(day, 10)), Interval(utc(day, 10), utc(day, 11)),
                    Interval(utc(day, 13), utc(day, 14)),
                    Interval(utc(day, 9, 30), utc(day, 9, 45))])

    assert merged == [Interval(utc(day, 9), utc(day, 11)), Interval(utc(day, 13), utc(day, 14))]


def test_subtract_cuts_holes_out_of_intervals():
    day = date(2026, 6, 1)

    left = subtract([Interval(utc(day, 9), utc(day, 17))],
                    [Interval(utc(day, 12), utc(day, 13)), Interval(utc(day, 16), utc(day, 18))])

    assert left == [Interval(utc(day, 9), utc(day, 12)), Interval(utc(day, 13), utc(day, 16))]


def test_a_nine_oclock_shift_stays_nine_local_on_both_sides_of_the_spring_change():
    before, after = date(2026, 3, 28), date(2026, 3, 30)

    starts = [working_intervals(day=day, tz=PARIS, staff_member_id=1,
                                weekly=[(time(9), time(17))], exceptions=[])[0].start
              for day in (before, after)]

    assert [s.astimezone(PARIS).time() for s in starts] == [time(9), time(9)]
    assert [s.hour for s in starts] == [8, 7]


def test_a_holiday_of_the_business_removes_everyone():
    day = date(2026, 12, 25)

    assert working_intervals(day=day, tz=PARIS, staff_member_id=1, weekly=[(time(9), time(17))],
                             exceptions=[ExceptionRule(None, day, "time_off", None, None)]) == []


def test_extra_hours_add_to_the_week_and_time_off_of_another_person_does_not_count():
    day = date(2026, 6, 6)
    exceptions = [ExceptionRule(1, day, "extra_hours", time(18), time(20)),
                  ExceptionRule(2, day, "time_off", None, None)]

    intervals = working_intervals(day=day, tz=PARIS, staff_member_id=1,
                                  weekly=[(time(9), time(12))], exceptions=exceptions)

    assert [(i.start.astimezone(PARIS).time(), i.end.astimezone(PARIS).time())
            for i in intervals] == [(time(9), time(12)), (time(18), time(20))]


def test_partial_time_off_splits_the_day():
    day = date(2026, 6, 3)

    intervals = working_intervals(
        day=day, tz=PARIS, staff_member_id=1, weekly=[(time(9), time(17))],
        exceptions=[ExceptionRule(1, day, "time_off", time(11), time(14))])

    assert [(i.start.astimezone(PARIS).hour, i.end.astimezone(PARIS).hour)
            for i in intervals] == [(9, 11), (14, 17)]
