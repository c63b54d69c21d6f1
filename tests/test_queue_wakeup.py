"""The queue serves a streamed reply first, a committed job wakes the idle workers at once, and an
ended job wakes the web server's wait for it (real SQLite file, real Unix sockets; no timing
asserts: woken or not is a condition)."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from voicecoach.api.job_endings import JobEndings
from voicecoach.jobs import STREAMED, Worker, claim, enqueue
from voicecoach.store import db
from voicecoach.wakeup import ENDED, WakeUp, wake_all, wake_folder


def sessions(tmp_path: Path, url: str = ""):  # type: ignore[no-untyped-def]
    engine = db.create_db_engine(url or f"sqlite:///{tmp_path / 'queue.db'}")
    db.migrate(engine)
    return db.session_factory(engine)


class EchoKind:
    """A job kind that hands its order back and says when its outcome was stored."""

    def __init__(self, stored: threading.Event) -> None:
        self.stored = stored

    def prepare(self, session, target_id):  # type: ignore[no-untyped-def]
        return {"target": target_id}

    def run(self, order):  # type: ignore[no-untyped-def]
        return order

    def store(self, session, target_id, outcome):  # type: ignore[no-untyped-def]
        self.stored.set()

    def mark(self, session, target_id, status, error):  # type: ignore[no-untyped-def]
        pass


def test_a_committed_job_wakes_a_listening_worker_and_nothing_else_does(tmp_path: Path) -> None:
    factory = sessions(tmp_path)
    with factory() as session:
        folder = wake_folder(session.get_bind().url)
    listener, other = WakeUp(folder), WakeUp(folder)
    try:
        assert listener.path is not None and listener.path.parent == folder
        assert listener.wait(0) is False  # nothing queued yet
        with factory() as session:
            enqueue(session, "analyse_turn", "t-1")
            assert listener.wait(0) is False  # not before the job is committed
            session.commit()
        assert listener.wait(30) is True and other.wait(30) is True  # every worker hears it, at once
        assert listener.wait(0) is False  # one wake-up per commit, drained
        # Another database has its own folder: its jobs wake none of these workers.
        assert wake_folder("sqlite:////elsewhere/other.db") != folder
    finally:
        listener.close(), other.close()
    assert wake_all(folder) == 0 and not folder.exists()  # the last worker to stop cleans up


def test_a_streamed_reply_is_claimed_before_older_uploads(tmp_path: Path) -> None:
    factory = sessions(tmp_path)
    with factory() as session:
        for target in ("upload-1", "upload-2"):
            enqueue(session, "analyse_turn", target)
        enqueue(session, "analyse_turn", "streamed", priority=STREAMED)
        session.commit()
    with factory() as session:
        order = [claim(session, "w", 30).target_id for _ in range(3)]
    assert order == ["streamed", "upload-1", "upload-2"]


def test_the_worker_loop_runs_a_job_queued_while_it_waits(tmp_path: Path) -> None:
    factory = sessions(tmp_path)
    done = threading.Event()
    stop = threading.Event()
    worker = Worker(factory, {"echo": EchoKind(done)}, poll_seconds=600)  # only a wake-up can start the job in time
    thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
    thread.start()
    with factory() as session:
        folder = wake_folder(session.get_bind().url)
    try:
        # The worker listens once its socket is there (bounded wait for that condition).
        for _ in range(600):
            if any(folder.glob("*.sock")):
                break
            stop.wait(0.05)
        with factory() as session:
            enqueue(session, "echo", "x")
            session.commit()
        assert done.wait(120)
    finally:
        stop.set()
        with factory() as session:  # wake it so it sees `stop` now rather than after its long poll
            enqueue(session, "echo", "y")
            session.commit()
        thread.join(120)
    assert not thread.is_alive()


def test_an_ended_job_wakes_the_web_servers_wait_for_it(tmp_path: Path) -> None:
    """The worker's end of a job sets the event a streamed reply's wait took before it looked, also
    when the setting spells the database otherwise than the worker's engine does (query order)."""
    url = f"sqlite:///{tmp_path / 'queue.db'}?timeout=20&check_same_thread=false"
    factory = sessions(tmp_path, url)
    with factory() as session:
        assert session.get_bind().url.render_as_string() != url  # SQLAlchemy sorts the query
    endings = JobEndings(url)  # as a setting gives it

    async def wait_for_one_job() -> tuple[bool, bool]:
        ended = endings.changed()
        with factory() as session:
            enqueue(session, "echo", "x")
            session.commit()
        assert not ended.is_set()  # committed, not ended
        # The worker runs in a thread; the loop stays free to hear its wake-up.
        worker = Worker(factory, {"echo": EchoKind(threading.Event())}, poll_seconds=600)
        ran = await asyncio.to_thread(worker.run_one)
        await asyncio.wait_for(ended.wait(), 60)
        return ran, endings.changed() is not ended  # the next wait takes a fresh event

    try:
        assert asyncio.run(wait_for_one_job()) == (True, True)
        # The folder is not the workers': a committed job does not wake the server's wait.
        assert wake_folder(url, ENDED) != wake_folder(url)
    finally:
        endings.close()
    assert not wake_folder(url, ENDED).exists()  # the last listener cleans up
