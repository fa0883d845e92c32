"""The one-machine default (bin/start) runs on SQLite: every migration applies there, and
the parties-and-sources migration (shipments 0004) also goes back and forth."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _migrate(tmp_path: Path, *target: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CELERY_BROKER_URL": "",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "migrate", *target, "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_every_migration_applies_on_sqlite_and_0004_reverses(tmp_path):
    for target in ((), ("shipments", "0003"), ()):
        result = _migrate(tmp_path, *target)
        assert result.returncode == 0, result.stderr[-2000:]
