"""Dates in templates, in the active language and time zone (see core/dates.py).

`{% load dates %}` then `{{ appointment.starts_at|long_date }}`. Django's `date` and
`time` filters are not used: their formats follow the language only, not the country.
"""

from datetime import date, datetime

from django import template
from django.utils import timezone

from core import dates

register = template.Library()


# Filter name -> formatter; a value of None or "" shows nothing. Those marked True take
# an optional "weekday" argument: `{{ session.starts_at|short_datetime:"weekday" }}`.
_FILTERS = {
    "weekday": (dates.format_weekday, False),
    "short_date": (dates.format_date, True),
    "long_date": (dates.format_long_date, False),
    "month": (dates.format_month, False),
    "short_day": (dates.format_short_day, True),
    "clock": (dates.format_time, False),
    "short_datetime": (dates.format_datetime, True),
    "long_datetime": (dates.format_long_datetime, False),
    "moment": (dates.format_moment, True),
}


def _register(name, formatter, takes_weekday: bool) -> None:
    if takes_weekday:
        def apply(value, arg=""):
            if arg not in ("", "weekday"):
                raise template.TemplateSyntaxError(f'{name} takes no argument or "weekday"')
            return "" if value in (None, "") else formatter(value, weekday=arg == "weekday")
    else:
        def apply(value):
            return "" if value in (None, "") else formatter(value)
    register.filter(name, apply)


for _name, (_formatter, _takes_weekday) in _FILTERS.items():
    _register(_name, _formatter, _takes_weekday)


@register.filter
def day(value) -> str:
    """"5 December"; "5 December 2027" when it is not this year's."""
    if value in (None, ""):
        return ""
    return dates.format_day(value, today=timezone.localdate())


@register.filter
def iso(value) -> str:
    """For machines (`<time datetime>`, links, date inputs): "2026-12-05", and a datetime
    in the current time zone, "2026-12-05T20:07:00+01:00"."""
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat() if isinstance(value, date) else ""


@register.filter
def iso_day(value) -> str:
    """The local day of a datetime (or a date) for machines: "2026-12-05"."""
    if isinstance(value, datetime):
        value = timezone.localdate(value)
    return value.isoformat() if isinstance(value, date) else ""
