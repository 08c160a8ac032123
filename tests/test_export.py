"""Exports (issue 10, item 7): CSV, JSONL, Parquet, PLOVER; streamed in bounded memory; CSV
safe to open in a spreadsheet. Format tests run on SQLite and (when set) PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from tests import test_store
from tests.test_search import DOCS, fill, result
from tocsin.errors import InputError
from tocsin.export import export_events
from tocsin.model import Entity
from tocsin.settings import Settings
from tocsin.store import EventFilter, Store, open_store
from tocsin.store import documents as documents_table
from tocsin.store import events as events_table

db_target, open_db = test_store.db_target, test_store.open_db

HOSTILE = ("=HYPERLINK(\"http://evil.example/\",\"click\") said the minister. "
           "Another sentence here.")


@pytest.fixture
def db(open_db: test_store.Opener) -> Store:
    store = fill(open_db())
    run = store.begin_run(Settings(), ["hostile"])
    store.save(result("x/hostile.txt", "en", HOSTILE,
                      [("ev-evil", "threat", {"actor": Entity("+cmd|' /C calc'!A0", "@SUM(1)"),
                                              "weapon": Entity("-2+3")})],
                      url="https://example.org/a"), run)
    return store


def export(store: Store, fmt: str, **kw: object) -> bytes:
    buf = io.BytesIO()
    export_events(store, buf, fmt, **kw)  # type: ignore[arg-type]
    return buf.getvalue()


def test_csv_is_complete_and_spreadsheet_safe(db: Store) -> None:
    rows = list(csv.reader(io.StringIO(export(db, "csv", batch_size=2).decode())))
    assert rows[0][0] == "event_id" and len(rows) == 1 + 6
    evil = next(r for r in rows if r[0] == "ev-evil")
    header = rows[0]
    cell = dict(zip(header, evil, strict=True))
    assert cell["sentence"].startswith("'=HYPERLINK")
    assert cell["actor"].startswith("'+cmd") and cell["actor_country"] == "'@SUM(1)"
    assert cell["weapon"] == "'-2+3"
    for r in rows[1:]:
        assert not any(c[:1] in ("=", "+", "-", "@", "\t", "\r") for c in r), r


def test_jsonl_and_plover(db: Store) -> None:
    lines = export(db, "jsonl", batch_size=4).decode().splitlines()
    records = [json.loads(x) for x in lines]
    assert sorted(r["event_id"] for r in records) == sorted(
        ["ev-en", "ev-en2", "ev-fr", "ev-ru", "ev-ru2", "ev-evil"])
    assert records == [e.to_json() for e in sorted(db.query_events(), key=lambda e: e.event_id)]
    plover = {r["id"]: r for r in map(json.loads, export(db, "plover").decode().splitlines())}
    evil = plover["ev-evil"]
    assert evil["event"] == "THREATEN" and evil["mode"] == "violence"
    assert evil["context"] == ["cbrn"] and evil["recipient"] is None
    assert evil["citation"]["url"] == "https://example.org/a"
    start, end = evil["text_offsets"]
    assert HOSTILE[start:end] == evil["text"]
    assert plover["ev-ru2"]["event"] == "MOBILIZE" and plover["ev-ru2"]["mode"] == "weapons"


def test_filters_and_limit(db: Store) -> None:
    lines = export(db, "jsonl", filters=EventFilter(location_ids=("BLR",))).splitlines()
    assert len(lines) == 3
    assert len(export(db, "jsonl", filters=EventFilter(limit=5), batch_size=2).splitlines()) == 5
    with pytest.raises(InputError, match="format"):
        export(db, "xlsx")


def test_exports_read_reviews(db: Store) -> None:
    """Exports go through the store's one event filter: rejected events stay out (unless
    ``review='any'``), corrected values are the ones written and the ones filters match."""
    from tocsin.review import review_event

    review_event(db, "ev-fr", "reject", reviewer="ana")
    review_event(db, "ev-en2", "correct", reviewer="ana",
                 changes={"location": {"name": "Biélorussie", "country": "BLR", "id": "BLR"}})

    def ids(**kw: object) -> set[str]:
        return {json.loads(line)["event_id"] for line in export(db, "jsonl", **kw).splitlines()}

    records = {r["event_id"]: r for r in map(json.loads, export(db, "jsonl").splitlines())}
    assert set(records) == {"ev-en", "ev-en2", "ev-ru", "ev-ru2", "ev-evil"}
    assert records["ev-en2"]["location"]["name"] == "Biélorussie"
    rows = {r["event_id"]: r for r in csv.DictReader(io.StringIO(export(db, "csv").decode()))}
    assert "ev-fr" not in rows and rows["ev-en2"]["location"] == "Biélorussie"
    plover = {json.loads(line)["id"] for line in export(db, "plover").splitlines()}
    assert "ev-fr" not in plover and "ev-en2" in plover
    assert ids(filters=EventFilter(location_ids=("BLR",))) == {"ev-en", "ev-en2", "ev-ru"}
    assert ids(filters=EventFilter(location_ids=("BLR",), review="any")) == {
        "ev-en", "ev-en2", "ev-ru", "ev-fr"}
    assert ids(filters=EventFilter(review="rejected")) == {"ev-fr"}


def test_parquet_row_groups(db: Store, tmp_path: Path) -> None:
    target = tmp_path / "e.parquet"
    with target.open("wb") as fh:
        counts = export_events(db, fh, "parquet", batch_size=4)
    f = pq.ParquetFile(target)
    assert counts.events == f.metadata.num_rows == 6
    assert f.metadata.num_row_groups == counts.batches == 2
    table = f.read()
    assert table.column("event_id").to_pylist() == sorted(table.column("event_id").to_pylist())
    row = next(r for r in table.to_pylist() if r["event_id"] == "ev-fr")
    assert row["location_id"] == "BLR" and row["language"] == "fr" and row["date_year"] == 2023


# --------------------------------------------------------------------------------------------
# Bounded memory on a large synthetic store (SQLite; rows written directly, fast)
# --------------------------------------------------------------------------------------------

N_EVENTS = 12_000
BATCH = 200


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.db"
    sentence = ("Le ministre a annoncé que des armes nucléaires tactiques seraient déployées en "
                "Biélorussie d'ici l'été, selon un communiqué publié lundi soir. ") * 5
    with open_store(str(path)) as store:
        run = store.begin_run(Settings(), ["synthetic"])
        with store.engine.begin() as conn:
            conn.execute(sa.insert(documents_table), [{
                "content_id": f"doc{i:04d}", "doc": f"synthetic/{i}.txt", "kind": "text",
                "text": sentence, "n_chars": len(sentence), "run_id": run,
                "ingested_at": datetime.now(UTC)} for i in range(100)])
            for chunk in range(0, N_EVENTS, 10_000):
                conn.execute(sa.insert(events_table), [{
                    "event_id": f"ev{i:07d}", "content_id": f"doc{i % 100:04d}",
                    "doc": f"synthetic/{i % 100}.txt", "type": "deployment", "span_start": 0,
                    "span_end": len(sentence), "sentence": sentence, "actor_name": "Russia",
                    "actor_country": "RUS", "actor_id": "RUS", "location_name": "Belarus",
                    "location_country": "BLR", "location_id": "BLR", "date_year": 2023,
                    "date_month": 3, "date_day": 25, "modality": "planned",
                    "confidence": 0.9, "language": "fr", "trigger": "", "run_id": run}
                    for i in range(chunk, min(chunk + 10_000, N_EVENTS))])
    return path


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "plover", "parquet"])
def test_export_memory_is_bounded(big: Path, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"out.{fmt}"
    pool = pa.default_memory_pool()
    with open_store(str(big)) as store:
        tracemalloc.start()
        try:
            with target.open("wb") as fh:
                counts = export_events(store, fh, fmt, batch_size=BATCH)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    size = target.stat().st_size
    assert counts.events == N_EVENTS and counts.batches == N_EVENTS // BATCH
    # one batch is ~0.3 MB of sentences; all of them at once would be 60 times more
    assert peak < 4_000_000, f"peak {peak} bytes for {size} bytes of {fmt}"
    if fmt != "parquet":
        assert size > 4 * peak      # the output could not have been held in memory
    else:
        assert pq.ParquetFile(target).metadata.num_row_groups == N_EVENTS // BATCH
        assert pool.max_memory() < 64_000_000


def test_cli_export(tmp_path: Path) -> None:
    db = tmp_path / "e.db"
    with open_store(str(db)) as st:
        fill(st)
    base = [sys.executable, "-m", "tocsin", "export", "--db", str(db)]
    out = subprocess.run([*base, "--format", "csv", "--location", "Biélorussie"],
                         capture_output=True, text=True, check=True)
    assert len(out.stdout.splitlines()) == 1 + 3
    bad = subprocess.run([*base, "--format", "parquet"], capture_output=True, text=True)
    assert bad.returncode == 2 and "'--out'" in bad.stderr
    target = tmp_path / "all.parquet"
    ok = subprocess.run([*base, "--format", "parquet", "--out", str(target)],
                        capture_output=True, text=True, check=True)
    assert "5 events written" in ok.stderr
    assert pq.ParquetFile(target).metadata.num_rows == len(sum((d[3] for d in DOCS), []))


def test_cli_export_takes_a_format_or_gold(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from tocsin.cli import cli

    db = tmp_path / "e.db"
    with open_store(str(db)) as st:
        fill(st)
    runner = CliRunner()
    for args, wrong in ((["--format", "csv", "--gold"], "not both"),
                        ([], "--gold"),
                        (["--gold", "--location", "Belarus"], "'--location'")):
        result = runner.invoke(cli, ["export", "--db", str(db), *args])
        assert result.exit_code == 2 and wrong in result.output, result.output
    gold = tmp_path / "gold.jsonl"
    result = runner.invoke(cli, ["export", "--db", str(db), "--gold", "--out", str(gold)])
    assert result.exit_code == 0 and gold.read_text() == ""   # nothing reviewed yet
