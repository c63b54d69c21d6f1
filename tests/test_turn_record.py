"""The one shape of a scored turn: stored records of the previous release are upgraded and
validated when read; today's records survive the round trip through JSON; damage is refused."""

from __future__ import annotations

import copy
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from voicecoach.turn_record import SCHEMA_VERSION, TurnRecord, UnreadableRecord, read_turn_record

OLD_DB = Path(__file__).parent / "data" / "old-database" / "voicecoach.db"


@pytest.fixture(scope="module")
def old_results(tmp_path_factory) -> list[dict]:  # type: ignore[no-untyped-def]
    """The turn results as the previous release wrote them (from a copy: SQLite writes beside its file)."""
    copied = tmp_path_factory.mktemp("oud") / "voicecoach.db"
    shutil.copy(OLD_DB, copied)
    db = sqlite3.connect(copied)
    try:
        return [json.loads(row[0]) for row in db.execute("SELECT result FROM turns WHERE result IS NOT NULL")]
    finally:
        db.close()


def test_version_1_records_are_upgraded_to_the_current_shape(old_results):
    stored = copy.deepcopy(old_results)
    assert len(stored) == 2 and all("schema_version" not in data for data in stored)
    assert all("score" in data["analysis"] for data in stored)  # version 1 kept an empty score there
    for data in stored:
        record = read_turn_record(data)
        assert record.schema_version == SCHEMA_VERSION
        assert record.score.total == data["score"]["total"] and len(record.score.points) == len(data["score"]["points"])
        assert record.reaction.anger_after == data["reaction"]["anger_after"]
        assert record.analysis.transcript.text == data["analysis"]["transcript"]["text"]
        assert record.analysis.voice.clipped is False and record.analysis.voice.clipped_fraction == 0.0
        assert all(hit.method == "rule" for hit in record.analysis.wording)
        dumped = record.model_dump(mode="json")
        assert "score" not in dumped["analysis"] and dumped["schema_version"] == SCHEMA_VERSION
        assert read_turn_record(json.loads(json.dumps(dumped))) == record  # stored again, read again: the same


def test_the_upgrade_does_not_change_what_it_reads(old_results):
    stored = old_results[0]
    before = json.dumps(stored, sort_keys=True)
    read_turn_record(stored)
    assert json.dumps(stored, sort_keys=True) == before


@pytest.mark.parametrize("damage", [
    lambda d: d["analysis"].pop("transcript"),
    lambda d: d["reaction"].update(anger_after="boos"),
    lambda d: d["score"]["points"][0].update(unknown_field=1),
    lambda d: d.update(schema_version=SCHEMA_VERSION + 1),
])
def test_a_damaged_record_is_refused(old_results, damage):
    data = copy.deepcopy(old_results[0])
    damage(data)
    with pytest.raises(UnreadableRecord, match="kan niet worden getoond"):
        read_turn_record(data)


def test_the_json_schema_names_the_parts_the_pages_read():
    schema = TurnRecord.model_json_schema()
    assert {"schema_version", "analysis", "score", "reaction"} <= set(schema["properties"])
    analysis = schema["$defs"]["AnalysisRecord"]["properties"]
    assert {"audio", "transcript", "voice", "wording", "suggestions", "corrected_text"} <= set(analysis)


# An interruption exactly as the previous release stored it (Interruption.to_dict() then, mirrored by
# InterruptionRecord): the verdicts and thresholds were stored beside the measures.
STORED_INTERRUPTION = {
    "interrupting": True, "line_left": 2.851, "seconds": 1.23, "stretches": [[0.31, 1.12], [1.7, 2.12]],
    "speech_seconds": 2.4, "explained_seconds": 1.17, "similarity": 0.412, "threshold": 0.6, "min_seconds": 0.4,
    "lag": 0.08, "echo": True, "prominence": 0.611, "echo_prominence": 0.45,
}


def test_an_interruption_stored_by_the_previous_release_reads_into_the_one_shape(old_results):
    data = copy.deepcopy(old_results[0])
    data["analysis"]["interruption"] = copy.deepcopy(STORED_INTERRUPTION)
    found = read_turn_record(data).analysis.interruption
    assert found.interrupting and found.echo and found.explained_seconds == pytest.approx(1.17)
    assert found.stretches == ((0.31, 1.12), (1.7, 2.12)) and found.min_seconds == 0.4
    # stored again, it keeps the same fields and values: pages and exports read the same keys
    assert found.model_dump(mode="json") == STORED_INTERRUPTION
    # the verdicts follow the measures and the thresholds the record was judged by
    calm = {**STORED_INTERRUPTION, "seconds": 0.2, "prominence": 0.3}
    data["analysis"]["interruption"] = calm
    again = read_turn_record(data).analysis.interruption
    assert not again.interrupting and not again.echo and again.explained_seconds == pytest.approx(2.2)


def test_an_interruption_with_an_unknown_field_is_refused(old_results):
    data = copy.deepcopy(old_results[0])
    data["analysis"]["interruption"] = {**STORED_INTERRUPTION, "volume": 3}
    with pytest.raises(UnreadableRecord):
        read_turn_record(data)
