"""The database for command-line tools: the same engine, migrations and sessions as the service."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from voicecoach.config import get_settings, prepare_data_dir


def open_sessions() -> sessionmaker[Session]:
    from voicecoach.store.db import create_db_engine, migrate, session_factory

    settings = get_settings()
    prepare_data_dir(settings.data_dir)
    engine = create_db_engine(settings.resolved_database_url)
    migrate(engine)
    return session_factory(engine)
