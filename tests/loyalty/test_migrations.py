"""Data migrations of loyalty, run on rows written by the schema before them."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.factories import AppointmentFactory, BusinessFactory

BEFORE_PERIODS = [("loyalty", "0004_account_follows_entries")]
PERIODS = [("loyalty", "0005_program_periods")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_program_periods_are_backfilled_from_what_is_known():
    # Given, before periods: a business on since 5 days ago; one switched on 9 days ago,
    # whose job last credited 4 days ago, and now off; one off with no crediting since
    on = BusinessFactory(loyalty_enabled=True, accept_payments_enabled=True,
                         client_login_enabled=True, coupons_gift_cards_enabled=True)
    went_off, never_ran = BusinessFactory(), BusinessFactory()
    appointment = AppointmentFactory(business=went_off)
    now = timezone.now()
    try:
        old = migrate(BEFORE_PERIODS)
        Program = old.get_model("loyalty", "Program")
        Program.objects.create(business_id=on.pk, enabled_at=now - timedelta(days=5))
        Program.objects.create(business_id=went_off.pk, enabled_at=now - timedelta(days=9))
        Program.objects.create(business_id=never_ran.pk, enabled_at=now - timedelta(days=9))
        old.get_model("loyalty", "AppointmentCredit").objects.create(
            business_id=went_off.pk, appointment_id=appointment.pk, outcome="nothing",
            processed_at=now - timedelta(days=4))

        # When the periods migration runs
        new = migrate(PERIODS)

        # Then the first is on since then, the second was on until its last crediting,
        # and nothing is known of the third's time on
        periods = new.get_model("loyalty", "ProgramPeriod").objects
        assert set(periods.values_list("business_id", "started_at", "ended_at")) == {
            (on.pk, now - timedelta(days=5), None),
            (went_off.pk, now - timedelta(days=9), now - timedelta(days=4))}
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
