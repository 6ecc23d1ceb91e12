"""Shared start-up for bench scripts: Django on the local PostgreSQL (or DATABASE_URL)."""

import os
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/salonbook_bench"


def setup_django() -> None:
    sys.path.insert(0, str(PROJECT_DIR))
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    _create_database_if_missing(os.environ["DATABASE_URL"])
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _create_database_if_missing(url: str) -> None:
    import dj_database_url
    import psycopg

    params = dj_database_url.parse(url)
    if params["ENGINE"] != "django.db.backends.postgresql":
        raise SystemExit("bench scripts measure PostgreSQL: set DATABASE_URL=postgres://...")
    connection = psycopg.connect(dbname="postgres", user=params["USER"] or None,
                                 password=params["PASSWORD"] or None,
                                 host=params["HOST"] or None, port=params["PORT"] or None,
                                 autocommit=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [params["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{params["NAME"]}"')
    connection.close()
