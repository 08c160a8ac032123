"""Watch (issue 10, item 5): feeds and folders polled over real HTTP on 127.0.0.1 (allowed by
setting), a failing feed, a page over the size cap, a redirect to a forbidden address; new
items processed once, also across a restart; `tocsin run -` reads standard input."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from tests.localhttp import Route, Server, serve
from tocsin.cli import cli
from tocsin.errors import ConfigError, FetchError
from tocsin.fetch import FetchPolicy, check_url, fetch
from tocsin.knowledge import Knowledge, load_knowledge
from tocsin.settings import Settings
from tocsin.store import open_store
from tocsin.watch import WatchConfig, load_watch_config, watch, watch_pass

LOCAL = ("127.0.0.0/8",)

PARAGRAPHS = [
    "Russia's defence ministry said on Monday that Iskander-M units in the Southern Military "
    "District had begun the {n} stage of exercises to practise the use of tactical nuclear "
    "weapons, on the orders of President Vladimir Putin.",
    "Ukraine's foreign ministry called the drills nuclear blackmail and a dangerous "
    "provocation.",
    "The ministry published footage of launchers moving to their positions, and said that "
    "the crews had received special munitions for the launchers.",
]


def article(n: str) -> bytes:
    body = "".join(f"<p>{p.format(n=n)}</p>\n" for p in PARAGRAPHS)
    return (f"<!doctype html><html><head><title>Drills, {n} stage</title></head><body>"
            f"<article><h1>Nuclear drills: the {n} stage</h1>\n{body}</article>"
            "</body></html>").encode()


def rss(base: str, items: list[tuple[str, str]]) -> bytes:
    entries = "".join(
        f"<item><title>{title}</title><link>{base}{path}</link><guid>{base}{path}</guid>"
        "<pubDate>Mon, 02 Jun 2025 09:00:00 +0000</pubDate></item>" for path, title in items)
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Test wire</title>'
            f"<link>{base}/</link><description>t</description>{entries}</channel></rss>"
            ).encode()


def atom(base: str, path: str) -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>Atom wire</title><id>{base}/atom</id><updated>2025-06-03T00:00:00Z</updated>"
            f'<entry><title>Atom item</title><id>urn:a1</id><link href="{base}{path}"/>'
            "<updated>2025-06-03T08:00:00Z</updated></entry></feed>").encode()


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return load_knowledge()


@pytest.fixture
def server() -> Server:
    with serve({}) as s:
        base = s.base
        s.routes.update({
            "/feed.xml": Route(body=rss(base, [
                ("/a1.html", "First"), ("/big.html", "Huge"), ("/redirect", "Moved"),
                ("/copy.html", "Same text as first"), ("/gone.html", "Missing")]),
                headers={"Content-Type": "application/rss+xml"}),
            "/atom.xml": Route(body=atom(base, "/a2.html"),
                               headers={"Content-Type": "application/atom+xml"}),
            "/broken.xml": Route(500, b"internal error"),
            "/notafeed.xml": Route(body=b"\x00\x01\x02 this is no feed <<<",
                                   headers={"Content-Type": "text/plain"}),
            "/a1.html": Route(body=article("first"), headers={"Content-Type": "text/html"}),
            "/copy.html": Route(body=article("first"), headers={"Content-Type": "text/html"}),
            "/a2.html": Route(body=article("second"), headers={"Content-Type": "text/html"}),
            "/big.html": Route(body=b"<html><body>" + b"x" * 300_000 + b"</body></html>",
                               headers={"Content-Type": "text/html"}, length=False),
            "/redirect": Route(302, headers={"Location": "/hop"}),
            "/hop": Route(301, headers={"Location": "http://169.254.169.254/latest/meta-data"}),
        })
        yield s


def config(server: Server, **kw: object) -> WatchConfig:
    base = server.base
    fields: dict[str, object] = {
        "feeds": (f"{base}/feed.xml", f"{base}/atom.xml", f"{base}/broken.xml",
                  f"{base}/notafeed.xml"),
        "interval": 1.0,
        "policy": FetchPolicy(allow_networks=LOCAL, max_bytes=100_000, timeout=5),
    }
    fields.update(kw)
    return WatchConfig(**fields)  # type: ignore[arg-type]


def test_watch_pass_processes_new_items_once_across_restarts(server: Server, kb: Knowledge,
                                                             tmp_path: Path) -> None:
    db = str(tmp_path / "w.db")
    settings = Settings()
    with open_store(db) as store:
        first = watch_pass(store, config(server), settings, kb)
        errors = dict(first.errors)
        events = store.query_events()
        with store.engine.connect() as conn:
            skips = {(r.doc, r.stage): r.reason for r in conn.execute(sa.text(
                "SELECT doc, stage, reason FROM skips"))}
            runs = conn.execute(sa.text("SELECT status, counts FROM runs")).all()
    base = server.base
    # two articles stored (a1 and the Atom one); the copy is the same content: not twice
    assert first.documents == 2 and first.already_stored == 1
    assert first.events == len(events) > 0
    assert {e.doc for e in events} == {f"{base}/a1.html", f"{base}/a2.html"}
    # every failure recorded with its reason, the pass went on
    assert "HTTP 500" in errors[f"{base}/broken.xml"]
    assert "not an RSS/Atom feed" in errors[f"{base}/notafeed.xml"]
    assert "too large" in errors[f"{base}/big.html"]
    assert "169.254.169.254" in errors[f"{base}/redirect"] and "link-local" in errors[
        f"{base}/redirect"]
    assert "HTTP 404" in errors[f"{base}/gone.html"]
    assert skips[(f"{base}/broken.xml", "feed")].endswith("HTTP 500")
    assert "too large" in skips[(f"{base}/big.html", "fetch")]
    assert [r.status for r in runs] == ["done"] and json.loads(runs[0].counts)["documents"] == 2
    assert server.hits["/hop"] == 1            # the forbidden hop itself was never requested
    assert all(a.startswith("Tocsin/") for a in server.agents)
    article_hits = server.hits["/a1.html"] + server.hits["/a2.html"]

    # a restart: a new process would open the store again; nothing is fetched twice
    with open_store(db) as store:
        second = watch_pass(store, config(server), settings, kb)
        watch_pass(store, config(server), settings, kb)
        fourth = watch_pass(store, config(server), settings, kb)
        assert store.query_events() == events
    assert second.documents == 0 and second.new_items == 0
    assert server.hits["/a1.html"] + server.hits["/a2.html"] == article_hits
    # the failed pages are tried again, max_attempts (3) times in all, then left alone
    assert server.hits["/big.html"] == 3 and server.hits["/gone.html"] == 3
    # feeds are polled every pass, so a broken feed is reported every time
    assert {src for src, _ in fourth.errors} == {f"{base}/broken.xml", f"{base}/notafeed.xml"}


def test_new_entry_appearing_later_is_processed(server: Server, kb: Knowledge,
                                                tmp_path: Path) -> None:
    with open_store(str(tmp_path / "w.db")) as store:
        cfg = config(server, feeds=(f"{server.base}/atom.xml",))
        assert watch_pass(store, cfg, Settings(), kb).documents == 1
        server.routes["/atom.xml"] = Route(body=atom(server.base, "/a1.html").replace(
            b"urn:a1", b"urn:a3"), headers={"Content-Type": "application/atom+xml"})
        report = watch_pass(store, cfg, Settings(), kb)
        assert report.new_items == 1 and report.documents == 1
        assert len({e.doc for e in store.query_events()}) == 2


def test_folders_are_watched(kb: Knowledge, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.html").write_bytes(article("third"))
    (inbox / "empty.txt").write_text("")
    old = time.time() - 60
    for f in inbox.iterdir():
        os.utime(f, (old, old))
    cfg = WatchConfig(folders=(str(inbox),), interval=1.0)
    with open_store(str(tmp_path / "w.db")) as store:
        first = watch_pass(store, cfg, Settings(), kb)
        assert first.new_items == 2 and first.documents == 1 and first.skipped == 1
        assert watch_pass(store, cfg, Settings(), kb).new_items == 0
        (inbox / "b.html").write_bytes(article("fourth"))   # just written: waits to settle
        assert watch_pass(store, cfg, Settings(), kb).new_items == 0
        os.utime(inbox / "b.html", (old, old))
        assert watch_pass(store, cfg, Settings(), kb).documents == 1
        shutil.rmtree(inbox)          # a folder that disappears: recorded, no crash
        (source, reason), = watch_pass(store, cfg, Settings(), kb).errors
        assert source == str(inbox) and "no such file" in reason


def test_watch_loop_once_and_hooks(server: Server, kb: Knowledge, tmp_path: Path) -> None:
    passes: list[int] = []
    with open_store(str(tmp_path / "w.db")) as store:
        watch(store, config(server, feeds=(f"{server.base}/atom.xml",)), Settings(), kb,
              once=True, after_pass=[lambda _s, r: passes.append(r.documents)])
    assert passes == [1]


def test_fetch_policy(server: Server) -> None:
    strict = FetchPolicy()
    with pytest.raises(FetchError, match="loopback"):
        fetch(f"{server.base}/a1.html", strict)
    with pytest.raises(FetchError, match="only http"):
        check_url("file:///etc/passwd", strict)
    with pytest.raises(FetchError, match="private"):
        check_url("http://10.1.2.3/", strict)
    with pytest.raises(FetchError, match="link-local"):
        check_url("http://[::ffff:169.254.169.254]/", strict)
    assert check_url("http://10.1.2.3/", FetchPolicy(allow_private=True)).host == "10.1.2.3"
    local = FetchPolicy(allow_networks=LOCAL)
    assert fetch(f"{server.base}/a1.html", local).body == article("first")
    with pytest.raises(FetchError, match="redirects"):
        server.routes["/loop"] = Route(302, headers={"Location": "/loop"})
        fetch(f"{server.base}/loop", local)
    with pytest.raises(FetchError, match="too large"):
        fetch(f"{server.base}/a1.html", FetchPolicy(allow_networks=LOCAL, max_bytes=100))


def test_watch_config_file(tmp_path: Path) -> None:
    good = tmp_path / "w.toml"
    good.write_text('feeds = ["https://example.org/rss"]\ninterval = 60\n'
                    'allow_networks = ["10.0.0.0/8"]\n')
    cfg = load_watch_config(good, folders=("inbox",))
    assert cfg.feeds == ("https://example.org/rss",) and cfg.folders == ("inbox",)
    assert cfg.interval == 60 and cfg.policy.allow_networks == ("10.0.0.0/8",)
    bad = tmp_path / "w.yaml"
    bad.write_text("feeds: [x]\nintervall: 5\n")
    with pytest.raises(ConfigError, match="unknown key.*intervall"):
        load_watch_config(bad)
    bad.write_text("interval: 5\n")
    with pytest.raises(ConfigError, match="nothing to watch"):
        load_watch_config(bad)


def test_cli_watch_once_and_run_stdin(server: Server, tmp_path: Path) -> None:
    # in process (CliRunner): the models are loaded once for the whole test session
    db = str(tmp_path / "c.db")
    runner = CliRunner()
    cmd = ["watch", "--db", db, "--once", "--allow-private",
           "--feed", f"{server.base}/atom.xml", "--feed", f"{server.base}/broken.xml"]
    proc = runner.invoke(cli, cmd)
    assert proc.exit_code == 0, proc.output
    assert "1 documents stored" in proc.stderr and "HTTP 500" in proc.stderr
    assert "0 new items" in runner.invoke(cli, cmd).stderr
    # stdin: one HTML page, then JSON lines (a good record and a broken one)
    page = runner.invoke(cli, ["run", "-", "--db", db], input=article("fifth"))
    assert page.exit_code == 0 and "1 documents processed" in page.stdout
    lines = (json.dumps({"html": article("sixth").decode(), "url": "https://x.org/6"})
             + "\n{broken\n").encode()
    recs = runner.invoke(cli, ["run", "-", "--db", db], input=lines)
    assert recs.exit_code == 0 and "1 documents processed, 1 skipped" in recs.stdout
    with open_store(db) as store:
        docs = {e.doc for e in store.query_events()}
    assert {"<stdin>", "<stdin>#1"} <= docs
