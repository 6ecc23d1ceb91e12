from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User


def email_taken(email: str) -> bool:
    return User.objects.filter(email__iexact=email.strip()).exists()


@transaction.atomic(savepoint=False)
def register_user(*, email: str, password: str, full_name: str = "", language: str = "") -> User:
    email = User.objects.normalize_email(email.strip()).lower()
    if email_taken(email):
        raise ValidationError({"email": _("An account with this email address already exists.")})
    candidate = User(email=email, full_name=full_name.strip(), language=language)
    try:
        validate_password(password, user=candidate)
    except ValidationError as weak:
        raise ValidationError({"password": weak.messages}) from weak
    candidate.set_password(password)
    candidate.save()
    return candidate


@transaction.atomic
def update_preferences(*, user: User, full_name: str, language: str) -> User:
    user.full_name = full_name.strip()
    user.language = language
    user.save(update_fields=["full_name", "language"])
    return user
