"""The migrations on PostgreSQL, the database of production.

The test databases of the suite are built from the models, not by the migrations
(tests/conftest.py: that costs each xdist worker ~25 s): this test runs them, as `duikou
migrate` does in production, into an empty database of its own, once. On SQLite
test_platform.py's test_the_duikou_command_wraps_manage_py does the same into a fresh data dir.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def _connect(dbname: str):
    import psycopg

    db = settings.DATABASES["default"]
    return psycopg.connect(
        dbname=dbname,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        autocommit=True,
    )


def test_the_migrations_build_an_empty_postgresql_database():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite: test_platform's `duikou migrate` runs the migrations")
    db = settings.DATABASES["default"]
    name = f"{connection.settings_dict['NAME']}_migrations"[:63]
    with _connect("postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        auth = db.get("USER") or ""
        if db.get("PASSWORD"):
            auth += ":" + db["PASSWORD"]
        where = f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
        env = {**os.environ, "DATABASE_URL": f"postgres://{auth}@{where}/{name}"}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        exe = Path(sys.executable).with_name("duikou")
        result = subprocess.run(
            [str(exe), "migrate", "-v", "0"], capture_output=True, text=True, env=env, timeout=600
        )
        assert result.returncode == 0, result.stderr
        applied = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes()
        with _connect(name) as migrated:
            rows = migrated.execute("SELECT app, name FROM django_migrations").fetchall()
            divisions = migrated.execute("SELECT count(*) FROM core_division").fetchone()[0]
            haixi_counties = migrated.execute(
                "SELECT count(*) FROM core_division c JOIN core_division p ON c.parent_id = p.id"
                " WHERE p.code = '632800' AND c.paired_city_id IS NOT NULL"
            ).fetchone()[0]
        # Every app's last migration is applied, and the data migration loaded the divisions.
        assert set(applied) <= set(rows), set(applied) - set(rows)
        assert divisions > 20 and haixi_counties == 7
    finally:
        with _connect("postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
