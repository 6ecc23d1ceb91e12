"""The points ledger: one writer, balances that follow from the entries, history that
cannot change."""

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from loyalty import locks
from loyalty.models import EntryKind, EntrySource, PointsAccount, PointsEntry
from loyalty.services import ledger as loyalty_ledger
from loyalty.services import program as loyalty_program
from tests.factories import AppointmentFactory, ClientFactory, GiftCardFactory, InvoiceFactory


def post(business, client, points, *, kind=EntryKind.ADJUST, source=None):
    return loyalty_ledger.post_entry(business=business, client=client, kind=kind, points=points,
                                     description="test", source=source)


def test_each_entry_records_the_balance_after_it(business, fan):
    post(business, fan, 10)
    entry = post(business, fan, -4)
    assert entry.balance_after == 6
    assert PointsAccount.objects.get(client=fan).balance == 6


def test_the_posted_entry_is_the_row_the_database_holds(business, fan, staff):
    loyalty_program.update_program(business=business, expiry_months=6)
    entry = loyalty_ledger.post_entry(business=business, client=fan, kind=EntryKind.ADJUST,
                                      points=7, description="Welcome", note="first visit",
                                      created_by=staff)
    stored = PointsEntry.objects.get(pk=entry.pk)
    assert model_to_dict(entry) == model_to_dict(stored)
    assert stored.expires_at == stored.created_at + relativedelta(months=6)
    assert PointsAccount.objects.get(client=fan).updated_at == stored.created_at


def test_a_posting_locks_inserts_and_updates_in_three_statements(business, fan):
    post(business, fan, 10)
    card = EntrySource(gift_card_id=GiftCardFactory(business=business).pk)
    with CaptureQueriesContext(connection) as captured:
        post(business, fan, -4, kind=EntryKind.REDEEM, source=card)
        post(business, fan, -1)
    statements = [query["sql"].split()[0] for query in captured.captured_queries
                  if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    # The sourced posting looks for an earlier posting of its source after the lock.
    assert statements == ["SELECT", "SELECT", "INSERT", "WITH", "SELECT", "INSERT", "WITH"]


def test_the_locked_account_loads_what_a_posting_does_not_read(business, fan):
    entry = post(business, fan, 3)
    with transaction.atomic():
        account = locks.lock_account(business, fan.pk)
        assert (account.pk, account.balance) == (entry.account_id, 3)
        assert account.updated_at == entry.created_at


def test_a_deduction_below_zero_is_refused_and_changes_nothing(business, fan):
    post(business, fan, 3)
    with pytest.raises(ValidationError, match="only 3 points"):
        post(business, fan, -5)
    assert PointsEntry.objects.filter(client=fan).count() == 1
    assert PointsAccount.objects.get(client=fan).balance == 3


def test_posting_a_source_twice_returns_the_first_entry(business, fan):
    visit = EntrySource(appointment_id=AppointmentFactory(business=business, client=fan).pk)
    first = post(business, fan, 5, kind=EntryKind.EARN, source=visit)
    second = post(business, fan, 5, kind=EntryKind.EARN, source=visit)
    assert second.pk == first.pk
    assert PointsAccount.objects.get(client=fan).balance == 5


@pytest.mark.postgres
def test_the_database_refuses_a_second_credit_of_one_source(business, fan):
    invoice = InvoiceFactory(business=business, client=fan)
    entry = post(business, fan, 5, kind=EntryKind.EARN, source=EntrySource(invoice_id=invoice.pk))
    duplicate = PointsEntry(business=business, account_id=entry.account_id, client=fan,
                            kind=EntryKind.EARN, points=5, balance_after=10,
                            invoice=invoice, description="again")
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_an_entry_cannot_be_saved_again(business, fan):
    entry = post(business, fan, 5)
    entry.points = 500
    with pytest.raises(ValueError, match="immutable"):
        entry.save()


@pytest.mark.postgres
@pytest.mark.parametrize("statement", [
    "UPDATE loyalty_pointsentry SET points = 500 WHERE id = %s",
    "DELETE FROM loyalty_pointsentry WHERE id = %s",
])
def test_raw_sql_cannot_change_history(business, fan, statement):
    entry = post(business, fan, 5)
    with pytest.raises(IntegrityError, match="immutable"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute(statement, [entry.pk])
    assert PointsEntry.objects.get(pk=entry.pk).points == 5


@pytest.mark.postgres
def test_raw_sql_cannot_insert_a_balance_that_does_not_follow(business, fan):
    entry = post(business, fan, 5)
    with pytest.raises(IntegrityError, match="does not follow"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO loyalty_pointsentry (business_id, account_id, client_id, kind, points,"
            " balance_after, description, note, created_at)"
            " VALUES (%s, %s, %s, 'adjust', 1, 100, 'forged', '', now())",
            [business.pk, entry.account_id, fan.pk])


@pytest.mark.postgres
@pytest.mark.parametrize("balance", [999, 4])
def test_raw_sql_cannot_give_an_account_a_balance_its_entries_do_not_make(business, fan,
                                                                          balance):
    post(business, fan, 2)
    entry = post(business, fan, 3)
    with pytest.raises(IntegrityError, match="is not its entries"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute("UPDATE loyalty_pointsaccount SET balance = %s WHERE id = %s",
                       [balance, entry.account_id])
    assert PointsAccount.objects.get(pk=entry.account_id).balance == 5


@pytest.mark.postgres
def test_an_account_cannot_be_created_with_points_it_has_no_entries_for(business, fan):
    with pytest.raises(IntegrityError, match="is not its entries"), transaction.atomic():
        PointsAccount.objects.create(business=business, client=fan, balance=50)


@pytest.mark.postgres
def test_the_database_refuses_a_negative_balance(business, fan):
    entry = post(business, fan, 2)
    with pytest.raises(IntegrityError), transaction.atomic():
        PointsAccount.objects.filter(pk=entry.account_id).update(balance=-1)


def test_a_reversal_takes_back_the_entry_once(business, fan, staff):
    entry = post(business, fan, 8)
    reversal = loyalty_ledger.reverse_entry(business=business, entry=entry, created_by=staff)
    again = loyalty_ledger.reverse_entry(business=business, entry=entry, created_by=staff)
    assert (reversal.points, reversal.reverses_id, again.pk) == (-8, entry.pk, reversal.pk)
    assert PointsAccount.objects.get(client=fan).balance == 0


def test_undoing_points_already_spent_is_refused(business, fan):
    entry = post(business, fan, 8)
    post(business, fan, -6, kind=EntryKind.REDEEM,
         source=EntrySource(gift_card_id=GiftCardFactory(business=business).pk))
    with pytest.raises(ValidationError, match="only 2 points left"):
        loyalty_ledger.reverse_entry(business=business, entry=entry)


def test_an_entry_cannot_be_posted_for_another_business_s_client(business, other_business):
    stranger = ClientFactory(business=other_business)
    with pytest.raises(ValidationError):
        post(business, stranger, 5)
    assert not PointsEntry.objects.exists()


@pytest.mark.parametrize("points", [0, 1.5, True, 10_000_001])
def test_points_must_be_a_whole_non_zero_number_within_bounds(business, fan, points):
    with pytest.raises(ValidationError):
        post(business, fan, points)


@pytest.mark.postgres
def test_deleting_a_booking_keeps_its_entry_without_the_link(business, fan):
    # Clear history deletes old bookings: the trigger lets SET_NULL through, nothing else
    visit = AppointmentFactory(business=business, client=fan)
    entry = post(business, fan, 5, kind=EntryKind.EARN,
                 source=EntrySource(appointment_id=visit.pk))
    visit.delete()
    stored = PointsEntry.objects.get(pk=entry.pk)
    assert (stored.appointment_id, stored.points, stored.description) == (None, 5, "test")
    with pytest.raises(IntegrityError, match="immutable"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute("UPDATE loyalty_pointsentry SET appointment_id = %s WHERE id = %s",
                       [AppointmentFactory(business=business).pk, entry.pk])
