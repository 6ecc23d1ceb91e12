"""On PostgreSQL the database itself guards the ledger: an entry is never updated or
deleted, and each new entry's balance must follow from the account's previous entry.
A bug or a hand-written SQL statement elsewhere cannot rewrite history."""

from django.db import migrations

GUARD = """
CREATE FUNCTION loyalty_entry_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'loyalty points entries are immutable (% refused)', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER loyalty_entry_no_update_or_delete
    BEFORE UPDATE OR DELETE ON loyalty_pointsentry
    FOR EACH ROW EXECUTE FUNCTION loyalty_entry_immutable();

CREATE FUNCTION loyalty_entry_follows_previous() RETURNS trigger AS $$
DECLARE
    previous integer;
BEGIN
    SELECT balance_after INTO previous FROM loyalty_pointsentry
        WHERE account_id = NEW.account_id ORDER BY id DESC LIMIT 1;
    IF COALESCE(previous, 0) + NEW.points <> NEW.balance_after THEN
        RAISE EXCEPTION 'loyalty entry balance % does not follow % + %',
            NEW.balance_after, COALESCE(previous, 0), NEW.points
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER loyalty_entry_balance_chain
    BEFORE INSERT ON loyalty_pointsentry
    FOR EACH ROW EXECUTE FUNCTION loyalty_entry_follows_previous();
"""

UNGUARD = """
DROP TRIGGER IF EXISTS loyalty_entry_balance_chain ON loyalty_pointsentry;
DROP FUNCTION IF EXISTS loyalty_entry_follows_previous();
DROP TRIGGER IF EXISTS loyalty_entry_no_update_or_delete ON loyalty_pointsentry;
DROP FUNCTION IF EXISTS loyalty_entry_immutable();
"""


def guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GUARD, params=None)


def unguard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNGUARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("loyalty", "0001_ledger")]

    operations = [migrations.RunPython(guard, unguard)]
