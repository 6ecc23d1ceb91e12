"""API of loyalty: the program's settings, a client's balance and history, manual
adjustments (with `Idempotency-Key`, so that a retried request never adds points twice),
and the stamp card's reward tiers. The same services as the back office."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.views import APIView

from booking.codes import CodeKind
from booking.models import Client, Service
from core.api import BusinessRowField
from core.idempotency import idempotent
from core.tenancy import get_for_business_or_404
from core.viewsets import TenantModelViewSet
from loyalty import selectors
from loyalty.descriptions import SOURCE_ROWS, describe
from loyalty.discounts import AppliesTo
from loyalty.models import (
    MAX_POINTS,
    MAX_REWARD_VALIDITY_DAYS,
    EntryKind,
    PointsEntry,
    Program,
    RewardTier,
)
from loyalty.services import adjustments, stamp_card
from loyalty.services import program as program_services
from tenancy.models import Role


class ProgramSerializer(serializers.ModelSerializer):
    enabled = serializers.SerializerMethodField()

    class Meta:
        model = Program
        fields = ["enabled", "crediting_delay_hours", "members_earn", "expiry_months",
                  "expiry_notice_days", "points_per_booking", "spend_points", "spend_amount",
                  "spend_scope", "points_per_service_line", "points_per_product_unit",
                  "points_per_invoice"]

    def get_enabled(self, program) -> bool:
        return program.business.loyalty_enabled


class ProgramView(APIView):
    """The loyalty program: on/off is the Loyalty extension (see /extensions/)."""

    @property
    def required_role(self):
        return Role.STAFF if self.request.method == "GET" else Role.MANAGER

    @extend_schema(responses=ProgramSerializer)
    def get(self, request):
        return Response(ProgramSerializer(selectors.program_of(request.auth.business)).data)

    @extend_schema(request=ProgramSerializer, responses=ProgramSerializer)
    def patch(self, request):
        business = request.auth.business
        serializer = ProgramSerializer(selectors.program_of(business), data=request.data,
                                       partial=True)
        serializer.is_valid(raise_exception=True)
        program = program_services.update_program(business=business, **serializer.validated_data)
        return Response(ProgramSerializer(program).data)


class EntrySerializer(serializers.ModelSerializer):
    """An entry, its description worded in the request's language (Accept-Language) from
    its source, as the back office words it; `context["business"]` is the entry's."""

    created_by = serializers.SerializerMethodField()
    description = serializers.SerializerMethodField()

    class Meta:
        model = PointsEntry
        fields = ["id", "client", "kind", "points", "balance_after", "appointment", "invoice",
                  "refund", "gift_card", "unlocked_by", "round_number", "reverses",
                  "description", "note", "created_by", "created_at", "expires_at"]
        read_only_fields = fields

    def get_created_by(self, entry) -> str | None:
        return entry.created_by.email if entry.created_by_id else None

    def get_description(self, entry) -> str:
        return describe(entry, self.context["business"])


class PendingSerializer(serializers.Serializer):
    appointment = serializers.IntegerField(source="appointment.pk")
    points = serializers.IntegerField()
    credit_at = serializers.DateTimeField()


class ExpirySerializer(serializers.Serializer):
    expires_at = serializers.DateTimeField()
    points = serializers.IntegerField()


class BalanceSerializer(serializers.Serializer):
    client = serializers.IntegerField()
    enabled = serializers.BooleanField()
    balance = serializers.IntegerField()
    pending_points = serializers.IntegerField()
    pending = PendingSerializer(many=True)
    expiries = ExpirySerializer(many=True)


class AdjustmentSerializer(serializers.Serializer):
    client = serializers.IntegerField()
    points = serializers.IntegerField(min_value=-MAX_POINTS, max_value=MAX_POINTS)
    description = serializers.CharField(max_length=200)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate_points(self, points):
        if points == 0:
            raise serializers.ValidationError("Enter a number of points other than 0.")
        return points


class PointsClientViewSet(TenantModelViewSet):
    """A client's points: balance (with pending points and expiries) and history."""

    model = Client
    lookup_url_kwarg = "client_pk"
    serializer_class = BalanceSerializer

    @extend_schema(responses=BalanceSerializer)
    def retrieve(self, request, client_pk=None):
        client = self.get_object()
        summary = selectors.summary(business=self.business, client=client)
        return Response(BalanceSerializer({
            "client": client.pk, "enabled": summary.enabled, "balance": summary.balance,
            "pending_points": summary.pending_points, "pending": summary.pending,
            "expiries": summary.expiries}).data)

    @extend_schema(responses=EntrySerializer(many=True))
    @action(detail=True, methods=["get"])
    def entries(self, request, client_pk=None):
        client = self.get_object()
        queryset = (PointsEntry.objects.for_business(self.business).filter(client=client)
                    .select_related("created_by", *SOURCE_ROWS))
        page = self.paginate_queryset(queryset.order_by("-pk"))
        return self.get_paginated_response(
            EntrySerializer(page, many=True, context=self.get_serializer_context()).data)


class AdjustmentViewSet(mixins.ListModelMixin, TenantModelViewSet):
    """Manual adjustments: list them, post one (owners and managers), undo one."""

    model = PointsEntry
    serializer_class = EntrySerializer
    lookup_url_kwarg = "points_entry_pk"

    @property
    def required_role(self):
        return Role.MANAGER if self.request.method == "POST" else Role.STAFF

    def get_queryset(self):
        return (super().get_queryset().filter(kind=EntryKind.ADJUST)
                .select_related("created_by", *SOURCE_ROWS).order_by("-pk"))

    @extend_schema(request=AdjustmentSerializer, responses={201: EntrySerializer})
    @idempotent
    def create(self, request):
        data = AdjustmentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        client = get_for_business_or_404(Client, self.business, pk=values.pop("client"))
        entry = adjustments.adjust_points(business=self.business, client=client, by=request.user,
                                          **values)
        return Response(self.get_serializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={201: EntrySerializer})
    @action(detail=True, methods=["post"])
    @idempotent
    def undo(self, request, points_entry_pk=None):
        entry = self.get_object()
        reversal = adjustments.undo_adjustment(business=self.business, entry=entry,
                                               by=request.user)
        return Response(self.get_serializer(reversal).data, status=status.HTTP_201_CREATED)


class RewardTierSerializer(serializers.ModelSerializer):
    value = serializers.DecimalField(max_digits=12, decimal_places=2, default=0)
    discount_kind = serializers.ChoiceField(choices=CodeKind.choices)
    applies_to = serializers.ChoiceField(choices=AppliesTo.choices, default=AppliesTo.BOOKINGS)
    service = BusinessRowField(Service, _("No service with this id in your business."),
                               required=False, allow_null=True)
    threshold = serializers.IntegerField(min_value=1, max_value=MAX_POINTS,
                                         help_text="Points that unlock the reward.")
    validity_days = serializers.IntegerField(min_value=1, max_value=MAX_REWARD_VALIDITY_DAYS,
                                             default=90)

    class Meta:
        model = RewardTier
        fields = ["id", "name", "threshold", "discount_kind", "value", "service", "applies_to",
                  "validity_days", "earns_points", "resets_card", "is_active"]
        read_only_fields = ["id"]
        validators = []


class RewardTierViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantModelViewSet):
    """Stamp-card tiers: crossing `threshold` points upward unlocks a single-use code for
    the client and emails it. Adding or lowering a tier rewards nobody already above it."""

    model = RewardTier
    serializer_class = RewardTierSerializer
    lookup_url_kwarg = "reward_tier_pk"
    filterset_fields = ["is_active"]

    @property
    def required_role(self):
        """Every role reads; owners and managers write."""
        return Role.STAFF if self.request.method in SAFE_METHODS else Role.MANAGER

    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tier = stamp_card.create_tier(business=self.business, **serializer.validated_data)
        return Response(self.get_serializer(tier).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, reward_tier_pk=None):
        tier = self.get_object()
        serializer = self.get_serializer(tier, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        tier = stamp_card.update_tier(business=self.business, tier=tier,
                                      **serializer.validated_data)
        return Response(self.get_serializer(tier).data)


def register(router) -> None:
    router.register("loyalty/clients", PointsClientViewSet, basename="loyalty-client")
    router.register("loyalty/adjustments", AdjustmentViewSet, basename="loyalty-adjustment")
    router.register("reward-tiers", RewardTierViewSet, basename="reward-tier")
