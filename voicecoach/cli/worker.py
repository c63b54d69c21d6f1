"""`voicecoach worker`: run queued analyses (started by `serve`, or on its own to scale out)."""

from __future__ import annotations

import signal
import threading

from voicecoach.config import get_settings


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
    Worker(session_factory(engine), service.handlers(), lease_seconds=settings.job_lease_seconds).run(stop)
