"""Membership plans and the plans clients hold between two dates (SPEC 2: loyalty
leaves members out unless the program says otherwise)."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from booking.models import Client, ClientMembership, MembershipPlan
from booking.services.catalog import (
    name_error,
    price_error,
    save_named,
)
from core.validation import check_same_business, refuse
from tenancy.models import Business

MAX_VALIDITY_DAYS = 3660
PLAN_FIELDS = ("name", "price", "validity_days", "is_active")


def _save_plan(plan: MembershipPlan) -> MembershipPlan:
    refuse({
        "name": name_error(plan.name),
        "price": price_error(plan.price),
        "validity_days": None if plan.validity_days is not None
        and 1 <= plan.validity_days <= MAX_VALIDITY_DAYS else ngettext(
            "A plan is valid for 1 to %(max)d day.", "A plan is valid for 1 to %(max)d days.",
            MAX_VALIDITY_DAYS) % {"max": MAX_VALIDITY_DAYS},
    })
    save_named(plan, clash=_("A membership plan already has this name."))
    return plan


@transaction.atomic(durable=True)
def create_membership_plan(*, business: Business, name: str, price: Decimal,
                           validity_days: int, is_active: bool = True) -> MembershipPlan:
    plan = MembershipPlan(business=business, name=name.strip(), price=price,
                          validity_days=validity_days, is_active=is_active)
    return _save_plan(plan)


@transaction.atomic(durable=True)
def update_membership_plan(*, business: Business, plan: MembershipPlan, **changes
                           ) -> MembershipPlan:
    """Memberships already held keep their dates."""
    unknown = set(changes) - set(PLAN_FIELDS)
    if unknown:
        raise ValueError(f"Not plan fields: {sorted(unknown)}")
    check_same_business(business, plan, field="__all__")
    fresh = MembershipPlan.objects.for_business(business).select_for_update().get(pk=plan.pk)
    for field, value in changes.items():
        setattr(fresh, field, value.strip() if field == "name" else value)
    return _save_plan(fresh)


@transaction.atomic(durable=True)
def assign_membership(*, business: Business, client: Client, plan: MembershipPlan,
                      starts_on: date) -> ClientMembership:
    """The client holds `plan` from `starts_on` for its validity, both ends included."""
    check_same_business(business, client, field="client")
    check_same_business(business, plan, field="plan")
    if not plan.is_active:
        raise ValidationError({"plan": _("This plan is not on sale.")})
    return ClientMembership.objects.create(
        business=business, client=client, plan=plan, starts_on=starts_on,
        ends_on=starts_on + timedelta(days=plan.validity_days - 1))


@transaction.atomic(durable=True)
def cancel_membership(*, business: Business, membership: ClientMembership,
                      now: datetime | None = None) -> ClientMembership:
    """From now on the client is not a member; cancelling twice keeps the first time."""
    check_same_business(business, membership, field="__all__")
    ClientMembership.objects.for_business(business).filter(
        pk=membership.pk, cancelled_at__isnull=True).update(cancelled_at=now or timezone.now())
    membership.refresh_from_db(fields=["cancelled_at"])
    return membership
