"""The program's settings, the periods it is on, and the points each service or class
earns."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from booking.models import ClassType, Service
from loyalty import locks
from loyalty.models import MAX_POINTS, CatalogPoints, Program, ProgramPeriod
from loyalty.services import credit_queue, expiry
from tenancy.models import Business

PROGRAM_FIELDS = (
    "crediting_delay_hours", "members_earn", "expiry_months",
    "expiry_notice_days", "points_per_booking", "spend_points", "spend_amount",
    "spend_scope", "points_per_service_line", "points_per_product_unit",
    "points_per_invoice",
)


@transaction.atomic(durable=True)
def update_program(*, business: Business, **values) -> Program:
    unknown = set(values) - set(PROGRAM_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown setting: %(name)s") % {"name": ", ".join(sorted(unknown))})
    program = locks.lock_program(business)
    for name, value in values.items():
        setattr(program, name, value)
    if program.spend_points and not program.spend_amount:
        raise ValidationError({"spend_amount": _("Say for what amount the points are given.")})
    program.full_clean(exclude=["business"])
    program.save()
    if "crediting_delay_hours" in values:
        credit_queue.delay_changed(business, program.crediting_delay_hours)
    if business.loyalty_enabled and {"expiry_months", "expiry_notice_days"} & set(values):
        expiry.arm_business(business)
    return program


def on_loyalty_switched(*, business: Business, enabled: bool, now: datetime | None = None
                        ) -> None:
    """Receiver of tenancy's extension switch: record when the program is on, so that
    what ends while it is off never earns, and what ended while it was on still earns
    after an off and on again. An "on" while already on (a retry, or a setup that says
    since when) keeps one period, from the earlier time."""
    now = now or timezone.now()
    with transaction.atomic():
        # Switches of one business run one after the other: one open period at most.
        locks.lock_program(business)
        current = (ProgramPeriod.objects.for_business(business)
                   .filter(ended_at__isnull=True).first())
        if enabled and current is None:
            ProgramPeriod.objects.create(business=business, started_at=now)
        elif enabled and now < current.started_at:
            current.started_at = now
            current.save(update_fields=["started_at"])
        elif not enabled and current is not None:
            current.ended_at = max(now, current.started_at)
            current.save(update_fields=["ended_at"])
        if enabled:
            credit_queue.queue_business(business, now=now)
            expiry.arm_business(business, now=now)
        else:
            credit_queue.unqueue_business(business)
            expiry.disarm_business(business)


@transaction.atomic(durable=True)
def set_catalog_points(*, business: Business, service: Service | None = None,
                       class_type: ClassType | None = None, is_enabled: bool,
                       points: int) -> CatalogPoints:
    item = service or class_type
    if item is None or (service is not None and class_type is not None):
        raise ValidationError(_("Choose a service or a class."))
    if item.business_id != business.pk:
        raise ValidationError(_("This service belongs to another business."))
    if not isinstance(points, int) or points < 0 or points > MAX_POINTS:
        raise ValidationError({"points": _("Enter a whole number of points from 0 to "
                                           "%(max)s.") % {"max": MAX_POINTS}})
    if is_enabled and points == 0:
        raise ValidationError({"points": _("Enter how many points it earns.")})
    lookup = {"service": service} if service is not None else {"class_type": class_type}
    CatalogPoints.objects.bulk_create([CatalogPoints(business=business, **lookup)],
                                      ignore_conflicts=True)
    row = CatalogPoints.objects.for_business(business).select_for_update().get(**lookup)
    row.is_enabled = is_enabled
    row.points = points
    row.save(update_fields=["is_enabled", "points"])
    return row
