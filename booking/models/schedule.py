"""When staff work: weekly hours in local wall-clock time, and dated exceptions.

Local times are kept with the business's zone and turned into UTC per date, so a
09:00 shift stays 09:00 on both sides of a daylight-saving change.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from booking.models.catalog import StaffMember
from core.tenancy import TenantModel


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WorkingHours(TenantModel):
    """One interval of a staff member's usual week; a day may have several."""

    staff_member = models.ForeignKey(StaffMember, on_delete=models.CASCADE,
                                     related_name="working_hours")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("to"))

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        ordering = ["staff_member", "weekday", "start_time"]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")),
                                   name="working_hours_end_after_start"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="working_hours_weekday"),
        ]


class ScheduleException(TenantModel):
    """A dated change to the usual week: time off, extra hours, or a holiday.

    Without a staff member it applies to everyone (the salon is closed). Without
    times it covers the whole day.
    """

    class Kind(models.TextChoices):
        TIME_OFF = "time_off", _("Time off")
        EXTRA_HOURS = "extra_hours", _("Extra hours")

    staff_member = models.ForeignKey(StaffMember, null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="exceptions",
                                     help_text=_("Empty: the whole business (a holiday)."))
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    start_time = models.TimeField(_("from"), null=True, blank=True)
    end_time = models.TimeField(_("to"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("schedule exception")
        verbose_name_plural = _("schedule exceptions")
        ordering = ["date", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(start_time__isnull=True) & Q(end_time__isnull=True))
                | Q(end_time__gt=F("start_time")),
                name="schedule_exception_times"),
            # Extra hours need hours; a whole day of "extra hours" means nothing.
            models.CheckConstraint(
                condition=~Q(kind="extra_hours") | Q(start_time__isnull=False),
                name="schedule_exception_extra_has_times"),
            models.CheckConstraint(
                condition=~Q(kind="extra_hours") | Q(staff_member__isnull=False),
                name="schedule_exception_extra_has_staff"),
        ]
        indexes = [models.Index(fields=["business", "date"])]

    @property
    def whole_day(self) -> bool:
        return self.start_time is None
