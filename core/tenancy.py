"""Tenant scoping shared by every app: a tenant row always knows its business."""

from django.db import models
from django.http import Http404


class TenantQuerySet(models.QuerySet):
    def for_business(self, business) -> "TenantQuerySet":
        return self.filter(business=business)


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):
    pass


class TenantModel(models.Model):
    """Base of every tenant table: a non-null business key on the row itself.

    The key is repeated on child rows so that no lookup needs a join to know its
    tenant, and so that the schema can later be distributed by business.
    """

    business = models.ForeignKey("tenancy.Business", on_delete=models.CASCADE, related_name="+")

    objects = TenantManager()

    class Meta:
        abstract = True


def get_for_business_or_404(model: type[TenantModel], business, **lookup):
    """Fetch one row of `business`; another business's row is "not found", exactly."""
    try:
        return model.objects.for_business(business).get(**lookup)
    except (model.DoesNotExist, ValueError, TypeError) as missing:
        raise Http404(model._meta.verbose_name) from missing
