"""Row locks of the tenancy tables (see booking/locks.py for the order rule they share)."""

from tenancy.models import Business


def lock_business(business: Business) -> Business:
    return Business.objects.select_for_update().get(pk=business.pk)
