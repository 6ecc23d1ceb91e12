"""factory_boy factories, one per model; `FACTORIES` maps each tenant model to its factory.

tests/test_architecture.py fails when a tenant model has no factory here, and the
cross-tenant walk builds another business's rows of every model from this map.
"""

import secrets
from datetime import time, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import User
from booking.models import (
    Appointment,
    AppointmentEvent,
    AppointmentSeries,
    AppointmentState,
    ClassSession,
    ClassType,
    Client,
    ClientMembership,
    MembershipPlan,
    ScheduleException,
    Service,
    ServiceStaff,
    StaffMember,
    WaitlistEntry,
    WorkingHours,
)
from checkout.models import (
    CheckoutSettings,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    LineKind,
    Payment,
    Product,
    Refund,
    RefundAllocation,
    RefundLine,
    Tender,
)
from core.models import IdempotencyKey
from giftcards.models import (
    Coupon,
    CouponUse,
    GiftCard,
    GiftCardOffer,
    GiftCardPurchase,
    GiftCardTransaction,
)
from loyalty.models import (
    AppointmentCredit,
    CatalogPoints,
    CreditDue,
    PointsAccount,
    PointsEntry,
    Program,
    ProgramPeriod,
    RewardTier,
)
from notifications.kinds import MessageKind
from notifications.models import MessageStatus, MessageTemplate, OutboundMessage
from reports.models import CommissionRate, ExportAudit, ExportJob
from tenancy.models import ApiToken, Business, Role, StaffMembership
from tenancy.services import hash_api_key

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def persist_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class BusinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Business

    name = factory.Sequence(lambda n: f"Salon {n}")
    slug = factory.Sequence(lambda n: f"salon-{n}")
    time_zone = "Europe/Paris"
    currency = "EUR"
    language = "en"
    contact_email = factory.LazyAttribute(lambda b: f"hello@{b.slug}.test")


class StaffMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMembership

    business = factory.SubFactory(BusinessFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.STAFF


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    business = factory.SubFactory(BusinessFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"client{n}@example.com")
    phone = "+33 6 00 00 00 00"


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """A token row; its raw key (for requests) is on `.raw_key`, shown once as the service does."""

    class Meta:
        model = ApiToken

    membership = factory.SubFactory(StaffMembershipFactory)
    business = factory.SelfAttribute("membership.business")
    name = "Integration"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        raw_key = "sbk_" + secrets.token_urlsafe(32)
        token = super()._create(model_class, *args, prefix=raw_key[:12],
                                key_hash=hash_api_key(raw_key), **kwargs)
        token.raw_key = raw_key
        return token


class IdempotencyKeyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IdempotencyKey

    business = factory.SubFactory(BusinessFactory)
    key = factory.Sequence(lambda n: f"key-{n}")
    fingerprint = "0" * 64
    state = IdempotencyKey.State.DONE
    response_status = 201
    response_body = factory.LazyFunction(lambda: {"id": 1})


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember

    business = factory.SubFactory(BusinessFactory)
    name = factory.Sequence(lambda n: f"Stylist {n}")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        skip_postgeneration_save = True

    business = factory.SubFactory(BusinessFactory)
    name = factory.Sequence(lambda n: f"Service {n}")
    duration_minutes = 60
    price = Decimal("45.00")

    @factory.post_generation
    def performers(obj, create, extracted, **kwargs):
        """ServiceFactory(performers=[staff, ...]) links who performs it."""
        for staff_member in extracted or ():
            ServiceStaff.objects.create(business=obj.business, service=obj,
                                        staff_member=staff_member)


class ServiceStaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceStaff

    business = factory.SubFactory(BusinessFactory)
    service = factory.SubFactory(ServiceFactory, business=factory.SelfAttribute("..business"))
    staff_member = factory.SubFactory(StaffMemberFactory,
                                      business=factory.SelfAttribute("..business"))


class ClassTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClassType

    business = factory.SubFactory(BusinessFactory)
    name = factory.Sequence(lambda n: f"Yoga {n}")
    duration_minutes = 60
    price = Decimal("15.00")
    capacity = 8


class ClassSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClassSession

    business = factory.SubFactory(BusinessFactory)
    class_type = factory.SubFactory(ClassTypeFactory, business=factory.SelfAttribute("..business"))
    staff_member = factory.SubFactory(StaffMemberFactory,
                                      business=factory.SelfAttribute("..business"))
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=2))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + timedelta(hours=1))
    capacity = factory.SelfAttribute("class_type.capacity")


class WorkingHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingHours

    business = factory.SubFactory(BusinessFactory)
    staff_member = factory.SubFactory(StaffMemberFactory,
                                      business=factory.SelfAttribute("..business"))
    weekday = 0
    start_time = time(9)
    end_time = time(17)


class ScheduleExceptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScheduleException

    business = factory.SubFactory(BusinessFactory)
    staff_member = factory.SubFactory(StaffMemberFactory,
                                      business=factory.SelfAttribute("..business"))
    date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=3))
    kind = ScheduleException.Kind.TIME_OFF


class AppointmentSeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AppointmentSeries

    business = factory.SubFactory(BusinessFactory)
    interval_weeks = 2


class AppointmentFactory(factory.django.DjangoModelFactory):
    """A booked service appointment two days ahead, buffers none."""

    class Meta:
        model = Appointment

    business = factory.SubFactory(BusinessFactory)
    client = factory.SubFactory(ClientFactory, business=factory.SelfAttribute("..business"))
    staff_member = factory.SubFactory(StaffMemberFactory,
                                      business=factory.SelfAttribute("..business"))
    service = factory.SubFactory(ServiceFactory, business=factory.SelfAttribute("..business"))
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0))
    ends_at = factory.LazyAttribute(
        lambda a: a.starts_at + timedelta(minutes=a.service.duration_minutes))
    busy_from = factory.SelfAttribute("starts_at")
    busy_until = factory.SelfAttribute("ends_at")
    price = factory.SelfAttribute("service.price")


class AppointmentEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AppointmentEvent

    business = factory.SubFactory(BusinessFactory)
    appointment = factory.SubFactory(AppointmentFactory,
                                     business=factory.SelfAttribute("..business"))
    to_state = AppointmentState.BOOKED


class WaitlistEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WaitlistEntry

    business = factory.SubFactory(BusinessFactory)
    class_session = factory.SubFactory(ClassSessionFactory,
                                       business=factory.SelfAttribute("..business"))
    client = factory.SubFactory(ClientFactory, business=factory.SelfAttribute("..business"))


class MembershipPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MembershipPlan

    business = factory.SubFactory(BusinessFactory)
    name = factory.Sequence(lambda n: f"Unlimited {n}")
    price = Decimal("89.00")
    validity_days = 30


class ClientMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClientMembership

    business = factory.SubFactory(BusinessFactory)
    client = factory.SubFactory(ClientFactory, business=factory.SelfAttribute("..business"))
    plan = factory.SubFactory(MembershipPlanFactory, business=factory.SelfAttribute("..business"))
    starts_on = factory.LazyFunction(timezone.localdate)
    ends_on = factory.LazyAttribute(lambda m: m.starts_on + timedelta(days=m.plan.validity_days))


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    business = factory.SubFactory(BusinessFactory)
    name = factory.Sequence(lambda n: f"Shampoo {n}")
    sku = factory.Sequence(lambda n: f"SKU-{n:04d}")
    price = Decimal("18.00")
    tax_rate = Decimal("20.00")
    stock = 10


class CheckoutSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckoutSettings
        django_get_or_create = ("business",)

    business = factory.SubFactory(BusinessFactory)
    service_tax_rate = Decimal("20.00")


class InvoiceCounterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvoiceCounter
        django_get_or_create = ("business",)

    business = factory.SubFactory(BusinessFactory)


class InvoiceFactory(factory.django.DjangoModelFactory):
    """A draft; paid invoices come from checkout.services.payments.pay_invoice."""

    class Meta:
        model = Invoice

    business = factory.SubFactory(BusinessFactory)
    client = factory.SubFactory(ClientFactory, business=factory.SelfAttribute("..business"))


class InvoiceLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvoiceLine

    business = factory.SubFactory(BusinessFactory)
    invoice = factory.SubFactory(InvoiceFactory, business=factory.SelfAttribute("..business"))
    kind = LineKind.PRODUCT
    product = factory.SubFactory(ProductFactory, business=factory.SelfAttribute("..business"))
    description = factory.SelfAttribute("product.name")
    quantity = 1
    unit_price = factory.SelfAttribute("product.price")
    tax_rate = factory.SelfAttribute("product.tax_rate")
    amount = factory.LazyAttribute(lambda line: line.unit_price * line.quantity)


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    business = factory.SubFactory(BusinessFactory)
    invoice = factory.SubFactory(InvoiceFactory, business=factory.SelfAttribute("..business"))
    tender = Tender.CARD
    amount = Decimal("18.00")
    received = factory.SelfAttribute("amount")


class RefundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Refund

    business = factory.SubFactory(BusinessFactory)
    invoice = factory.SubFactory(InvoiceFactory, business=factory.SelfAttribute("..business"))
    amount = Decimal("0.00")


class RefundLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RefundLine

    business = factory.SubFactory(BusinessFactory)
    refund = factory.SubFactory(RefundFactory, business=factory.SelfAttribute("..business"))
    line = factory.SubFactory(InvoiceLineFactory, business=factory.SelfAttribute("..business"),
                              invoice=factory.SelfAttribute("..refund.invoice"))
    quantity = 1
    amount = Decimal("0.00")


class RefundAllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RefundAllocation

    business = factory.SubFactory(BusinessFactory)
    refund = factory.SubFactory(RefundFactory, business=factory.SelfAttribute("..business"))
    payment = factory.SubFactory(PaymentFactory, business=factory.SelfAttribute("..business"),
                                 invoice=factory.SelfAttribute("..refund.invoice"))
    amount = Decimal("1.00")


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program
        django_get_or_create = ("business",)

    business = factory.SubFactory(BusinessFactory)
    points_per_booking = 1


class ProgramPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramPeriod

    business = factory.SubFactory(BusinessFactory)
    # Closed, so that a business may hold several and its open period stays its own.
    started_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=30))
    ended_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=20))


class CatalogPointsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CatalogPoints

    business = factory.SubFactory(BusinessFactory)
    service = factory.SubFactory(ServiceFactory, business=factory.SelfAttribute("..business"))
    is_enabled = True
    points = 2


class PointsAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PointsAccount
        django_get_or_create = ("business", "client")

    business = factory.SubFactory(BusinessFactory)
    client = factory.SubFactory(ClientFactory, business=factory.SelfAttribute("..business"))


class PointsEntryFactory(factory.django.DjangoModelFactory):
    """Posted through the ledger service, the only writer of entries."""

    class Meta:
        model = PointsEntry

    business = factory.SubFactory(BusinessFactory)
    client = factory.SubFactory(ClientFactory, business=factory.SelfAttribute("..business"))
    kind = "adjust"
    points = 5
    description = "Welcome points"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from loyalty.services.ledger import post_entry
        return post_entry(**kwargs)


class AppointmentCreditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AppointmentCredit

    business = factory.SubFactory(BusinessFactory)
    appointment = factory.SubFactory(AppointmentFactory,
                                     business=factory.SelfAttribute("..business"))
    outcome = "nothing"
    reason = "no_rule"


class CreditDueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CreditDue
        # Saving an appointment of a business with Loyalty on queues it already.
        django_get_or_create = ("business", "appointment")

    business = factory.SubFactory(BusinessFactory)
    appointment = factory.SubFactory(AppointmentFactory,
                                     business=factory.SelfAttribute("..business"))
    due_at = factory.LazyFunction(timezone.now)


class MessageTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MessageTemplate

    business = factory.SubFactory(BusinessFactory)
    kind = MessageKind.BOOKING_CONFIRMED
    subject = "See you, {{ client_name }}"
    body = "Hello {{ client_name }}, {{ service }} on {{ date }}."


class OutboundMessageFactory(factory.django.DjangoModelFactory):
    """A message already sent; `notifications.services.notify` makes real ones."""

    class Meta:
        model = OutboundMessage

    business = factory.SubFactory(BusinessFactory)
    client = factory.SubFactory(ClientFactory, business=factory.SelfAttribute("..business"))
    kind = MessageKind.BOOKING_CONFIRMED
    recipient = factory.SelfAttribute("client.email")
    language = "en"
    subject = "Your booking is confirmed"
    body = "Hello, see you soon."
    status = MessageStatus.SENT
    attempts = 1
    sent_at = factory.LazyFunction(timezone.now)


class ExportJobFactory(factory.django.DjangoModelFactory):
    """A queued background export of the clients report."""

    class Meta:
        model = ExportJob

    business = factory.SubFactory(BusinessFactory)
    report = "clients"
    format = "csv"
    language = "en"
    requested_by = factory.SubFactory(UserFactory)


class ExportAuditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExportAudit

    business = factory.SubFactory(BusinessFactory)
    user = factory.SubFactory(UserFactory)
    user_email = factory.SelfAttribute("user.email")
    report = "clients"
    format = "csv"
    row_count = 3


class CommissionRateFactory(factory.django.DjangoModelFactory):
    """A staff member's default rate."""

    class Meta:
        model = CommissionRate

    business = factory.SubFactory(BusinessFactory)
    staff_member = factory.SubFactory(StaffMemberFactory,
                                      business=factory.SelfAttribute("..business"))
    rate = Decimal("30.00")


class GiftCardOfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GiftCardOffer

    business = factory.SubFactory(BusinessFactory)
    name = factory.Sequence(lambda n: f"Gift card {n}")
    value = Decimal("50.00")
    price = Decimal("50.00")
    validity_days = 365


class GiftCardFactory(factory.django.DjangoModelFactory):
    """Issued through the service, so that its ledger starts with its issue."""

    class Meta:
        model = GiftCard

    business = factory.SubFactory(BusinessFactory)
    value = Decimal("50.00")
    validity_days = 365

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from giftcards.services.cards import issue_gift_card
        return issue_gift_card(**kwargs)


class GiftCardTransactionFactory(factory.django.DjangoModelFactory):
    """A redemption, posted through the ledger service, the only writer of transactions."""

    class Meta:
        model = GiftCardTransaction

    business = factory.SubFactory(BusinessFactory)
    card = factory.SubFactory(GiftCardFactory, business=factory.SelfAttribute("..business"))
    amount = Decimal("10.00")

    @classmethod
    def _create(cls, model_class, *args, business, card, amount, **kwargs):
        from giftcards.services.cards import redeem
        return redeem(business, card.pk, amount=amount, **kwargs)


class GiftCardPurchaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GiftCardPurchase

    business = factory.SubFactory(BusinessFactory)
    reference = factory.Sequence(lambda n: f"purchase-{n}")
    client = factory.SubFactory(ClientFactory, business=factory.SelfAttribute("..business"))
    offer = factory.SubFactory(GiftCardOfferFactory, business=factory.SelfAttribute("..business"))
    amount = factory.SelfAttribute("offer.price")
    provider = "offline"


class CouponFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Coupon

    business = factory.SubFactory(BusinessFactory)
    code = factory.Sequence(lambda n: f"SPRING{n}")
    name = factory.SelfAttribute("code")
    discount_kind = "amount"
    value = Decimal("5.00")


class RewardTierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RewardTier

    business = factory.SubFactory(BusinessFactory)
    name = factory.Sequence(lambda n: f"Reward {n}")
    threshold = factory.Sequence(lambda n: 10 + n)
    discount_kind = "amount"
    value = Decimal("5.00")


class CouponUseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CouponUse

    business = factory.SubFactory(BusinessFactory)
    coupon = factory.SubFactory(CouponFactory, business=factory.SelfAttribute("..business"))
    client = factory.SubFactory(ClientFactory, business=factory.SelfAttribute("..business"))
    amount = Decimal("5.00")


FACTORIES = {
    StaffMembership: StaffMembershipFactory,
    Client: ClientFactory,
    ApiToken: ApiTokenFactory,
    IdempotencyKey: IdempotencyKeyFactory,
    StaffMember: StaffMemberFactory,
    Service: ServiceFactory,
    ServiceStaff: ServiceStaffFactory,
    ClassType: ClassTypeFactory,
    ClassSession: ClassSessionFactory,
    WorkingHours: WorkingHoursFactory,
    ScheduleException: ScheduleExceptionFactory,
    AppointmentSeries: AppointmentSeriesFactory,
    Appointment: AppointmentFactory,
    AppointmentEvent: AppointmentEventFactory,
    WaitlistEntry: WaitlistEntryFactory,
    MembershipPlan: MembershipPlanFactory,
    ClientMembership: ClientMembershipFactory,
    Product: ProductFactory,
    CheckoutSettings: CheckoutSettingsFactory,
    InvoiceCounter: InvoiceCounterFactory,
    Invoice: InvoiceFactory,
    InvoiceLine: InvoiceLineFactory,
    Payment: PaymentFactory,
    Refund: RefundFactory,
    RefundLine: RefundLineFactory,
    RefundAllocation: RefundAllocationFactory,
    Program: ProgramFactory,
    ProgramPeriod: ProgramPeriodFactory,
    CatalogPoints: CatalogPointsFactory,
    PointsAccount: PointsAccountFactory,
    PointsEntry: PointsEntryFactory,
    AppointmentCredit: AppointmentCreditFactory,
    CreditDue: CreditDueFactory,
    GiftCardOffer: GiftCardOfferFactory,
    GiftCard: GiftCardFactory,
    GiftCardTransaction: GiftCardTransactionFactory,
    GiftCardPurchase: GiftCardPurchaseFactory,
    Coupon: CouponFactory,
    CouponUse: CouponUseFactory,
    RewardTier: RewardTierFactory,
    MessageTemplate: MessageTemplateFactory,
    OutboundMessage: OutboundMessageFactory,
    ExportJob: ExportJobFactory,
    ExportAudit: ExportAuditFactory,
    CommissionRate: CommissionRateFactory,
}


def make_tenant_rows(business: Business) -> dict[type, object]:
    """One row of every tenant model for `business`, children sharing its business."""
    rows = {}
    for model, model_factory in FACTORIES.items():
        if model is ApiToken:
            rows[model] = model_factory(
                membership=rows.get(StaffMembership) or StaffMembershipFactory(business=business))
        else:
            rows[model] = model_factory(business=business)
    return rows
