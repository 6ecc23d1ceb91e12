"""Stamp-card rewards: tiers at point thresholds, codes unlocked by crossing them upward,
the reset tier that starts the card over, and rewards given by staff."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from booking.services.appointments import book_appointment
from giftcards import selectors
from giftcards.models import Coupon, CouponOrigin
from giftcards.services import bookings as booking_code_services
from giftcards.services import reward_codes
from loyalty.models import EntryKind, EntrySource, PointsAccount, PointsEntry
from loyalty.services import adjustments as loyalty_adjustments
from loyalty.services import crediting as loyalty_crediting
from loyalty.services import ledger as loyalty_ledger
from loyalty.services import program as loyalty_program
from loyalty.services import stamp_card
from loyalty.stamp_card import next_reward
from notifications.kinds import MessageKind
from notifications.models import OutboundMessage
from tenancy import services as tenant_services
from tenancy.models import Extension
from tests.booking.booking_setup import next_weekday, open_salon, paris
from tests.factories import ClientFactory, GiftCardFactory, ServiceFactory


@pytest.fixture
def business(business):
    business, _also = tenant_services.set_extension(business=business,
                                                    extension=Extension.LOYALTY, enabled=True)
    loyalty_program.on_loyalty_switched(business=business, enabled=True,
                                        now=timezone.now() - timedelta(days=1))
    return business


@pytest.fixture
def fan(business):
    return ClientFactory(business=business, marketing_opt_in=True,
                         marketing_opt_in_at=timezone.now())


def tier(business, threshold, name=None, **values):
    values.setdefault("discount_kind", "amount")
    values.setdefault("value", Decimal("5.00"))
    return stamp_card.create_tier(business=business, name=name or f"{threshold} points reward",
                                  threshold=threshold, **values)


def earn(business, client, points):
    return loyalty_ledger.post_entry(business=business, client=client, kind=EntryKind.EARN,
                                     points=points, description="Visit")


def codes_of(client):
    return list(Coupon.objects.filter(client=client).order_by("pk"))


def balance_of(client):
    return PointsAccount.objects.get(client=client).balance


def test_crossing_a_threshold_upward_issues_one_single_use_code_and_sends_reward_unlocked(
        business, fan):
    tier(business, 5, name="5 euros off", validity_days=30)
    earn(business, fan, 3)
    assert codes_of(fan) == []

    earn(business, fan, 3)

    [code] = codes_of(fan)
    assert len(code.code) == 6
    assert code.code.isalpha()
    assert code.code.isupper()
    assert (code.origin, code.client, code.max_uses, code.name) == (
        CouponOrigin.REWARD, fan, 1, "5 euros off")
    assert code.valid_until == timezone.localdate(timezone.now(), business.zone) + timedelta(
        days=30)
    message = OutboundMessage.objects.get(kind=MessageKind.REWARD_UNLOCKED)
    assert code.code in message.body
    earn(business, fan, 3)
    assert len(codes_of(fan)) == 1, "staying above a threshold unlocks nothing more"


def test_one_entry_crossing_two_tiers_unlocks_both(business, fan):
    tier(business, 5)
    tier(business, 8, discount_kind="percent", value=Decimal("10"))
    earn(business, fan, 9)
    assert [code.tier.threshold for code in codes_of(fan)] == [5, 8]


def test_the_reset_tier_starts_the_card_over_keeping_the_points_above_it(business, fan):
    tier(business, 5)
    tier(business, 10, resets_card=True)
    earn(business, fan, 8)
    earn(business, fan, 4)

    assert [code.tier.threshold for code in codes_of(fan)] == [5, 10]
    assert balance_of(fan) == 2
    reset = PointsEntry.objects.get(client=fan, kind=EntryKind.REWARD)
    assert (reset.points, reset.balance_after) == (-10, 2)
    earn(business, fan, 3)
    assert [code.tier.threshold for code in codes_of(fan)] == [5, 10, 5], \
        "the started-over card unlocks its tiers again"


def test_a_large_entry_goes_round_the_resetting_card_as_often_as_it_fills(business, fan):
    tier(business, 5)
    tier(business, 10, resets_card=True)
    earn(business, fan, 27)
    assert [code.tier.threshold for code in codes_of(fan)] == [5, 10, 5, 10, 5]
    assert balance_of(fan) == 7


def test_adding_or_lowering_a_tier_rewards_nobody_already_above_it(business, fan):
    high = tier(business, 20)
    earn(business, fan, 12)
    tier(business, 10)
    stamp_card.update_tier(business=business, tier=high, threshold=11)
    earn(business, fan, 1)
    assert codes_of(fan) == []


def test_points_given_back_do_not_unlock_a_reward_again(business, fan):
    tier(business, 5)
    entry = earn(business, fan, 6)
    spent = loyalty_adjustments.spend_points(business=business, client=fan, points=6,
                                             description="Gift card",
                                             source=EntrySource(gift_card_id=GiftCardFactory(business=business).pk))
    loyalty_ledger.reverse_entry(business=business, entry=spent)
    assert balance_of(fan) == 6
    assert len(codes_of(fan)) == 1
    assert entry.balance_after == 6


def test_no_reward_while_loyalty_is_off(business, fan):
    tier(business, 5)
    business, _also = tenant_services.set_extension(business=business,
                                                    extension=Extension.LOYALTY, enabled=False)
    fan.business = business
    earn(business, fan, 6)
    assert codes_of(fan) == []


def test_a_reward_code_discounts_once_and_says_whether_the_booking_still_earns(business, fan):
    colour = ServiceFactory(business=business, price=Decimal("40.00"))
    tier(business, 5, discount_kind="free_service", service=colour, earns_points=True)
    earn(business, fan, 5)
    [code] = codes_of(fan)
    found = booking_code_services.booking_code(business, client=fan, service=colour,
                                               price=colour.price, code=code.code.lower())
    assert (found.discount, found.earns_points) == (Decimal("40.00"), True)
    other = ClientFactory(business=business)
    assert booking_code_services.booking_code(business, client=other, service=colour,
                                              price=colour.price, code=code.code) is None


def test_staff_give_an_existing_or_a_custom_reward_without_points_or_email(business, fan, owner):
    five = tier(business, 5, name="5 euros off")
    earn(business, fan, 2)
    given = reward_codes.give_reward(business=business, client=fan, tier=five, by=owner)
    custom = reward_codes.give_reward(business=business, client=fan, by=owner, name="Sorry!",
                                      discount_kind="percent", value=Decimal("20"),
                                      validity_days=10)
    assert [(c.origin, c.name, c.tier) for c in (given, custom)] == [
        (CouponOrigin.GIVEN, "5 euros off", five), (CouponOrigin.GIVEN, "Sorry!", None)]
    assert balance_of(fan) == 2
    assert not OutboundMessage.objects.filter(kind=MessageKind.REWARD_UNLOCKED).exists()
    assert {c.pk for c in selectors.client_codes(business=business, client=fan)} == {
        given.pk, custom.pk}


def test_a_custom_reward_with_a_bad_discount_is_refused_and_nothing_is_issued(
        business, fan, owner):
    with pytest.raises(ValidationError) as refusal:
        reward_codes.give_reward(business=business, client=fan, by=owner, name="Too much",
                                 discount_kind="percent", value=Decimal("150"))
    assert "value" in refusal.value.message_dict
    assert codes_of(fan) == []


@pytest.mark.parametrize(("bad", "field"), [
    ({"threshold": 0}, "threshold"),
    ({"discount_kind": "amount", "value": Decimal("0")}, "value"),
    ({"discount_kind": "free_service"}, "service"),
    ({"validity_days": 0}, "validity_days"),
])
def test_bad_tiers_are_refused_with_the_field_named(business, bad, field):
    with pytest.raises(ValidationError) as refusal:
        tier(business, **{"threshold": 5, **bad})
    assert field in refusal.value.message_dict


def test_only_the_highest_tier_resets_and_nothing_sits_above_the_reset(business):
    tier(business, 10, resets_card=True)
    with pytest.raises(ValidationError) as above:
        tier(business, 12)
    assert "threshold" in above.value.message_dict
    with pytest.raises(ValidationError) as same:
        tier(business, 10)
    assert "threshold" in same.value.message_dict
    with pytest.raises(ValidationError) as second_reset:
        tier(business, 5, resets_card=True)
    assert "resets_card" in second_reset.value.message_dict


def test_progress_to_the_next_reward(business, fan):
    tier(business, 10, name="Free manicure")
    earn(business, fan, 4)
    progress = next_reward(business=business, balance=4)
    assert (progress.name, progress.missing, progress.percent) == ("Free manicure", 6, 40)
    assert next_reward(business=business, balance=10) is None


def test_the_crediting_sweep_resets_the_card_right_when_one_batch_holds_two_visits(
        business, fan):
    from tests.factories import AppointmentFactory

    colour = ServiceFactory(business=business, price=Decimal("60.00"))
    loyalty_program.set_catalog_points(business=business, service=colour, is_enabled=True,
                                       points=6)
    tier(business, 10, resets_card=True)
    earn(business, fan, 3)
    for hours_ago in (6, 4):
        end = timezone.now().replace(microsecond=0) - timedelta(hours=hours_ago)
        AppointmentFactory(business=business, client=fan, service=colour,
                           staff_member__business=business, starts_at=end - timedelta(hours=1),
                           ends_at=end, busy_from=end - timedelta(hours=1), busy_until=end)

    assert loyalty_crediting.credit_due_appointments() == 2

    # 3 + 6 = 9, + 6 = 15: one reward, and the card starts over at 5.
    assert [code.tier.threshold for code in codes_of(fan)] == [10]
    assert balance_of(fan) == 5
    assert list(PointsEntry.objects.filter(client=fan).order_by("pk")
                .values_list("points", "balance_after")) == [(3, 3), (6, 9), (6, 15), (-10, 5)]



@pytest.mark.parametrize(("reward_earns", "earned"), [(False, 0), (True, 3)])
def test_a_booking_that_used_a_reward_earns_only_if_the_reward_says_so(business, fan,
                                                                       reward_earns, earned):
    # Given a service worth 3 points and a reward code of the stamp card
    salon = open_salon(business)
    loyalty_program.set_catalog_points(business=business, service=salon.cut,
                                       is_enabled=True, points=3)
    tier(business, 5, earns_points=reward_earns)
    earn(business, fan, 5)
    [code] = codes_of(fan)

    # When the client books with it and the visit is credited
    visit = book_appointment(business=business, client=fan, service=salon.cut,
                             start=paris(next_weekday(1), 10), code=code.code)
    loyalty_crediting.credit_due_appointments(now=visit.ends_at + timedelta(hours=4))

    # Then the visit earned its points only if the reward says it still earns
    assert balance_of(fan) == 5 + earned
    assert PointsEntry.objects.filter(appointment=visit).count() == (
        1 if earned else 0)


def test_a_booking_that_used_a_reward_code_carries_a_stamp_in_the_back_office(
        client, business, fan, owner):
    salon = open_salon(business)
    tier(business, 5)
    earn(business, fan, 5)
    [code] = codes_of(fan)

    def book(code, hour):
        return book_appointment(business=business, client=fan, service=salon.cut,
                                start=paris(next_weekday(1), hour), staff_member=salon.anna,
                                code=code)

    rewarded, plain = book(code.code, 10), book("", 14)

    assert rewarded.used_reward
    assert rewarded.discount == Decimal("5.00")
    assert not plain.used_reward
    client.force_login(owner)
    pages = [client.get(reverse("booking:appointment-detail", args=[business.slug, pk]))
             .content.decode() for pk in (rewarded.pk, plain.pk)]
    assert "Used a loyalty reward" in pages[0]
    assert "Used a loyalty reward" not in pages[1]
    day = client.get(reverse("booking:calendar-list", args=[business.slug]),
                     {"day": rewarded.starts_at.astimezone(business.zone).date().isoformat()})
    assert day.content.decode().count("Used a loyalty reward") == 2  # title and hidden text


def test_progress_counts_what_stays_on_a_resetting_card(business, fan):
    tier(business, 5, name="Small")
    tier(business, 10, name="Big", resets_card=True)
    progress = next_reward(business=business, balance=13)
    assert (progress.name, progress.missing) == ("Small", 2)


def test_the_booking_confirmation_names_the_points_missing_for_the_next_reward(business, fan):
    from loyalty.selectors import booking_sentence

    colour = ServiceFactory(business=business)
    loyalty_program.set_catalog_points(business=business, service=colour, is_enabled=True,
                                       points=1)
    tier(business, 10)

    sentence = booking_sentence(business=business, client=fan, service=colour,
                                starts_at=timezone.now() + timedelta(days=2))

    assert sentence.endswith("You need 9 more points for your next reward.")
