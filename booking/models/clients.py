from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from core.tenancy import TenantModel, TenantQuerySet


class ClientQuerySet(TenantQuerySet):
    def search(self, text: str) -> "ClientQuerySet":
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(first_name__icontains=text) | Q(last_name__icontains=text)
            | Q(email__icontains=text) | Q(phone__icontains=text)
        )


class Client(TenantModel):
    """A client of one business. The same person at two businesses is two clients.

    `user` is set when the client has a login on the booking site; walk-ins have none.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="clients")
    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    notes = models.TextField(_("staff notes"), blank=True)
    marketing_opt_in = models.BooleanField(_("accepts marketing messages"), default=False)
    marketing_opt_in_at = models.DateTimeField(_("marketing consent given at"), null=True,
                                               blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = models.Manager.from_queryset(ClientQuerySet)()

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["business", "user"], condition=Q(user__isnull=False),
                                    name="client_unique_user"),
            models.UniqueConstraint("business", Lower("email"), condition=~Q(email=""),
                                    name="client_unique_email_ci"),
            models.CheckConstraint(
                condition=Q(marketing_opt_in=False) | Q(marketing_opt_in_at__isnull=False),
                name="client_consent_has_time",
            ),
        ]
        indexes = [models.Index(fields=["business", "last_name", "first_name"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
