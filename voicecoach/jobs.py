"""Durable analysis queue: a jobs table in the project's own database, worked under leases.

Why not Huey: Huey takes a task off its queue before running it, so a worker killed mid-analysis
loses the task. Here a job stays in the table until it is finished; a worker holds it under a
lease it renews while working, and a job whose lease ran out (its worker died) is claimed again.
SQLite by default, PostgreSQL when VOICECOACH_DATABASE_URL says so; several workers may run.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from voicecoach.store.models import Job, utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
Handler = Callable[[Session, Job], None]


def enqueue(session: Session, kind: str, target_id: str) -> Job:
    job = Job(kind=kind, target_id=target_id)
    session.add(job)
    return job


def claim(session: Session, worker: str, lease_seconds: float) -> Job | None:
    """Take the oldest queued job, or one whose worker stopped renewing its lease.

    PostgreSQL: the candidate row is locked with SKIP LOCKED, so workers never take the same job
    and never wait for each other. SQLite has no row locks (one writer at a time): there the
    update below is conditional and only one worker's update can match.
    """
    now = utcnow()
    claimable = or_(Job.status == "queued", (Job.status == "running") & (Job.lease_until < now))
    candidates = select(Job.id).where(claimable).order_by(Job.id).limit(5)
    if session.get_bind().dialect.name == "postgresql":
        candidates = candidates.limit(1).with_for_update(skip_locked=True)
    for job_id in session.scalars(candidates).all():
        taken = session.execute(
            update(Job)
            .where(Job.id == job_id, claimable)
            .values(status="running", worker=worker, attempts=Job.attempts + 1,
                    lease_until=now + timedelta(seconds=lease_seconds), updated_at=now)
        )
        session.commit()
        if taken.rowcount == 1:  # nobody else took it between the select and the update
            return session.get(Job, job_id, populate_existing=True)
    return None


def renew(factory: sessionmaker[Session], job_id: int, worker: str, lease_seconds: float) -> None:
    with factory() as session:
        session.execute(
            update(Job).where(Job.id == job_id, Job.worker == worker, Job.status == "running")
            .values(lease_until=utcnow() + timedelta(seconds=lease_seconds))
        )
        session.commit()


class Worker:
    """Runs jobs until `stop` is set: one at a time, renewing the lease from a side thread."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        handlers: dict[str, Handler],
        *,
        lease_seconds: float = 30.0,
        poll_seconds: float = 0.2,
    ) -> None:
        self.factory = factory
        self.handlers = handlers
        self.lease_seconds = lease_seconds
        self.poll_seconds = poll_seconds
        self.name = f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"

    def run(self, stop: threading.Event) -> None:
        log.info("worker %s started", self.name)
        while not stop.is_set():
            if not self.run_one():
                stop.wait(self.poll_seconds)

    def run_one(self) -> bool:
        """Claim and run one job; False when there was nothing to do."""
        with self.factory() as session:
            job = claim(session, self.name, self.lease_seconds)
            if job is None:
                return False
            done = threading.Event()
            renewer = threading.Thread(target=self._keep_lease, args=(job.id, done), daemon=True)
            renewer.start()
            try:
                self.handlers[job.kind](session, job)
                job.status, job.error = "done", None
            except Exception as exc:  # noqa: BLE001 - a failing job must not stop the worker
                session.rollback()
                log.exception("job %s (%s %s) failed", job.id, job.kind, job.target_id)
                job = session.get(Job, job.id, populate_existing=True)
                job.error = f"{type(exc).__name__}: {exc}"
                job.status = "failed" if job.attempts >= MAX_ATTEMPTS else "queued"
            finally:
                done.set()
            job.lease_until = None
            session.commit()
            return True

    def _keep_lease(self, job_id: int, done: threading.Event) -> None:
        while not done.wait(self.lease_seconds / 3):
            renew(self.factory, job_id, self.name, self.lease_seconds)

