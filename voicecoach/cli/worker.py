"""`voicecoach worker`: run queued analyses (started by `serve`, or on its own to scale out)."""

from __future__ import annotations

import signal
import threading

from voicecoach.config import get_settings

RETENTION_INTERVAL_SECONDS = 3600


def worker() -> None:
    """Voer wachtende analyses uit tot het proces stopt (SIGTERM of Ctrl-C)."""
    from voicecoach.jobs import Worker
    from voicecoach.practice_service import PracticeService
    from voicecoach.store.db import create_db_engine, migrate, session_factory

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_db_engine(settings.resolved_database_url)
    migrate(engine)
    service = PracticeService(settings)
    service.analyser.warm_up()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    sessions = session_factory(engine)
    if settings.retention_days:
        threading.Thread(target=_retention, args=(sessions, settings, stop), daemon=True).start()
    Worker(sessions, service.handlers(), lease_seconds=settings.job_lease_seconds).run(stop)


def _retention(sessions, settings, stop: threading.Event) -> None:  # type: ignore[no-untyped-def]
    """Delete recordings past VOICECOACH_RETENTION_DAYS, at start and then every hour."""
    from voicecoach.privacy import purge_expired

    while not stop.is_set():
        with sessions() as session:
            purge_expired(session, settings.data_dir, settings.retention_days)
        stop.wait(RETENTION_INTERVAL_SECONDS)
