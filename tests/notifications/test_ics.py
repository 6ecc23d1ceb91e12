from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event

from core.ics import build_ics

PARIS = ZoneInfo("Europe/Paris")
KYIV = ZoneInfo("Europe/Kyiv")

# 10:00 local on either side of a daylight saving change, and the instant it is.
DST_CASES = [
    pytest.param(PARIS, datetime(2026, 3, 28, 9, tzinfo=UTC), id="paris-before-spring-change"),
    pytest.param(PARIS, datetime(2026, 3, 30, 8, tzinfo=UTC), id="paris-after-spring-change"),
    pytest.param(KYIV, datetime(2026, 10, 24, 7, tzinfo=UTC), id="kyiv-before-autumn-change"),
    pytest.param(KYIV, datetime(2026, 10, 26, 8, tzinfo=UTC), id="kyiv-after-autumn-change"),
]


def _ics(**overrides: Any) -> bytes:
    arguments: dict[str, Any] = {
        "uid": "appointment-42@salonbook.example",
        "start": datetime(2026, 3, 28, 10, tzinfo=PARIS),
        "end": datetime(2026, 3, 28, 11, tzinfo=PARIS),
        "tz": PARIS,
        "summary": "Haircut",
        "description": "With Marie",
        "location": "Salon Élise, 3 rue de la Paix, Paris",
        "organizer_email": "hello@salon-elise.example",
        "organizer_name": "Salon Élise",
    }
    return build_ics(**(arguments | overrides))


def _read(data: bytes) -> tuple[Calendar, Event]:
    calendar = Calendar.from_ical(data)
    assert isinstance(calendar, Calendar)
    (event,) = calendar.events
    return calendar, event


@pytest.mark.parametrize(("tz", "instant"), DST_CASES)
def test_appointment_reads_back_at_its_local_time_and_instant_across_dst_changes(
    tz: ZoneInfo, instant: datetime
) -> None:
    start = instant.astimezone(tz)

    _, event = _read(_ics(start=start, end=start + timedelta(hours=1), tz=tz))

    assert event.start.tzinfo == tz
    assert event.start.replace(tzinfo=None) == start.replace(tzinfo=None, hour=10)
    assert event.start.astimezone(UTC) == instant
    assert event.end.astimezone(UTC) == instant + timedelta(hours=1)


@pytest.mark.parametrize(("tz", "instant"), DST_CASES)
def test_the_vtimezone_alone_gives_the_right_instant_across_dst_changes(
    tz: ZoneInfo, instant: datetime
) -> None:
    start = instant.astimezone(tz)

    calendar, _ = _read(_ics(start=start, end=start + timedelta(hours=1), tz=tz))

    # Built from the VTIMEZONE's observances, not looked up by name, as Outlook does.
    (timezone,) = calendar.timezones
    from_vtimezone = timezone.to_tz(lookup_tzid=False)
    assert start.replace(tzinfo=from_vtimezone).astimezone(UTC) == instant


def test_times_given_in_another_zone_are_written_in_the_business_zone() -> None:
    start = datetime(2026, 3, 28, 9, tzinfo=UTC)

    data = _ics(start=start, end=start + timedelta(minutes=45))

    assert b"DTSTART;TZID=Europe/Paris:20260328T100000" in data
    assert b"DTEND;TZID=Europe/Paris:20260328T104500" in data


def test_confirmation_is_a_request_for_a_confirmed_event() -> None:
    before = datetime.now(UTC).replace(microsecond=0)

    calendar, event = _read(_ics(sequence=2))

    assert calendar["METHOD"] == "REQUEST"
    assert calendar["VERSION"] == "2.0"
    assert event["STATUS"] == "CONFIRMED"
    assert event.uid == "appointment-42@salonbook.example"
    assert event.sequence == 2
    assert event.summary == "Haircut"
    assert event["LOCATION"] == "Salon Élise, 3 rue de la Paix, Paris"
    assert event.organizer == "mailto:hello@salon-elise.example"
    assert event.organizer.params["CN"] == "Salon Élise"
    assert before <= event.stamp <= datetime.now(UTC)
    assert event.stamp.utcoffset() == timedelta(0)


def test_cancellation_has_method_cancel_and_status_cancelled() -> None:
    uid = "appointment-42@salonbook.example"

    calendar, event = _read(_ics(uid=uid, sequence=3, cancelled=True))

    assert calendar["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert event.uid == uid
    assert event.sequence == 3


def test_the_vtimezone_of_the_business_zone_is_included() -> None:
    start = datetime(2026, 10, 24, 10, tzinfo=KYIV)

    calendar, _ = _read(_ics(start=start, end=start + timedelta(hours=1), tz=KYIV))

    (timezone,) = calendar.timezones
    assert timezone.tz_name == "Europe/Kyiv"
    assert calendar.get_missing_tzids() == set()


def test_a_business_in_utc_gets_utc_times_and_no_vtimezone() -> None:
    tz = ZoneInfo("UTC")
    start = datetime(2026, 3, 28, 9, tzinfo=PARIS)

    calendar, event = _read(_ics(start=start, end=start + timedelta(hours=1), tz=tz))

    assert calendar.timezones == []
    assert event.start == datetime(2026, 3, 28, 8, tzinfo=UTC)


def test_text_with_commas_semicolons_quotes_and_newlines_survives() -> None:
    description = "Cut, colour; blow-dry\nBring your loyalty card"
    organizer_name = 'Salon "Élise", Paris; ^1'

    _, event = _read(_ics(description=description, organizer_name=organizer_name))

    assert event.description == description
    assert event.organizer.params["CN"] == organizer_name


@pytest.mark.parametrize("naive", ["start", "end"])
def test_naive_datetimes_are_refused(naive: str) -> None:
    times = {
        "start": datetime(2026, 3, 28, 10, tzinfo=PARIS),
        "end": datetime(2026, 3, 28, 11, tzinfo=PARIS),
    }
    times[naive] = times[naive].replace(tzinfo=None)

    with pytest.raises(ValueError, match="timezone-aware"):
        _ics(**times)


def test_an_end_not_after_the_start_is_refused() -> None:
    start = datetime(2026, 3, 28, 10, tzinfo=PARIS)

    with pytest.raises(ValueError, match="later than start"):
        _ics(start=start, end=start)


def _changes(data: bytes) -> list[tuple[str, datetime, timedelta, timedelta]]:
    """(kind, DTSTART, TZOFFSETFROM, TZOFFSETTO) of each observance that moves the clock."""
    (timezone,) = Calendar.from_ical(data).timezones
    return [
        (observance.name, observance.DTSTART, observance.TZOFFSETFROM, observance.TZOFFSETTO)
        for observance in timezone.subcomponents
        if observance.TZOFFSETFROM != observance.TZOFFSETTO
    ]


H = timedelta(hours=1)


@pytest.mark.parametrize(("tz", "changes"), [
    pytest.param(KYIV, [("DAYLIGHT", datetime(2026, 3, 29, 3), 2 * H, 3 * H),
                        ("STANDARD", datetime(2026, 10, 25, 4), 3 * H, 2 * H)], id="kyiv"),
    pytest.param(PARIS, [("DAYLIGHT", datetime(2026, 3, 29, 2), 1 * H, 2 * H),
                         ("STANDARD", datetime(2026, 10, 25, 3), 2 * H, 1 * H)], id="paris"),
])
def test_each_clock_change_starts_at_the_local_time_before_it(
    tz: ZoneInfo, changes: list[tuple[str, datetime, timedelta, timedelta]]
) -> None:
    # RFC 5545 3.6.5: DTSTART is the onset in the offset in force before it (TZOFFSETFROM).
    start = datetime(2026, 6, 1, 10, tzinfo=tz)

    data = _ics(start=start, end=start + timedelta(hours=1), tz=tz)

    assert _changes(data) == changes


@pytest.mark.parametrize("name", ["Europe/Kyiv", "Europe/Paris", "America/New_York",
                                  "Australia/Sydney", "Europe/Dublin", "Asia/Tokyo"])
def test_every_observance_starts_at_the_instant_the_zone_changes_its_offset(name: str) -> None:
    tz = ZoneInfo(name)
    start = datetime(2026, 12, 30, 10, tzinfo=tz)

    calendar, _ = _read(_ics(start=start, end=start + timedelta(days=3), tz=tz))

    (timezone,) = calendar.timezones
    first, *changes = timezone.subcomponents
    assert first.DTSTART.replace(tzinfo=tz).utcoffset() == first.TZOFFSETTO
    for observance in changes:
        onset = observance.DTSTART.replace(tzinfo=UTC) - observance.TZOFFSETFROM
        assert (onset - timedelta(seconds=1)).astimezone(tz).utcoffset() == \
            observance.TZOFFSETFROM
        assert onset.astimezone(tz).utcoffset() == observance.TZOFFSETTO
    assert len(changes) == (0 if name == "Asia/Tokyo" else 4)
