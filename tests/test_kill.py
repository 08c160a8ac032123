"""Random SIGKILLs of `tocsin run`, each followed by a re-run, end in the same database as one
uninterrupted run: same documents, sentences, events, skips, stories and duplicates.

Short mode (every `make test`): 4 kills over a 16-document corpus. Long mode:

    TOCSIN_KILLS=50 TOCSIN_KILL_DOCS=200 .venv/bin/pytest -q tests/test_kill.py -s

The corpus is made from the bundled examples with variations (an added sentence, paragraphs
in another order, other encodings, exact copies under another name, JSONL and CSV records)
and a few bad files, so that skips, warnings and duplicates are part of what must agree."""

from __future__ import annotations

import csv
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tocsin.ingest import decode
from tocsin.store import open_store

from .conftest import EXAMPLES

KILLS = int(os.environ.get("TOCSIN_KILLS", "4"))
DOCS = int(os.environ.get("TOCSIN_KILL_DOCS", "16"))
SEED = int(os.environ.get("TOCSIN_KILL_SEED", "9"))
KILL_WINDOW = 12.0   # seconds: a kill comes at a random time within this of a run's start
ENV = {**os.environ, "PYTHONUNBUFFERED": "1"}


def _vary(text: str, i: int, rng: random.Random) -> str:
    paragraphs = text.split("\n")
    how = i % 4
    if how in (0, 1):   # another sentence at the end
        paragraphs.append(f"The ministry gave no further details (update {i}).")
    elif how == 2 and len(paragraphs) > 3:   # two paragraphs swapped
        a, b = rng.sample(range(1, len(paragraphs)), 2)
        paragraphs[a], paragraphs[b] = paragraphs[b], paragraphs[a]
    elif how == 3:
        paragraphs.insert(1, f"Updated {i} times.")
    return "\n".join(paragraphs)


def _read(path: Path) -> str:
    decoded = decode(path.read_bytes())
    assert isinstance(decoded, tuple)
    return decoded[0]


def build_corpus(folder: Path, n_docs: int, seed: int) -> Path:
    """``n_docs`` documents (files and records) from the examples, plus bad files."""
    rng = random.Random(seed)
    sources = sorted(p for p in (EXAMPLES / "corpus").iterdir()
                     if p.suffix in (".txt", ".html") and p.stat().st_size > 200)
    folder.mkdir(parents=True)
    records: list[dict[str, str]] = []
    for i in range(n_docs):
        src = sources[i % len(sources)]
        text = _read(src)
        if src.suffix == ".txt":
            text = _vary(text, i, rng)
        else:   # the same page fetched again: same main text, another document
            text = text.replace("</body>", f"<!-- fetch {i} --></body>")
        if i % 10 == 7:   # a record of a corpus file
            records.append({"text": text, "published": f"2024-0{1 + i % 9}-1{i % 10}"})
            continue
        name = folder / f"{i:03d}_{src.name}"
        if i % 10 == 3 and src.suffix == ".txt" and src.name.startswith(("fr", "en")):
            name.write_bytes(text.encode("cp1252", errors="replace"))
        elif i % 10 == 5:
            name.write_bytes(text.encode("utf-16"))
        elif i % 10 == 9:   # an exact copy of the previous document under another name
            name.write_text(text, encoding="utf-8")
            (folder / f"{i:03d}_copy_{src.name}").write_text(text, encoding="utf-8")
        else:
            name.write_text(text, encoding="utf-8")
    half = len(records) // 2
    with (folder / "feed.jsonl").open("w", encoding="utf-8") as f:
        for rec in records[:half]:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        f.write("{broken\n" + "[" * 5000 + "\n")
    with (folder / "feed.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["text", "published"])
        w.writeheader()
        w.writerows(records[half:])
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (folder / "damaged.txt").write_bytes((_read(sources[0]) + "\n")
                                         .encode("utf-8") + b"\xff\xfe tail.\n")
    return folder


def run(corpus: Path, db: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "tocsin", "run", str(corpus), "--db",
                             str(db)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=ENV)


def finish(proc: subprocess.Popen[bytes]) -> None:
    _, err = proc.communicate()
    assert proc.returncode == 0, err.decode(errors="replace")[-2000:]


@pytest.mark.slow
def test_random_sigkills_then_reruns_equal_one_uninterrupted_run(tmp_path: Path) -> None:
    corpus = build_corpus(tmp_path / "corpus", DOCS, SEED)
    clean_db, killed_db = tmp_path / "clean.db", tmp_path / "killed.db"
    t0 = time.monotonic()
    finish(run(corpus, clean_db))
    full = time.monotonic() - t0
    rng = random.Random(SEED)
    killed = 0
    for _ in range(KILLS):
        proc = run(corpus, killed_db)
        # Anywhere from model loading to the story rebuild: early kills land in the middle
        # of the documents, later ones (when everything is stored) in start-up and stories.
        try:
            proc.wait(timeout=rng.uniform(0.5, min(full, KILL_WINDOW)))
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        proc.communicate()
    finish(run(corpus, killed_db))
    with open_store(str(clean_db)) as a, open_store(str(killed_db)) as b:
        expected, got = a.snapshot(), b.snapshot()
    for table in expected:
        assert got[table] == expected[table], f"{table} differs after {killed} kills"
    with sqlite3.connect(killed_db) as con:
        statuses = [s for (s,) in con.execute("SELECT status FROM runs ORDER BY id")]
    # every killed run that got as far as recording itself is marked interrupted
    assert statuses[-1] == "done" and set(statuses) <= {"done", "interrupted"}
    assert "interrupted" in statuses or killed == 0
    print(f"\n{killed} of {KILLS} runs killed over {DOCS} documents (full run {full:.0f} s); "
          f"snapshots equal: {', '.join(f'{k} {len(v)}' for k, v in expected.items())}")
    assert killed >= KILLS * 3 // 4, "too few runs were killed to test anything"
