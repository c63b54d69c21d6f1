"""Transcript corrections, by a coach (review_service) or by the trainee on their newest reply:
the earlier text and score go into the history, wording and score are re-run on the corrected
words; voice and timing stay from the recording."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from voicecoach.attempt_state import is_current_line
from voicecoach.errors import VoiceCoachError
from voicecoach.jobs import enqueue
from voicecoach.practice_service import PracticeService, turn_pending
from voicecoach.store.models import Job, TranscriptVersion, TurnRow, User


def record_correction(session: Session, turn: TurnRow, author: User, text: str) -> Job:
    """Keep the current transcript in the history, store the correction and queue the re-analysis."""
    record = turn.record
    if record is None or record.score is None or not text.strip():
        raise VoiceCoachError("Alleen een geanalyseerde beurt met nieuwe tekst kan worden verbeterd.", code="cannot_correct")
    previous = turn.corrected_text or record.analysis.transcript.text
    session.add(TranscriptVersion(turn_id=turn.id, author_id=author.id, text=previous, score_total=record.score.total))
    turn.corrected_text, turn.corrected_by = text.strip(), author.id
    turn.status = "queued"
    job = enqueue(session, "analyse_turn", turn.id)
    try:
        session.commit()
    except IntegrityError:  # another attempt at this line is being analysed
        session.rollback()
        raise turn_pending() from None
    return job


# The trainee's own correction fixes misheard words; it may not put another reply in its place (a
# test session turned a -3 reply into +5, the customer calming, by typing a model answer over it).
# Share of words the corrected and the heard text have in common (difflib's ratio over words):
# "Dat is nou in meldonsbeleid, daar kan ik niks aan" → "…nou eenmaal ons beleid…" keeps 0.73,
# "Ik krijg dat u bent" → "Ik begrijp dat u boos bent" 0.73, a reply half of which Whisper missed ~0.6.
MIN_OWN_CORRECTION_SIMILARITY = 0.5
# Nor may it add much that was not heard: keeping half the words and appending "Ik ga kijken wat ik
# voor u kan doen." passed the share and calmed the customer (a test session). Whisper may miss a
# few words or a short phrase, so up to 4, or 0.6 per heard word, may be added.
ADDED_WORDS_FREE = 4
ADDED_WORDS_PER_HEARD = 0.6
WORD = re.compile(r"\w+")


def correct_own(session: Session, service: PracticeService, user: User, turn_id: str, text: str) -> Job:
    """The trainee fixes what was misheard in their newest reply, before answering the next line;
    the customer then reacts to the corrected words (attempt_state.stands_on)."""
    turn = service.turn(session, user, turn_id, write=True)
    if not is_current_line(turn):
        raise VoiceCoachError(
            "Alleen je laatste antwoord kun je verbeteren, voordat je op de volgende klantzin antwoordt.",
            code="cannot_correct",
        )
    record = turn.record
    heard = record.analysis.transcript.text if record is not None else None
    if heard is not None and similarity(heard, text) < MIN_OWN_CORRECTION_SIMILARITY:
        raise VoiceCoachError(
            "Je verbetering wijkt te veel af van wat VoiceCoach hoorde. Verbeter alleen woorden die verkeerd "
            "verstaan zijn; zei je iets anders, neem je antwoord dan opnieuw op.",
            code="correction_too_different",
        )
    if heard is not None and added_words(heard, text) > ADDED_WORDS_FREE + ADDED_WORDS_PER_HEARD * len(WORD.findall(heard)):
        raise VoiceCoachError(
            "Je verbetering voegt veel woorden toe die VoiceCoach niet hoorde. Verbeter alleen woorden die "
            "verkeerd verstaan zijn; wil je iets toevoegen, neem je antwoord dan opnieuw op.",
            code="correction_too_different",
        )
    return record_correction(session, turn, user, text)


def similarity(heard: str, corrected: str) -> float:
    """How much of the two texts' words (lowercase) they share, 0..1."""
    return SequenceMatcher(None, WORD.findall(heard.lower()), WORD.findall(corrected.lower())).ratio()


def added_words(heard: str, corrected: str) -> int:
    """How many more words the correction has than the heard words it stands for: inserted words, and
    replacements longer than what they replace."""
    opcodes = SequenceMatcher(None, WORD.findall(heard.lower()), WORD.findall(corrected.lower())).get_opcodes()
    return sum(max(0, (j2 - j1) - (i2 - i1)) for tag, i1, i2, j1, j2 in opcodes if tag in ("insert", "replace"))
