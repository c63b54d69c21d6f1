"""Stored practice: conversations, turns and baselines in the database, analysed by the job queue.

The web API calls the `submit_*` methods (store first, then enqueue); the worker runs the job
kinds of `practice_jobs`, which hear replies and drive the Conversation as the terminal does.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from voicecoach.accounts import audit, may_see
from voicecoach.analysis import Analyser
from voicecoach.audio.decode import decode_audio
from voicecoach.audio.envelope import Envelope, envelope
from voicecoach.coaching.customer import CustomerState, customer_line
from voicecoach.config import Settings
from voicecoach.errors import VoiceCoachError
from voicecoach.jobs import JobKind, enqueue
from voicecoach.practice_jobs import practice_jobs
from voicecoach.scenario_library import ScenarioLibrary
from voicecoach.scenarios import Scenario
from voicecoach.store.baselines import latest_baseline
from voicecoach.store.models import PENDING, BaselineRow, ConversationRow, DeletedReply, Job, Recording, TurnRow, User
from voicecoach.store.recordings import discard_recording_file, store_recording


class NotFound(VoiceCoachError):
    code = "not_found"


def turn_pending() -> VoiceCoachError:
    return VoiceCoachError(
        "Je vorige antwoord op deze klantzin wordt nog geanalyseerd. Wacht op de feedback; daarna kun je "
        "verder of het opnieuw proberen.",
        code="turn_pending",
    )


def line_answered(named: int, awaiting: int) -> VoiceCoachError:
    """A reply naming another customer line than the one awaiting an answer (e.g. a cut stream
    stored after the page had uploaded the same reply, and the conversation moved on)."""
    return VoiceCoachError(
        f"Dit antwoord hoort bij beurt {named}, maar het gesprek wacht nu op een antwoord bij beurt {awaiting}. "
        "Laad de pagina opnieuw en antwoord op de klantzin die je dan ziet.",
        code="line_answered",
    )


def reply_deleted() -> VoiceCoachError:
    return VoiceCoachError(
        "Dit antwoord heb je verwijderd; het wordt niet opnieuw bewaard. Neem een nieuw antwoord op.",
        code="reply_deleted",
    )


def check_awaiting(conversation: ConversationRow, turn: int | None) -> None:
    """The one check both reply paths (upload and stream) make before storing: the conversation goes
    on, and `turn` (the number of the customer line the page answers, when it says) still awaits a reply."""
    if conversation.finished_at is not None:
        raise VoiceCoachError("Dit gesprek is al afgelopen. Begin een nieuw gesprek.", code="conversation_finished")
    awaiting = conversation.state["turn"] + 1
    if turn is not None and turn != awaiting:
        raise line_answered(turn, awaiting)


@contextmanager
def _file_follows_commit(session: Session, data_dir: Path, recording: Recording) -> Iterator[None]:
    """No file without its row: when the rows cannot be committed, the written file goes too."""
    try:
        yield
    except BaseException as exc:
        session.rollback()
        discard_recording_file(data_dir, recording)
        if isinstance(exc, IntegrityError):
            raise turn_pending() from None  # a unique index (one pending turn per line, one turn per reply id): a parallel upload won
        raise


class PracticeService:
    def __init__(self, settings: Settings, analyser: Analyser | None = None) -> None:
        self.settings = settings
        self.analyser = analyser or Analyser(settings)
        self.library = ScenarioLibrary(settings.data_dir)
        self.scenario_problems = self.library.problems

    @property
    def scenarios(self) -> dict[str, Scenario]:
        """Shipped and teachers' scenarios (newest versions)."""
        return self.library.current()

    # --- baselines -----------------------------------------------------------------------
    def baseline_for(self, session: Session, user: User) -> BaselineRow | None:
        return latest_baseline(session, user.id)

    def submit_calibration(self, session: Session, user: User, data: bytes) -> tuple[BaselineRow, Job]:
        recording = store_recording(self.settings.data_dir, user.id, "calibration", data)
        with _file_follows_commit(session, self.settings.data_dir, recording):
            session.add(recording)
            session.flush()  # the recording row first: the baseline refers to it
            row = BaselineRow(user_id=user.id, recording_id=recording.id)
            session.add(row)
            session.flush()
            job = enqueue(session, "calibrate", str(row.id))
            session.commit()
        return row, job

    # --- conversations and turns ---------------------------------------------------------
    def scenario(self, scenario_id: str, version: int | None = None) -> Scenario:
        try:
            return self.library.get(scenario_id, version)
        except KeyError:
            raise NotFound(f"Scenario '{scenario_id}' bestaat niet.") from None

    def scenario_of(self, conversation: ConversationRow) -> Scenario:
        """The scenario as the conversation was started with it (a teacher may have changed it since)."""
        return self.scenario(conversation.scenario_id, conversation.scenario_version)

    def start_conversation(self, session: Session, user: User, scenario_id: str) -> ConversationRow:
        scenario = self.scenario(scenario_id)
        state = CustomerState.start(scenario)
        row = ConversationRow(
            id=str(uuid.uuid4()), user_id=user.id, scenario_id=scenario.id, scenario_version=self.library.version(scenario.id),
            state=asdict(state), customer_line=customer_line(scenario, state),
        )
        session.add(row)
        session.commit()
        return row

    def conversation(self, session: Session, user: User, conversation_id: str, *, write: bool = False) -> ConversationRow:
        """The conversation if `user` may see it (owner or their coach); only the owner may change it.
        Anything else is 'not found', so nobody learns whose conversations exist."""
        row = session.get(ConversationRow, conversation_id)
        if row is None or not self._allowed(session, user, row.user_id, write):
            raise NotFound("Dit gesprek bestaat niet.")
        return row

    def turn(self, session: Session, user: User, turn_id: str, *, write: bool = False) -> TurnRow:
        row = session.get(TurnRow, turn_id)
        if row is None or not self._allowed(session, user, row.conversation.user_id, write):
            raise NotFound("Deze beurt bestaat niet.")
        return row

    def turn_recording(self, session: Session, user: User, turn_id: str, *, opening: bool = True) -> Recording:
        """The recording of a turn; every opening (not a later part of the same playback) is
        written to the audit log."""
        turn = self.turn(session, user, turn_id)
        recording = session.get(Recording, turn.recording_id)
        if opening:
            audit(session, user, "recording.opened", recording.user_id, recording.id)
            session.commit()
        return recording

    def turn_envelope(self, session: Session, user: User, turn_id: str) -> Envelope:
        """The outline of a turn's recording for its waveform: not a listen, so not audited."""
        turn = self.turn(session, user, turn_id)
        recording = session.get(Recording, turn.recording_id)
        decoded = decode_audio(self.recording_path(recording), max_seconds=self.settings.max_audio_seconds)
        return envelope(decoded.samples, decoded.sample_rate)

    @staticmethod
    def _allowed(session: Session, user: User, owner_id: int, write: bool) -> bool:
        return user.id == owner_id if write else may_see(session, user, owner_id)

    def submit_turn(
        self, session: Session, user: User, conversation_id: str, data: bytes, *,
        line_left: float | None = None, turn: int | None = None, reply_id: str | None = None, priority: int = 0,
    ) -> tuple[TurnRow, Job]:
        """Store the recording and its turn, then queue the analysis (the caller answers 202).
        `line_left`: seconds of the customer's line still to play when the recording started;
        `turn`: the number of the customer line the reply answers (the page always says);
        `reply_id`: the page's id for this recording: sent again, it gets the turn it made."""
        conversation = self.conversation(session, user, conversation_id, write=True)
        stored = self.stored_reply(session, conversation, reply_id)
        if stored is not None:
            return stored
        check_awaiting(conversation, turn)
        return self.store_turn(session, user, conversation, data, number=conversation.state["turn"] + 1,
                               state_before=dict(conversation.state), customer_line=conversation.customer_line,
                               line_left=line_left, reply_id=reply_id, priority=priority)

    @staticmethod
    def stored_reply(session: Session, conversation: ConversationRow, reply_id: str | None) -> tuple[TurnRow, Job] | None:
        """The turn (and its newest job) that a reply sent before with this `reply_id` made. Its
        answer may have been lost on the way back (a cut connection, a server stop): sending it
        again must neither store it twice nor be refused because its line is answered. A turn whose
        analysis failed gives its id up: the reply sent again (e.g. the page's whole recording after
        a stream cut before the trainee spoke) is a new try. A deleted one is refused."""
        if reply_id is None:
            return None
        if session.get(DeletedReply, (conversation.id, reply_id)) is not None:
            raise reply_deleted()
        found = session.execute(
            select(TurnRow, Job).join(Job, (Job.target_id == TurnRow.id) & (Job.kind == "analyse_turn"))
            .where(TurnRow.conversation_id == conversation.id, TurnRow.reply_id == reply_id)
            .order_by(Job.id.desc()).limit(1)
        ).first()
        if found is None:
            return None
        turn, job = found
        if turn.status == "error":
            turn.reply_id = None  # committed with the new try's rows
            return None
        return turn, job

    def store_turn(
        self, session: Session, user: User, conversation: ConversationRow, data: bytes, *,
        number: int, state_before: dict[str, Any], customer_line: str, set_aside: bool = False,
        line_left: float | None = None, reply_id: str | None = None, priority: int = 0,
    ) -> tuple[TurnRow, Job]:
        """A reply to `customer_line` (a new line, or another attempt at one: voicecoach/attempts.py).
        When the same reply (`reply_id`) was stored meanwhile by a parallel request (a retry while
        the first try still commits, the page's upload beside a cut stream), that turn is the answer."""
        try:
            return self._new_turn(session, user, conversation, data, number=number, state_before=state_before,
                                  customer_line=customer_line, set_aside=set_aside, line_left=line_left,
                                  reply_id=reply_id, priority=priority)
        except VoiceCoachError as error:
            if error.code != "turn_pending" or reply_id is None:
                raise
            session.rollback()  # a new transaction sees the parallel request's commit
            stored = self.stored_reply(session, conversation, reply_id)
            if stored is None:
                raise
            return stored

    def _new_turn(
        self, session: Session, user: User, conversation: ConversationRow, data: bytes, *,
        number: int, state_before: dict[str, Any], customer_line: str, set_aside: bool,
        line_left: float | None, reply_id: str | None, priority: int,
    ) -> tuple[TurnRow, Job]:
        if self._pending_turn(session, conversation.id, number):
            raise turn_pending()
        recording = store_recording(self.settings.data_dir, user.id, "turn", data)
        with _file_follows_commit(session, self.settings.data_dir, recording):
            session.add(recording)
            session.flush()  # the recording row first: the turn refers to it
            turn = TurnRow(
                id=str(uuid.uuid4()), conversation_id=conversation.id, number=number, recording_id=recording.id,
                state_before=state_before, customer_line=customer_line, set_aside=set_aside,
                line_left_seconds=line_left or None, reply_id=reply_id,
            )
            session.add(turn)
            session.flush()
            job = enqueue(session, "analyse_turn", turn.id, priority=priority)
            session.commit()
        return turn, job

    @staticmethod
    def _pending_turn(session: Session, conversation_id: str, number: int) -> bool:
        return session.scalar(
            select(TurnRow.id).where(TurnRow.conversation_id == conversation_id, TurnRow.number == number,
                                     TurnRow.status.in_(PENDING)).limit(1)
        ) is not None

    def reanalyse(self, session: Session, user: User, turn_id: str) -> Job:
        turn = self.turn(session, user, turn_id, write=True)
        if turn.status in PENDING or self._pending_turn(session, turn.conversation_id, turn.number):
            raise turn_pending()
        turn.status, turn.error = "queued", None
        job = enqueue(session, "analyse_turn", turn.id)
        try:
            session.commit()
        except IntegrityError:  # another upload for this line came first
            session.rollback()
            raise turn_pending() from None
        return job

    def recording_path(self, recording: Recording) -> Path:
        return self.settings.data_dir / recording.path

    # --- job kinds (run by the worker) ----------------------------------------------------
    def handlers(self) -> dict[str, JobKind]:
        from voicecoach.classroom.observations import ReadingJob  # classroom builds on this service

        return {**practice_jobs(self.analyser, self.library, self.settings.data_dir),
                "transcribe_reading": ReadingJob(self.analyser, self.settings.data_dir)}
