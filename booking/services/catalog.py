"""What a salon sets up before anyone books: staff members, services, classes and
their sessions.

Refusals raise ValidationError keyed by the field at fault and change nothing. An
update works on a freshly locked copy of the row, so a refused change leaves the
caller's object as it was.
"""

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from booking import locks
from booking.models import Appointment, ClassSession, ClassType, Service, ServiceStaff, StaffMember
from booking.models.catalog import MAX_BUFFER_MINUTES, MAX_DURATION_MINUTES
from core.validation import check_same_business, refuse
from tenancy.models import Business, StaffMembership

MIN_DURATION_MINUTES = 5
MAX_CAPACITY = 500
DEFAULT_COLOR = "#7a2f66"
COLOR_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")

STAFF_MEMBER_FIELDS = ("name", "color", "is_active", "membership")
SERVICE_FIELDS = ("name", "description", "duration_minutes", "price", "buffer_before_minutes",
                  "buffer_after_minutes", "is_active", "staff")
CLASS_TYPE_FIELDS = ("name", "description", "duration_minutes", "price", "capacity", "is_active")


# Checks shared with the other catalog services ---------------------------------------------

def name_error(name: str) -> str | None:
    return None if name else _("Enter a name.")


def duration_error(minutes: int | None) -> str | None:
    if minutes is None or not MIN_DURATION_MINUTES <= minutes <= MAX_DURATION_MINUTES:
        return ngettext("The duration must be between %(min)d and %(max)d minute.",
                        "The duration must be between %(min)d and %(max)d minutes.",
                        MAX_DURATION_MINUTES) % {
            "min": MIN_DURATION_MINUTES, "max": MAX_DURATION_MINUTES}
    return None


def price_error(price: Decimal | None) -> str | None:
    if price is None:
        return _("Enter a price.")
    return _("The price cannot be negative.") if price < 0 else None


def capacity_error(capacity: int | None) -> str | None:
    if capacity is None or not 1 <= capacity <= MAX_CAPACITY:
        return _("The number of seats must be between 1 and %(max)d.") % {"max": MAX_CAPACITY}
    return None


def _buffer_error(minutes: int | None) -> str | None:
    if minutes is None or not 0 <= minutes <= MAX_BUFFER_MINUTES:
        return ngettext("A buffer is between 0 and %(max)d minute.",
                        "A buffer is between 0 and %(max)d minutes.",
                        MAX_BUFFER_MINUTES) % {"max": MAX_BUFFER_MINUTES}
    return None


def save_named(row: models.Model, *, clash: str) -> None:
    """Validate what the checks above do not cover (lengths, decimals) and save.

    The (business, name) unique constraint decides a clash, not a read before the
    write; its IntegrityError becomes `clash` on the name field.
    """
    row.full_clean(exclude=["business"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as error:
        raise ValidationError({"name": clash}) from error


def _locked(model: type[models.Model], business: Business, row: models.Model):
    check_same_business(business, row, field="__all__")
    return model.objects.for_business(business).select_for_update().get(pk=row.pk)


def _apply(row: models.Model, changes: dict, allowed: Sequence[str]) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    for field, value in changes.items():
        setattr(row, field, value.strip() if field == "name" else value)


def _next_position(queryset: models.QuerySet) -> int:
    highest = queryset.aggregate(highest=Max("position"))["highest"]
    return 0 if highest is None else highest + 1


def _reorder(queryset: models.QuerySet, ids: Sequence[int], *, field: str) -> None:
    """Put `ids` first, in that order; the others follow in their current order.

    Rows are locked in primary-key order (ARCHITECTURE: never in opposite orders).
    """
    rows = list(queryset.select_for_update().order_by("pk"))
    by_pk = {row.pk: row for row in rows}
    if len(set(ids)) != len(ids) or not set(ids) <= by_pk.keys():
        raise ValidationError({field: _("List each item of this business once.")})
    current = sorted(rows, key=lambda row: (row.position, row.name, row.pk))
    ordered = [by_pk[pk] for pk in ids] + [row for row in current if row.pk not in set(ids)]
    moved = []
    for position, row in enumerate(ordered):
        if row.position != position:
            row.position = position
            moved.append(row)
    queryset.model.objects.bulk_update(moved, ["position"])


def _move(queryset: models.QuerySet, row: models.Model, offset: int, *, field: str) -> None:
    ids = [pk for pk, _position, _name in sorted(
        queryset.values_list("pk", "position", "name"), key=lambda r: (r[1], r[2], r[0]))]
    index = ids.index(row.pk)
    ids.insert(max(0, min(len(ids) - 1, index + offset)), ids.pop(index))
    _reorder(queryset, ids, field=field)


# Staff members ----------------------------------------------------------------------------

def _check_staff_member(business: Business, member: StaffMember) -> None:
    membership = member.membership
    check_same_business(business, membership, field="membership")
    refuse({
        "name": name_error(member.name),
        "color": None if COLOR_PATTERN.match(member.color or "") else _(
            "Enter a colour like #7a2f66."),
        "membership": _("This person is no longer on your team.")
        if membership is not None and not membership.is_active else None,
    })


def _save_staff_member(business: Business, member: StaffMember) -> StaffMember:
    _check_staff_member(business, member)
    member.full_clean(exclude=["business", "membership"], validate_unique=False,
                      validate_constraints=False)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as error:
        same_name = (StaffMember.objects.for_business(business).filter(name=member.name)
                     .exclude(pk=member.pk).exists())
        if same_name:
            raise ValidationError({"name": _("A staff member already has this name.")}) from error
        raise ValidationError(
            {"membership": _("This login is already linked to another staff member.")}
        ) from error
    return member


@transaction.atomic(durable=True)
def create_staff_member(*, business: Business, name: str, color: str = DEFAULT_COLOR,
                        is_active: bool = True, membership: StaffMembership | None = None
                        ) -> StaffMember:
    """A person clients book; `membership` links the team login they sign in with, if any."""
    member = StaffMember(business=business, name=name.strip(), color=color, is_active=is_active,
                         membership=membership,
                         position=_next_position(StaffMember.objects.for_business(business)))
    return _save_staff_member(business, member)


@transaction.atomic(durable=True)
def update_staff_member(*, business: Business, staff_member: StaffMember, **changes
                        ) -> StaffMember:
    member = _locked(StaffMember, business, staff_member)
    _apply(member, changes, STAFF_MEMBER_FIELDS)
    return _save_staff_member(business, member)


@transaction.atomic(durable=True)
def move_staff_member(*, business: Business, staff_member: StaffMember, offset: int) -> None:
    """One place up (-1) or down (+1) in the calendar's columns."""
    check_same_business(business, staff_member, field="__all__")
    _move(StaffMember.objects.for_business(business), staff_member, offset,
          field="staff_member_ids")


# Services ---------------------------------------------------------------------------------

def _set_performers(business: Business, service: Service, staff: Iterable[StaffMember]) -> None:
    wanted = {member.pk for member in staff}
    links = ServiceStaff.objects.for_business(business).filter(service=service)
    links.exclude(staff_member_id__in=wanted).delete()
    linked = set(links.values_list("staff_member_id", flat=True))
    ServiceStaff.objects.bulk_create(
        ServiceStaff(business=business, service=service, staff_member_id=pk)
        for pk in sorted(wanted - linked))


def _save_service(business: Business, service: Service, staff) -> Service:
    if staff is not None:
        check_same_business(business, *staff, field="staff")
    refuse({
        "name": name_error(service.name),
        "duration_minutes": duration_error(service.duration_minutes),
        "price": price_error(service.price),
        "buffer_before_minutes": _buffer_error(service.buffer_before_minutes),
        "buffer_after_minutes": _buffer_error(service.buffer_after_minutes),
    })
    save_named(service, clash=_("A service already has this name."))
    if staff is not None:
        _set_performers(business, service, staff)
    return service


@transaction.atomic(durable=True)
def create_service(*, business: Business, name: str, duration_minutes: int, price: Decimal,
                   description: str = "", buffer_before_minutes: int = 0,
                   buffer_after_minutes: int = 0, staff: Iterable[StaffMember] = (),
                   is_active: bool = True) -> Service:
    """A bookable service, placed last in the list; `staff` are the people who perform it."""
    service = Service(business=business, name=name.strip(), description=description,
                      duration_minutes=duration_minutes, price=price,
                      buffer_before_minutes=buffer_before_minutes,
                      buffer_after_minutes=buffer_after_minutes, is_active=is_active,
                      position=_next_position(Service.objects.for_business(business)))
    return _save_service(business, service, list(staff))


@transaction.atomic(durable=True)
def update_service(*, business: Business, service: Service, **changes) -> Service:
    """Change any of SERVICE_FIELDS; `staff` replaces the performers."""
    return _update_service(business=business, service=service, **changes)


def _update_service(*, business: Business, service: Service, **changes) -> Service:
    staff = changes.pop("staff", None)
    fresh = _locked(Service, business, service)
    _apply(fresh, changes, SERVICE_FIELDS)
    return _save_service(business, fresh, None if staff is None else list(staff))


@transaction.atomic(durable=True)
def set_service_active(*, business: Business, service: Service, is_active: bool) -> Service:
    """Deactivating hides a service from booking; its past appointments keep it."""
    return _update_service(business=business, service=service, is_active=is_active)


@transaction.atomic(durable=True)
def reorder_services(*, business: Business, service_ids: Sequence[int]) -> None:
    _reorder(Service.objects.for_business(business), service_ids, field="service_ids")


@transaction.atomic(durable=True)
def move_service(*, business: Business, service: Service, offset: int) -> None:
    """One place up (-1) or down (+1) in the list clients see."""
    check_same_business(business, service, field="__all__")
    _move(Service.objects.for_business(business), service, offset, field="service_ids")


# Classes ----------------------------------------------------------------------------------

def _save_class_type(class_type: ClassType) -> ClassType:
    refuse({
        "name": name_error(class_type.name),
        "duration_minutes": duration_error(class_type.duration_minutes),
        "price": price_error(class_type.price),
        "capacity": capacity_error(class_type.capacity),
    })
    save_named(class_type, clash=_("A class already has this name."))
    return class_type


@transaction.atomic(durable=True)
def create_class_type(*, business: Business, name: str, duration_minutes: int, price: Decimal,
                      capacity: int, description: str = "", is_active: bool = True
                      ) -> ClassType:
    class_type = ClassType(business=business, name=name.strip(), description=description,
                           duration_minutes=duration_minutes, price=price, capacity=capacity,
                           is_active=is_active,
                           position=_next_position(ClassType.objects.for_business(business)))
    return _save_class_type(class_type)


@transaction.atomic(durable=True)
def update_class_type(*, business: Business, class_type: ClassType, **changes) -> ClassType:
    """Sessions already planned keep their own number of seats."""
    fresh = _locked(ClassType, business, class_type)
    _apply(fresh, changes, CLASS_TYPE_FIELDS)
    return _save_class_type(fresh)


@transaction.atomic(durable=True)
def create_class_session(*, business: Business, class_type: ClassType,
                         staff_member: StaffMember, starts_at: datetime,
                         capacity: int | None = None, now: datetime | None = None
                         ) -> ClassSession:
    """A dated session of a class, led by `staff_member`.

    `starts_at` is aware: forms and the API read it in the business's time zone. It
    ends one class duration later, in elapsed time, so a session across a
    daylight-saving change still lasts as long as the class.
    """
    if timezone.is_naive(starts_at):
        raise ValueError("A class session starts at an aware datetime.")
    # In UTC, adding the duration adds elapsed time; in a local zone Python would add
    # wall-clock time and get a session an hour too long or short across a change.
    starts_at = starts_at.astimezone(UTC)
    now = now or timezone.now()
    check_same_business(business, class_type, field="class_type")
    check_same_business(business, staff_member, field="staff_member")
    capacity = class_type.capacity if capacity is None else capacity
    refuse({
        "class_type": None if class_type.is_active else _(
            "This class is inactive: activate it before planning sessions."),
        "staff_member": None if staff_member.is_active else _("This staff member is inactive."),
        "starts_at": _("This time has already passed.") if starts_at <= now else None,
        "capacity": capacity_error(capacity),
    })
    ends_at = starts_at + timedelta(minutes=class_type.duration_minutes)
    # Lock, then check: a booking of this person's time waits for the session, and back.
    locks.lock_staff_members(business, [staff_member.pk])
    clash = (ClassSession.objects.for_business(business)
             .filter(staff_member=staff_member, is_cancelled=False,
                     starts_at__lt=ends_at, ends_at__gt=starts_at)
             .select_related("class_type").first())
    if clash is not None:
        raise ValidationError({"staff_member": _(
            "%(name)s already leads %(class)s at that time.") % {
            "name": staff_member.name, "class": clash.class_type.name}})
    if (Appointment.objects.for_business(business).holding()
            .filter(staff_member=staff_member, service__isnull=False)
            .overlapping(starts_at, ends_at).exists()):
        raise ValidationError({"staff_member": _(
            "%(name)s has appointments at that time.") % {"name": staff_member.name}})
    return ClassSession.objects.create(business=business, class_type=class_type,
                                       staff_member=staff_member, starts_at=starts_at,
                                       ends_at=ends_at, capacity=capacity)


@transaction.atomic(durable=True)
def cancel_class_session(*, business: Business, class_session: ClassSession,
                         now: datetime | None = None) -> ClassSession:
    """Mark a session cancelled (once is enough); its seats are the appointments' business."""
    session = _locked(ClassSession, business, class_session)
    if session.is_cancelled:
        return session
    if session.starts_at <= (now or timezone.now()):
        raise ValidationError(_("This session has already started; it cannot be cancelled."))
    session.is_cancelled = True
    session.save(update_fields=["is_cancelled"])
    return session
