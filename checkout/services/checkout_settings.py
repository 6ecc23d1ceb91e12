"""The business's checkout settings: the tax rate proposed on service lines."""

from decimal import Decimal

from django.db import transaction

from checkout.models import CheckoutSettings
from checkout.services.checks import rate_error
from core.validation import refuse
from tenancy.models import Business


@transaction.atomic(durable=True)
def update_checkout_settings(*, business: Business, service_tax_rate: Decimal
                             ) -> CheckoutSettings:
    refuse({"service_tax_rate": rate_error(service_tax_rate)})
    settings, _created = CheckoutSettings.objects.update_or_create(
        business=business, defaults={"service_tax_rate": service_tax_rate})
    return settings


def service_tax_rate_for(business: Business) -> Decimal:
    settings = CheckoutSettings.objects.for_business(business).first()
    return settings.service_tax_rate if settings else CheckoutSettings().service_tax_rate
