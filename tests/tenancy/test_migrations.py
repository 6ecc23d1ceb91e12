"""The move of the tenancy core out of booking keeps every row, and every key on them."""

import pytest
from django.apps import apps as current_apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

MOVE = ("tenancy", "0001_initial")
MOVED_MODELS = ["Business", "StaffMembership", "ApiToken"]


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def state_before_the_move():
    """Models as they were just before the move: what tenancy 0001 depends on."""
    loader = MigrationExecutor(connection).loader
    before = [parent.key for parent in loader.graph.node_map[MOVE].parents]
    return loader.project_state(before).apps


def tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def referenced_table(table: str, column: str) -> str:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    [target] = {c["foreign_key"][0] for c in constraints.values()
                if c["foreign_key"] and c["columns"] == [column]}
    return target


@pytest.mark.django_db(transaction=True)
def test_moving_the_tenancy_core_keeps_every_row_and_every_key_on_it():
    try:
        # Given a database from before the move, with rows in booking's tenancy tables and
        # rows of booking and of another app pointing at them
        migrate([("tenancy", None)])
        assert {"booking_business", "booking_staffmembership", "booking_apitoken"} <= tables()
        old = state_before_the_move()
        business = old.get_model("booking", "Business").objects.create(
            name="Atelier", slug="atelier", contact_email="hello@atelier.test",
            loyalty_enabled=True, accept_payments_enabled=True, client_login_enabled=True,
            coupons_gift_cards_enabled=True)
        other = old.get_model("booking", "Business").objects.create(
            name="Kvitka", slug="kvitka", contact_email="hello@kvitka.test", currency="UAH")
        owner = old.get_model("accounts", "User").objects.create(
            email="owner@atelier.test", full_name="Owner", password="!")
        membership = old.get_model("booking", "StaffMembership").objects.create(
            business=business, user=owner, role="owner")
        token = old.get_model("booking", "ApiToken").objects.create(
            business=business, membership=membership, name="Accounting", prefix="sbk_abcdefgh",
            key_hash="f" * 64, last_used_at=timezone.now())
        stylist = old.get_model("booking", "StaffMember").objects.create(
            business=business, membership=membership, name="Camille")
        client = old.get_model("booking", "Client").objects.create(
            business=other, first_name="Olena", last_name="Shevchenko", email="o@example.com")
        audit = old.get_model("reports", "ExportAudit").objects.create(
            business=other, user_email="owner@kvitka.test", report="clients", format="csv",
            row_count=3)
        content_types = old.get_model("contenttypes", "ContentType").objects
        business_type = content_types.get(app_label="booking", model="business")
        permissions = set(old.get_model("auth", "Permission").objects
                          .filter(content_type=business_type).values_list("pk", flat=True))
        assert permissions
        old_rows = {name: list(old.get_model("booking", name).objects.order_by("pk").values())
                    for name in MOVED_MODELS}

        # When every migration runs
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

        # Then the tables are tenancy's, with the same rows under the same ids
        found = tables()
        assert {"tenancy_business", "tenancy_staffmembership", "tenancy_apitoken"} <= found
        assert not {"booking_business", "booking_staffmembership", "booking_apitoken"} & found
        for name in MOVED_MODELS:
            model = current_apps.get_model("tenancy", name)
            assert list(model.objects.order_by("pk").values()) == old_rows[name], name
        Business = current_apps.get_model("tenancy", "Business")
        assert Business.objects.get(pk=business.pk).has_extension("loyalty")
        assert Business.objects.get(pk=other.pk).currency == "UAH"
        token_now = current_apps.get_model("tenancy", "ApiToken").objects.get(pk=token.pk)
        assert token_now.membership.user.email == "owner@atelier.test"
        assert token_now.business.slug == "atelier"
        # and the rows pointing at them still find them, through keys on the new tables
        StaffMember = current_apps.get_model("booking", "StaffMember")
        assert StaffMember.objects.get(pk=stylist.pk).membership.business.slug == "atelier"
        Client = current_apps.get_model("booking", "Client")
        assert Client.objects.select_related("business").get(pk=client.pk).business.name == \
            "Kvitka"
        ExportAudit = current_apps.get_model("reports", "ExportAudit")
        assert ExportAudit.objects.get(pk=audit.pk).business.slug == "kvitka"
        assert referenced_table("booking_client", "business_id") == "tenancy_business"
        assert referenced_table("booking_staffmember", "membership_id") == \
            "tenancy_staffmembership"
        assert referenced_table("reports_exportaudit", "business_id") == "tenancy_business"
        assert referenced_table("tenancy_apitoken", "membership_id") == "tenancy_staffmembership"
        # and the permissions on businesses are the same rows, now tenancy's
        ContentType = current_apps.get_model("contenttypes", "ContentType")
        moved_type = ContentType.objects.get(pk=business_type.pk)
        assert (moved_type.app_label, moved_type.model) == ("tenancy", "business")
        assert set(current_apps.get_model("auth", "Permission").objects
                   .filter(content_type=moved_type).values_list("pk", flat=True)) == permissions
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
