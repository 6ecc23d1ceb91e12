"""API authentication: a token belongs to one staff membership, hence one business."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from tenancy.models import Role
from tenancy.services import find_active_token, touch_api_token


class StaffTokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        token = find_active_token(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        touch_api_token(token=token)
        # The token's business is the request's: its datetimes are read and answered in
        # that business's zone (DRF's DateTimeField uses the active one), a datetime
        # without an offset being a wall-clock time there. The middleware resets it.
        timezone.activate(token.business.zone)
        return token.membership.user, token


class IsBusinessStaff(permissions.BasePermission):
    """Any active member; views that change settings set `required_role`."""

    message = _("Your role does not allow this.")

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if token is None or not hasattr(token, "membership"):
            return False
        return token.membership.has_role(getattr(view, "required_role", Role.STAFF))


class StaffTokenScheme(OpenApiAuthenticationExtension):
    target_class = "tenancy.api_auth.StaffTokenAuthentication"
    name = "StaffToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": _("`Token <key>`: create keys under Settings -> API tokens."),
        }
