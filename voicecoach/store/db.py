"""Database engine creation (SQLite by default, any SQLAlchemy URL works)."""

from __future__ import annotations

import fcntl
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"
BUSY_TIMEOUT_MS = 10_000
MIGRATION_LOCK_KEY = 0x766F6963  # any fixed number: one PostgreSQL advisory lock for migrations


def _strict_json(value: object) -> str:
    """JSON without NaN or Infinity: a non-finite measure is an error, never a stored value."""
    return json.dumps(value, allow_nan=False)


def create_db_engine(url: str) -> Engine:
    """Engine for `url`; SQLite gets WAL (readers never block), a busy timeout and foreign keys."""
    is_sqlite = url.startswith("sqlite")
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False} if is_sqlite else {},
        pool_pre_ping=not is_sqlite,
        json_serializer=_strict_json,
    )
    if is_sqlite:

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")  # wait for a writer, don't fail at once
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA secure_delete=ON")  # deleted rows are zeroed, not left in free pages
            cursor.close()

    return engine


def checkpoint(session: Session) -> None:
    """After a deletion: copy the WAL into the database and truncate it, so deleted text is
    readable in neither file (secure_delete has zeroed it in the pages). No-op off SQLite."""
    if session.get_bind().dialect.name == "sqlite":
        session.commit()
        session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        session.commit()


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url)
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (safe to call at every start)."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with _sqlite_migration_lock(engine), engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Workers started together would create the same tables at once; the first migrates
            # while the others wait here.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@contextmanager
def _sqlite_migration_lock(engine: Engine) -> Iterator[None]:
    """SQLite's own locks do not serialise two first migrations: pysqlite runs CREATE TABLE outside
    a transaction, and a reader turning writer is refused at once ("database is locked"). A
    command run while the server created the database crashed so (a test session); an exclusive
    lock on a file beside the database makes the second wait and then find the schema at head."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migration-lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # let go when the file closes, also when the process dies
        yield


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
