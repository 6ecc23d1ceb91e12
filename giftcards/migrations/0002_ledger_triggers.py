"""On PostgreSQL the database itself guards the gift card ledger: a transaction is
never updated or deleted, each new one's balance must follow from the card's
previous one, and the card's balance must be the last transaction's. A bug or a
hand-written SQL statement elsewhere cannot rewrite a card's history."""

from django.db import migrations

GUARD = """
CREATE FUNCTION giftcards_txn_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'gift card transactions are immutable (% refused)', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER giftcards_txn_no_update_or_delete
    BEFORE UPDATE OR DELETE ON giftcards_giftcardtransaction
    FOR EACH ROW EXECUTE FUNCTION giftcards_txn_immutable();

CREATE FUNCTION giftcards_txn_follows_previous() RETURNS trigger AS $$
DECLARE
    previous numeric;
BEGIN
    SELECT balance_after INTO previous FROM giftcards_giftcardtransaction
        WHERE card_id = NEW.card_id ORDER BY id DESC LIMIT 1;
    IF COALESCE(previous, 0) + NEW.amount <> NEW.balance_after THEN
        RAISE EXCEPTION 'gift card transaction balance % does not follow % + %',
            NEW.balance_after, COALESCE(previous, 0), NEW.amount
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER giftcards_txn_balance_chain
    BEFORE INSERT ON giftcards_giftcardtransaction
    FOR EACH ROW EXECUTE FUNCTION giftcards_txn_follows_previous();

CREATE FUNCTION giftcards_card_balance_is_ledger() RETURNS trigger AS $$
DECLARE
    last_balance numeric;
BEGIN
    SELECT balance_after INTO last_balance FROM giftcards_giftcardtransaction
        WHERE card_id = NEW.id ORDER BY id DESC LIMIT 1;
    IF NEW.balance <> COALESCE(last_balance, 0) THEN
        RAISE EXCEPTION 'gift card balance % is not its ledger''s %',
            NEW.balance, COALESCE(last_balance, 0)
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER giftcards_card_balance_follows_ledger
    BEFORE UPDATE OF balance ON giftcards_giftcard
    FOR EACH ROW EXECUTE FUNCTION giftcards_card_balance_is_ledger();
"""

UNGUARD = """
DROP TRIGGER IF EXISTS giftcards_card_balance_follows_ledger ON giftcards_giftcard;
DROP FUNCTION IF EXISTS giftcards_card_balance_is_ledger();
DROP TRIGGER IF EXISTS giftcards_txn_balance_chain ON giftcards_giftcardtransaction;
DROP FUNCTION IF EXISTS giftcards_txn_follows_previous();
DROP TRIGGER IF EXISTS giftcards_txn_no_update_or_delete ON giftcards_giftcardtransaction;
DROP FUNCTION IF EXISTS giftcards_txn_immutable();
"""


def guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GUARD, params=None)


def unguard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNGUARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("giftcards", "0001_gift_cards_and_coupons")]

    operations = [migrations.RunPython(guard, unguard)]
