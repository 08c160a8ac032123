"""The HTML brief opens offline and shows its charts: rendered in real headless Chromium
(Debian's package, driven by Playwright), with a screenshot written to test-output/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tocsin.knowledge import load_knowledge
from tocsin.pipeline import extract_paths
from tocsin.report import render
from tocsin.settings import Settings

from .conftest import EXAMPLES, ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def test_report_is_self_contained() -> None:
    events = [e for r in extract_paths([str(EXAMPLES / "corpus" / "fr_grom_2022.html"),
                                        str(EXAMPLES / "corpus" / "en_sarmat_test.html")],
                                       Settings()) for e in r.events]
    page = render(events, load_knowledge())
    assert "data:image/png;base64," in page
    assert "http://" not in page and "https://" not in page   # nothing to fetch
    assert "Top stories" in page and "<blockquote>" in page


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    playwright = pytest.importorskip("playwright.sync_api")
    events = [e for r in extract_paths([str(EXAMPLES / "corpus")], Settings()) for e in r.events]
    page_html = tmp_path / "report.html"
    page_html.write_text(render(events, load_knowledge(), by="month"), encoding="utf-8")
    requests: list[str] = []
    out = ROOT / "test-output"
    out.mkdir(exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1100, "height": 1400})
        page.on("request", lambda r: requests.append(r.url))
        page.goto(page_html.as_uri())
        width = page.eval_on_selector("#timeline", "img => img.naturalWidth")
        stories = page.locator(".story").count()
        page.screenshot(path=str(out / "report.png"), full_page=True)
        browser.close()
    assert width > 300, "the embedded chart did not render"
    assert stories >= 5
    assert all(u.startswith(("file:", "data:")) for u in requests), requests
    assert (out / "report.png").stat().st_size > 10_000
