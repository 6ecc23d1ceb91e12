"""Reads of the catalog, schedules and memberships, tenant-scoped by `business`.

List readers load what their pages show in a fixed number of queries, whatever
the number of rows.
"""

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet

from booking.models import (
    HOLDING_STATES,
    ClassSession,
    ClassType,
    Client,
    ClientMembership,
    MembershipPlan,
    ScheduleException,
    Service,
    StaffMember,
    WorkingHours,
)
from tenancy.models import Business


def staff_members(*, business: Business, active_only: bool = False) -> QuerySet[StaffMember]:
    members = StaffMember.objects.for_business(business).select_related("membership__user")
    return members.filter(is_active=True) if active_only else members


def services(*, business: Business, active_only: bool = False) -> QuerySet[Service]:
    """Services in list order with their performers (`service.staff.all()`): two queries."""
    performers = StaffMember.objects.for_business(business).order_by("position", "name", "pk")
    rows = (Service.objects.for_business(business)
            .prefetch_related(Prefetch("staff", queryset=performers)))
    return rows.filter(is_active=True) if active_only else rows


def class_types(*, business: Business, active_only: bool = False) -> QuerySet[ClassType]:
    rows = ClassType.objects.for_business(business)
    return rows.filter(is_active=True) if active_only else rows


def local_midnight(business: Business, day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=business.zone)


def class_sessions(*, business: Business, first_day: date | None = None,
                   last_day: date | None = None, class_type_id: int | None = None
                   ) -> QuerySet[ClassSession]:
    """Sessions starting on local days `first_day`..`last_day` (both included, either
    open), with their class, leader and `seats_taken` (seats booked or attended)."""
    rows = (ClassSession.objects.for_business(business)
            .select_related("class_type", "staff_member")
            .annotate(seats_taken=Count("seats", filter=Q(seats__state__in=HOLDING_STATES))))
    if first_day is not None:
        rows = rows.filter(starts_at__gte=local_midnight(business, first_day))
    if last_day is not None:
        rows = rows.filter(starts_at__lt=local_midnight(business, last_day + timedelta(days=1)))
    if class_type_id is not None:
        rows = rows.filter(class_type_id=class_type_id)
    return rows.order_by("starts_at", "pk")


def working_week(*, business: Business, staff_member: StaffMember
                 ) -> dict[int, list[tuple[time, time]]]:
    """Weekday (0 = Monday) -> the staff member's usual local intervals, in order."""
    week: dict[int, list[tuple[time, time]]] = defaultdict(list)
    for weekday, start, end in (WorkingHours.objects.for_business(business)
                                .filter(staff_member=staff_member)
                                .order_by("weekday", "start_time")
                                .values_list("weekday", "start_time", "end_time")):
        week[weekday].append((start, end))
    return dict(week)


def schedule_exceptions(*, business: Business, from_day: date | None = None,
                        staff_member: StaffMember | None = None
                        ) -> QuerySet[ScheduleException]:
    """Exceptions from `from_day` on; with `staff_member`, theirs and the holidays."""
    rows = ScheduleException.objects.for_business(business).select_related("staff_member")
    if from_day is not None:
        rows = rows.filter(date__gte=from_day)
    if staff_member is not None:
        rows = rows.filter(Q(staff_member=staff_member) | Q(staff_member__isnull=True))
    return rows.order_by("date", "start_time", "pk")


def membership_plans(*, business: Business, on_sale_only: bool = False
                     ) -> QuerySet[MembershipPlan]:
    rows = MembershipPlan.objects.for_business(business).order_by("name", "pk")
    return rows.filter(is_active=True) if on_sale_only else rows


def client_memberships(*, business: Business, client: Client | None = None
                       ) -> QuerySet[ClientMembership]:
    rows = ClientMembership.objects.for_business(business).select_related("plan", "client")
    return rows.filter(client=client) if client is not None else rows


def has_active_membership(*, business: Business, client: Client, on_date: date) -> bool:
    """Whether the client holds an uncancelled plan covering `on_date`: one query."""
    return (ClientMembership.objects.for_business(business).filter(client=client)
            .active_on(on_date).exists())
