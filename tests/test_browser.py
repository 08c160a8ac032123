"""The dashboard in a real browser: Debian's Chromium driven by Playwright against a real
uvicorn server over a real SQLite file. Loads the dashboard (charts drawn), filters events,
opens a story and checks the highlighted evidence, corrects an event's actor through the
review form and sees the correction in the table, the story and the gold export (API and CLI);
an article containing ``<script>`` never runs it."""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from tocsin.api import create_app
from tocsin.cli import cli
from tocsin.derive import refresh
from tocsin.knowledge import load_knowledge
from tocsin.settings import Settings
from tocsin.store import open_store
from tocsin.webconfig import ServerConfig

from .test_api import EVIL_ID, EVIL_RESULT, TOKEN
from .test_store import EN_RESULT, FR_RESULT, THREAT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
OUT = Path(__file__).resolve().parents[1] / "test-output"

pytestmark = pytest.mark.skipif(CHROMIUM is None,
                                reason="chromium is not installed (apt-get install chromium)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(base URL, database path) of a uvicorn server running in this process."""
    import uvicorn

    db = str(tmp_path / "tocsin.db")
    store = open_store(db)
    run = store.begin_run(Settings(), ["news"])
    for result in (EN_RESULT, FR_RESULT, EVIL_RESULT):
        store.save(result, run)
    store.finish_run(run, "done", {})
    kb = load_knowledge()
    refresh(store, kb)
    port = _free_port()
    app = create_app(ServerConfig(db=db, port=port, tokens=(("ana", TOKEN),)), store,
                     Settings(), kb)
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", db
    finally:
        srv.should_exit = True
        thread.join(10)
        store.close()


def test_dashboard_filter_story_review_export(server: tuple[str, str]) -> None:
    playwright = pytest.importorskip("playwright.sync_api")
    base, db = server
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

        # the dashboard: charts drawn by plotly from this server, every event in the table
        page.goto(base + "/")
        page.wait_for_selector("#chart-index[data-drawn='1'] .main-svg", timeout=20_000)
        assert page.locator("#chart-types .main-svg").count() >= 1
        rows = page.locator("#events tbody tr[data-event-id]")
        assert rows.count() == 5
        OUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUT / "dashboard.png"))

        # filter: threats only
        page.select_option("select[name=type]", "threat")
        page.click("#apply")
        page.wait_for_url("**/?*type=threat*")
        ids = rows.evaluate_all("rs => rs.map(r => r.dataset.eventId)")
        assert ids == ["ev-threat"]
        assert "Aldric Venn" in page.locator("#events tbody td.actor").first.inner_text()

        # the story: every source, the evidence highlighted in the article text
        page.locator("#events a.story-link").first.click()
        page.wait_for_selector("#mentions")
        mark = page.locator("mark.evidence[data-event-id='ev-threat']")
        assert mark.inner_text().strip() == THREAT.sentence.strip()
        assert mark.evaluate("m => getComputedStyle(m).backgroundColor") != "rgba(0, 0, 0, 0)"
        story_url = page.url

        # correct the actor in the review form
        page.goto(base + "/events/ev-threat")
        page.check("input[name=action][value=correct]")
        page.fill("input[name=actor_name]", "Sudmark Navy")
        page.fill("input[name=actor_country]", "XS")
        page.fill("textarea[name=note]", "the navy spoke, not the minister")
        page.fill("input[name=token]", TOKEN)
        with page.expect_navigation():
            page.click("#submit-review")
        assert "Sudmark Navy" in page.locator("#field-actor").inner_text()
        assert "the navy spoke" in page.locator("#history").inner_text()

        # ... and see it in the table, the story and the export
        page.goto(base + "/?actor=navy")
        assert rows.evaluate_all("rs => rs.map(r => r.dataset.eventId)") == ["ev-threat"]
        assert "Sudmark Navy" in page.locator("#events tbody td.actor").first.inner_text()
        page.goto(story_url)
        mention = page.locator("li.mention[data-event-id='ev-threat'] .actor")
        assert "Sudmark Navy" in mention.inner_text()
        gold = page.request.get(base + "/api/v1/export/gold").text()
        events = [e for line in gold.splitlines() for e in json.loads(line)["events"]]
        threat = next(e for e in events if e["event_id"] == "ev-threat")
        assert threat["actor"] == {"names": ["Sudmark Navy"], "country": "XS"}

        # hostile markup in an article shows as text and never runs
        for url in (f"/documents/{EVIL_ID}", "/events/ev-evil", "/?type=readiness"):
            page.goto(base + url)
            page.wait_for_timeout(200)
            assert page.evaluate("() => window.__pwned") is None, url
        page.goto(base + f"/documents/{EVIL_ID}")
        assert "<script>window.__pwned = 1</script>" in page.locator("#article-text").inner_text()
        assert page.locator("#article-text script, #article-text img").count() == 0
        assert dialogs == [] and errors == []
        browser.close()

    # the command line exports the same correction
    result = CliRunner().invoke(cli, ["export", "--gold", "--db", db])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    names = [e["actor"] for r in lines for e in r["events"] if e["event_id"] == "ev-threat"]
    assert names == [{"names": ["Sudmark Navy"], "country": "XS"}]
