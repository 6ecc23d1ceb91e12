"""API of giftcards: gift card offers, gift cards (issue, balance, redeem, refund,
deactivate) and coupons. The same services as the back office.

POSTs that move value (issuing a card, redeeming, refunding) accept
`Idempotency-Key`, so that a client retrying after a lost answer never spends or
issues twice. A card is found by its code as people type it, and another business's
code is "not found" like an unknown one.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from booking.codes import CodeKind
from booking.models import Client, Service
from core.api import BusinessRowField, OptionalEmailField
from core.idempotency import idempotent
from core.tenancy import get_for_business_or_404
from core.viewsets import TenantModelViewSet
from giftcards import selectors
from giftcards.models import (
    MAX_POINTS_PRICE,
    MAX_VALIDITY_DAYS,
    AppliesTo,
    Coupon,
    GiftCard,
    GiftCardOffer,
    GiftCardTransaction,
    TransactionKind,
)
from giftcards.services import cards as card_services
from giftcards.services import coupons as coupon_services
from giftcards.services import offers as offer_services
from giftcards.services import reward_codes
from loyalty.models import MAX_REWARD_VALIDITY_DAYS, RewardTier
from tenancy.models import Role


def _money(**kwargs):
    return serializers.DecimalField(max_digits=12, decimal_places=2, **kwargs)


class ManagerWrites:
    """Every role reads; owners and managers write."""

    @property
    def required_role(self):
        return Role.STAFF if self.request.method in SAFE_METHODS else Role.MANAGER


# Offers ------------------------------------------------------------------------------------

class OfferSerializer(serializers.ModelSerializer):
    value = _money()
    price = _money()
    validity_days = serializers.IntegerField(default=365)
    points_price = serializers.IntegerField(required=False, allow_null=True)

    class Meta:
        model = GiftCardOffer
        fields = ["id", "name", "value", "price", "validity_days", "is_active",
                  "points_enabled", "points_price"]
        read_only_fields = ["id"]


class OfferViewSet(ManagerWrites, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                   TenantModelViewSet):
    """Gift card offers: sold for money on the booking site, and for points when
    `points_enabled` (their Loyalty tab)."""

    model = GiftCardOffer
    serializer_class = OfferSerializer
    lookup_url_kwarg = "gift_card_offer_pk"
    filterset_fields = ["is_active", "points_enabled"]

    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        offer = offer_services.create_offer(business=self.business, **serializer.validated_data)
        return Response(self.get_serializer(offer).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, gift_card_offer_pk=None):
        offer = self.get_object()
        serializer = self.get_serializer(offer, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        offer = offer_services.update_offer(business=self.business, offer=offer,
                                            **serializer.validated_data)
        return Response(self.get_serializer(offer).data)


# Gift cards --------------------------------------------------------------------------------

class GiftCardSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="display_code", read_only=True)
    recipient_email = OptionalEmailField(read_only=True)

    class Meta:
        model = GiftCard
        fields = ["id", "code", "origin", "offer", "value", "balance", "expires_at",
                  "is_active", "purchaser", "recipient_name", "recipient_email", "message",
                  "points_price", "created_at"]
        read_only_fields = fields


class TransactionSerializer(serializers.ModelSerializer):
    gift_card = serializers.IntegerField(source="card_id", read_only=True)

    class Meta:
        model = GiftCardTransaction
        fields = ["id", "gift_card", "kind", "amount", "balance_after", "appointment",
                  "payment", "checkout_refund", "refunds", "note", "created_at"]
        read_only_fields = fields


class IssueSerializer(serializers.Serializer):
    value = _money()
    validity_days = serializers.IntegerField(min_value=1, max_value=MAX_VALIDITY_DAYS,
                                             default=365)
    offer = BusinessRowField(GiftCardOffer, _("No gift card offer with this id in your "
                                              "business."), required=False, allow_null=True)
    purchaser = BusinessRowField(Client, _("No client with this id in your business."),
                                 required=False, allow_null=True,
                                 help_text="Emailed the card (or its recipient is).")
    recipient_name = serializers.CharField(required=False, allow_blank=True, max_length=120)
    recipient_email = OptionalEmailField(required=False)
    message = serializers.CharField(required=False, allow_blank=True, max_length=500)


class CodeSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=64,
                                 help_text="As typed: any case, with or without dashes.")


class RedeemSerializer(CodeSerializer):
    amount = _money()
    note = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class RefundSerializer(serializers.Serializer):
    redemption = serializers.IntegerField(help_text="The id of the `redeem` transaction.")
    amount = _money(required=False, help_text="Omit to give back all that is left.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class GiftCardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantModelViewSet):
    """Gift cards: issue, look up a balance by code, redeem, refund a redemption,
    deactivate. Every role looks up and redeems (the desk); managers issue,
    refund and deactivate."""

    model = GiftCard
    serializer_class = GiftCardSerializer
    lookup_url_kwarg = "gift_card_pk"
    filterset_fields = ["is_active", "purchaser", "origin"]

    @property
    def required_role(self):
        if self.request.method in SAFE_METHODS or self.action in ("balance", "redeem"):
            return Role.STAFF
        return Role.MANAGER

    @extend_schema(request=IssueSerializer, responses={201: GiftCardSerializer})
    @idempotent
    def create(self, request):
        """Issue a card (a present, a compensation); its purchaser, if any, is emailed."""
        data = IssueSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        card = card_services.issue_gift_card(business=self.business, by=request.user,
                                             **data.validated_data)
        return Response(GiftCardSerializer(card).data, status=status.HTTP_201_CREATED)

    def _by_code(self, request, serializer_class):
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        card = selectors.card_for_code(business=self.business, code=data.validated_data["code"])
        if card is None:
            raise card_services.unknown_card_error()
        return card, data.validated_data

    @extend_schema(request=CodeSerializer, responses=GiftCardSerializer)
    @action(detail=False, methods=["post"])
    def balance(self, request):
        """A card's balance, found by its code (sent in the body, never in the URL)."""
        card, _values = self._by_code(request, CodeSerializer)
        return Response(GiftCardSerializer(card).data)

    @extend_schema(request=RedeemSerializer, responses={201: TransactionSerializer})
    @action(detail=False, methods=["post"])
    @idempotent
    def redeem(self, request):
        """Spend `amount` of the card with `code`: refused beyond its balance, after its
        expiry, or when it is deactivated."""
        card, values = self._by_code(request, RedeemSerializer)
        spent = card_services.redeem_gift_card(business=self.business, code=card.code,
                                               amount=values["amount"], note=values["note"],
                                               by=request.user)
        return Response(TransactionSerializer(spent).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RefundSerializer, responses={201: TransactionSerializer})
    @action(detail=True, methods=["post"])
    @idempotent
    def refund(self, request, gift_card_pk=None):
        """Give back (part of) a redemption of this card."""
        card = self.get_object()
        data = RefundSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        redemption = get_for_business_or_404(
            GiftCardTransaction, self.business, pk=data.validated_data["redemption"],
            card=card, kind=TransactionKind.REDEEM)
        given = card_services.refund_redemption(
            business=self.business, redemption=redemption,
            amount=data.validated_data.get("amount"), note=data.validated_data["note"],
            by=request.user)
        return Response(TransactionSerializer(given).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=TransactionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def transactions(self, request, gift_card_pk=None):
        card = self.get_object()
        rows = selectors.transactions(business=self.business, card=card)
        return Response(TransactionSerializer(rows, many=True).data)

    @extend_schema(request=None, responses=GiftCardSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request, gift_card_pk=None):
        card = card_services.set_gift_card_active(business=self.business, card=self.get_object(),
                                                  active=False)
        return Response(GiftCardSerializer(card).data)

    @extend_schema(request=None, responses=GiftCardSerializer)
    @action(detail=True, methods=["post"])
    def reactivate(self, request, gift_card_pk=None):
        card = card_services.set_gift_card_active(business=self.business, card=self.get_object(),
                                                  active=True)
        return Response(GiftCardSerializer(card).data)


# Coupons -----------------------------------------------------------------------------------

class CouponSerializer(serializers.ModelSerializer):
    code = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=120, required=False, allow_blank=True,
                                 help_text="Shown to the client; the code if left empty.")
    value = _money(default=0)
    discount_kind = serializers.ChoiceField(choices=CodeKind.choices)
    applies_to = serializers.ChoiceField(choices=AppliesTo.choices, default=AppliesTo.BOOKINGS)
    service = BusinessRowField(Service, _("No service with this id in your business."),
                               required=False, allow_null=True)
    client = BusinessRowField(Client, _("No client with this id in your business."),
                              required=False, allow_null=True)
    max_uses = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                        max_value=MAX_POINTS_PRICE)
    max_uses_per_client = serializers.IntegerField(required=False, allow_null=True,
                                                   min_value=1, max_value=MAX_POINTS_PRICE)
    is_loyalty = serializers.BooleanField(read_only=True)

    class Meta:
        model = Coupon
        fields = ["id", "code", "name", "origin", "is_loyalty", "discount_kind", "value",
                  "service", "applies_to", "valid_from", "valid_until", "max_uses",
                  "max_uses_per_client", "uses_count", "client", "earns_points",
                  "is_active"]
        read_only_fields = ["id", "origin", "uses_count"]
        validators = []


class CouponViewSet(ManagerWrites, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                    TenantModelViewSet):
    """Coupons (discount codes), loyalty reward codes among them (`is_loyalty`)."""

    model = Coupon
    serializer_class = CouponSerializer
    lookup_url_kwarg = "coupon_pk"
    filterset_fields = ["is_active", "origin", "client"]

    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        coupon = coupon_services.create_coupon(business=self.business, by=request.user,
                                               **serializer.validated_data)
        return Response(self.get_serializer(coupon).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, coupon_pk=None):
        coupon = self.get_object()
        serializer = self.get_serializer(coupon, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        coupon = coupon_services.update_coupon(business=self.business, coupon=coupon,
                                               **serializer.validated_data)
        return Response(self.get_serializer(coupon).data)


# Rewards given by staff (the stamp card's tiers are loyalty's API) -------------------------

class GiveRewardSerializer(serializers.Serializer):
    client = BusinessRowField(Client, _("No client with this id in your business."))
    tier = BusinessRowField(RewardTier, _("No reward with this id in your business."),
                            required=False, allow_null=True,
                            help_text="An existing reward; omit it to describe a new one.")
    name = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    discount_kind = serializers.ChoiceField(choices=CodeKind.choices, required=False,
                                            allow_blank=True, default="")
    value = _money(default=0)
    service = BusinessRowField(Service, _("No service with this id in your business."),
                               required=False, allow_null=True)
    applies_to = serializers.ChoiceField(choices=AppliesTo.choices, default=AppliesTo.BOOKINGS)
    validity_days = serializers.IntegerField(min_value=1, max_value=MAX_REWARD_VALIDITY_DAYS,
                                             default=90)
    earns_points = serializers.BooleanField(default=False)


class RewardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantModelViewSet):
    """Loyalty reward codes (unlocked or given by staff). POST gives a client a reward:
    no points are taken and no email is sent."""

    model = Coupon
    serializer_class = CouponSerializer
    lookup_url_kwarg = "coupon_pk"
    filterset_fields = ["is_active", "origin", "client"]

    @property
    def required_role(self):
        return Role.STAFF if self.request.method in SAFE_METHODS else Role.MANAGER

    def get_queryset(self):
        return super().get_queryset().loyalty()

    @extend_schema(request=GiveRewardSerializer, responses={201: CouponSerializer})
    @idempotent
    def create(self, request):
        data = GiveRewardSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        client, tier = values.pop("client"), values.pop("tier", None)
        if tier is not None:
            values = {}
        code = reward_codes.give_reward(business=self.business, client=client, tier=tier,
                                        by=request.user, **values)
        return Response(CouponSerializer(code).data, status=status.HTTP_201_CREATED)


def register(router) -> None:
    router.register("gift-card-offers", OfferViewSet, basename="gift-card-offer")
    router.register("gift-cards", GiftCardViewSet, basename="gift-card")
    router.register("coupons", CouponViewSet, basename="coupon")
    router.register("rewards", RewardViewSet, basename="reward")
