"""API of the catalog: staff members, services, classes and their sessions, membership
plans and the memberships clients hold. Writes call the back office's services.

Datetimes go in and out in the business's time zone: a `starts_at` without an offset
is salon time, as in the back office.
"""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from booking import catalog_selectors
from booking.models import (
    ClassSession,
    ClassType,
    Client,
    ClientMembership,
    MembershipPlan,
    Service,
    StaffMember,
)
from booking.services import catalog as catalog_services
from booking.services import memberships as membership_services
from core.api import BusinessRowField, CursorPagination, LocalDateTimeField
from core.idempotency import idempotent
from core.viewsets import TenantModelViewSet
from tenancy.models import Role


class ByPosition(CursorPagination):
    ordering = ("position", "pk")


class ByStart(CursorPagination):
    ordering = ("starts_at", "pk")


class CatalogViewSet(TenantModelViewSet):
    """Reads for every role, writes for owners and managers, in the business's time zone."""

    @property
    def required_role(self):
        return Role.STAFF if self.request.method in SAFE_METHODS else Role.MANAGER

    def _respond(self, row, http_status=status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(row).data, status=http_status)


class UpdateThroughService:
    """PUT and PATCH validated by the serializer, written by the viewset's
    `update_row(row, values)`, which calls the service."""

    def update(self, request, *args, partial=False, **kwargs):
        row = self.get_object()
        serializer = self.get_serializer(row, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return self._respond(self.update_row(row, serializer.validated_data))

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)


# Staff members ----------------------------------------------------------------------------

class StaffMemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = StaffMember
        fields = ["id", "name", "color", "is_active", "position", "membership"]
        read_only_fields = fields


class StaffMemberViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CatalogViewSet):
    """The people clients book, in calendar order (read only here)."""

    model = StaffMember
    serializer_class = StaffMemberSerializer
    lookup_url_kwarg = "staff_member_pk"
    pagination_class = ByPosition
    filterset_fields = ["is_active"]


# Services ---------------------------------------------------------------------------------

class ServiceSerializer(serializers.ModelSerializer):
    # Declared plainly so that the service's messages, not generic ones, explain refusals.
    duration_minutes = serializers.IntegerField()
    price = serializers.DecimalField(max_digits=12, decimal_places=2)
    buffer_before_minutes = serializers.IntegerField(default=0)
    buffer_after_minutes = serializers.IntegerField(default=0)
    staff = BusinessRowField(StaffMember, many=True, required=False,
                                    help_text="Ids of the staff members who perform it.")

    class Meta:
        model = Service
        fields = ["id", "name", "description", "duration_minutes", "price",
                  "buffer_before_minutes", "buffer_after_minutes", "staff", "is_active",
                  "position"]
        read_only_fields = ["id", "position"]
        validators = []


class ReorderSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), allow_empty=False,
                                help_text="Ids in their new order; the others follow.")


class ServiceViewSet(UpdateThroughService, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                     CatalogViewSet):
    model = Service
    serializer_class = ServiceSerializer
    lookup_url_kwarg = "service_pk"
    pagination_class = ByPosition
    filterset_fields = ["is_active"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return super().get_queryset()
        return catalog_selectors.services(business=self.business)

    @idempotent
    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        service = catalog_services.create_service(business=self.business,
                                                  **serializer.validated_data)
        return self._respond(service, status.HTTP_201_CREATED)

    def update_row(self, row, values):
        return catalog_services.update_service(business=self.business, service=row, **values)

    @extend_schema(request=ReorderSerializer, responses=ServiceSerializer(many=True))
    @action(detail=False, methods=["post"])
    def reorder(self, request):
        """Put services in the order clients see them."""
        serializer = ReorderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        catalog_services.reorder_services(business=self.business,
                                          service_ids=serializer.validated_data["ids"])
        return Response(self.get_serializer(self.get_queryset(), many=True).data)


# Classes ----------------------------------------------------------------------------------

class ClassTypeSerializer(serializers.ModelSerializer):
    duration_minutes = serializers.IntegerField()
    price = serializers.DecimalField(max_digits=12, decimal_places=2)
    capacity = serializers.IntegerField(help_text="Seats in each session, unless it says.")

    class Meta:
        model = ClassType
        fields = ["id", "name", "description", "duration_minutes", "price", "capacity",
                  "is_active", "position"]
        read_only_fields = ["id", "position"]
        validators = []


class ClassTypeViewSet(UpdateThroughService, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       CatalogViewSet):
    model = ClassType
    serializer_class = ClassTypeSerializer
    lookup_url_kwarg = "class_type_pk"
    pagination_class = ByPosition
    filterset_fields = ["is_active"]

    @idempotent
    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        class_type = catalog_services.create_class_type(business=self.business,
                                                        **serializer.validated_data)
        return self._respond(class_type, status.HTTP_201_CREATED)

    def update_row(self, row, values):
        return catalog_services.update_class_type(business=self.business, class_type=row,
                                                  **values)


class ClassSessionSerializer(serializers.ModelSerializer):
    class_type = BusinessRowField(ClassType)
    staff_member = BusinessRowField(StaffMember)
    starts_at = LocalDateTimeField(
        help_text="ISO 8601; without an offset, the business's local time.")
    capacity = serializers.IntegerField(required=False, allow_null=True,
                                        help_text="Empty: the class's number of seats.")
    seats_taken = serializers.IntegerField(read_only=True)

    class Meta:
        model = ClassSession
        fields = ["id", "class_type", "staff_member", "starts_at", "ends_at", "capacity",
                  "seats_taken", "is_cancelled"]
        read_only_fields = ["id", "ends_at", "seats_taken", "is_cancelled"]


class ClassSessionQuerySerializer(serializers.Serializer):
    first_day = serializers.DateField(required=False,
                                      help_text="First local day (the business's time zone).")
    last_day = serializers.DateField(required=False, help_text="Last local day, included.")
    class_type = serializers.IntegerField(required=False, min_value=1)


class ClassSessionViewSet(mixins.RetrieveModelMixin, CatalogViewSet):
    model = ClassSession
    serializer_class = ClassSessionSerializer
    lookup_url_kwarg = "class_session_pk"
    pagination_class = ByStart

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return super().get_queryset()
        return catalog_selectors.class_sessions(business=self.business)

    @extend_schema(parameters=[ClassSessionQuerySerializer])
    def list(self, request):
        """Sessions by start time, optionally between two local days and of one class."""
        query = ClassSessionQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        sessions = catalog_selectors.class_sessions(
            business=self.business, first_day=query.validated_data.get("first_day"),
            last_day=query.validated_data.get("last_day"),
            class_type_id=query.validated_data.get("class_type"))
        page = self.paginate_queryset(sessions)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @idempotent
    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = catalog_services.create_class_session(business=self.business,
                                                        **serializer.validated_data)
        return self._respond(self.get_queryset().get(pk=session.pk), status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ClassSessionSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, class_session_pk=None):
        """Cancel a session that has not started; cancelling twice changes nothing."""
        session = catalog_services.cancel_class_session(business=self.business,
                                                        class_session=self.get_object())
        return self._respond(self.get_queryset().get(pk=session.pk))


# Memberships ------------------------------------------------------------------------------

class MembershipPlanSerializer(serializers.ModelSerializer):
    price = serializers.DecimalField(max_digits=12, decimal_places=2)
    validity_days = serializers.IntegerField()

    class Meta:
        model = MembershipPlan
        fields = ["id", "name", "price", "validity_days", "is_active"]
        read_only_fields = ["id"]
        validators = []


class MembershipPlanViewSet(UpdateThroughService, mixins.ListModelMixin,
                            mixins.RetrieveModelMixin, CatalogViewSet):
    model = MembershipPlan
    serializer_class = MembershipPlanSerializer
    lookup_url_kwarg = "membership_plan_pk"
    filterset_fields = ["is_active"]

    @idempotent
    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = membership_services.create_membership_plan(business=self.business,
                                                          **serializer.validated_data)
        return self._respond(plan, status.HTTP_201_CREATED)

    def update_row(self, row, values):
        return membership_services.update_membership_plan(business=self.business, plan=row,
                                                          **values)


class ClientMembershipSerializer(serializers.ModelSerializer):
    client = BusinessRowField(Client)
    plan = BusinessRowField(MembershipPlan)

    class Meta:
        model = ClientMembership
        fields = ["id", "client", "plan", "starts_on", "ends_on", "cancelled_at"]
        read_only_fields = ["id", "ends_on", "cancelled_at"]


class ClientMembershipFilter(django_filters.FilterSet):
    # By id, so that an id of another business filters to nothing rather than to an error.
    client = django_filters.NumberFilter(field_name="client_id")
    active_on = django_filters.DateFilter(method="filter_active_on",
                                          label="Held on this local date")

    class Meta:
        model = ClientMembership
        fields = ["client", "active_on"]

    def filter_active_on(self, queryset, name, value):
        return queryset.active_on(value)


class ClientMembershipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                              CatalogViewSet):
    """Plans clients hold. Every role sells one; owners and managers cancel."""

    model = ClientMembership
    serializer_class = ClientMembershipSerializer
    lookup_url_kwarg = "client_membership_pk"
    filterset_class = ClientMembershipFilter

    @property
    def required_role(self):
        return Role.MANAGER if self.action == "cancel" else Role.STAFF

    @idempotent
    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = membership_services.assign_membership(business=self.business,
                                                           **serializer.validated_data)
        return self._respond(membership, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ClientMembershipSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, client_membership_pk=None):
        membership = membership_services.cancel_membership(business=self.business,
                                                           membership=self.get_object())
        return self._respond(membership)


def register(router) -> None:
    router.register("staff-members", StaffMemberViewSet, basename="staff-member")
    router.register("services", ServiceViewSet, basename="service")
    router.register("class-types", ClassTypeViewSet, basename="class-type")
    router.register("class-sessions", ClassSessionViewSet, basename="class-session")
    router.register("membership-plans", MembershipPlanViewSet, basename="membership-plan")
    router.register("client-memberships", ClientMembershipViewSet, basename="client-membership")
