"""API conventions shared by every app: one error shape, cursor pagination."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, pagination, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def error_response(code: str, message: str, http_status: int, fields: dict | None = None,
                   headers: dict | None = None) -> Response:
    body = {"error": {"code": code, "message": message, "fields": fields or {}}}
    return Response(body, status=http_status, headers=headers)


def _field_errors(detail) -> tuple[str, dict]:
    """Flatten DRF's nested detail into ("first message", {field: [messages]})."""
    if isinstance(detail, dict):
        fields = {}
        for name, errors in detail.items():
            messages = errors if isinstance(errors, list) else [errors]
            fields[name] = [str(m) if not isinstance(m, dict | list) else m for m in messages]
        non_field = fields.pop("non_field_errors", None)
        first = (non_field or next(iter(fields.values()), [_("Invalid input.")]))[0]
        if non_field:
            fields["__all__"] = non_field
        return str(first), fields
    if isinstance(detail, list):
        return (str(detail[0]) if detail else _("Invalid input.")), {}
    return str(detail), {}


def exception_handler(exc, context):
    """Every API error answers {"error": {"code", "message", "fields"}}."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = exceptions.ValidationError(exc.message_dict)
        else:
            exc = exceptions.ValidationError({"non_field_errors": exc.messages})
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        message, fields = _field_errors(exc.detail)
        code = "invalid"
    else:
        message, fields = _field_errors(exc.detail)
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else "error"
    response.data = {"error": {"code": code, "message": message, "fields": fields}}
    return response


class CursorPagination(pagination.CursorPagination):
    ordering = "-pk"
    page_size_query_param = "page_size"
    max_page_size = 200


def api_not_found(request, *args, **kwargs):
    """Unknown paths under /api/ answer JSON, not the HTML 404 page."""
    from django.http import JsonResponse

    return JsonResponse(
        {"error": {"code": "not_found", "message": _("Not found."), "fields": {}}},
        status=status.HTTP_404_NOT_FOUND,
    )


@extend_schema_field({"anyOf": [{"type": "string", "format": "email"},
                                {"type": "string", "maxLength": 0}]})
class OptionalEmailField(serializers.EmailField):
    """An email address or nothing: OpenAPI's "email" format alone would call "" invalid."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)


class LocalDateTimeField(serializers.DateTimeField):
    """An ISO 8601 datetime with a UTC offset, or without one as a wall-clock time of the
    token's business (its zone is the request's, see tenancy/api_auth.py).

    A wall-clock time that a clock change skips or repeats is no single instant: it is
    refused rather than guessed. (DRF's own check lets both through: under PEP 495 such
    a time never equals its UTC value, so it counts as neither real nor ambiguous.)
    """

    default_error_messages = {
        "not_one_instant": gettext_lazy(
            "In {zone} this local time is skipped or repeated by a clock change: "
            "send it with its UTC offset (such as +02:00)."),
    }

    def enforce_timezone(self, value):
        if timezone.is_naive(value):
            zone = self.default_timezone()
            local = value.replace(tzinfo=zone)
            if local.utcoffset() != local.replace(fold=1).utcoffset():
                self.fail("not_one_instant", zone=str(zone))
        return super().enforce_timezone(value)


@extend_schema_field(OpenApiTypes.INT)
class BusinessRowField(serializers.PrimaryKeyRelatedField):
    """The id of a row of the token's business: another business's id "does not exist"."""

    def __init__(self, model, not_found=None, **kwargs):
        self.model = model
        super().__init__(**kwargs)
        if not_found is not None:
            self.error_messages["does_not_exist"] = not_found

    def get_queryset(self):
        return self.model.objects.for_business(self.context["view"].business)
