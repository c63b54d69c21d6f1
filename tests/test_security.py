"""Protections on every response: security headers and no-store, trusted Host names, a body limit
with a Dutch 413, typed query parameters and Dutch 422s, and an offline /docs without inline script."""

from __future__ import annotations

import html

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import SPACY_DIR, WHISPER_DIR
from voicecoach.accounts import create_user
from voicecoach.api.app import create_app
from voicecoach.api.templating import WEB_DIR
from voicecoach.config import Settings
from voicecoach.store.models import Note

PASSWORD = "geheim-wachtwoord"


@pytest.fixture(scope="module")
def app(tmp_path_factory):  # type: ignore[no-untyped-def]
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("data"), whisper_model=WHISPER_DIR, spacy_model=SPACY_DIR))
    with app.state.sessions() as session:
        create_user(session, "coach", PASSWORD, role="coach")
        session.commit()
    return app


@pytest.fixture(scope="module")
def coach(app) -> TestClient:  # type: ignore[no-untyped-def]
    client = TestClient(app)
    client.post("/login", data={"username": "coach", "password": PASSWORD})
    client.headers["X-CSRF-Token"] = client.get("/api/me").json()["csrf_token"]
    return client


@pytest.mark.parametrize("path", ["/", "/login", "/api/me", "/api/me/export", "/healthz", "/docs", "/openapi.json",
                                  "/api/bestaat-niet", "/beoordelen", "/static/style.css"])
def test_every_response_carries_the_security_headers(coach, path):
    response = coach.get(path)
    csp = response.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    if path.startswith("/static/"):
        assert "no-store" not in response.headers.get("cache-control", "")
    else:  # pages, personal JSON and recordings are not kept on shared laptops
        assert response.headers["cache-control"] == "no-store"


def test_pages_and_scripts_have_no_inline_script():
    for template in (WEB_DIR / "templates").glob("*.html"):
        html = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), template.name
        assert not re.search(r"\son[a-z]+\s*=", html), template.name
        assert "javascript:" not in html
    for script in (WEB_DIR / "static").glob("*.js"):
        assert not re.search(r"\beval\(|new Function\(", script.read_text()), script.name


def test_docs_work_offline_from_vendored_swagger_ui(coach):
    page = coach.get("/docs").text
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page and "https://" not in page
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "LICENSE"):
        assert coach.get(f"/static/vendor/swagger-ui/{name}").status_code == 200
    assert coach.get("/redoc").status_code == 404  # ReDoc would load from a CDN


@pytest.mark.parametrize(("host", "allowed"), [
    ("127.0.0.1:8000", True), ("localhost:8000", True), ("voicecoach.school", True),
    ("evil.example", False), ("127.0.0.1.evil.example", False),
])
def test_only_trusted_host_names_are_served(tmp_path: Path, host, allowed):
    settings = Settings(data_dir=tmp_path / "data", allowed_hosts=["voicecoach.school"])
    response = TestClient(create_app(settings)).get("/healthz", headers={"Host": host})
    assert (response.status_code == 200) == allowed, response.text
    assert "content-security-policy" in response.headers


def test_a_twenty_megabyte_note_is_refused_in_dutch(app, coach):
    note = {"text": "bla " * 5_000_000}
    for response in (
        coach.post("/api/conversations/x/notes", json=note),
        coach.post("/api/conversations/x/notes", content=(b"{" + b" " * 1000 for _ in range(20_000)),
                   headers={"Content-Type": "application/json"}),  # streamed, no declared length
        TestClient(app).post("/login", data={"username": "x" * 20_000_000, "password": "y"}),
    ):
        assert response.status_code == 413
        assert "te groot" in response.json()["error"]["message"]
    with app.state.sessions() as session:
        assert session.scalars(select(Note)).all() == []


@pytest.mark.parametrize(("path", "words"), [
    ("/beoordelen?min_score=abc", "'min_score' moet een geheel getal zijn"),
    ("/beoordelen?since=2026-13-45", "'since' moet een datum zijn"),
    ("/api/review/conversations?min_score=abc", "'min_score' moet een geheel getal zijn"),
    ("/api/review/conversations?since=gisteren", "'since' moet een datum en tijd zijn"),
    ("/api/baselines/99999999999999999999999", "'baseline_id' mag hoogstens"),
])
def test_typed_query_parameters_answer_a_dutch_422(coach, path, words):
    response = coach.get(path)
    assert response.status_code == 422, response.text
    if not path.startswith("/api/"):  # a page answers with a Dutch error page and a way back
        assert words in html.unescape(response.text) and 'href="/"' in response.text
        return
    error = response.json()["error"]
    assert error["code"] == "invalid_input" and words in error["message"], error


def test_empty_filter_fields_are_no_filter(coach):
    assert coach.get("/beoordelen?trainee=&scenario=&since=&min_score=").status_code == 200
    assert coach.get("/beoordelen?since=2026-01-31&min_score=-3").status_code == 200


def test_json_bodies_get_dutch_validation_messages(coach):
    missing = coach.post("/api/conversations", json={}).json()["error"]
    assert missing["message"] == "Ongeldige invoer: 'scenario_id' ontbreekt."
    broken = coach.post("/api/conversations", content=b"{kapot", headers={"Content-Type": "application/json"}).json()["error"]
    assert "geen geldige JSON" in broken["message"]
    long = coach.post("/api/conversations/x/notes", json={"text": "a" * 5001}).json()["error"]
    assert "'text' is te lang (hoogstens 5000 tekens)" in long["message"]
