"""On PostgreSQL an account's balance is held to its entries: it can only take the
balance of the account's latest entry (0 before the first). A raw UPDATE of the cached
balance, or an account created with points but no entries, is refused, so the balance
is always the sum of the entries (the chain trigger of 0002 makes the latest entry's
balance that sum)."""

from django.db import migrations

GUARD = """
CREATE FUNCTION loyalty_account_follows_entries() RETURNS trigger AS $$
DECLARE
    latest integer;
BEGIN
    SELECT balance_after INTO latest FROM loyalty_pointsentry
        WHERE account_id = NEW.id ORDER BY id DESC LIMIT 1;
    IF NEW.balance <> COALESCE(latest, 0) THEN
        RAISE EXCEPTION 'loyalty account balance % is not its entries'' %',
            NEW.balance, COALESCE(latest, 0)
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER loyalty_account_balance_follows_entries
    BEFORE INSERT OR UPDATE OF balance ON loyalty_pointsaccount
    FOR EACH ROW EXECUTE FUNCTION loyalty_account_follows_entries();
"""

UNGUARD = """
DROP TRIGGER IF EXISTS loyalty_account_balance_follows_entries ON loyalty_pointsaccount;
DROP FUNCTION IF EXISTS loyalty_account_follows_entries();
"""


def guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GUARD, params=None)


def unguard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNGUARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("loyalty", "0003_expiry_marks")]

    operations = [migrations.RunPython(guard, unguard)]
