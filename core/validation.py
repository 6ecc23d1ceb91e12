"""The checks every service starts with, raising the ValidationError that forms and the API show."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def refuse(errors: dict[str, str | None]) -> None:
    """Raise one ValidationError carrying every failed field, or nothing."""
    failed = {field: message for field, message in errors.items() if message}
    if failed:
        raise ValidationError(failed)


def check_same_business(business, *rows, field: str | None = None) -> None:
    """Refuse rows of another business; `None` rows are optional arguments left out."""
    if any(row is not None and row.business_id != business.pk for row in rows):
        message = _("This belongs to another business.")
        raise ValidationError({field: message} if field else message)
