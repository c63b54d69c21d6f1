"""The classroom medewerker's answer carries `line_left` too: VoiceCoach's line plays from the board,
the board tells the round how much of it is left (a "line" event, dated by the server's clock), and
the medewerker's upload names its line and what was left of it when the recording started (real
SQLite, real worker code, real speech)."""

from __future__ import annotations

import json

import pytest

from tests.test_api import app, run_queue  # noqa: F401 - the fixture and helpers
from tests.test_classroom_api import klas, open_round  # noqa: F401 - fixture
from voicecoach.classroom.feed import BoardFeed
from voicecoach.classroom.models import RoundEvent
from voicecoach.store.models import TurnRow


@pytest.fixture
def round_with_medewerker(app, klas):  # type: ignore[no-untyped-def]  # noqa: F811
    """A round where VoiceCoach is the customer and anna answers its first line."""
    clients, group = klas
    created = open_round(clients, group)
    assert clients["anna"].post("/api/rounds/join", json={"code": created["code"]}).status_code == 200
    conversation = clients["docent"].post(f"/api/rounds/{created['id']}/roles", json={}).json()["conversation_id"]
    return clients, created["id"], conversation


def test_the_board_tells_the_round_how_much_of_the_line_is_left(app, round_with_medewerker):  # noqa: F811
    clients, round_id, conversation = round_with_medewerker
    url = f"/api/rounds/{round_id}/line-playing"
    assert clients["anna"].post(url, json={"turn": 1, "seconds_left": 2.5}).status_code == 404  # only the teacher's board
    assert clients["docent"].post(url, json={"turn": 1, "seconds_left": -1}).status_code == 422
    wrong = clients["docent"].post(url, json={"turn": 2, "seconds_left": 2.5})
    assert wrong.status_code == 409 and wrong.json()["error"]["code"] == "line_answered"
    playing = clients["docent"].post(url, json={"turn": 1, "seconds_left": 2.5})
    assert playing.status_code == 201, playing.text
    line = playing.json()
    assert line["conversation_id"] == conversation and line["turn"] == 1 and line["seconds_left"] == 2.5
    # Every board and phone gets it with the server's clock at sending, to take off the way there.
    batch = BoardFeed(app.state.sessions, app.state.service)._read(round_id, 0)
    assert batch is not None
    sent = [json.loads(data) for _, kind, data in batch.events if kind == "line"]
    assert len(sent) == 1 and sent[0]["event"]["data"] == line
    assert line["at"] <= sent[0]["sent_at"] < line["at"] + 30


def test_the_medewerkers_upload_keeps_line_left_and_the_answered_line_is_over(app, round_with_medewerker, dutch_reply_wav):  # noqa: F811
    clients, round_id, conversation = round_with_medewerker
    anna = clients["anna"]
    # what classroom_round.js sends when anna starts recording with 1.8 s of the line to go
    upload = anna.post(f"/api/conversations/{conversation}/turns?turn=1&line_left=1.8", content=dutch_reply_wav.read_bytes())
    assert upload.status_code == 202, upload.text
    turn_id = upload.json()["turn_id"]
    with app.state.sessions() as session:
        assert session.get(TurnRow, turn_id).line_left_seconds == pytest.approx(1.8)
    assert run_queue(app) == 1
    turn = anna.get(f"/api/turns/{turn_id}").json()
    assert turn["status"] == "done"
    checked = turn["result"]["analysis"]["interruption"]  # the worker compared it with the line's audio
    assert checked is not None and checked["line_left"] == pytest.approx(1.8)
    # The line is answered: the board can no longer say it plays, and a late answer to it is refused.
    late = clients["docent"].post(f"/api/rounds/{round_id}/line-playing", json={"turn": 1, "seconds_left": 1.0})
    assert late.status_code == 409
    again = anna.post(f"/api/conversations/{conversation}/turns?turn=1", content=dutch_reply_wav.read_bytes())
    assert again.status_code == 409 and again.json()["error"]["code"] == "line_answered"
    with app.state.sessions() as session:
        assert session.query(RoundEvent).filter(RoundEvent.kind == "line").count() == 0  # none was published after all
