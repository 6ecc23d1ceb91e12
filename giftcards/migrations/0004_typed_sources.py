"""Typed sources for gift card transactions: "appointment:7" and
"appointment:7:cancelled", "payment:12" and "refund:3:payment:12" become foreign keys
(an issue's "card:5" and a cancellation's "card:5:cancel" are the card itself), so
that the once-only guarantees are unique constraints on those keys.

As for points entries (loyalty 0007): one UPDATE per prefix on PostgreSQL with the
no-update trigger off while it runs, the ORM elsewhere; the reverse rebuilds the
strings; then the trigger lets a deleted booking set its link to NULL.
"""

import re

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TABLE = "giftcards_giftcardtransaction"
NO_UPDATE_TRIGGER = "giftcards_txn_no_update_or_delete"

CONVERT_SQL = [
    f"""UPDATE {TABLE} t SET appointment_id = a.id FROM booking_appointment a
        WHERE t.source LIKE 'appointment:%%' AND a.id = split_part(t.source, ':', 2)::bigint""",
    f"""UPDATE {TABLE} t SET payment_id = p.id FROM checkout_payment p
        WHERE t.source LIKE 'payment:%%' AND p.id = split_part(t.source, ':', 2)::bigint""",
    f"""UPDATE {TABLE} t SET checkout_refund_id = split_part(t.source, ':', 2)::bigint,
        payment_id = split_part(t.source, ':', 4)::bigint
        WHERE t.source LIKE 'refund:%%'""",
]

REBUILD_SQL = f"""UPDATE {TABLE} SET source = CASE
    WHEN kind = 'issue' THEN 'card:' || CAST(card_id AS VARCHAR)
    WHEN kind = 'cancel' THEN 'card:' || CAST(card_id AS VARCHAR) || ':cancel'
    WHEN appointment_id IS NOT NULL AND kind = 'refund'
        THEN 'appointment:' || CAST(appointment_id AS VARCHAR) || ':cancelled'
    WHEN appointment_id IS NOT NULL THEN 'appointment:' || CAST(appointment_id AS VARCHAR)
    WHEN checkout_refund_id IS NOT NULL
        THEN 'refund:' || CAST(checkout_refund_id AS VARCHAR) || ':payment:'
             || CAST(payment_id AS VARCHAR)
    WHEN payment_id IS NOT NULL THEN 'payment:' || CAST(payment_id AS VARCHAR)
    ELSE '' END"""

PARSERS = [
    (re.compile(r"^appointment:(\d+)(:cancelled)?$"),
     lambda m: {"appointment_id": int(m[1])}),
    (re.compile(r"^payment:(\d+)$"), lambda m: {"payment_id": int(m[1])}),
    (re.compile(r"^refund:(\d+):payment:(\d+)$"),
     lambda m: {"checkout_refund_id": int(m[1]), "payment_id": int(m[2])}),
]


def _convert_with_orm(apps) -> None:
    """The same conversion, row by row, where there is no PostgreSQL (tests on SQLite)."""
    GiftCardTransaction = apps.get_model("giftcards", "GiftCardTransaction")
    Appointment = apps.get_model("booking", "Appointment")
    changed = []
    for transaction in GiftCardTransaction.objects.exclude(source="").only("pk", "source"):
        for pattern, fields in PARSERS:
            match = pattern.match(transaction.source)
            if match:
                for name, value in fields(match).items():
                    setattr(transaction, name, value)
                changed.append(transaction)
    # Bookings may be gone (Clear history); payments and refunds never are.
    existing = set(Appointment.objects.filter(
        pk__in={transaction.appointment_id for transaction in changed})
        .values_list("pk", flat=True))
    for transaction in changed:
        if transaction.appointment_id not in existing:
            transaction.appointment_id = None
    GiftCardTransaction.objects.bulk_update(
        changed, ["appointment_id", "payment_id", "checkout_refund_id"], batch_size=1000)


def convert_sources(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        _convert_with_orm(apps)
        return
    schema_editor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {NO_UPDATE_TRIGGER}")
    for sql in CONVERT_SQL:
        schema_editor.execute(sql)
    # The new keys' deferred checks run now: a table with pending checks cannot be altered.
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    schema_editor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {NO_UPDATE_TRIGGER}")


def rebuild_sources(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    if postgresql:
        schema_editor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {NO_UPDATE_TRIGGER}")
    schema_editor.execute(REBUILD_SQL)
    if postgresql:
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {NO_UPDATE_TRIGGER}")


# Deleting a booking sets the transaction's link to it to NULL (SET_NULL): the one
# change the trigger lets through.
GUARD = """
CREATE OR REPLACE FUNCTION giftcards_txn_immutable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND (NEW.appointment_id IS NULL OR NEW.appointment_id = OLD.appointment_id)
        AND to_jsonb(NEW) - 'appointment_id' = to_jsonb(OLD) - 'appointment_id' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'gift card transactions are immutable (% refused)', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""

UNGUARD = """
CREATE OR REPLACE FUNCTION giftcards_txn_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'gift card transactions are immutable (% refused)', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


def guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GUARD, params=None)


def unguard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNGUARD, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('booking', '0007_appointment_used_reward'),
        ('checkout', '0002_invoice_codes'),
        ('giftcards', '0003_reward_tiers'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='giftcardtransaction',
            name='appointment',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='booking.appointment'),
        ),
        migrations.AddField(
            model_name='giftcardtransaction',
            name='checkout_refund',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='checkout.refund'),
        ),
        migrations.AddField(
            model_name='giftcardtransaction',
            name='payment',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='checkout.payment'),
        ),
        migrations.RunPython(convert_sources, rebuild_sources),
        migrations.RemoveConstraint(
            model_name='giftcardtransaction',
            name='giftcards_txn_source_once',
        ),
        migrations.RemoveField(
            model_name='giftcardtransaction',
            name='source',
        ),
        migrations.AddConstraint(
            model_name='giftcardtransaction',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'issue')), fields=('business', 'card'), name='giftcards_txn_card_issued_once'),
        ),
        migrations.AddConstraint(
            model_name='giftcardtransaction',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'cancel')), fields=('business', 'card'), name='giftcards_txn_card_cancelled_once'),
        ),
        migrations.AddConstraint(
            model_name='giftcardtransaction',
            constraint=models.UniqueConstraint(condition=models.Q(('appointment__isnull', False)), fields=('business', 'kind', 'appointment'), name='giftcards_txn_appointment_once'),
        ),
        migrations.AddConstraint(
            model_name='giftcardtransaction',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'redeem'), ('payment__isnull', False)), fields=('business', 'payment'), name='giftcards_txn_payment_once'),
        ),
        migrations.AddConstraint(
            model_name='giftcardtransaction',
            constraint=models.UniqueConstraint(condition=models.Q(('checkout_refund__isnull', False), ('kind', 'refund')), fields=('business', 'checkout_refund', 'payment'), name='giftcards_txn_checkout_refund_once'),
        ),
        migrations.RunPython(guard, unguard),
    ]
