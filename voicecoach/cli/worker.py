"""`voicecoach worker`: run queued analyses (started by `serve`, or on its own to scale out)."""

from __future__ import annotations

import logging
import signal
import threading

from voicecoach.config import get_settings

HOUSEKEEPING_INTERVAL_SECONDS = 3600
log = logging.getLogger(__name__)


def worker() -> None:
    """Voer wachtende analyses uit tot het proces stopt (SIGTERM of Ctrl-C)."""
    from voicecoach.analysis_process import ChildRunner
    from voicecoach.jobs import Worker
    from voicecoach.lifetime import stop_on_signals
    from voicecoach.practice_service import PracticeService
    from voicecoach.store.db import create_db_engine, migrate, session_factory

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_db_engine(settings.resolved_database_url)
    migrate(engine)
    service = PracticeService(settings)
    stop = threading.Event()
    stop_on_signals(stop, signal.SIGTERM, signal.SIGINT)
    sessions = session_factory(engine)
    threading.Thread(target=_housekeeping, args=(sessions, settings, stop), daemon=True).start()
    runner = ChildRunner(settings, settings.job_timeout_seconds)
    try:
        Worker(sessions, service.handlers(), runner=runner, lease_seconds=settings.job_lease_seconds).run(stop)
    finally:
        runner.close()


def _housekeeping(sessions, settings, stop: threading.Event) -> None:  # type: ignore[no-untyped-def]
    """At start and then hourly: remove files left without a row by a killed upload, and delete
    recordings past VOICECOACH_RETENTION_DAYS."""
    from voicecoach.privacy import purge_expired
    from voicecoach.store.recordings import sweep_orphans

    while not stop.is_set():
        try:
            with sessions() as session:
                sweep_orphans(session, settings.data_dir)
                if settings.retention_days:
                    purge_expired(session, settings.data_dir, settings.retention_days)
        except Exception:  # housekeeping tries again next hour; the worker goes on
            log.exception("housekeeping failed")
        stop.wait(HOUSEKEEPING_INTERVAL_SECONDS)
