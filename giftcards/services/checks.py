"""Checks that several gift card and coupon services share (the checks of typed values,
an amount or a whole number, are core.validation's)."""

from datetime import date, datetime

from core.dates import local_day
from tenancy.models import Business


def business_today(business: Business, now: datetime) -> date:
    return local_day(now, business.time_zone)
