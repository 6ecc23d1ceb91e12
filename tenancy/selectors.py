"""Reads of memberships and teams: who works where, with which role."""

from django.db.models import QuerySet

from accounts.models import User
from tenancy.models import Business, StaffMembership


def memberships_of(user: User) -> QuerySet[StaffMembership]:
    return (StaffMembership.objects.filter(user=user, is_active=True)
            .select_related("business").order_by("business__name"))


def active_membership(*, business: Business, user: User) -> StaffMembership | None:
    if not user.is_authenticated:
        return None
    return (StaffMembership.objects.for_business(business)
            .filter(user=user, is_active=True).first())


def team(*, business: Business) -> QuerySet[StaffMembership]:
    return (StaffMembership.objects.for_business(business).select_related("user")
            .order_by("-is_active", "user__full_name", "user__email"))


def team_logins(*, business: Business) -> QuerySet[StaffMembership]:
    """Active team logins a staff member may be linked to."""
    return (StaffMembership.objects.for_business(business).filter(is_active=True)
            .select_related("user").order_by("user__full_name", "user__email"))
