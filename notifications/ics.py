"""The calendar attachment of the "booking confirmed" and "booking cancelled" emails.

One iCalendar object (RFC 5545) per email, sent as an iTIP message (RFC 5546):
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

from datetime import date, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress

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
    # The transitions of the appointment's years are enough; icalendar's default
    # span (1970-2038) would put over a hundred observances in every email.
    calendar.add_missing_timezones(
        first_date=date(local_start.year, 1, 1),
        last_date=date(local_end.year + 1, 1, 1),
    )
    return calendar.to_ical()
