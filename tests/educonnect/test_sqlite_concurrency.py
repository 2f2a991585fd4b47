"""The embedded SQLite (demo) under two concurrent writers (issue 12 item 10): IMMEDIATE
transactions and a busy timeout make the second writer wait instead of failing."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_two_threads_resetting_the_same_account_both_succeed_on_sqlite(tmp_path):
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    environment.update({"EDUCONNECT_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "educonnect.settings"})
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=environment, capture_output=True, timeout=180
    )
    assert migrate.returncode == 0, migrate.stderr
    run = subprocess.run(
        [sys.executable, "-m", "tests.educonnect.sqlite_two_writers"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout.strip().splitlines()[-1])
    assert summary["outcomes"] == ["ok", "ok"]
    # Both resets happened, one after the other (each bumps the session version once).
    assert summary["session_version"] == 2
