"""Live board delivery: one poller per watched round fans its events out to every connected board.

A turn is analysed in a worker process, so the web process learns of it from the database: while
a round has boards connected, one task polls it (every POLL_SECONDS, or at once when this process
itself published something) and builds the board snapshot once for all clients. Each client is
sent every event after the one it last received (Last-Event-ID on reconnect), so none is lost."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session, sessionmaker

from voicecoach.classroom.board import board_state
from voicecoach.classroom.events import events_after, last_event_id, sync_turns
from voicecoach.classroom.models import ClassRound
from voicecoach.practice_service import PracticeService

log = logging.getLogger(__name__)
POLL_SECONDS = 0.25
QUEUE_LIMIT = 1000  # a client this far behind is dropped; its browser reconnects with Last-Event-ID


@dataclass
class Batch:
    events: list[tuple[int, str, str]]
    """(event id, kind, the SSE data: the event and the board after it, as JSON)"""


@dataclass
class Channel:
    round_id: int
    last_id: int
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    clients: set[asyncio.Queue[Batch | None]] = field(default_factory=set)
    task: asyncio.Task[None] | None = None


class BoardFeed:
    def __init__(self, sessions: sessionmaker[Session], service: PracticeService) -> None:
        self.sessions = sessions
        self.service = service
        self.channels: dict[int, Channel] = {}
        self.loop: asyncio.AbstractEventLoop | None = None

    def _read(self, round_id: int, after: int) -> Batch | None:
        """New events after `after` with the board as it is now (None: the round is gone)."""
        with self.sessions() as session:
            round_ = session.get(ClassRound, round_id)
            if round_ is None:
                return None
            sync_turns(session, round_)
            events = [{"id": e.id, "kind": e.kind, "data": e.data} for e in events_after(session, round_id, after)]
            board = board_state(session, self.service, round_) if events else {}
            # serialised once here, not once per connected board; `sent_at` (server clock) dates
            # a timed event such as classroom/line_playing.py's
            sent_at = time.time()
            return Batch([(e["id"], e["kind"], json.dumps({"event": e, "board": board, "sent_at": sent_at})) for e in events])

    def notify(self, round_id: int) -> None:
        """Something was published for this round: poll now (safe from any thread)."""
        channel = self.channels.get(round_id)
        if channel is not None and self.loop is not None:
            self.loop.call_soon_threadsafe(channel.wake.set)

    async def _poll(self, channel: Channel) -> None:
        while channel.clients:
            try:
                await asyncio.wait_for(channel.wake.wait(), POLL_SECONDS)
            except TimeoutError:
                pass
            channel.wake.clear()
            try:
                batch = await run_in_threadpool(self._read, channel.round_id, channel.last_id)
            except Exception:  # e.g. the database is busy: the boards wait for the next poll
                log.exception("board feed of round %s could not read the database", channel.round_id)
                continue
            if batch is None or not batch.events:
                continue
            channel.last_id = batch.events[-1][0]
            for queue in list(channel.clients):
                if queue.qsize() >= QUEUE_LIMIT:
                    channel.clients.discard(queue)
                    queue.put_nowait(None)
                else:
                    queue.put_nowait(batch)
        if self.channels.get(channel.round_id) is channel and not channel.clients:
            del self.channels[channel.round_id]

    def _last_id(self, round_id: int) -> int:
        with self.sessions() as session:
            return last_event_id(session, round_id)

    async def stream(self, round_id: int, after: int) -> AsyncIterator[dict[str, str]]:
        """SSE messages for one board: the events after `after` (replayed), then live ones. The
        client is subscribed before the replay is read, so nothing falls between the two."""
        self.loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Batch | None] = asyncio.Queue()
        channel = self.channels.get(round_id)
        if channel is None:
            last = await run_in_threadpool(self._last_id, round_id)
            channel = self.channels.setdefault(round_id, Channel(round_id, last))
        channel.clients.add(queue)
        if channel.task is None or channel.task.done():
            channel.task = asyncio.create_task(self._poll(channel))
        sent = after
        try:
            replay = await run_in_threadpool(self._read, round_id, after)
            batches = [replay] if replay is not None and replay.events else []
            while True:
                batch = batches.pop() if batches else await queue.get()
                if batch is None:
                    return
                for event_id, kind, data in batch.events:
                    if event_id > sent:
                        sent = event_id
                        yield {"id": str(event_id), "event": kind, "data": data}
        finally:
            channel.clients.discard(queue)
