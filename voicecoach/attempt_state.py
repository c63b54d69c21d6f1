"""Where a conversation stands among the attempts at one customer line: every attempt keeps the
customer's state after it (`state_after`, `line_after`); the conversation follows one of them, so
the customer is moved once. Used by the worker after an analysis (`settle`) and by `attempts`."""

from __future__ import annotations

from voicecoach.store.models import ConversationRow, TurnRow, utcnow


def attempts_at(conversation: ConversationRow, number: int) -> list[TurnRow]:
    return [turn for turn in conversation.turns if turn.number == number]


def is_current_line(turn: TurnRow) -> bool:
    """The turn answers the line the conversation stands on (nothing was answered after it)."""
    return turn.conversation.state["turn"] == turn.number


def follow(conversation: ConversationRow, turn: TurnRow) -> None:
    """The conversation goes on from `turn`: its customer state, next line and end (or none)."""
    assert turn.state_after is not None
    conversation.state = dict(turn.state_after)
    conversation.customer_line = turn.line_after or ""
    conversation.finished_at = utcnow() if turn.state_after.get("outcome") else None


def stands_on(turn: TurnRow) -> bool:
    """Whether a just-analysed turn sets where the conversation stands: the first analysis of the
    line it answers, or the trainee's own correction of the kept attempt at the current line (the
    customer reacts to the words the trainee really said). Another attempt waits to be kept; a
    re-analysis or a coach's correction never moves the customer twice."""
    if turn.set_aside:
        return False
    conversation = turn.conversation
    if conversation.state["turn"] == turn.number - 1:
        return True
    return turn.corrected_by == conversation.user_id and is_current_line(turn)


def settle(turn: TurnRow) -> None:
    """After an analysis: the conversation follows the turn when it stands on it; a late success of
    an earlier failed upload at a line that already has a kept answer is set aside, so one answer
    per line counts."""
    if stands_on(turn):
        follow(turn.conversation, turn)
    elif not turn.set_aside and any(
        t.id != turn.id and t.status == "done" and not t.set_aside for t in attempts_at(turn.conversation, turn.number)
    ):
        turn.set_aside = True
