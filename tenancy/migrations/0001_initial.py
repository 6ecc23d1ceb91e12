"""Business, StaffMembership and ApiToken move here from booking, every row with them.

The tables are renamed (booking_x -> tenancy_x), which keeps their rows, ids and the keys
other tables hold on them: PostgreSQL's foreign keys follow a renamed table, and SQLite
(3.26 and later, legacy_alter_table off as Django sets it) rewrites the references. Django's
state gains the models here; booking 0008 drops them from booking once every app's keys
point at tenancy. The rename runs after every migration that existed when the models moved
(see dependencies), so that none of them meets a table that is no longer there.
"""

import django.core.validators
import django.db.models.deletion
import tenancy.models
from django.conf import settings
from django.db import migrations, models

MOVED_TABLES = ["business", "staffmembership", "apitoken"]


def rename_tables(old_app: str, new_app: str) -> list[str]:
    return [f"ALTER TABLE {old_app}_{model} RENAME TO {new_app}_{model}" for model in MOVED_TABLES]


def move_content_types(old_app: str, new_app: str):
    """Permissions (and anything else keyed by content type) follow the models."""

    def move(apps, schema_editor):
        content_types = apps.get_model("contenttypes", "ContentType").objects.using(
            schema_editor.connection.alias)
        for model in MOVED_TABLES:
            if not content_types.filter(app_label=new_app, model=model).exists():
                content_types.filter(app_label=old_app, model=model).update(app_label=new_app)

    return move


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('contenttypes', '0002_remove_content_type_name'),
        ('booking', '0007_appointment_used_reward'),
        ('checkout', '0002_invoice_codes'),
        ('core', '0002_idempotencykey_claimed_at'),
        ('giftcards', '0004_typed_sources'),
        ('loyalty', '0007_typed_sources'),
        ('notifications', '0001_templates_and_outbound_messages'),
        ('reports', '0001_exports_and_export_log'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(rename_tables("booking", "tenancy"),
                                  reverse_sql=rename_tables("tenancy", "booking")),
            ],
            state_operations=[
                migrations.CreateModel(
                    name='Business',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=120, verbose_name='name')),
                        ('slug', models.SlugField(error_messages={'unique': 'This web address is already taken.'}, help_text='Your booking site lives at /<web address>/.', max_length=60, unique=True, validators=[tenancy.models.validate_slug_not_reserved, django.core.validators.RegexValidator('^[a-z0-9][a-z0-9-]*$', 'Use lowercase letters, digits and dashes.')], verbose_name='web address')),
                        ('time_zone', models.CharField(default='Europe/Paris', max_length=64, validators=[tenancy.models.validate_time_zone], verbose_name='time zone')),
                        ('currency', models.CharField(choices=[('EUR', 'EUR — euro'), ('UAH', 'UAH — гривня'), ('USD', 'USD — US dollar'), ('GBP', 'GBP — pound sterling'), ('CHF', 'CHF — franc suisse'), ('CAD', 'CAD — Canadian dollar'), ('PLN', 'PLN — złoty')], default='EUR', max_length=3, verbose_name='currency')),
                        ('language', models.CharField(choices=[('en', 'English'), ('fr', 'French'), ('uk', 'Ukrainian')], default='en', help_text='Language of your booking site and client emails.', max_length=8, verbose_name='language')),
                        ('contact_email', models.EmailField(max_length=254, verbose_name='contact email')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('cancellation_notice_hours', models.PositiveIntegerField(default=24, help_text='Clients cannot cancel online closer than this to the start.', validators=[django.core.validators.MaxValueValidator(720)], verbose_name='cancellation notice (hours)')),
                        ('minimum_notice_minutes', models.PositiveIntegerField(default=60, help_text='Clients cannot book online closer than this to the start.', validators=[django.core.validators.MaxValueValidator(10080)], verbose_name='minimum notice (minutes)')),
                        ('booking_horizon_days', models.PositiveIntegerField(default=90, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(730)], verbose_name='book up to (days ahead)')),
                        ('slot_step_minutes', models.PositiveIntegerField(choices=[(5, '5'), (10, '10'), (15, '15'), (20, '20'), (30, '30'), (60, '60')], default=15, verbose_name='time between start times (minutes)')),
                        ('waitlist_hold_minutes', models.PositiveIntegerField(default=120, validators=[django.core.validators.MinValueValidator(5), django.core.validators.MaxValueValidator(2880)], verbose_name='waitlist offer holds a seat for (minutes)')),
                        ('history_retention_months', models.PositiveIntegerField(default=24, help_text='With Clear history on, older bookings are deleted with their personal data.', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(120)], verbose_name='keep bookings for (months)')),
                        ('loyalty_enabled', models.BooleanField(default=False, verbose_name='Loyalty')),
                        ('accept_payments_enabled', models.BooleanField(default=False, verbose_name='Accept payments')),
                        ('client_login_enabled', models.BooleanField(default=False, verbose_name='Client login')),
                        ('coupons_gift_cards_enabled', models.BooleanField(default=False, verbose_name='Coupons & gift cards')),
                        ('clear_history_enabled', models.BooleanField(default=False, verbose_name='Clear history')),
                    ],
                    options={
                        'verbose_name': 'business',
                        'verbose_name_plural': 'businesses',
                        'constraints': [models.CheckConstraint(condition=models.Q(('loyalty_enabled', True), ('clear_history_enabled', True), _negated=True), name='business_loyalty_excludes_clear_history'), models.CheckConstraint(condition=models.Q(('loyalty_enabled', False), models.Q(('accept_payments_enabled', True), ('client_login_enabled', True), ('coupons_gift_cards_enabled', True)), _connector='OR'), name='business_loyalty_needs_its_extensions')],
                    },
                ),
                migrations.CreateModel(
                    name='StaffMembership',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(choices=[('owner', 'Owner'), ('manager', 'Manager'), ('staff', 'Staff')], default='staff', max_length=10, verbose_name='role')),
                        ('is_active', models.BooleanField(default=True, verbose_name='active')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('business', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.business')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'staff membership',
                        'verbose_name_plural': 'staff memberships',
                    },
                ),
                migrations.CreateModel(
                    name='ApiToken',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=80, verbose_name='name')),
                        ('prefix', models.CharField(max_length=12)),
                        ('key_hash', models.CharField(db_index=True, max_length=64)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('last_used_at', models.DateTimeField(blank=True, null=True)),
                        ('revoked_at', models.DateTimeField(blank=True, null=True)),
                        ('business', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.business')),
                        ('membership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='api_tokens', to='tenancy.staffmembership')),
                    ],
                    options={
                        'verbose_name': 'API token',
                        'verbose_name_plural': 'API tokens',
                    },
                ),
                migrations.AddConstraint(
                    model_name='staffmembership',
                    constraint=models.UniqueConstraint(fields=('business', 'user'), name='membership_unique_user'),
                ),
                migrations.AddConstraint(
                    model_name='apitoken',
                    constraint=models.UniqueConstraint(fields=('business', 'key_hash'), name='api_token_unique_hash'),
                ),
            ],
        ),
        migrations.RunPython(move_content_types("booking", "tenancy"),
                             move_content_types("tenancy", "booking")),
    ]
