from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from booking.models import Appointment, AppointmentState, ClassSession, Client, Service, StaffMember
from booking.selectors import availability
from booking.services import appointments as appointment_services
from booking.services import clients as client_services
from core.api import LocalDateTimeField, OptionalEmailField
from core.idempotency import idempotent
from core.tenancy import get_for_business_or_404
from core.viewsets import TenantModelViewSet
from tenancy import services as tenant_services
from tenancy.models import Business, Extension, Role, StaffMembership


class BusinessSerializer(serializers.ModelSerializer):
    extensions = serializers.ListField(source="enabled_extensions", read_only=True,
                                       child=serializers.CharField())

    class Meta:
        model = Business
        fields = ["id", "name", "slug", "time_zone", "currency", "language", "contact_email",
                  "cancellation_notice_hours", "minimum_notice_minutes", "booking_horizon_days",
                  "slot_step_minutes", "waitlist_hold_minutes", "history_retention_months",
                  "extensions"]
        read_only_fields = ["id", "slug"]


class BusinessView(APIView):
    """The business of the token."""

    @property
    def required_role(self):
        return Role.STAFF if self.request.method == "GET" else Role.MANAGER

    @extend_schema(responses=BusinessSerializer)
    def get(self, request):
        return Response(BusinessSerializer(request.auth.business).data)

    @extend_schema(request=BusinessSerializer, responses=BusinessSerializer)
    def patch(self, request):
        business = request.auth.business
        serializer = BusinessSerializer(business, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        business = tenant_services.update_business(business=business,
                                                   **serializer.validated_data)
        return Response(BusinessSerializer(business).data)


class ExtensionSwitchSerializer(serializers.Serializer):
    extension = serializers.ChoiceField(choices=Extension.choices)
    enabled = serializers.BooleanField()


class ExtensionSwitchResultSerializer(serializers.Serializer):
    extensions = serializers.ListField(child=serializers.CharField())
    also_enabled = serializers.ListField(child=serializers.CharField())


class ExtensionsView(APIView):
    """Switch a business extension on or off; the rules between extensions apply."""

    required_role = Role.MANAGER

    @extend_schema(request=ExtensionSwitchSerializer, responses=ExtensionSwitchResultSerializer)
    def post(self, request):
        serializer = ExtensionSwitchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        business, also_enabled = tenant_services.set_extension(
            business=request.auth.business, **serializer.validated_data)
        return Response({"extensions": business.enabled_extensions,
                         "also_enabled": [ext.value for ext in also_enabled]})


class ClientSerializer(serializers.ModelSerializer):
    email = OptionalEmailField(required=False, max_length=254)
    has_login = serializers.SerializerMethodField()

    class Meta:
        model = Client
        fields = ["id", "first_name", "last_name", "email", "phone", "notes",
                  "marketing_opt_in", "marketing_opt_in_at", "has_login", "created_at"]
        read_only_fields = ["id", "marketing_opt_in_at", "has_login", "created_at"]
        # The business's uniqueness is decided by the service and the database.
        validators = []

    def get_has_login(self, client: Client) -> bool:
        return client.user_id is not None


class ClientViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantModelViewSet):
    model = Client
    serializer_class = ClientSerializer
    lookup_url_kwarg = "client_pk"
    filterset_fields = ["email", "marketing_opt_in"]

    @idempotent
    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        client = client_services.create_client(business=self.business,
                                               **serializer.validated_data)
        return Response(self.get_serializer(client).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, client_pk=None):
        client = self.get_object()
        serializer = self.get_serializer(client, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        client = client_services.update_client(business=self.business, client=client,
                                               **serializer.validated_data)
        return Response(self.get_serializer(client).data)


class TeamMemberSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = StaffMembership
        fields = ["id", "email", "full_name", "role", "is_active"]


class TeamViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantModelViewSet):
    model = StaffMembership
    serializer_class = TeamMemberSerializer
    lookup_url_kwarg = "staff_membership_pk"

    def get_queryset(self):
        return super().get_queryset().select_related("user").order_by("pk")

    @extend_schema(responses=TeamMemberSerializer)
    @action(detail=False, methods=["get"])
    def me(self, request):
        """The staff member the token belongs to."""
        return Response(self.get_serializer(request.auth.membership).data)


def register(router) -> None:
    router.register("clients", ClientViewSet, basename="client")
    router.register("team", TeamViewSet, basename="team")
    router.register("appointments", AppointmentViewSet, basename="appointment")



class AvailabilityQuerySerializer(serializers.Serializer):
    service = serializers.IntegerField(min_value=1)
    staff_member = serializers.IntegerField(min_value=1, required=False)
    start = serializers.DateField(help_text="First local day (the business's time zone).")
    days = serializers.IntegerField(min_value=1, max_value=62, default=1)


class SlotSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    staff_member_ids = serializers.ListField(child=serializers.IntegerField())


class DaySlotsSerializer(serializers.Serializer):
    day = serializers.DateField()
    slots = SlotSerializer(many=True)


class AvailabilityView(APIView):
    """Free start times of a service per local day, with the staff members free at each."""

    @extend_schema(parameters=[AvailabilityQuerySerializer],
                   responses=DaySlotsSerializer(many=True))
    def get(self, request):
        query = AvailabilityQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        business = request.auth.business
        service = get_for_business_or_404(Service, business, pk=query.validated_data["service"],
                                          is_active=True)
        days = availability(business=business, service=service,
                            start_day=query.validated_data["start"],
                            days=query.validated_data["days"],
                            staff_member_id=query.validated_data.get("staff_member"),
                            not_before=timezone.now())
        return Response([{"day": day, "slots": [{"start": s.start,
                                                 "staff_member_ids": s.staff_member_ids}
                                                for s in slots]}
                         for day, slots in days.items()])


class AppointmentSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)

    class Meta:
        model = Appointment
        fields = ["id", "client", "staff_member", "service", "class_session", "series", "title",
                  "starts_at", "ends_at", "price", "state", "state_changed_at", "notes",
                  "created_at"]
        read_only_fields = fields


class AppointmentCreateSerializer(serializers.Serializer):
    client = serializers.IntegerField(min_value=1)
    service = serializers.IntegerField(min_value=1, required=False)
    class_session = serializers.IntegerField(min_value=1, required=False)
    staff_member = serializers.IntegerField(min_value=1, required=False,
                                            help_text="Omit for any free staff member.")
    start = LocalDateTimeField(required=False, help_text=(
        "Required with a service. ISO 8601; without an offset, the business's local time."))
    notes = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    def validate(self, data):
        if ("service" in data) == ("class_session" in data):
            raise serializers.ValidationError(_("Give either a service or a class session."))
        if "service" in data and "start" not in data:
            raise serializers.ValidationError({"start": _("A service booking needs a start.")})
        return data


class AppointmentStateSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=AppointmentState.choices)


class AppointmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantModelViewSet):
    """Appointments of the business; staff book any free time within working hours."""

    model = Appointment
    serializer_class = AppointmentSerializer
    lookup_url_kwarg = "appointment_pk"
    filterset_fields = ["client", "staff_member", "state", "service", "class_session"]

    def get_queryset(self):
        return super().get_queryset().select_related(
            "service", "class_session__class_type").order_by("pk")

    @extend_schema(request=AppointmentCreateSerializer, responses={201: AppointmentSerializer})
    @idempotent
    def create(self, request):
        data = AppointmentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        business = self.business
        client = get_for_business_or_404(Client, business, pk=values["client"])
        if "class_session" in values:
            appointment = appointment_services.book_class_seat(
                business=business, client=client, booked_by=request.user,
                class_session=get_for_business_or_404(ClassSession, business,
                                                      pk=values["class_session"]))
        else:
            staff_member = (get_for_business_or_404(StaffMember, business,
                                                    pk=values["staff_member"])
                            if "staff_member" in values else None)
            appointment = appointment_services.book_appointment(
                business=business, client=client, start=values["start"],
                service=get_for_business_or_404(Service, business, pk=values["service"]),
                staff_member=staff_member, booked_by=request.user, online=False,
                notes=values.get("notes", ""))
        return Response(AppointmentSerializer(appointment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AppointmentStateSerializer, responses=AppointmentSerializer)
    @action(detail=True, methods=["post"])
    def state(self, request, appointment_pk=None):
        """Mark completed, no-show or cancelled (staff may always cancel)."""
        data = AppointmentStateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        appointment = appointment_services.set_appointment_state(
            business=self.business, appointment=self.get_object(), by=request.user,
            state=data.validated_data["state"])
        return Response(AppointmentSerializer(appointment).data)

    @extend_schema(request=None, responses=AppointmentSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, appointment_pk=None):
        appointment = appointment_services.cancel_appointment(
            business=self.business, appointment=self.get_object(), by=request.user)
        return Response(AppointmentSerializer(appointment).data)
