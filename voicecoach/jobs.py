"""Durable analysis queue: a jobs table in the project's own database, worked under leases.

Why not Huey: Huey takes a task off its queue before running it, so a worker killed mid-analysis
loses the task. Here a job stays in the table until it is finished; a worker holds it under a
lease it renews while working, and a job whose lease ran out (its worker died) is claimed again.
SQLite by default, PostgreSQL when VOICECOACH_DATABASE_URL says so; several workers may run.

A job's attempt is counted when it is claimed, before it runs, so an input that kills its process
(natively, out of memory) is tried at most MAX_ATTEMPTS times. A job moves its target (a turn, a
baseline) through the same states in the same transaction: one hook, `JobKind.mark`, so every
target ends in done or in error with a Dutch message. Database work is retried with backoff when
the database is locked or unreachable, and a target deleted during its analysis ends its job.

A job with a higher priority is served first (a streamed reply: its trainee is waiting at Stop),
and a committed job wakes the idle workers at once (voicecoach/wakeup.py) instead of at their
next poll; an ended job wakes the web servers waiting for it the same way.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Protocol, TypeVar

from sqlalchemy import delete, event, func, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import ObjectDeletedError, StaleDataError

from voicecoach.errors import VoiceCoachError
from voicecoach.store.models import Job, WorkerBeat, utcnow
from voicecoach.wakeup import ENDED, WakeUp, wake_all, wake_folder

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
STREAMED = 1  # the priority of a streamed reply's analysis; everything else 0
BEAT_SECONDS = 5.0
TARGET_STATUS = {"queued": "queued", "running": "running", "done": "done", "failed": "error"}
T = TypeVar("T")


def failed_message(attempts: int) -> dict[str, str]:
    return {
        "code": "analysis_failed",
        "message": (
            f"De analyse van deze opname is {attempts} keer mislukt. Neem je antwoord opnieuw op; "
            "blijft het misgaan, meld het dan aan je docent."
        ),
    }


class JobKind(Protocol):
    """One kind of work: database steps run in the worker, `run` in the analysis process."""

    def prepare(self, session: Session, target_id: str) -> dict[str, Any] | None:
        """What `run` needs (plain data), or None when the target no longer exists."""

    def run(self, order: dict[str, Any]) -> dict[str, Any]:
        """The analysis; raises VoiceCoachError for a final, Dutch error about the input."""

    def store(self, session: Session, target_id: str, outcome: dict[str, Any]) -> None:
        """Write the outcome to the target and mark it done (nothing when it was deleted)."""

    def mark(self, session: Session, target_id: str, status: str, error: dict[str, str] | None) -> None:
        """Set the target's status (queued | running | error) and error."""


class JobCrashed(Exception):
    """The analysis died (native crash, out of memory, timeout) or raised an unexpected error."""


class Interrupted(Exception):
    """The worker is stopping: the job goes back to the queue uncounted."""


class InlineRunner:
    """Runs a job's analysis in this process (one process for everything, e.g. tests)."""

    def __init__(self, kinds: dict[str, JobKind]) -> None:
        self.kinds = kinds

    def ready(self, stop: threading.Event) -> bool:
        return True

    def run(self, kind: str, order: dict[str, Any], stop: threading.Event) -> dict[str, Any]:
        try:
            return self.kinds[kind].run(order)
        except VoiceCoachError:
            raise
        except Exception as exc:  # counted as a failed attempt, never fatal
            raise JobCrashed(f"{type(exc).__name__}: {exc}") from exc


def enqueue(session: Session, kind: str, target_id: str, *, priority: int = 0) -> Job:
    """Add a job; once the session commits, the workers listening for wake-ups look at once."""
    job = Job(kind=kind, target_id=target_id, priority=priority)
    session.add(job)
    folder = wake_folder(session.get_bind().url)
    event.listen(session, "after_commit", lambda _session: wake_all(folder), once=True)
    return job


def _claimable(now):  # type: ignore[no-untyped-def]
    waiting = or_(Job.status == "queued", (Job.status == "running") & (Job.lease_until < now))
    return waiting & (Job.attempts < MAX_ATTEMPTS)


def claim(session: Session, worker: str, lease_seconds: float, job_id: int | None = None) -> Job | None:
    """Take the oldest queued job of the highest priority, or one whose worker stopped renewing its lease
    (only job `job_id` when given: the terminal's practice runs its own reply's analysis).

    PostgreSQL: the candidate row is locked with SKIP LOCKED, so workers never take the same job
    and never wait for each other. SQLite has no row locks (one writer at a time): there the
    update below is conditional and only one worker's update can match.
    """
    now = utcnow()
    query = select(Job.id).where(_claimable(now)).order_by(Job.priority.desc(), Job.id).limit(5)
    if job_id is not None:
        query = query.where(Job.id == job_id)
    if session.get_bind().dialect.name == "postgresql":  # skip rows another worker is claiming, never wait
        query = query.limit(1).with_for_update(skip_locked=True)
    for candidate in session.scalars(query).all():
        taken = session.execute(
            update(Job)
            .where(Job.id == candidate, _claimable(now))
            .values(status="running", worker=worker, attempts=Job.attempts + 1,
                    lease_until=now + timedelta(seconds=lease_seconds), updated_at=now)
        )
        session.commit()
        if taken.rowcount == 1:  # nobody else took it between the select and the update
            return session.get(Job, candidate, populate_existing=True)
    return None


def exhausted(session: Session) -> list[Job]:
    """Jobs whose last allowed attempt died with its worker (the lease ran out)."""
    now = utcnow()
    return list(session.scalars(
        select(Job).where(Job.status == "running", Job.lease_until < now, Job.attempts >= MAX_ATTEMPTS)
    ))


def renew(factory: sessionmaker[Session], job_id: int, worker: str, lease_seconds: float) -> None:
    with factory() as session:
        session.execute(
            update(Job).where(Job.id == job_id, Job.worker == worker, Job.status == "running")
            .values(lease_until=utcnow() + timedelta(seconds=lease_seconds))
        )
        session.commit()


def beat(factory: sessionmaker[Session], name: str, job_id: int | None) -> None:
    with factory() as session:
        now = utcnow()
        if session.execute(update(WorkerBeat).where(WorkerBeat.name == name).values(beat_at=now, job_id=job_id)).rowcount == 0:
            session.add(WorkerBeat(name=name, started_at=now, beat_at=now, job_id=job_id))
        session.commit()


def queue_health(session: Session) -> dict[str, Any]:
    """The newest worker heartbeat and the oldest waiting job, in seconds ago (None: none)."""
    now = utcnow()
    last_beat = session.scalar(select(func.max(WorkerBeat.beat_at)))
    oldest = session.scalar(select(func.min(Job.created_at)).where(_claimable(now)))
    waiting = session.scalar(select(func.count()).select_from(Job).where(_claimable(now)))
    return {
        "last_beat_seconds": (now - last_beat).total_seconds() if last_beat else None,
        "waiting": waiting,
        "oldest_waiting_seconds": (now - oldest).total_seconds() if oldest else None,
    }


class Worker:
    """Runs jobs until `stop` is set: one at a time, renewing the lease from a side thread."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        kinds: dict[str, JobKind],
        *,
        runner: InlineRunner | Any = None,
        lease_seconds: float = 30.0,
        poll_seconds: float = 0.2,
    ) -> None:
        self.factory = factory
        self.kinds = kinds
        self.runner = runner or InlineRunner(kinds)
        self.lease_seconds = lease_seconds
        self.poll_seconds = poll_seconds
        self.stop = threading.Event()
        self.name = f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
        self._last_beat = 0.0
        with factory() as session:
            url = session.get_bind().url
        self._jobs_folder = wake_folder(url)  # woken here when a job is committed
        self._ended_folder = wake_folder(url, ENDED)  # wakes the web servers when a job ended

    def run(self, stop: threading.Event) -> None:
        self.stop = stop
        log.info("worker %s started", self.name)
        wake = WakeUp(self._jobs_folder)
        try:
            while not stop.is_set():
                self._beat(None)
                if not self.runner.ready(stop) or not self.run_one():
                    wake.wait(self.poll_seconds)
        finally:
            wake.close()
            self.leave()

    def leave(self) -> None:
        """No longer counted among the running workers (the queue's health reads the heartbeats)."""
        self._db(lambda session: session.execute(delete(WorkerBeat).where(WorkerBeat.name == self.name)))

    def run_one(self, job_id: int | None = None) -> bool:
        """Claim and run one job (only `job_id` when given); False when there was nothing to do."""
        self._db(self._fail_exhausted)
        job = self._db(lambda session: claim(session, self.name, self.lease_seconds, job_id))
        if job is None:
            return False
        job_id, kind, target_id, attempts = job.id, job.kind, job.target_id, job.attempts
        handler = self.kinds[kind]
        done = threading.Event()
        threading.Thread(target=self._keep_lease, args=(job_id, done), daemon=True).start()
        try:
            order = self._db(lambda session: self._prepare(session, handler, target_id))
            if order is None:  # the target was deleted while queued
                self._db(lambda session: self._end(session, job_id, "done", None, kind, target_id))
                return True
            outcome = self.runner.run(kind, order, self.stop)
            self._db(lambda session: self._store(session, job_id, handler, target_id, outcome), gone_ok=True)
        except VoiceCoachError as problem:  # about the input (e.g. the audio): final, said in Dutch
            said = problem.to_dict()
            self._db(lambda session: self._end(session, job_id, "failed", said, kind, target_id), gone_ok=True)
        except Interrupted:
            self._db(lambda session: self._release(session, job_id, kind, target_id), gone_ok=True)
        except Exception as exc:  # noqa: BLE001 - a crash fails this attempt, never the worker
            log.error("job %s (%s %s), attempt %s failed: %s", job_id, kind, target_id, attempts, exc)
            status = "failed" if attempts >= MAX_ATTEMPTS else "queued"
            message = failed_message(attempts) if status == "failed" else None
            detail = str(exc)
            self._db(lambda session: self._end(session, job_id, status, message, kind, target_id, detail), gone_ok=True)
        finally:
            done.set()
            wake_all(self._ended_folder)  # the job's target changed (done, error or queued again)
        return True

    # --- steps, each one transaction ------------------------------------------------------
    def _prepare(self, session: Session, handler: JobKind, target_id: str) -> dict[str, Any] | None:
        order = handler.prepare(session, target_id)
        if order is not None:
            handler.mark(session, target_id, "running", None)
        return order

    def _owned(self, job_id: int, worker: str):  # type: ignore[no-untyped-def]
        """Still this claim: a deleted job's id can be reused by a new job (SQLite rowids), and a
        job whose lease ran out may have been taken over."""
        return update(Job).where(Job.id == job_id, Job.worker == worker, Job.status == "running")

    def _store(self, session: Session, job_id: int, handler: JobKind, target_id: str, outcome: dict[str, Any]) -> None:
        if session.execute(self._owned(job_id, self.name).values(status="done", error=None, lease_until=None)).rowcount:
            handler.store(session, target_id, outcome)

    def _end(self, session: Session, job_id: int, status: str, error: dict[str, str] | None,
             kind: str, target_id: str, detail: str | None = None, *, owner: str | None | bool = True) -> None:
        message = detail or (error or {}).get("message")
        ended = session.execute(self._owned(job_id, self.name if owner is True else owner).values(status=status, error=message, lease_until=None))
        if ended.rowcount and status != "done":
            self.kinds[kind].mark(session, target_id, TARGET_STATUS[status], error)

    def _release(self, session: Session, job_id: int, kind: str, target_id: str) -> None:
        released = session.execute(self._owned(job_id, self.name).values(
            status="queued", attempts=Job.attempts - 1, lease_until=None, worker=None))
        if released.rowcount:
            self.kinds[kind].mark(session, target_id, "queued", None)

    def _fail_exhausted(self, session: Session) -> None:
        for job in exhausted(session):
            log.error("job %s (%s %s) died with its worker %s times: failed", job.id, job.kind, job.target_id, job.attempts)
            self._end(session, job.id, "failed", failed_message(job.attempts), job.kind, job.target_id,
                      "worker died", owner=job.worker)

    # --- database access that survives locks and deletions --------------------------------
    def _db(self, work: Callable[[Session], T], *, gone_ok: bool = False) -> T | None:
        """Run `work` in one transaction; retry with backoff while the database is busy."""
        delay = 0.05
        while True:
            with self.factory() as session:
                try:
                    result = work(session)
                    session.commit()
                    return result
                except (StaleDataError, ObjectDeletedError):
                    session.rollback()
                    if not gone_ok:
                        raise
                    log.info("the job's target was deleted during its analysis")
                    return None
                except OperationalError as exc:
                    session.rollback()
                    if self.stop.is_set():
                        raise
                    log.warning("database busy or unreachable (%s); retrying in %.2f s", exc.orig, delay)
            self.stop.wait(delay)
            delay = min(delay * 2, 5.0)

    def _beat(self, job_id: int | None) -> None:
        if time.monotonic() - self._last_beat < BEAT_SECONDS and job_id is None:
            return
        try:
            beat(self.factory, self.name, job_id)
            self._last_beat = time.monotonic()
        except OperationalError as exc:  # a busy database delays the heartbeat, nothing more
            log.warning("heartbeat not written: %s", exc.orig)

    def _keep_lease(self, job_id: int, done: threading.Event) -> None:
        while not done.wait(min(self.lease_seconds / 3, BEAT_SECONDS)):
            try:
                renew(self.factory, job_id, self.name, self.lease_seconds)
            except OperationalError as exc:
                log.warning("lease of job %s not renewed: %s", job_id, exc.orig)
            self._beat(job_id)
