"""Typed sources for points entries: the "appointment:12", "invoice:7", "refund:3",
"gift_card:5", "reset:45:0" and "entry:9" strings become foreign keys (and a round
number), so that reports join what caused an entry instead of parsing it, and the
once-only guarantees are unique constraints on those keys.

The conversion parses each string once: on PostgreSQL one UPDATE per prefix (with the
ledger's no-update trigger off while it runs: it is the one rewrite of history, and the
trigger's per-row cost), elsewhere through the ORM. A source naming a row that no longer
exists (a booking deleted by Clear history) keeps only its round number. Reversed, the
strings are rebuilt from the keys. Then the trigger lets a deleted booking or gift card
set its link to NULL, and refuses every other change as before.
"""

import re

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TABLE = "loyalty_pointsentry"
NO_UPDATE_TRIGGER = "loyalty_entry_no_update_or_delete"

# One UPDATE per prefix. A round: the n-th take-back of an appointment ("appointment:12"
# is the first, "appointment:12:n" the n-th) is round 2n-1, its n-th restoration
# ("appointment:12:restored:n") round 2n.
CONVERT_SQL = [
    f"""UPDATE {TABLE} e SET
        appointment_id = (SELECT a.id FROM booking_appointment a
                          WHERE a.id = split_part(e.source, ':', 2)::bigint),
        round_number = CASE
            WHEN e.kind <> 'reverse' THEN NULL
            WHEN split_part(e.source, ':', 3) = '' THEN 1
            WHEN split_part(e.source, ':', 3) = 'restored'
                THEN 2 * split_part(e.source, ':', 4)::integer
            ELSE 2 * split_part(e.source, ':', 3)::integer - 1 END
        WHERE e.source LIKE 'appointment:%%'""",
    f"""UPDATE {TABLE} e SET invoice_id = i.id FROM checkout_invoice i
        WHERE e.source LIKE 'invoice:%%' AND i.id = split_part(e.source, ':', 2)::bigint""",
    f"""UPDATE {TABLE} e SET refund_id = r.id FROM checkout_refund r
        WHERE e.source LIKE 'refund:%%' AND r.id = split_part(e.source, ':', 2)::bigint""",
    f"""UPDATE {TABLE} e SET gift_card_id = c.id FROM giftcards_giftcard c
        WHERE e.source LIKE 'gift_card:%%' AND c.id = split_part(e.source, ':', 2)::bigint""",
    f"""UPDATE {TABLE} e SET unlocked_by_id = split_part(e.source, ':', 2)::bigint,
        round_number = split_part(e.source, ':', 3)::integer
        WHERE e.source LIKE 'reset:%%'""",
]

# "entry:9" needs nothing: it is the entry's `reverses`.
REBUILD_SQL = f"""UPDATE {TABLE} SET source = CASE
    WHEN unlocked_by_id IS NOT NULL
        THEN 'reset:' || CAST(unlocked_by_id AS VARCHAR) || ':' || CAST(round_number AS VARCHAR)
    WHEN appointment_id IS NOT NULL AND round_number IS NULL
        THEN 'appointment:' || CAST(appointment_id AS VARCHAR)
    WHEN appointment_id IS NOT NULL AND round_number = 1
        THEN 'appointment:' || CAST(appointment_id AS VARCHAR)
    WHEN appointment_id IS NOT NULL AND round_number %% 2 = 1
        THEN 'appointment:' || CAST(appointment_id AS VARCHAR) || ':'
             || CAST((round_number + 1) / 2 AS VARCHAR)
    WHEN appointment_id IS NOT NULL
        THEN 'appointment:' || CAST(appointment_id AS VARCHAR) || ':restored:'
             || CAST(round_number / 2 AS VARCHAR)
    WHEN invoice_id IS NOT NULL THEN 'invoice:' || CAST(invoice_id AS VARCHAR)
    WHEN refund_id IS NOT NULL THEN 'refund:' || CAST(refund_id AS VARCHAR)
    WHEN gift_card_id IS NOT NULL THEN 'gift_card:' || CAST(gift_card_id AS VARCHAR)
    WHEN kind = 'reverse' AND round_number IS NULL
        THEN 'entry:' || CAST(reverses_id AS VARCHAR)
    ELSE '' END"""

PARSERS = [
    (re.compile(r"^appointment:(\d+)$"), lambda m, kind: {
        "appointment_id": int(m[1]), "round_number": 1 if kind == "reverse" else None}),
    (re.compile(r"^appointment:(\d+):(\d+)$"), lambda m, kind: {
        "appointment_id": int(m[1]), "round_number": 2 * int(m[2]) - 1}),
    (re.compile(r"^appointment:(\d+):restored:(\d+)$"), lambda m, kind: {
        "appointment_id": int(m[1]), "round_number": 2 * int(m[2])}),
    (re.compile(r"^invoice:(\d+)$"), lambda m, kind: {"invoice_id": int(m[1])}),
    (re.compile(r"^refund:(\d+)$"), lambda m, kind: {"refund_id": int(m[1])}),
    (re.compile(r"^gift_card:(\d+)$"), lambda m, kind: {"gift_card_id": int(m[1])}),
    (re.compile(r"^reset:(\d+):(\d+)$"), lambda m, kind: {
        "unlocked_by_id": int(m[1]), "round_number": int(m[2])}),
]
TARGETS = {"appointment_id": ("booking", "Appointment"), "invoice_id": ("checkout", "Invoice"),
           "refund_id": ("checkout", "Refund"), "gift_card_id": ("giftcards", "GiftCard")}
FIELDS = ["appointment_id", "invoice_id", "refund_id", "gift_card_id", "unlocked_by_id",
          "round_number"]


def _parsed(source: str, kind: str) -> dict:
    for pattern, fields in PARSERS:
        match = pattern.match(source)
        if match:
            return fields(match, kind)
    return {}


def _convert_with_orm(apps) -> None:
    """The same conversion, row by row, where there is no PostgreSQL (tests on SQLite)."""
    PointsEntry = apps.get_model("loyalty", "PointsEntry")
    changed = []
    for entry in PointsEntry.objects.exclude(source="").only("pk", "kind", "source"):
        values = _parsed(entry.source, entry.kind)
        for name, value in values.items():
            setattr(entry, name, value)
        if values:
            changed.append(entry)
    for name, (app, model) in TARGETS.items():
        wanted = {getattr(entry, name) for entry in changed} - {None}
        existing = set(apps.get_model(app, model).objects.filter(pk__in=wanted)
                       .values_list("pk", flat=True))
        for entry in changed:
            if getattr(entry, name) not in existing:
                setattr(entry, name, None)
    PointsEntry.objects.bulk_update(changed, FIELDS, batch_size=1000)


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


# Deleting a booking or a gift card sets the entry's link to it to NULL (SET_NULL):
# the one change the trigger lets through.
GUARD = """
CREATE OR REPLACE FUNCTION loyalty_entry_immutable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND (NEW.appointment_id IS NULL OR NEW.appointment_id = OLD.appointment_id)
        AND (NEW.gift_card_id IS NULL OR NEW.gift_card_id = OLD.gift_card_id)
        AND to_jsonb(NEW) - 'appointment_id' - 'gift_card_id'
            = to_jsonb(OLD) - 'appointment_id' - 'gift_card_id' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'loyalty points entries are immutable (% refused)', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""

UNGUARD = """
CREATE OR REPLACE FUNCTION loyalty_entry_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'loyalty points entries are immutable (% refused)', TG_OP
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
        ('giftcards', '0004_typed_sources'),
        ('loyalty', '0006_entry_breakdown'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='pointsentry',
            name='appointment',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='booking.appointment'),
        ),
        migrations.AddField(
            model_name='pointsentry',
            name='gift_card',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='giftcards.giftcard'),
        ),
        migrations.AddField(
            model_name='pointsentry',
            name='invoice',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='checkout.invoice'),
        ),
        migrations.AddField(
            model_name='pointsentry',
            name='refund',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='checkout.refund'),
        ),
        migrations.AddField(
            model_name='pointsentry',
            name='round_number',
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='pointsentry',
            name='unlocked_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='loyalty.pointsentry'),
        ),
        migrations.RunPython(convert_sources, rebuild_sources),
        migrations.RemoveConstraint(
            model_name='pointsentry',
            name='loyalty_entry_source_once',
        ),
        migrations.RemoveField(
            model_name='pointsentry',
            name='source',
        ),
        migrations.AddConstraint(
            model_name='pointsentry',
            constraint=models.UniqueConstraint(condition=models.Q(('appointment__isnull', False), ('kind', 'earn')), fields=('business', 'appointment'), name='loyalty_entry_appointment_earns_once'),
        ),
        migrations.AddConstraint(
            model_name='pointsentry',
            constraint=models.UniqueConstraint(condition=models.Q(('invoice__isnull', False), ('kind', 'earn')), fields=('business', 'invoice'), name='loyalty_entry_invoice_earns_once'),
        ),
        migrations.AddConstraint(
            model_name='pointsentry',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'reverse'), ('refund__isnull', False)), fields=('business', 'refund'), name='loyalty_entry_refund_reverses_once'),
        ),
        migrations.AddConstraint(
            model_name='pointsentry',
            constraint=models.UniqueConstraint(condition=models.Q(('appointment__isnull', False), ('kind', 'reverse')), fields=('business', 'appointment', 'round_number'), name='loyalty_entry_appointment_reverses_once_a_round'),
        ),
        migrations.AddConstraint(
            model_name='pointsentry',
            constraint=models.UniqueConstraint(condition=models.Q(('gift_card__isnull', False), ('kind', 'redeem')), fields=('business', 'gift_card'), name='loyalty_entry_gift_card_spends_once'),
        ),
        migrations.AddConstraint(
            model_name='pointsentry',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'reward'), ('unlocked_by__isnull', False)), fields=('business', 'unlocked_by', 'round_number'), name='loyalty_entry_reset_once_a_round'),
        ),
        migrations.AddConstraint(
            model_name='pointsentry',
            constraint=models.UniqueConstraint(condition=models.Q(('appointment__isnull', True), ('kind', 'reverse'), ('refund__isnull', True), ('round_number__isnull', True)), fields=('business', 'reverses'), name='loyalty_entry_reversed_once'),
        ),
        migrations.RunPython(guard, unguard),
    ]
