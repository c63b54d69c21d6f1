"""The trainee's export (GET /api/me/export) holds each turn as its page shows it: every attempt at a
line and whether it counts, the transcript correction with its history; and in a classroom round
the customer's lines as read aloud, for the medewerker and for the student who read them.
In-process: real SQLite, real worker code, real Whisper; nothing asserted on the words heard."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from fastapi.testclient import TestClient

from tests.test_api import app, logged_in, run_queue, start  # noqa: F401 - the fixture and helpers
from tests.test_classroom_api import klas, open_round  # noqa: F401 - the fixture and helpers

CORRECTION = "Ik begrijp dat u boos bent. Wat is er precies gebeurd?"
PAGE_FIELDS = ("set_aside", "attempt", "corrected_by", "corrected_text", "history", "notes", "overrules")


def _exported(client: TestClient) -> tuple[dict, zipfile.ZipFile]:
    response = client.get("/api/me/export")
    assert response.status_code == 200, response.text
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return json.loads(archive.read("data.json")), archive


@pytest.mark.slow
def test_the_export_has_every_attempt_and_the_correction_with_its_history(app, dutch_reply_wav):  # noqa: F811
    client = logged_in(app, "oefenaar")
    conversation = start(client)["id"]
    reply = dutch_reply_wav.read_bytes()
    first = client.post(f"/api/conversations/{conversation}/turns", content=reply).json()["turn_id"]
    run_queue(app)
    heard = client.get(f"/api/turns/{first}").json()["result"]["analysis"]["transcript"]["text"]
    assert client.post(f"/api/turns/{first}/own-correction", json={"text": CORRECTION}).status_code == 202
    run_queue(app)
    second = client.post(f"/api/turns/{first}/attempts", content=reply)
    assert second.status_code == 202, second.text
    run_queue(app)

    data, _ = _exported(client)
    turns = {t["id"]: t for t in data["conversations"][0]["turns"]}
    assert set(turns) == {first, second.json()["turn_id"]}
    assert sorted(t["attempt"] for t in turns.values()) == [1, 2] and {t["number"] for t in turns.values()} == {1}
    assert [t["set_aside"] for t in turns.values()].count(False) == 1  # one attempt counts
    corrected = turns[first]
    assert corrected["corrected_by"] == "trainee" and corrected["corrected_text"] == CORRECTION
    assert [version["text"] for version in corrected["history"]] == [heard]
    assert corrected["result"]["analysis"]["corrected_text"] == CORRECTION
    for turn_id, exported in turns.items():  # the same as the trainee's page reads
        shown = client.get(f"/api/turns/{turn_id}").json()
        assert {k: exported[k] for k in PAGE_FIELDS} == {k: shown[k] for k in PAGE_FIELDS}


@pytest.mark.slow
def test_the_export_has_the_customer_line_as_a_classmate_read_it(app, klas, dutch_reply_wav):  # noqa: F811
    clients, group = klas
    created = open_round(clients, group, "student")
    for name in ("anna", "bram", "cas"):
        clients[name].post("/api/rounds/join", json={"code": created["code"]})
    clients["docent"].post(f"/api/rounds/{created['id']}/roles", json={})  # anna answers, bram reads the customer
    conversation = clients["anna"].get(f"/api/rounds/{created['id']}").json()["conversation"]["id"]
    assert clients["bram"].post(f"/api/rounds/{created['id']}/readings", content=dutch_reply_wav.read_bytes()).status_code == 202
    assert clients["anna"].post(f"/api/conversations/{conversation}/turns", content=dutch_reply_wav.read_bytes()).status_code == 202
    run_queue(app)
    read = clients["docent"].get(f"/api/rounds/{created['id']}").json()["conversation"]["turns"][0]["reading"]
    assert read["status"] == "done" and read["text"]

    anna, _ = _exported(clients["anna"])
    (exported,) = [c for c in anna["conversations"] if c["id"] == conversation]
    (reading,) = exported["customer_readings"]
    assert reading["read_text"] == read["text"] and reading["turn"] == 1 and reading["status"] == "done"
    assert reading["line"] == exported["turns"][0]["customer_line"]  # the line the customer was given
    assert anna["my_customer_readings"] == []

    bram, archive = _exported(clients["bram"])
    (own,) = bram["my_customer_readings"]
    assert own["conversation"] == conversation and own["read_text"] == read["text"]
    assert dutch_reply_wav.read_bytes() in [archive.read(n) for n in archive.namelist() if n.startswith("audio/")]
