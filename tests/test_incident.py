"""After an escalated ending the trainee practises the incident report (3 Reasons Why: what
happened, when, who): kept with the conversation, shown to the coach, in the report and the export,
with Dutch errors per field; refused for a conversation that did not escalate."""

from __future__ import annotations

import io
import json
import sqlite3
import zipfile

import pytest

from tests.browser_support import VOICE
from tests.conftest import SPACY_DIR, WHISPER_DIR
from tests.test_api import logged_in, run_queue
from voicecoach.admin_service import add_member, create_group, user_named
from voicecoach.api.app import create_app
from voicecoach.audio.synth import speak_to_wav
from voicecoach.config import Settings

ANGRY = ("Rustig aan meneer, dat is nou eenmaal ons beleid.", "Doe even normaal, u zit er gewoon naast.",
         "Regels zijn regels, ik kan er niks aan doen.", "Onzin. Daar ga ik niet over.")
REPORT = {"what": "De klant schreeuwde en dreigde de balie kapot te slaan.", "happened_when": "Vandaag om 14.10 uur aan de balie",
          "who": "De klant, ik en collega Fatima"}


def escalate(client, app, folder) -> str:  # type: ignore[no-untyped-def]
    """A conversation in which the trainee keeps fuelling the conflict until it escalates."""
    conversation = client.post("/api/conversations", json={"scenario_id": "grens-overschrijden"}).json()["id"]
    for number, reply in enumerate(ANGRY):
        audio = speak_to_wav(reply, folder / f"boos-{number}.wav", voice=VOICE).read_bytes()
        assert client.post(f"/api/conversations/{conversation}/turns", content=audio).status_code == 202
        run_queue(app)
        if client.get(f"/api/conversations/{conversation}").json()["finished"]:
            break
    assert client.get(f"/api/conversations/{conversation}").json()["state"]["outcome"] == "escalated"
    return conversation


@pytest.fixture(scope="module")
def setting(tmp_path_factory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("incident")
    app = create_app(Settings(data_dir=folder / "data", whisper_model=WHISPER_DIR, spacy_model=SPACY_DIR))
    trainee, coach = logged_in(app, "sanne"), logged_in(app, "coach", role="coach")
    with app.state.sessions() as session:
        group = create_group(session, None, "klas 3B")
        for name in ("sanne", "coach"):
            add_member(session, None, group, user_named(session, name))
        session.commit()
    return app, trainee, coach, escalate(trainee, app, folder)


def test_the_trainee_reports_the_incident_and_the_coach_reads_it(setting):
    _, trainee, coach, conversation = setting
    before = trainee.get(f"/api/conversations/{conversation}/incident").json()
    assert before["reportable"] and before["may_write"] and before["incident"] is None
    assert "3 Reasons Why" in before["source_title"]
    saved = trainee.put(f"/api/conversations/{conversation}/incident", json=REPORT)
    assert saved.status_code == 200 and saved.json()["incident"]["what"] == REPORT["what"]
    seen = coach.get(f"/api/conversations/{conversation}/incident").json()
    assert not seen["may_write"] and {k: seen["incident"][k] for k in REPORT} == REPORT
    assert coach.put(f"/api/conversations/{conversation}/incident", json=REPORT).status_code == 404  # only the trainee writes
    assert REPORT["who"] in coach.get(f"/rapport/gesprek/{conversation}").text
    export = zipfile.ZipFile(io.BytesIO(trainee.get("/api/me/export").content))
    [exported] = [c for c in json.loads(export.read("data.json"))["conversations"] if c["id"] == conversation]
    assert exported["incident"]["happened_when"] == REPORT["happened_when"]


@pytest.mark.parametrize("field", ["what", "happened_when", "who"])
def test_an_empty_field_gets_a_dutch_error_naming_it_and_keeps_the_saved_report(setting, field):
    _, trainee, _, conversation = setting
    trainee.put(f"/api/conversations/{conversation}/incident", json=REPORT)
    response = trainee.put(f"/api/conversations/{conversation}/incident", json={**REPORT, field: "   "})
    error = response.json()["error"]
    assert response.status_code == 400 and error["field"] == field and error["message"].startswith("Vul '")
    assert trainee.get(f"/api/conversations/{conversation}/incident").json()["incident"][field] == REPORT[field]


def test_no_incident_report_for_a_conversation_that_did_not_end_so(setting):
    """Not while it runs, nor after an ending that asks for no report; after every ending of a
    scenario that says "Meld het incident", also a calmed one (3 Reasons Why: "Ook als je de
    situatie hebt opgelost")."""
    app, trainee, _, _ = setting
    running = trainee.post("/api/conversations", json={"scenario_id": "monteur-deur"}).json()["id"]
    phone = trainee.post("/api/conversations", json={"scenario_id": "klacht-telefoon"}).json()["id"]
    calmed = trainee.post("/api/conversations", json={"scenario_id": "monteur-deur"}).json()["id"]
    with sqlite3.connect(app.state.settings.data_dir / "voicecoach.db") as db:
        db.execute("UPDATE conversations SET finished_at = datetime('now'), state = json_set(state, '$.outcome', 'calmed')"
                   " WHERE id IN (?, ?)", (phone, calmed))
    for refused in (running, phone):
        assert trainee.get(f"/api/conversations/{refused}/incident").json()["reportable"] is False
        response = trainee.put(f"/api/conversations/{refused}/incident", json=REPORT)
        assert response.status_code == 400 and "geëscaleerd" in response.json()["error"]["message"]
    assert trainee.get(f"/api/conversations/{calmed}/incident").json()["reportable"] is True
    assert trainee.put(f"/api/conversations/{calmed}/incident", json=REPORT).status_code == 200
