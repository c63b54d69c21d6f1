"""Portfolio reports: a conversation and a trainee's progress as printable HTML and as PDF
(WeasyPrint); the PDF's text holds the transcript, the points and the coach's note."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from tests.practice_history import NOTE, History, build_history


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> History:  # type: ignore[no-untyped-def]
    return build_history(tmp_path_factory.mktemp("rapport"))


def pdf_text(data: bytes) -> str:
    """The PDF's text with whitespace runs made single spaces (lines break anywhere)."""
    assert data.startswith(b"%PDF-")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text)


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def test_the_conversation_pdf_holds_transcript_points_and_the_coachs_note(history):
    conversation = history.trainee.get(f"/api/conversations/{history.conversations[0]}").json()
    [turn] = conversation["turns"]
    response = history.trainee.get(f"/rapport/gesprek/{conversation['id']}.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.content)
    flat = " ".join(words(text))
    # whatever Whisper heard: the stored transcript is in the PDF, word for word
    assert " ".join(words(turn["result"]["analysis"]["transcript"]["text"])) in flat
    assert " ".join(words(turn["customer_line"])) in flat
    for point in turn["score"]["points"]:  # every point with its explanation
        assert " ".join(words(point["explanation"])) in flat
    total = turn["score"]["total"]
    assert f"Punten voor deze beurt: {f'{total:+d}' if total else '0'}" in text
    assert " ".join(words(NOTE)) in flat
    assert "Gespreksverslag" in text and "Bron:" in text


def test_the_printable_conversation_report_has_its_plots_and_is_only_for_who_may_see_it(history):
    conversation = history.conversations[0]
    page = history.coach.get(f"/rapport/gesprek/{conversation}")
    assert page.status_code == 200 and page.text.count("<svg") == 2 and "Punten per beurt" in page.text
    assert 'lang="nl"' in page.text and NOTE in page.text
    for path in (f"/rapport/gesprek/{conversation}", f"/rapport/gesprek/{conversation}.pdf"):
        assert history.outsider.get(path).status_code == 404


def test_the_progress_report_as_html_and_pdf(history):
    page = history.coach.get("/rapport/voortgang/sanne").text
    assert "Voortgangsverslag van sanne" in page and page.count("<svg") == 3
    data = history.trainee.get("/api/me/progress").json()
    # the charts' conversations by Dutch day and time ("27 nov. 14:05"), not "2026-11-27" over and over
    assert not re.search(r"\d{4}-\d{2}-\d{2}", page)
    assert re.search(r"\d{1,2} (jan|feb|mrt|apr|mei|jun|jul|aug|sep|okt|nov|dec)\.? \d{2}:\d{2}", page)
    text = pdf_text(history.trainee.get("/rapport/voortgang/sanne.pdf").content)
    flat = " ".join(words(text))
    assert " ".join(words(data["advice"]["text"])) in flat
    for conversation in data["conversations"]:
        assert " ".join(words(conversation["scenario_title"])) in flat
    assert history.outsider.get("/rapport/voortgang/sanne.pdf").status_code == 404
