"""What the projector shows, as one JSON snapshot: the customer's line and anger, each turn's
transcript with VoiceCoach's labels, the observers' tallies beside them, and the agreement between
class and machine per label and overall."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from voicecoach.classroom.agreement import class_heard, cohen_kappa
from voicecoach.classroom.models import ClassRound, ObserverMark, RoundConversation, RoundMember
from voicecoach.classroom.observations import CHECKLIST, marks_of, readings_of
from voicecoach.classroom.rounds import customer_of, members
from voicecoach.end_summary import final_line
from voicecoach.practice_service import PracticeService
from voicecoach.store.baselines import calibrated
from voicecoach.store.models import ConversationRow, TurnRow, User
from voicecoach.turn_record import TurnRecord
from voicecoach.turn_scores import done_turns
from voicecoach.vocabulary import AANJAGER, CUSTOMER_MODES, ROUND_ROLE_NAMES, label_name
from voicecoach.wording.hits import WordingHit


def hit_key(hit: WordingHit) -> str:
    """A wording hit as a checklist key: the label, or 'aanjager:<subtype>'."""
    return f"{AANJAGER}:{hit.subtype}" if hit.label == AANJAGER and hit.subtype else hit.label


def analysed(turn: TurnRow | None) -> TurnRecord | None:
    """The record of an analysed turn (None while it waits, failed, or cannot be read)."""
    return turn.record if turn is not None and turn.status == "done" else None


def _problem(turn: TurnRow | None) -> str | None:
    """The Dutch message of a failed turn, or of one whose stored result cannot be read."""
    unreadable = turn.unreadable if turn is not None else None
    return unreadable.message if unreadable else turn.error["message"] if turn is not None and turn.error else None


def machine_keys(turn: TurnRow) -> set[str]:
    """VoiceCoach's labels of an analysed turn as checklist keys."""
    record = analysed(turn)
    return {hit_key(hit) for hit in record.analysis.wording} & set(CHECKLIST) if record else set()


def latest_turns(conversation: ConversationRow, until: datetime | None = None) -> dict[int, TurnRow]:
    """The last attempt per customer line (a failed upload may be retried); with `until` (the
    round's close) only those made during the lesson: the student may practise on alone afterwards,
    and that must not change the lesson's board and debrief."""
    return {turn.number: turn for turn in conversation.turns if until is None or turn.created_at <= until}


def checklist() -> list[dict[str, str]]:
    return [{"key": key, "name": label_name(key), "kind": "aanjager" if key.startswith(AANJAGER) else "remmer"} for key in CHECKLIST]


def judgements(turns: list[TurnRow], marks: list[ObserverMark], joined: dict[int, datetime]) -> dict[str, Any]:
    """Per analysed turn the machine's and the class's yes/no per checklist item, and the agreement.
    An observer counts for a turn only when they had joined (`joined`: student id → when; the
    teacher is no member) before its reply, or tapped at it: a student who joined late made every
    earlier turn read as a disagreement (their silence about it counted as "not heard")."""
    observers = {m.observer_id for m in marks if m.label is not None}
    tapped_at = {(m.observer_id, m.turn_number) for m in marks if m.label is not None}

    def present(turn: TurnRow) -> int:
        return sum(1 for observer in observers if observer not in joined or joined[observer] <= turn.created_at
                   or (observer, turn.number) in tapped_at)
    taps: dict[tuple[int, str], set[int]] = {}
    for m in marks:
        if m.label is not None:
            taps.setdefault((m.turn_number, m.label), set()).add(m.observer_id)
    machine_all: list[bool] = []
    class_all: list[bool] = []
    per_label: dict[str, tuple[list[bool], list[bool]]] = {key: ([], []) for key in CHECKLIST}
    disagreements = []
    for turn in turns:
        if turn.status != "done":
            continue
        heard = machine_keys(turn)
        for key in CHECKLIST:
            machine, klass = key in heard, class_heard(len(taps.get((turn.number, key), ())), present(turn))
            machine_all.append(machine)
            class_all.append(klass)
            per_label[key][0].append(machine)
            per_label[key][1].append(klass)
            if machine != klass:
                disagreements.append({"turn": turn.number, "key": key, "name": label_name(key), "machine": machine, "class": klass})
    return {
        "observers": len(observers),
        "overall": cohen_kappa(machine_all, class_all).to_dict(),
        "per_label": {key: {"name": label_name(key), **cohen_kappa(*pair).to_dict()} for key, pair in per_label.items()},
        "disagreements": disagreements,
    }


def turn_rows(session: Session, conversation: ConversationRow, until: datetime | None = None) -> list[dict[str, Any]]:
    """Each turn (the latest attempt per customer line) with transcript, labels, taps, notes, reading."""
    marks = marks_of(session, conversation.id)
    readings = {r.turn_number: r for r in readings_of(session, conversation.id)}
    latest = latest_turns(conversation, until)
    numbers = sorted(set(latest) | {m.turn_number for m in marks} | set(readings))
    rows = []
    for number in numbers:
        turn = latest.get(number)
        tally = Counter(m.label for m in marks if m.turn_number == number and m.label is not None)
        record = analysed(turn)
        reading = readings.get(number)
        rows.append({
            "number": number,
            "status": turn.status if turn is not None else "waiting",
            "customer_line": turn.customer_line if turn is not None else conversation.customer_line,
            "transcript": (turn.corrected_text or record.analysis.transcript.text) if turn and record else None,
            "hits": [{"key": hit_key(h), "name": label_name(hit_key(h)), "text": h.text, "start": h.start, "end": h.end}
                     for h in record.analysis.wording] if record else [],
            "machine": sorted(machine_keys(turn)) if turn is not None else [],
            "tally": dict(tally),
            "notes": [m.note for m in marks if m.turn_number == number and m.note],
            "score": record.score.total if record and record.score else None,
            "anger_after": record.reaction.anger_after if record and record.reaction else None,
            "error": _problem(turn),
            "reading": {"status": reading.status, "text": reading.text} if reading else None,
        })
    return rows


def joined_times(joined: list[RoundMember]) -> dict[int, datetime]:
    return {m.user_id: m.joined_at for m in joined}


def students_of(session: Session, round_: ClassRound) -> list[User]:
    """The students who were medewerker in the round (the ones with a nabespreking)."""
    query = (select(User).join(ConversationRow, ConversationRow.user_id == User.id)
             .join(RoundConversation, RoundConversation.conversation_id == ConversationRow.id)
             .where(RoundConversation.round_id == round_.id).distinct().order_by(User.display_name))
    return list(session.scalars(query))


def board_state(session: Session, service: PracticeService, round_: ClassRound) -> dict[str, Any]:
    scenario = service.scenario(round_.scenario_id)
    joined = members(session, round_)
    names = {u.id: u.display_name for u in (session.get(User, m.user_id) for m in joined) if u is not None}
    measured = calibrated(session, [m.user_id for m in joined])
    teacher = session.get(User, round_.teacher_id)
    state: dict[str, Any] = {
        "round": {"id": round_.id, "code": round_.code, "scenario": scenario.title, "closed": round_.closed_at is not None,
                  "customer_mode": round_.customer_mode, "customer_mode_name": CUSTOMER_MODES[round_.customer_mode]},
        # who has no calm voice measured: their voice is held against general values only
        "members": [{"id": m.user_id, "name": names.get(m.user_id, "?"), "role": m.role, "role_name": ROUND_ROLE_NAMES[m.role],
                     "calibrated": m.user_id in measured} for m in joined],
        "checklist": checklist(),
        # live, so the teacher's page lists every nabespreking (also when the lesson closes) without a reload
        "debriefs": [{"id": u.id, "name": u.display_name} for u in students_of(session, round_)],
        "conversation": None,
    }
    conversation = session.get(ConversationRow, round_.conversation_id) if round_.conversation_id else None
    if conversation is not None:
        customer = customer_of(session, round_)
        customer_name = (teacher.display_name if teacher and customer == teacher.id else names.get(customer)) if customer else None
        marks = marks_of(session, conversation.id)
        state["conversation"] = {
            "id": conversation.id,
            "medewerker": names.get(conversation.user_id, "?"),
            "medewerker_id": conversation.user_id,
            "customer": customer_name or CUSTOMER_MODES["voicecoach"],
            "customer_id": customer,
            # a finished conversation has no next line: the board shows what the customer said last
            "customer_line": final_line(scenario, conversation, done_turns(conversation)),
            "anger": conversation.state["anger"],
            "turn": int(conversation.state["turn"]) + 1,
            "phase_title": scenario.phase(conversation.state["phase"]).title,
            "finished": conversation.finished_at is not None,
            "outcome": conversation.state.get("outcome"),
            "turns": turn_rows(session, conversation, round_.closed_at),
            "agreement": judgements(list(latest_turns(conversation, round_.closed_at).values()), marks, joined_times(joined)),
        }
    return state
