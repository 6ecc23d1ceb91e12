"""Export jobs (large exports prepared by a worker) and the audit log of every export."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.tenancy import TenantModel


class ExportFormat(models.TextChoices):
    CSV = "csv", _("CSV")
    XLSX = "xlsx", _("Excel (.xlsx)")


class ExportState(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("In progress")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")


class ExportJob(TenantModel):
    """An export too large to stream: a worker writes the file, then keeps it for
    REPORTS_EXPORT_TTL_HOURS in the "exports" storage (a private folder or bucket, never
    served as media), after which the periodic cleanup removes it.

    `filters` holds the filter form's raw values, so that the worker runs exactly the
    filter the user saw; `language` is the user's, for the headers.
    """

    report = models.CharField(_("report"), max_length=40)
    format = models.CharField(_("format"), max_length=4, choices=ExportFormat.choices)
    filters = models.JSONField(default=dict, blank=True)
    filter_summary = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=8)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=ExportState.choices,
                             default=ExportState.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=200, blank=True)
    download_name = models.CharField(max_length=200, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Moves with every progress update: a running job that stops moving was lost.
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="done") | (~Q(file_name="") & Q(expires_at__isnull=False)),
                name="export_job_done_has_file"),
            models.CheckConstraint(condition=Q(rows_done__lte=F("rows_total"))
                                   | Q(state__in=["done", "expired"]),
                                   name="export_job_progress_within_total"),
        ]
        indexes = [models.Index(fields=["business", "report", "created_at"]),
                   models.Index(fields=["state", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.report}.{self.format} ({self.state})"

    @property
    def percent(self) -> int:
        if self.state in (ExportState.DONE, ExportState.EXPIRED):
            return 100
        return min(99, self.rows_done * 100 // self.rows_total) if self.rows_total else 0

    @property
    def is_pending(self) -> bool:
        return self.state in (ExportState.QUEUED, ExportState.RUNNING)


class ExportAudit(TenantModel):
    """One finished export: who exported which report with which filter, when, how many
    rows. The user's email is copied so that the entry outlives the account."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                             related_name="+")
    user_email = models.EmailField(_("exported by"))
    report = models.CharField(_("report"), max_length=40)
    format = models.CharField(_("format"), max_length=4, choices=ExportFormat.choices)
    filter_summary = models.JSONField(default=dict, blank=True)
    row_count = models.PositiveIntegerField(_("rows"))
    background = models.BooleanField(default=False)
    job = models.ForeignKey(ExportJob, null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+")
    created_at = models.DateTimeField(_("exported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("export log entry")
        verbose_name_plural = _("export log")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["business", "created_at", "id"])]

    def __str__(self) -> str:
        return f"{self.user_email} {self.report}.{self.format} ({self.row_count})"


class CommissionRate(TenantModel):
    """The share of their sales a staff member earns, in percent.

    A rate without a service or product is the staff member's default; a rate naming a
    service or a product wins over it for the lines of that service or product.
    """

    staff_member = models.ForeignKey("booking.StaffMember", on_delete=models.CASCADE,
                                     related_name="commission_rates",
                                     verbose_name=_("staff member"))
    service = models.ForeignKey("booking.Service", null=True, blank=True,
                                on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("service"))
    product = models.ForeignKey("checkout.Product", null=True, blank=True,
                                on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("product"))
    rate = models.DecimalField(_("rate (%)"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("commission rate")
        verbose_name_plural = _("commission rates")
        ordering = ["staff_member", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(rate__gte=0) & Q(rate__lte=100),
                                   name="commission_rate_percent"),
            models.CheckConstraint(condition=Q(service__isnull=True) | Q(product__isnull=True),
                                   name="commission_rate_one_item"),
            models.UniqueConstraint(fields=["business", "staff_member"],
                                    condition=Q(service__isnull=True, product__isnull=True),
                                    name="commission_rate_one_default"),
            models.UniqueConstraint(fields=["business", "staff_member", "service"],
                                    condition=Q(service__isnull=False),
                                    name="commission_rate_one_per_service"),
            models.UniqueConstraint(fields=["business", "staff_member", "product"],
                                    condition=Q(product__isnull=False),
                                    name="commission_rate_one_per_product"),
        ]
