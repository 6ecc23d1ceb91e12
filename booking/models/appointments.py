"""Appointments (a service with a staff member, or a seat in a class), their
history, recurring series, the waitlist and client memberships."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.models.catalog import MONEY, ClassSession, Service, StaffMember
from booking.models.clients import Client
from core.tenancy import TenantModel, TenantQuerySet


class AppointmentState(models.TextChoices):
    BOOKED = "booked", _("Booked")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("No-show")


class AppointmentStep(models.TextChoices):
    """Front desk progress of a booked appointment; its history records each step."""

    ARRIVED = "arrived", _("Arrived")
    STARTED = "started", _("Started")


# States that hold the staff member's time (or a seat).
HOLDING_STATES = (AppointmentState.BOOKED, AppointmentState.COMPLETED)


class AppointmentQuerySet(TenantQuerySet):
    def holding(self):
        return self.filter(state__in=HOLDING_STATES)

    def attended(self, *, now=None):
        """Completed, or still booked after its end: the client came (SPEC 2)."""
        now = now or timezone.now()
        return self.filter(Q(state=AppointmentState.COMPLETED)
                           | Q(state=AppointmentState.BOOKED, ends_at__lte=now))

    def overlapping(self, start, end):
        return self.filter(busy_from__lt=end, busy_until__gt=start)


class AppointmentSeries(TenantModel):
    """Appointments booked together by staff as "every N weeks"."""

    interval_weeks = models.PositiveSmallIntegerField(_("every (weeks)"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recurring series")
        verbose_name_plural = _("recurring series")


class Appointment(TenantModel):
    """One booking. `busy_from`/`busy_until` is the staff member's time it takes,
    buffers included; on PostgreSQL an exclusion constraint keeps two holding
    appointments of one staff member from overlapping."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="appointments")
    staff_member = models.ForeignKey(StaffMember, on_delete=models.PROTECT,
                                     related_name="appointments")
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="appointments")
    class_session = models.ForeignKey(ClassSession, null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="seats")
    series = models.ForeignKey(AppointmentSeries, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="appointments")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    busy_from = models.DateTimeField()
    busy_until = models.DateTimeField()
    price = models.DecimalField(_("price"), **MONEY)
    # The booking site's "discount code or gift card", as applied when booking.
    discount_code = models.CharField(_("discount code"), max_length=40, blank=True)
    discount = models.DecimalField(_("discount"), default=0, **MONEY)
    code_earns_points = models.BooleanField(default=True)
    # The code was a loyalty reward: the back office shows the booking with a stamp.
    used_reward = models.BooleanField(_("used a loyalty reward"), default=False)
    state = models.CharField(_("state"), max_length=10, choices=AppointmentState.choices,
                             default=AppointmentState.BOOKED)
    state_changed_at = models.DateTimeField(null=True, blank=True)
    state_changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                         on_delete=models.SET_NULL, related_name="+")
    notes = models.TextField(_("notes"), blank=True)
    # Front desk progress of a booked appointment: the client is here, the work began.
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = models.Manager.from_queryset(AppointmentQuerySet)()

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")),
                                   name="appointment_ends_after_start"),
            models.CheckConstraint(
                condition=Q(busy_from__lte=F("starts_at")) & Q(busy_until__gte=F("ends_at")),
                name="appointment_busy_covers_it"),
            # Exactly one of: a service, or a seat in a class session.
            models.CheckConstraint(
                condition=(Q(service__isnull=False) & Q(class_session__isnull=True))
                | (Q(service__isnull=True) & Q(class_session__isnull=False)),
                name="appointment_service_xor_class"),
            models.CheckConstraint(condition=Q(price__gte=0),
                                   name="appointment_price_not_negative"),
            models.CheckConstraint(condition=Q(discount__gte=0) & Q(discount__lte=F("price")),
                                   name="appointment_discount_within_price"),
            # A client holds at most one seat in a session.
            models.UniqueConstraint(fields=["business", "class_session", "client"],
                                    condition=Q(class_session__isnull=False,
                                                state__in=["booked", "completed"]),
                                    name="appointment_one_seat_per_client"),
        ]
        indexes = [
            models.Index(fields=["business", "starts_at"]),
            # The loyalty crediting sweep walks appointments by end time.
            models.Index(fields=["business", "ends_at", "id"]),
            models.Index(fields=["staff_member", "busy_from"]),
            # "Is this staff member busy then?" for a booking to come: what ends after
            # its start, without the member's years of past visits (docs/scale.md).
            models.Index(fields=["staff_member", "busy_until"],
                         name="appointment_staff_busy_until"),
            models.Index(fields=["client", "starts_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def amount_due(self):
        return self.price - self.discount

    @property
    def title(self) -> str:
        return str(self.service or self.class_session.class_type)

    @property
    def is_class_seat(self) -> bool:
        return self.class_session_id is not None

    @property
    def is_walk_in(self) -> bool:
        """Booked at the desk on the day itself: the client is standing there."""
        if self.booked_by_id is None or self.created_at is None:
            return False
        zone = self.business.zone
        return self.created_at.astimezone(zone).date() == self.starts_at.astimezone(zone).date()


class AppointmentEvent(TenantModel):
    """Who changed an appointment's state, and when."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=10, choices=AppointmentState.choices, blank=True)
    # A state, or a step of a booked appointment's progress (arrived, started).
    to_state = models.CharField(max_length=10,
                                choices=AppointmentState.choices + AppointmentStep.choices)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["changed_at", "pk"]

    @property
    def is_step(self) -> bool:
        return self.to_state in AppointmentStep.values


class WaitlistEntry(TenantModel):
    """A client waiting for a seat in a full class session.

    When a seat frees, the first waiting client gets an offer that holds the seat
    until `offer_expires_at`; then the next one is offered it.
    """

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        OFFERED = "offered", _("Seat offered")
        ACCEPTED = "accepted", _("Accepted")
        EXPIRED = "expired", _("Offer expired")
        LEFT = "left", _("Left the list")

    class_session = models.ForeignKey(ClassSession, on_delete=models.CASCADE,
                                      related_name="waitlist")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="waitlist_entries")
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    joined_at = models.DateTimeField(default=timezone.now)
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["business", "class_session", "client"],
                                    condition=Q(state__in=["waiting", "offered"]),
                                    name="waitlist_one_open_entry_per_client"),
        ]


class MembershipPlan(TenantModel):
    name = models.CharField(_("name"), max_length=120)
    price = models.DecimalField(_("price"), **MONEY)
    validity_days = models.PositiveIntegerField(_("valid for (days)"))
    is_active = models.BooleanField(_("on sale"), default=True)

    class Meta:
        verbose_name = _("membership plan")
        verbose_name_plural = _("membership plans")
        constraints = [
            models.UniqueConstraint(fields=["business", "name"],
                                    name="membership_plan_unique_name"),
            models.CheckConstraint(condition=Q(price__gte=0), name="membership_plan_price"),
            models.CheckConstraint(condition=Q(validity_days__gt=0),
                                   name="membership_plan_validity"),
        ]

    def __str__(self) -> str:
        return self.name


class ClientMembershipQuerySet(TenantQuerySet):
    def active_on(self, day):
        return self.filter(starts_on__lte=day, ends_on__gte=day, cancelled_at__isnull=True)


class ClientMembership(TenantModel):
    """A plan a client holds between two dates (both included)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="memberships")
    plan = models.ForeignKey(MembershipPlan, on_delete=models.PROTECT, related_name="holders")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = models.Manager.from_queryset(ClientMembershipQuerySet)()

    class Meta:
        verbose_name = _("client membership")
        verbose_name_plural = _("client memberships")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")),
                                   name="client_membership_dates"),
        ]
        indexes = [models.Index(fields=["client", "starts_on", "ends_on"])]
