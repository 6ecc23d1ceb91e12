"""On PostgreSQL, the database itself refuses two overlapping appointments of one
staff member: the backstop behind the service's lock-then-check."""

from django.db import migrations

CONSTRAINT = "appointment_no_double_booking"


def add_exclusion_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        f"ALTER TABLE booking_appointment ADD CONSTRAINT {CONSTRAINT} "
        "EXCLUDE USING gist (staff_member_id WITH =, tstzrange(busy_from, busy_until, '[)') WITH &&) "
        "WHERE (service_id IS NOT NULL AND state IN ('booked', 'completed'))"
    )


def drop_exclusion_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE booking_appointment DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("booking", "0002_catalog_schedules_appointments")]

    operations = [migrations.RunPython(add_exclusion_constraint, drop_exclusion_constraint)]
