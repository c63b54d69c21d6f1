"""Processes that open a new SQLite database at once (the server starting, a `voicecoach users …`
typed meanwhile, the worker) each migrate it: the second crashed with "database is locked" or
"table jobs already exists" (a test session). Real processes, a real file."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

MIGRATE = "import sys; from voicecoach.store.db import create_db_engine, migrate; migrate(create_db_engine(sys.argv[1]))"


def test_processes_migrating_a_new_database_at_once_all_succeed(tmp_path: Path) -> None:
    for attempt in range(3):
        database = tmp_path / f"voicecoach-{attempt}.db"
        processes = [subprocess.Popen([sys.executable, "-c", MIGRATE, f"sqlite:///{database}"], stderr=subprocess.PIPE, text=True)
                     for _ in range(4)]
        failures = [process.stderr.read() for process in processes if process.wait(timeout=120) != 0]
        assert failures == [], failures[0][-2000:]
        with sqlite3.connect(database) as connection:
            assert connection.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,)
            assert connection.execute("SELECT count(*) FROM jobs").fetchone() == (0,)
