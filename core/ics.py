"""An appointment as an iCalendar file: the booking site's download and the attachment of
the "booking confirmed" and "booking cancelled" emails. Pure: no database, no Django.

One iCalendar object (RFC 5545) per file, sent by email as an iTIP message (RFC 5546):
``METHOD:REQUEST`` adds or updates the appointment in the client's calendar,
``METHOD:CANCEL`` removes it. Both carry the appointment's ``UID``; a calendar
applies a message only if its ``SEQUENCE`` is not lower than the one it holds,
so the caller sends a higher ``sequence`` with every change of the appointment
(a reschedule, then the cancellation).

Times are written as local wall-clock times with the business's ``TZID`` plus
the matching ``VTIMEZONE``, so the client sees "10:00 at the salon" whatever
daylight saving time does; clients that do not know IANA zone names (Outlook)
take the offsets from the VTIMEZONE and still get the right instant.
A business in UTC gets UTC times (``...Z``), which need no VTIMEZONE.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vCalAddress

_PRODID = "-//Salonbook//Booking notifications//EN"


def build_ics(
    *,
    uid: str,
    start: datetime,
    end: datetime,
    tz: ZoneInfo,
    summary: str,
    description: str,
    location: str,
    organizer_email: str,
    organizer_name: str,
    sequence: int = 0,
    cancelled: bool = False,
) -> bytes:
    """Return the ``text/calendar`` bytes for one appointment.

    ``start`` and ``end`` are aware datetimes in any zone (UTC from the
    database, typically); they are shown in ``tz``, the business's zone.
    """
    if start.tzinfo is None or end.tzinfo is None:
        # A naive time would be read in the server's zone: refuse rather than guess.
        raise ValueError("start and end must be timezone-aware datetimes")
    if end <= start:
        raise ValueError("end must be later than start")
    local_start = start.astimezone(tz)
    local_end = end.astimezone(tz)

    organizer = vCalAddress(f"mailto:{organizer_email}")
    organizer.params["CN"] = organizer_name
    event = Event.new(
        uid=uid,
        start=local_start,
        end=local_end,
        summary=summary,
        description=description,
        location=location,
        organizer=organizer,
        sequence=sequence,
        status="CANCELLED" if cancelled else "CONFIRMED",
    )

    calendar = Calendar()
    calendar.add("prodid", _PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    calendar.add_component(event)
    # The transitions of the appointment's years are enough: a span of decades would
    # put over a hundred observances in every email.
    for tzid in calendar.get_missing_tzids():  # none for UTC, written as "...Z"
        # Ahead of the event that refers to it, where clients look for it first.
        calendar.subcomponents.insert(
            0, vtimezone(tzid, tz, date(local_start.year, 1, 1), date(local_end.year + 1, 1, 1))
        )
    return calendar.to_ical()


def vtimezone(tzid: str, tz: ZoneInfo, first_day: date, last_day: date) -> Timezone:
    """The VTIMEZONE of ``tz`` from ``first_day`` to ``last_day`` (local midnights).

    RFC 5545 (3.6.5) gives an observance's onset as DTSTART, a local time "in the
    offset in force before the onset", i.e. in its TZOFFSETFROM: Kyiv's spring change,
    03:00 at +02:00 becoming 04:00 at +03:00, is ``DTSTART:20260329T030000``. icalendar
    7.3's ``add_missing_timezones`` writes the spring changes at the local time after
    them (04:00), so clients that read the VTIMEZONE (Outlook) moved them an hour late.
    """
    start = datetime.combine(first_day, time(), tzinfo=tz)
    end = datetime.combine(last_day, time(), tzinfo=tz)
    component = Timezone()
    component.add("TZID", tzid)
    # The offset in force on the first day, as an observance that changes nothing.
    component.add_component(_observance(start, offset_from=start.utcoffset()))
    for onset, offset_from in _offset_changes(tz, start.astimezone(UTC), end.astimezone(UTC)):
        component.add_component(_observance(onset.astimezone(tz), offset_from=offset_from))
    return component


def _observance(
    local: datetime, *, offset_from: timedelta
) -> TimezoneStandard | TimezoneDaylight:
    observance = TimezoneDaylight() if local.dst() else TimezoneStandard()
    observance.add("TZNAME", local.tzname())
    observance.DTSTART = (local.astimezone(UTC) + offset_from).replace(tzinfo=None)
    observance.TZOFFSETFROM = offset_from
    observance.TZOFFSETTO = local.utcoffset()
    return observance


def _offset_changes(
    tz: ZoneInfo, first: datetime, last: datetime
) -> Iterator[tuple[datetime, timedelta]]:
    """Yield (UTC instant, offset before it) for each change of ``tz``'s UTC offset.

    zoneinfo lists no transitions: the offset is sampled daily (no zone changes it twice
    within a day), then each change is narrowed down to the second.
    """
    moment, offset = first, first.astimezone(tz).utcoffset()
    while moment < last:
        following = moment + timedelta(days=1)
        if following.astimezone(tz).utcoffset() != offset:
            before, after = moment, following
            while after - before > timedelta(seconds=1):
                middle = before + timedelta(seconds=(after - before).total_seconds() // 2)
                if middle.astimezone(tz).utcoffset() == offset:
                    before = middle
                else:
                    after = middle
            yield after, offset
            offset = following.astimezone(tz).utcoffset()
        moment = following
