"""What clients book: services performed by staff, and classes with seats."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.tenancy import TenantModel, TenantQuerySet

MONEY = {"max_digits": 12, "decimal_places": 2}
MAX_DURATION_MINUTES = 24 * 60
MAX_BUFFER_MINUTES = 240


class StaffMember(TenantModel):
    """A person clients book: a column in the calendar.

    Linked to a login (membership) when the person signs in to the back office; a
    stylist who never signs in is a staff member without one.
    """

    membership = models.ForeignKey("tenancy.StaffMembership", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="staff_members")
    name = models.CharField(_("name"), max_length=120)
    color = models.CharField(_("calendar colour"), max_length=7, default="#7a2f66")
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        ordering = ["position", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["business", "name"], name="staff_member_unique_name"),
            models.UniqueConstraint(fields=["business", "membership"],
                                    condition=Q(membership__isnull=False),
                                    name="staff_member_one_per_login"),
        ]

    def __str__(self) -> str:
        return self.name


class CatalogQuerySet(TenantQuerySet):
    def active(self):
        return self.filter(is_active=True)


class Service(TenantModel):
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"),
        validators=[MinValueValidator(5), MaxValueValidator(MAX_DURATION_MINUTES)])
    price = models.DecimalField(_("price"), **MONEY, validators=[MinValueValidator(Decimal(0))])
    buffer_before_minutes = models.PositiveIntegerField(
        _("buffer before (minutes)"), default=0, validators=[MaxValueValidator(MAX_BUFFER_MINUTES)],
        help_text=_("Time kept free before the appointment, e.g. to prepare."))
    buffer_after_minutes = models.PositiveIntegerField(
        _("buffer after (minutes)"), default=0, validators=[MaxValueValidator(MAX_BUFFER_MINUTES)],
        help_text=_("Time kept free after the appointment, e.g. to clean up."))
    staff = models.ManyToManyField(StaffMember, through="ServiceStaff", related_name="services",
                                   verbose_name=_("performed by"))
    is_active = models.BooleanField(_("bookable"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    objects = models.Manager.from_queryset(CatalogQuerySet)()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["position", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["business", "name"], name="service_unique_name"),
            models.CheckConstraint(condition=Q(duration_minutes__gt=0),
                                   name="service_duration_positive"),
            models.CheckConstraint(condition=Q(price__gte=0), name="service_price_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class ServiceStaff(TenantModel):
    service = models.ForeignKey(Service, on_delete=models.CASCADE)
    staff_member = models.ForeignKey(StaffMember, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["business", "service", "staff_member"],
                                    name="service_staff_unique"),
        ]


class ClassType(TenantModel):
    """A class clients take seats in (yoga, a workshop), held in dated sessions."""

    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"),
        validators=[MinValueValidator(5), MaxValueValidator(MAX_DURATION_MINUTES)])
    price = models.DecimalField(_("price"), **MONEY, validators=[MinValueValidator(Decimal(0))])
    capacity = models.PositiveIntegerField(_("seats"), validators=[MinValueValidator(1),
                                                                    MaxValueValidator(500)])
    is_active = models.BooleanField(_("bookable"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    objects = models.Manager.from_queryset(CatalogQuerySet)()

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["position", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["business", "name"], name="class_type_unique_name"),
            models.CheckConstraint(condition=Q(capacity__gt=0),
                                   name="class_type_capacity_positive"),
            models.CheckConstraint(condition=Q(price__gte=0), name="class_type_price_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class ClassSession(TenantModel):
    class_type = models.ForeignKey(ClassType, on_delete=models.PROTECT, related_name="sessions")
    staff_member = models.ForeignKey(StaffMember, on_delete=models.PROTECT,
                                     related_name="class_sessions")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("seats"))
    is_cancelled = models.BooleanField(_("cancelled"), default=False)

    class Meta:
        verbose_name = _("class session")
        verbose_name_plural = _("class sessions")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                   name="class_session_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gt=0),
                                   name="class_session_capacity_positive"),
        ]
        indexes = [models.Index(fields=["business", "starts_at"]),
                   models.Index(fields=["staff_member", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.class_type} {self.starts_at:%Y-%m-%d %H:%M}"
