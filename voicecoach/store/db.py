"""Database engine creation (SQLite by default, any SQLAlchemy URL works)."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, event


def create_db_engine(url: str) -> Engine:
    """Engine for `url`; SQLite gets WAL and foreign keys so concurrent readers never block."""
    is_sqlite = url.startswith("sqlite")
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False} if is_sqlite else {},
        pool_pre_ping=not is_sqlite,
    )
    if is_sqlite:

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

    return engine
