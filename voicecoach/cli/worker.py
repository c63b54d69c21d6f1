"""`voicecoach worker`: run queued analyses (started by `serve`, or on its own to scale out)."""

from __future__ import annotations

import logging
import signal
import threading

import typer

from voicecoach.config import get_settings, prepare_data_dir

HOUSEKEEPING_INTERVAL_SECONDS = 3600
log = logging.getLogger(__name__)


def worker() -> None:
    """Voer wachtende analyses uit tot het proces stopt (SIGTERM of Ctrl-C); VOICECOACH_ANALYSIS_PROCESSES tegelijk."""
    from voicecoach.analysis_process import ChildRunner
    from voicecoach.jobs import Worker
    from voicecoach.lifetime import stop_on_signals
    from voicecoach.practice_service import PracticeService
    from voicecoach.store.db import create_db_engine, migrate, session_factory

    settings = get_settings()
    prepare_data_dir(settings.data_dir)
    engine = create_db_engine(settings.resolved_database_url)
    migrate(engine)
    service = PracticeService(settings)
    stop = threading.Event()
    stop_on_signals(stop, signal.SIGTERM, signal.SIGINT)
    sessions = session_factory(engine)
    threading.Thread(target=_housekeeping, args=(sessions, settings, stop), daemon=True).start()
    handlers = service.handlers()
    failed = threading.Event()

    def analyse_side_by_side() -> None:
        # One job at a time per thread, each in its own analysis process (one Whisper thread each):
        # two side by side analyse more replies a minute than one with two threads (bench/threads.py).
        runner = ChildRunner(settings, settings.job_timeout_seconds)
        try:
            Worker(sessions, handlers, runner=runner, lease_seconds=settings.job_lease_seconds).run(stop)
        except BaseException:
            failed.set()
            raise
        finally:
            stop.set()  # one loop ending ends the worker, which `serve` then restarts whole
            runner.close()  # from this thread: the child's parent-death signal belongs to it

    threads = [
        threading.Thread(target=analyse_side_by_side, name=f"analysis-{number}")
        for number in range(settings.analysis_processes)
    ]
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        for thread in threads:
            thread.join(timeout=0.5)  # short waits: the main thread handles SIGTERM
    if failed.is_set():
        raise typer.Exit(1)


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
