"""bin/backup and bin/restore: a backup restores into an empty database with every row, and a
damaged backup restores nothing (one transaction)."""

import os
import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from registry.loading import load_elements
from tests.conftest import require_service
from tests.shipments.factories import case_create_row

ROOT = Path(__file__).resolve().parents[2]


def _uri(name: str) -> str:
    s = connection.settings_dict
    user, host, port = s["USER"] or "postgres", s["HOST"] or "127.0.0.1", s["PORT"] or 5432
    return f"postgresql://{user}@{host}:{port}/{name}"


def _counts(uri: str) -> dict[str, int]:
    """Rows per table, every table of the schema."""
    with psycopg.connect(uri) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            )
        ]
        count = 'SELECT count(*) FROM "{}"'  # names from the catalogue, not from input
        return {t: conn.execute(count.format(t)).fetchone()[0] for t in tables}


def _run(*args: str, database: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": _uri(database)}
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def scratch_database():
    name = f"lodestone_restore_{os.getpid()}"
    admin = _uri("postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    yield name
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_every_row_into_an_empty_database(officer, scratch_database, tmp_path):
    require_service(connection.vendor == "postgresql", "PostgreSQL")
    require_service(bool(shutil.which("pg_dump")), "pg_dump and pg_restore")
    load_elements()
    case = case_create_row(owner=officer, reference="PO-BACKUP-1", buyer="Backup Buyer GmbH")
    source = connection.settings_dict["NAME"]
    dump = tmp_path / "lodestone.dump"

    made = _run("bin/backup", str(dump), database=source)
    assert made.returncode == 0, made.stderr
    restored = _run("bin/restore", str(dump), database=scratch_database)
    assert restored.returncode == 0, restored.stderr

    counts = _counts(_uri(scratch_database))
    assert counts == _counts(_uri(source))
    assert counts["shipments_case"] == 1
    assert counts["registry_element"] > 0
    with psycopg.connect(_uri(scratch_database)) as conn:
        row = conn.execute(
            "SELECT buyer FROM shipments_case WHERE reference = %s", [case.reference]
        ).fetchone()
    assert row == ("Backup Buyer GmbH",)


@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_changes_nothing(officer, scratch_database, tmp_path):
    require_service(connection.vendor == "postgresql", "PostgreSQL")
    require_service(bool(shutil.which("pg_dump")), "pg_dump and pg_restore")
    call_command("load_reference_data", verbosity=0)
    case_create_row(owner=officer)
    source = connection.settings_dict["NAME"]
    good = tmp_path / "good.dump"
    assert _run("bin/backup", str(good), database=source).returncode == 0
    assert _run("bin/restore", str(good), database=scratch_database).returncode == 0
    before = _counts(_uri(scratch_database))

    # Garble the compressed data near the end: pg_restore has already dropped and refilled
    # most tables when it meets the damage, so only one transaction keeps them.
    damaged = tmp_path / "damaged.dump"
    data = bytearray(good.read_bytes())
    at = len(data) * 95 // 100
    data[at : at + 64] = b"\xff" * 64
    damaged.write_bytes(bytes(data))
    failed = _run("bin/restore", str(damaged), database=scratch_database)

    assert failed.returncode != 0
    assert _counts(_uri(scratch_database)) == before


def test_restore_names_a_missing_file(tmp_path):
    result = subprocess.run(
        ["bin/restore", str(tmp_path / "nope.dump")], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "no such backup" in result.stderr
