"""The HTTP API and dashboard through FastAPI's TestClient over a real database file (SQLite)
and, with TOCSIN_TEST_PG_URL, a real PostgreSQL server: filters, cursor pages, the error
shape, tokens, the body limit, review, gold export, escaping and the CSP."""

from __future__ import annotations

import json
import logging
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from tocsin.api import CSP, create_app
from tocsin.derive import refresh
from tocsin.knowledge import Knowledge, load_knowledge
from tocsin.model import DocumentResult, Entity, EventDate
from tocsin.settings import Settings
from tocsin.store import Store, open_store
from tocsin.webconfig import ServerConfig, load_server_config, parse_tokens

from . import test_store as _ts
from .conftest import EXAMPLES
from .test_store import EN_ID, FR_ID, _article, _event, sentences_of

db_target, open_db, store, filled = _ts.db_target, _ts.open_db, _ts.store, _ts.filled

TOKEN = "ana-token-0123456789abcdef"
OTHER = "ben-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

# An article whose text is hostile markup: it must show as text and never run.
EVIL_TEXT = ('Minister <script>window.__pwned = 1</script> Aldric Venn said the nuclear '
             'forces of Norlandia are "><img src=x onerror="window.__pwned=2"> ready. '
             "Sudmark said nothing.")
EVIL_ID = "a" * 64
EVIL_EVENT = _event("ev-evil", "news/evil.html", EVIL_ID, EVIL_TEXT, 0, "readiness",
                    actor=Entity("Aldric Venn <b>", "XN"), date=EventDate(2031, 3, 10),
                    confidence=0.8)
EVIL_RESULT = DocumentResult(
    doc="news/evil.html", content_id=EVIL_ID,
    article=_article("news/evil.html", EVIL_ID, EVIL_TEXT, "en",
                     title="<script>window.__pwned=3</script>Evil", published=date(2031, 3, 10)),
    sentences=sentences_of(EVIL_TEXT), events=(EVIL_EVENT,))


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return load_knowledge()


@pytest.fixture
def full(filled: Store, kb: Knowledge) -> Store:
    run = filled.begin_run(Settings(), ["evil"])
    filled.save(EVIL_RESULT, run)
    refresh(filled, kb)
    return filled


def _client(store: Store, kb: Knowledge, **config: object) -> TestClient:
    cfg = ServerConfig(**{"tokens": (("ana", TOKEN), ("ben", OTHER)), **config})  # type: ignore[arg-type]
    return TestClient(create_app(cfg, store, Settings(), kb), follow_redirects=False)


@pytest.fixture
def client(full: Store, kb: Knowledge) -> Iterator[TestClient]:
    with _client(full, kb) as c:
        yield c


def _ids(client: TestClient, **params: object) -> list[str]:
    r = client.get("/api/v1/events", params={"limit": 500, **params})
    assert r.status_code == 200, r.text
    return [e["event_id"] for e in r.json()["items"]]


def _error(r: object, status: int, code: str) -> str:
    assert r.status_code == status, r.text  # type: ignore[attr-defined]
    body = r.json()  # type: ignore[attr-defined]
    assert set(body) == {"error"} and body["error"]["status"] == status
    assert body["error"]["code"] == code
    return str(body["error"]["message"])


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def test_event_filters(client: TestClient) -> None:
    assert set(_ids(client)) == {"ev-threat", "ev-reaction", "ev-exercise", "ev-test", "ev-evil"}
    assert _ids(client, type="test") == ["ev-test"]
    assert set(_ids(client, actor="venn")) == {"ev-threat", "ev-test", "ev-evil"}
    assert _ids(client, country="xs") == ["ev-reaction"]
    assert _ids(client, language="fr") == ["ev-test"]
    assert _ids(client, weapon="vardstorm", sort="date") == ["ev-test", "ev-threat"]
    assert _ids(client, weapon="kb:vardstorm") == ["ev-threat"]
    assert _ids(client, location="kessa") == ["ev-exercise"]
    assert _ids(client, since="2031-03-03", until="2031-03-31") == ["ev-reaction", "ev-threat",
                                                                    "ev-evil"]
    assert set(_ids(client, min_confidence=0.7)) == {"ev-threat", "ev-test", "ev-evil"}
    assert _ids(client, text="reckless") == ["ev-reaction"]
    assert set(_ids(client, review="unreviewed")) == set(_ids(client))
    assert _ids(client, review="reviewed") == []
    items = client.get("/api/v1/events").json()["items"]
    new = {e["event_id"] for e in items if e["novelty"] == "new"}
    assert new and set(_ids(client, flag="new")) == new
    assert set(_ids(client, flag="repeat")) == {e["event_id"] for e in items
                                                if e["novelty"] == "repeat"}
    single = {s["story_id"] for s in client.get("/api/v1/stories").json()["items"]
              if "single_source" in s["flags"]}
    assert single and set(_ids(client, flag="single_source")) == {
        e["event_id"] for e in items if e["story_id"] in single}
    # empty values (as a form sends them) mean no filter
    assert set(_ids(client, type="", actor="", min_confidence="", since="")) == set(_ids(client))


def test_cursor_pages_cover_everything_once_in_order(client: TestClient) -> None:
    for sort in ("date", "-date", "confidence", "-confidence"):
        everything = _ids(client, sort=sort)
        seen: list[str] = []
        cursor = None
        for _ in range(10):
            params = {"limit": 2, "sort": sort, **({"cursor": cursor} if cursor else {})}
            body = client.get("/api/v1/events", params=params).json()
            seen += [e["event_id"] for e in body["items"]]
            cursor = body["next_cursor"]
            if cursor is None:
                break
        assert seen == everything, sort
    confidences = [e["confidence"] for e in client.get(
        "/api/v1/events", params={"sort": "-confidence"}).json()["items"]]
    assert confidences == sorted(confidences, reverse=True)
    dates = _ids(client, sort="date")
    assert dates[0] == "ev-test" and dates[-1] == "ev-exercise"      # undated last
    assert _ids(client, sort="-date")[-1] == "ev-exercise"


def test_one_error_shape(client: TestClient) -> None:
    _error(client.get("/api/v1/events/nope"), 404, "not_found")
    _error(client.get("/api/v1/stories/nope"), 404, "not_found")
    _error(client.get("/api/v1/documents/nope"), 404, "not_found")
    _error(client.get("/api/v1/nothing-here"), 404, "not_found")
    assert "type" in _error(client.get("/api/v1/events", params={"type": "bombing"}), 400,
                            "bad_request")
    assert "since" in _error(client.get("/api/v1/events", params={"since": "March"}), 400,
                             "bad_request")
    _error(client.get("/api/v1/events", params={"sort": "actor"}), 400, "bad_request")
    _error(client.get("/api/v1/events", params={"cursor": "garbage!"}), 400, "bad_request")
    other = client.get("/api/v1/events", params={"limit": 1, "sort": "date"}).json()
    _error(client.get("/api/v1/events", params={"cursor": other["next_cursor"],
                                                "sort": "-date"}), 400, "bad_request")
    _error(client.get("/api/v1/events", params={"limit": 0}), 422, "invalid_request")
    _error(client.get("/api/v1/events", params={"min_confidence": "high"}), 400, "bad_request")
    _error(client.get("/api/v1/events", params={"min_confidence": "1.5"}), 400, "bad_request")
    _error(client.delete("/api/v1/events"), 405, "method_not_allowed")


def test_document_story_and_timeline(client: TestClient) -> None:
    doc = client.get(f"/api/v1/documents/{EN_ID}").json()
    assert doc["title"] == "Venn warns Sudmark" and doc["published"] == "2031-03-04"
    assert len(doc["spans"]) == 3
    for span in doc["spans"]:
        event = next(e for e in doc["events"] if e["event_id"] == span["event_id"])
        assert doc["text"][span["start"]:span["end"]] == event["sentence"]
    threat = client.get("/api/v1/events/ev-threat").json()
    story = client.get(f"/api/v1/stories/{threat['story_id']}").json()
    mention = next(m for m in story["mentions"] if m["event_id"] == "ev-threat")
    assert mention["context"]["evidence"] == threat["sentence"]
    assert story["sources"] and story["languages_seen"]
    stories = client.get("/api/v1/stories").json()["items"]
    assert threat["story_id"] in {s["story_id"] for s in stories}
    timeline = client.get("/api/v1/timeline", params={"by": "month"}).json()
    starts = {b["start"]: b for b in timeline["buckets"]}
    assert starts["2031-03-01"]["counts"] == {"threat": 1, "reaction": 1, "readiness": 1}
    assert starts["2031-03-01"]["index"] > 0
    _error(client.get("/api/v1/timeline", params={"by": "year"}), 400, "bad_request")
    found = client.get("/api/v1/search", params={"q": "reckless nuclear"}).json()["items"]
    assert found == [{"doc": "news/venn.txt",
                      "sentence": "Sudmark's foreign office called the nuclear threat reckless."}]
    assert client.get("/api/v1/search", params={"q": "!!"}).json()["items"] == []
    _error(client.get("/api/v1/search"), 422, "invalid_request")


def test_openapi_and_docs(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    for path in ("/api/v1/events", "/api/v1/events/{event_id}", "/api/v1/events/{event_id}/review",
                 "/api/v1/stories", "/api/v1/stories/{story_id}", "/api/v1/documents",
                 "/api/v1/documents/{content_id}", "/api/v1/timeline", "/api/v1/export/gold",
                 "/api/v1/search"):
        assert path in spec["paths"], path
    params = {p["name"] for p in spec["paths"]["/api/v1/events"]["get"]["parameters"]}
    assert {"type", "actor", "country", "weapon", "location", "since", "until", "language",
            "flag", "min_confidence", "review", "sort", "cursor", "limit"} <= params
    body = spec["paths"]["/api/v1/documents"]["post"]["requestBody"]["content"]
    assert {"application/json", "text/html", "text/plain"} <= set(body)
    page = client.get("/api/docs")
    assert page.status_code == 200 and "/api/v1/events/{event_id}/review" in page.text


# --------------------------------------------------------------------------------------------
# Tokens and limits
# --------------------------------------------------------------------------------------------


def test_writes_need_a_configured_token(full: Store, kb: Knowledge,
                                        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    body = {"action": "accept"}
    with _client(full, kb) as c:
        _error(c.post("/api/v1/events/ev-threat/review", json=body), 401, "unauthorized")
        _error(c.post("/api/v1/events/ev-threat/review", json=body,
                      headers={"Authorization": f"Bearer {TOKEN}x"}), 401, "unauthorized")
        _error(c.post("/api/v1/events/ev-threat/review", json=body,
                      headers={"Authorization": TOKEN}), 401, "unauthorized")
        _error(c.post("/api/v1/events/ev-threat/review", json=body,
                      cookies={"tocsin_token": TOKEN}), 401, "unauthorized")   # no CSRF
        r = c.post("/api/v1/events/ev-threat/review", json=body,
                   headers={"Authorization": f"Bearer {OTHER}"})
        assert r.status_code == 200 and r.json()["history"][-1]["reviewer"] == "ben"
    with _client(full, kb, tokens=()) as c:
        _error(c.post("/api/v1/events/ev-threat/review", json=body, headers=AUTH), 403,
               "writes_disabled")
        _error(c.post("/api/v1/documents", json={"text": "x"}, headers=AUTH), 403,
               "writes_disabled")
    assert all(TOKEN not in rec.getMessage() and OTHER not in rec.getMessage()
               for rec in caplog.records)
    assert TOKEN not in repr(ServerConfig(tokens=(("ana", TOKEN),)))


def test_reads_can_be_protected(full: Store, kb: Knowledge) -> None:
    with _client(full, kb, protect_reads=True) as c:
        _error(c.get("/api/v1/events"), 401, "unauthorized")
        assert c.get("/api/v1/events", headers=AUTH).status_code == 200
        r = c.get("/")
        assert r.status_code == 303 and r.headers["location"] == "/login"
        assert c.post("/login", content="token=wrong").status_code == 401
        r = c.post("/login", content=f"token={TOKEN}",
                   headers={"content-type": "application/x-www-form-urlencoded"})
        assert r.status_code == 303 and "httponly" in r.headers["set-cookie"].lower()
        assert c.get("/").status_code == 200         # the cookie now
        assert c.get("/api/v1/export/gold").status_code == 200


def test_request_bodies_are_limited(full: Store, kb: Knowledge) -> None:
    with _client(full, kb, max_body_bytes=5_000) as c:
        big = {"text": "nuclear " * 2_000}
        _error(c.post("/api/v1/documents", json=big, headers=AUTH), 413, "too_large")

        def chunks() -> Iterator[bytes]:       # no Content-Length: counted while read
            for _ in range(20):
                yield b"x" * 1_000

        _error(c.post("/api/v1/documents", content=chunks(),
                      headers={**AUTH, "content-type": "text/plain"}), 413, "too_large")
        _error(c.post("/api/v1/events/ev-threat/review", headers=AUTH,
                      content=json.dumps({"action": "accept", "note": "n" * 6_000}),
                      ), 413, "too_large")
    assert full.query_events()   # nothing broke


def test_server_config(tmp_path: object) -> None:
    from pathlib import Path

    from tocsin.errors import ConfigError

    folder = Path(str(tmp_path))
    tokens = folder / "tokens"
    tokens.write_text(f"# analysts\nana {TOKEN}\nben={OTHER}\n", encoding="utf-8")
    cfg = folder / "server.toml"
    cfg.write_text(f'[server]\ndb = "x.db"\nport = 9000\nprotect_reads = true\n'
                   f'tokens_file = "{tokens}"\n', encoding="utf-8")
    c = load_server_config(cfg, env={})
    assert (c.db, c.port, c.protect_reads, c.tokens) == ("x.db", 9000, True,
                                                        (("ana", TOKEN), ("ben", OTHER)))
    assert load_server_config(cfg, env={"TOCSIN_TOKENS": f"cy={TOKEN}"}, port=9100).tokens == (
        ("cy", TOKEN),)
    assert load_server_config(None, env={}).tokens == ()          # never a default token
    with pytest.raises(ConfigError, match="shorter") as info:
        load_server_config(None, env={"TOCSIN_TOKENS": "ana=short"})
    assert "short" not in str(info.value).replace("shorter", "")
    with pytest.raises(ConfigError):
        parse_tokens("no-separator-here", "x")
    cfg.write_text("[server]\nbogus = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="bogus"):
        load_server_config(cfg, env={})


# --------------------------------------------------------------------------------------------
# Review and export through the API
# --------------------------------------------------------------------------------------------


def test_review_through_the_api_wins_everywhere(client: TestClient) -> None:
    r = client.post("/api/v1/events/ev-threat/review", headers=AUTH, json={
        "action": "correct", "note": "the navy spoke",
        "changes": {"actor": {"name": "Sudmark Navy", "country": "XS"}}})
    assert r.status_code == 200, r.text
    detail = r.json()
    assert detail["actor"] == {"name": "Sudmark Navy", "country": "XS"}
    assert detail["review"] == "corrected"
    assert detail["history"][-1]["reviewer"] == "ana"
    assert detail["history"][-1]["before"]["actor"]["name"] == "Aldric Venn"
    assert _ids(client, actor="sudmark navy") == ["ev-threat"]
    assert _ids(client, review="corrected") == ["ev-threat"]
    story = client.get(f"/api/v1/stories/{detail['story_id']}").json()
    assert any(m["actor"] and m["actor"]["name"] == "Sudmark Navy" for m in story["mentions"])
    gold = [json.loads(line) for line in
            client.get("/api/v1/export/gold").text.splitlines()]
    (record,) = gold
    threat = next(e for e in record["events"] if e["event_id"] == "ev-threat")
    assert threat["actor"] == {"names": ["Sudmark Navy"], "country": "XS"}
    r = client.post("/api/v1/events/ev-reaction/review", headers=AUTH, json={"action": "reject"})
    assert r.json()["review"] == "rejected"
    assert "ev-reaction" not in _ids(client)
    assert _error(client.post("/api/v1/events/ev-threat/review", headers=AUTH,
                              json={"action": "correct", "changes": {"type": "bombing"}}),
                  400, "bad_review")
    _error(client.post("/api/v1/events/nope/review", headers=AUTH, json={"action": "accept"}),
           404, "not_found")
    _error(client.post("/api/v1/events/ev-threat/review", headers=AUTH, json={"note": "x"}),
           422, "invalid_request")


LATE_TEXT = "Norlandia tested a Vardstorm missile on Friday. Sudmark protested."
LATE_ID = "b" * 64
LATE_RESULT = DocumentResult(
    doc="news/late.txt", content_id=LATE_ID,
    article=_article("news/late.txt", LATE_ID, LATE_TEXT, "en", published=date(2031, 4, 4)),
    sentences=sentences_of(LATE_TEXT),
    events=(_event("ev-late", "news/late.txt", LATE_ID, LATE_TEXT, 0, "test",
                   date=EventDate(2031, 4, 4)),))


def test_answers_are_kept_until_any_process_writes(client: TestClient,
                                                   open_db: _ts.Opener) -> None:
    def get(path: str, **params: object) -> httpx.Response:
        r = client.get(path, params=params)
        assert r.status_code == 200, r.text
        return r

    first = get("/api/v1/events", sort="-date", type="test")
    assert first.headers["x-tocsin-cache"] == "miss"
    again = client.get("/api/v1/events?type=test&sort=-date")   # same query, other order
    assert again.headers["x-tocsin-cache"] == "hit" and again.content == first.content
    assert get("/api/v1/search", q="Vardstorm").headers["x-tocsin-cache"] == "miss"
    assert get("/api/v1/search", q="Vardstorm").headers["x-tocsin-cache"] == "hit"
    assert "ev-late" not in [e["event_id"] for e in first.json()["items"]]

    other = open_db()   # another connection to the same database, as another process
    other.save(LATE_RESULT, other.begin_run(Settings(), ["late"]))
    after = get("/api/v1/events", sort="-date", type="test")
    assert after.headers["x-tocsin-cache"] == "miss"
    assert [e["event_id"] for e in after.json()["items"]][0] == "ev-late"
    found = get("/api/v1/search", q="Vardstorm")
    assert found.headers["x-tocsin-cache"] == "miss"
    assert "news/late.txt" in [item["doc"] for item in found.json()["items"]]

    r = client.post("/api/v1/events/ev-late/review", headers=AUTH, json={"action": "reject"})
    assert r.status_code == 200, r.text
    assert "ev-late" not in [e["event_id"] for e in
                             get("/api/v1/events", sort="-date", type="test").json()["items"]]


def test_page_size_is_the_default_limit(full: Store, kb: Knowledge) -> None:
    with _client(full, kb, page_size=2) as c:
        page = c.get("/api/v1/events").json()
        assert len(page["items"]) == 2 and page["next_cursor"]
        assert len(c.get("/api/v1/events", params={"limit": 3}).json()["items"]) == 3
        spec = c.get("/api/openapi.json").json()["paths"]["/api/v1/events"]["get"]
        limit = next(p for p in spec["parameters"] if p["name"] == "limit")
        assert limit["schema"]["default"] == 2
        assert {p["name"] for p in spec["parameters"]} >= {"type", "country", "text", "cursor"}


def test_answers_are_not_kept_when_the_cache_is_off(full: Store, kb: Knowledge) -> None:
    with _client(full, kb, cache_entries=0) as c:
        for _ in range(2):
            assert c.get("/api/v1/events").headers["x-tocsin-cache"] == "miss"


def test_post_documents_processes_and_stores(client: TestClient) -> None:
    article = ("Russia's defence ministry said on Tuesday that Iskander-M crews began "
               "exercises with tactical nuclear weapons near the border with Ukraine.\n\n"
               "Ukraine's foreign ministry called the drills a dangerous provocation.")
    r = client.post("/api/v1/documents", headers=AUTH, json={
        "text": article, "title": "Drills", "published": "2024-05-21", "doc": "api/drills"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["stored"] is True and body["skipped"] is None
    types = {e["type"] for e in body["events"]}
    assert "exercise" in types
    assert client.get(f"/api/v1/documents/{body['content_id']}").json()["title"] == "Drills"
    again = client.post("/api/v1/documents", headers=AUTH, json={
        "text": article, "title": "Drills", "published": "2024-05-21", "doc": "api/drills"})
    assert again.status_code == 200 and again.json()["stored"] is False
    assert again.json()["events"] == body["events"]
    html = (EXAMPLES / "corpus" / "en_sarmat_test.html").read_bytes()
    r = client.post("/api/v1/documents", headers={**AUTH, "content-type": "text/html"},
                    content=html)
    assert r.status_code == 201, r.text
    assert "test" in {e["type"] for e in r.json()["events"]}
    r = client.post("/api/v1/documents", headers={**AUTH, "content-type": "text/plain"},
                    content=b"too short")
    assert r.json()["stored"] is True and r.json()["skipped"]
    _error(client.post("/api/v1/documents", headers={**AUTH, "content-type": "application/json"},
                       content=b"[1, 2]"), 400, "bad_input")
    _error(client.post("/api/v1/documents", headers={**AUTH, "content-type": "application/json"},
                       content=b"{broken"), 400, "bad_input")


# --------------------------------------------------------------------------------------------
# Dashboard
# --------------------------------------------------------------------------------------------


def test_dashboard_pages_escape_and_send_a_csp(client: TestClient) -> None:
    threat_story = client.get("/api/v1/events/ev-evil").json()["story_id"]
    pages = ["/", "/?type=readiness", "/stories", f"/stories/{threat_story}",
             f"/documents/{EVIL_ID}", "/events/ev-evil", f"/documents/{FR_ID}", "/api/docs",
             "/events/nope"]
    for url in pages:
        r = client.get(url)
        assert r.status_code == (404 if url == "/events/nope" else 200), url
        assert r.headers["content-security-policy"] == CSP
        assert r.headers["x-content-type-options"] == "nosniff"
        html = r.text
        assert "<script>window" not in html and "<img src=x" not in html, url
        assert "<b>" not in html, url
        assert "<script>" not in html.replace('<script src="/static/', ""), url
    doc = client.get(f"/documents/{EVIL_ID}").text
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in doc
    assert '<mark class="evidence" id="ev-ev-evil"' in doc
    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP
    for name, kind in (("plotly.min.js", "javascript"), ("dashboard.js", "javascript"),
                       ("review.js", "javascript"), ("style.css", "css"),
                       ("plotly.css", "css")):
        r = client.get(f"/static/{name}")
        assert r.status_code == 200 and kind in r.headers["content-type"], name
    assert "main-svg" in client.get("/static/plotly.css").text
    assert client.get("/static/../api.py").status_code == 404


def test_dashboard_table_filters_and_review_page(client: TestClient) -> None:
    page = client.get("/", params={"type": "exercise"}).text
    assert 'data-event-id="ev-exercise"' in page and 'data-event-id="ev-threat"' not in page
    page = client.get("/", params={"limit": 2}).text
    assert 'id="next-page"' in page
    event_page = client.get("/events/ev-threat").text
    assert 'id="review-form"' in event_page
    client.post("/api/v1/events/ev-threat/review", headers=AUTH, json={
        "action": "correct", "changes": {"actor": {"name": "Sudmark Navy"}}, "note": "<i>x</i>"})
    event_page = client.get("/events/ev-threat").text
    assert "Sudmark Navy" in event_page and "&lt;i&gt;x&lt;/i&gt;" in event_page
    assert "Sudmark Navy" in client.get("/", params={"actor": "navy"}).text


def test_tocsin_serve_command(tmp_path: object) -> None:
    """`tocsin serve` as a user starts it: a real uvicorn process, tokens from the environment."""
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request
    from pathlib import Path

    db = Path(str(tmp_path)) / "t.db"
    with open_store(str(db)) as s:
        s.save(_ts.EN_RESULT, s.begin_run(Settings(), ["news"]))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "TOCSIN_TOKENS": f"ana={TOKEN}"}
    proc = subprocess.Popen([sys.executable, "-m", "tocsin", "serve", "--db", str(db),
                             "--port", str(port)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/api/v1/events", timeout=5) as r:
                    items = json.loads(r.read())["items"]
                break
            except (urllib.error.URLError, ConnectionError):
                assert proc.poll() is None and time.monotonic() < deadline, "no server"
                time.sleep(0.3)
        assert {e["event_id"] for e in items} == {"ev-threat", "ev-reaction", "ev-exercise"}
        body = json.dumps({"action": "accept"}).encode()
        request = urllib.request.Request(base + "/api/v1/events/ev-threat/review", data=body,
                                         headers={"content-type": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 401
        request.add_header("Authorization", f"Bearer {TOKEN}")
        with urllib.request.urlopen(request, timeout=30) as r:
            assert json.loads(r.read())["review"] == "accepted"
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=30)
    assert "serving" in output and "1 write token(s)" in output
    assert TOKEN not in output                      # never logged
    assert "GET /api/v1/events HTTP/1.1\" 200" in output   # the access log, on by default


def test_serve_with_workers(tmp_path: Path) -> None:
    """`tocsin serve --workers 2`: two uvicorn worker processes, each with its own app and
    store, answer on one port; `--no-access-log` leaves requests out of the log."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    db, log = tmp_path / "served.db", tmp_path / "serve.log"
    env = {k: v for k, v in os.environ.items() if k != "TOCSIN_TOKENS"}
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "tocsin", "serve", "--db", str(db),
                                 "--port", str(port), "--open-reads", "--workers", "2",
                                 "--no-access-log"],
                                stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        deadline, answer = time.monotonic() + 120, None
        while time.monotonic() < deadline and answer is None and proc.poll() is None:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/api/v1/events", timeout=5)
            except httpx.HTTPError:
                time.sleep(0.3)
        assert answer is not None, log.read_text(errors="replace")
        assert answer.status_code == 200 and answer.json() == {"items": [], "next_cursor": None}
        while time.monotonic() < deadline and log.read_text().count("Application startup") < 2:
            time.sleep(0.3)
        text = log.read_text()
        assert len(set(re.findall(r"Started server process \[(\d+)\]", text))) == 2, text
        assert "2 workers" in text
        assert "GET /api/v1/events" not in text
    finally:
        proc.terminate()
        proc.wait(timeout=30)
