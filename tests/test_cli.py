"""End to end through the command line, as a user runs it (real models, real SQLite)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tocsin.store import open_store

from .conftest import EXAMPLES, shared_or_skip

ENV = {**os.environ, "PYTHONUNBUFFERED": "1"}


def tocsin(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tocsin", *args], capture_output=True,
                          text=True, check=check, env=ENV)


# Signals the rules and the learned layer both keep (the CLI tests need some events; the
# earlier wording, "units had begun exercises with tactical nuclear weapons near the border",
# is dropped by the retrained sentence model).
ARTICLE = """Drills near the border

Russia's defence ministry said on Monday that Iskander-M units in the Southern Military District
had begun the {n}th stage of exercises to practise the use of tactical nuclear weapons, on the
orders of President Vladimir Putin.

Ukraine's foreign ministry called the drills nuclear blackmail and a dangerous provocation.
"""


def make_corpus(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"doc{i:03d}.txt").write_text(ARTICLE.format(n=i + 1), encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (folder / "bad.jsonl").write_text('{"text": "ok but too short"}\n{broken\n',
                                      encoding="utf-8")
    return folder


def test_extract_jsonl_has_the_stable_keys() -> None:
    proc = tocsin("extract", str(EXAMPLES / "corpus"), "--format", "jsonl")
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(rows) >= 40
    keys = {"event_id", "doc", "type", "span", "sentence", "actor", "target", "weapon",
            "location", "date", "modality", "attribution", "quote", "confidence", "language",
            "cameo", "plover"}
    for r in rows:
        assert set(r) == keys
        text = _doc_text(r["doc"])
        if text is not None:
            assert text[r["span"][0] : r["span"][1]] == r["sentence"]
    assert {r["language"] for r in rows} >= {"fr", "en"}


def _doc_text(doc: str) -> str | None:
    p = Path(doc)
    if p.suffix == ".txt":
        from tocsin.ingest import decode

        out = decode(p.read_bytes())
        assert isinstance(out, tuple)
        return out[0]
    return None


def test_run_is_idempotent_and_reports(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "c", 3)
    db = tmp_path / "t.db"
    first = tocsin("run", str(corpus), "--db", str(db))
    assert "Events by type" in first.stdout and "Skipped documents" in first.stdout
    snap = open_store(str(db)).snapshot()
    tocsin("run", str(corpus), "--db", str(db))
    assert open_store(str(db)).snapshot() == snap
    reasons = {row[3] for row in snap["skips"]} if snap["skips"] else set()
    assert any("empty" in r for r in map(str, reasons))
    listed = tocsin("events", "--db", str(db), "--format", "jsonl")
    assert len(listed.stdout.splitlines()) == len(snap["events"]) > 0
    csv_out = tocsin("events", "--db", str(db), "--format", "csv", "--type", "exercise")
    assert csv_out.stdout.splitlines()[0].startswith("event_id,doc,type")


def test_sigkill_midway_then_rerun_equals_uninterrupted(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "c", 40)
    clean_db = tmp_path / "clean.db"
    tocsin("run", str(corpus), "--db", str(clean_db))
    killed_db = tmp_path / "killed.db"
    proc = subprocess.Popen([sys.executable, "-m", "tocsin", "run", str(corpus), "--db",
                             str(killed_db)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=ENV)
    deadline = time.time() + 120
    stored = 0
    while time.time() < deadline and proc.poll() is None:
        time.sleep(0.2)
        try:
            with sqlite3.connect(killed_db) as con:
                stored = con.execute("select count(*) from documents").fetchone()[0]
        except sqlite3.Error:
            continue
        if stored >= 5:
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait()
    assert 5 <= stored < 40, "the run must be killed midway"
    tocsin("run", str(corpus), "--db", str(killed_db))
    assert open_store(str(killed_db)).snapshot() == open_store(str(clean_db)).snapshot()


def test_bad_input_gives_clear_errors(tmp_path: Path) -> None:
    missing = tocsin("run", str(tmp_path / "nope"), "--db", str(tmp_path / "x.db"), check=False)
    assert missing.returncode == 2 and "no such file" in missing.stderr
    no_db = tocsin("events", "--db", str(tmp_path / "absent.db"), check=False)
    assert no_db.returncode == 2 and "tocsin run" in no_db.stderr


def test_eval_on_examples_reaches_the_bar() -> None:
    proc = tocsin("eval", str(EXAMPLES / "gold" / "fr.jsonl"), str(EXAMPLES / "gold" / "en.jsonl"),
                  "--root", str(EXAMPLES))
    last = next(line for line in proc.stdout.splitlines() if line.startswith("overall "))
    scores = dict(kv.split("=") for kv in last.split()[1:])
    assert float(scores["f1"]) >= 0.85, last
    stories = next(line for line in proc.stdout.splitlines() if line.startswith("stories "))
    across = float(stories.split("across documents")[1].split("F1=")[1].split(";")[0])
    assert across >= 0.8, stories   # the examples' gold carries story labels too


def test_eval_on_seeds_runs() -> None:
    shared = shared_or_skip()
    proc = tocsin("eval", str(shared / "gold" / "seeds.jsonl"), "--root", str(shared), "-v")
    assert "overall precision=" in proc.stdout


def test_python_dash_m_works() -> None:
    assert "run" in tocsin("--help").stdout


def test_one_worker_and_two_workers_agree(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "c", 6)
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    tocsin("run", str(corpus), "--db", str(one))
    tocsin("run", str(corpus), "--db", str(two), "--workers", "2")
    assert open_store(str(one)).snapshot() == open_store(str(two)).snapshot()


def test_timeline_and_stories_commands(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    tocsin("run", str(EXAMPLES / "corpus"), "--db", str(db))
    png = tmp_path / "timeline.png"
    out = tocsin("timeline", "--db", str(db), "--by", "month", "--since", "2022-01-01",
                 "--plot", str(png))
    assert "index" in out.stdout and png.read_bytes()[:4] == b"\x89PNG"
    stories = tocsin("stories", "--db", str(db), "--min-mentions", "2")
    assert stories.stdout.strip().splitlines()[-1].startswith(tuple("0123456789"))
    assert " stories (details: tocsin stories --show STORY)" in stories.stdout


def test_incremental_ingest_equals_one_run(tmp_path: Path) -> None:
    """New articles tomorrow: stories, flags and duplicate links end up as if everything had
    been processed at once."""
    import shutil

    day1, day2, both = tmp_path / "day1", tmp_path / "day2", tmp_path / "both"
    for folder in (day1, day2, both):
        folder.mkdir()
    names = sorted(p.name for p in (EXAMPLES / "corpus").glob("*_*.txt"))[:12]
    for k, name in enumerate(names):
        shutil.copy(EXAMPLES / "corpus" / name, (day1 if k % 2 else day2) / name)
        shutil.copy(EXAMPLES / "corpus" / name, both / name)
    # a syndicated copy of one article on another "site", with different furniture
    text = (EXAMPLES / "corpus" / names[0]).read_text(encoding="utf-8").split("\n\n")
    copy = "\n\n".join(text[:-1] + ["Suivez-nous\n\nRubriques"])
    (day2 / "site_b_copy.txt").write_text(copy, encoding="utf-8")
    (both / "site_b_copy.txt").write_text(copy, encoding="utf-8")
    inc, once = tmp_path / "inc.db", tmp_path / "once.db"
    tocsin("run", str(day1), "--db", str(inc))
    tocsin("run", str(day2), "--db", str(inc))
    tocsin("run", str(both), "--db", str(once))

    def content(db: Path) -> dict[str, list[tuple[object, ...]]]:
        snap = open_store(str(db)).snapshot()
        # the path differs (day1/ vs both/): compare what was found, not where
        snap["documents"] = sorted(row[:1] + row[2:] for row in snap["documents"])
        snap["events"] = sorted(row[:2] + row[3:] for row in snap["events"])
        return snap

    a, b = content(inc), content(once)
    for table in ("stories", "story_mentions", "duplicates", "events", "documents"):
        assert a[table] == b[table], table
    assert len(a["duplicates"]) == 1
