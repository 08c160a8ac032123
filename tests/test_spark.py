"""Local mode and Spark local mode give identical events and skips on web archives built from
the example articles, non-news pages, non-HTML records, a broken record and a truncated gzip
member (and a Parquet corpus); loading is idempotent; stories and the escalation index over
the loaded output equal those of the local run (issue 11, items 3 and 4)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tocsin.cli import cli
from tocsin.knowledge import load_knowledge
from tocsin.parquet import read_results
from tocsin.store import EventFilter, open_store
from tocsin.timeline import timeline

from . import test_store as _ts
from .test_warc import write_parquet_corpus
from .warcgen import build_archives

# the store tests' fixture: a fresh SQLite file, and a PostgreSQL schema when one is set
db_target = _ts.db_target

pytest.importorskip("pyspark")
pytest.importorskip("pyarrow")
if shutil.which("java") is None:
    pytest.skip("no Java: Spark cannot start", allow_module_level=True)


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from tocsin.spark import session

    s = session("local[2]", app="tocsin-test")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, spark: Any) -> dict[str, Path]:
    """One local `tocsin run` and one `tocsin spark` + `tocsin load` over the same archives."""
    tmp = tmp_path_factory.mktemp("spark")
    folder = tmp / "archives"
    build_archives(folder, articles_wanted=4)
    write_parquet_corpus(folder / "e.parquet")   # a Parquet corpus beside the archives
    runner = CliRunner()
    local_db, spark_db, out = tmp / "local.db", tmp / "spark.db", tmp / "out"
    res = runner.invoke(cli, ["run", str(folder), "--db", str(local_db)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(cli, ["spark", str(folder), "--out", str(out), "--master", "local[2]"])
    assert res.exit_code == 0, res.output
    assert "5 tasks" in res.output
    res = runner.invoke(cli, ["load", str(out), "--db", str(spark_db)])
    assert res.exit_code == 0, res.output
    return {"local": local_db, "spark": spark_db, "out": out, "folder": folder}


def test_spark_and_local_store_identical_events_and_skips(runs: dict[str, Path]) -> None:
    local = open_store(str(runs["local"])).snapshot()
    loaded = open_store(str(runs["spark"])).snapshot()
    assert len(local["events"]) > 10 and len(local["skips"]) == 10
    assert any("e.parquet#1" in row[2] for row in local["events"])
    for table in ("documents", "sentences", "events", "skips"):
        assert loaded[table] == local[table], table


def test_stories_and_index_over_the_spark_output_equal_the_local_run(runs: dict[str, Path]
                                                                     ) -> None:
    local = open_store(str(runs["local"])).snapshot()
    loaded = open_store(str(runs["spark"])).snapshot()
    assert local["stories"] and local["story_mentions"]
    for table in ("stories", "story_mentions", "duplicates"):
        assert loaded[table] == local[table], table
    kb = load_knowledge()

    def index(db: Path) -> list[tuple[Any, ...]]:
        with open_store(str(db)) as store:
            events = store.query_events(EventFilter())
        return [(b.start, sorted(b.counts.items()), round(b.index, 9))
                for b in timeline(events, kb, by="week")]

    assert index(runs["spark"]) == index(runs["local"])
    assert any(row[2] > 0 for row in index(runs["local"]))


def test_models_load_once_per_worker_process(runs: dict[str, Path]) -> None:
    import pyarrow.parquet as pq

    tasks = pq.read_table(runs["out"] / "tasks").to_pylist()
    assert len(tasks) == 5                     # one task per input file
    pids = {t["pid"] for t in tasks}
    assert 1 <= len(pids) <= 2                 # local[2]: at most two Python workers
    loads = [t for t in tasks if t["loaded_models"]]
    assert len(loads) <= len(pids)             # never per record, nor per task
    assert len({t["pid"] for t in loads}) == len(loads)


def test_nothing_dropped_and_in_input_order(runs: dict[str, Path]) -> None:
    results = list(read_results(runs["out"]))
    keys = [r.doc for r in results]
    assert len(keys) == len(set(keys)) == 15 + 10
    files = [k.rsplit("#", 1)[0] for k in keys]
    assert files == sorted(files)


def test_loading_again_changes_nothing(runs: dict[str, Path]) -> None:
    before = open_store(str(runs["spark"])).snapshot()
    res = CliRunner().invoke(cli, ["load", str(runs["out"]), "--db", str(runs["spark"])])
    assert res.exit_code == 0, res.output
    assert "0 documents processed" in res.output and "15 already stored" in res.output
    assert open_store(str(runs["spark"])).snapshot() == before


def test_loading_into_either_backend_gives_the_local_run(runs: dict[str, Path],
                                                        db_target: str) -> None:
    """`tocsin load` into a fresh SQLite file or PostgreSQL schema stores what the local run
    stored, and loading again adds nothing."""
    local = open_store(str(runs["local"])).snapshot()
    for attempt in range(2):
        res = CliRunner().invoke(cli, ["load", str(runs["out"]), "--db", db_target])
        assert res.exit_code == 0, res.output
        assert ("15 documents processed" if attempt == 0 else "15 already stored") in res.output
        with open_store(db_target) as store:
            loaded = store.snapshot()
        for table in ("documents", "sentences", "events", "skips", "stories", "story_mentions"):
            assert len(loaded[table]) == len(local[table]) > 0, table
            assert loaded[table] == local[table], table


def test_a_wrong_folder_or_a_taken_output_is_a_one_line_error(runs: dict[str, Path],
                                                              tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(cli, ["load", str(tmp_path), "--db", str(tmp_path / "x.db")])
    assert res.exit_code == 2 and "no 'documents' table here" in res.output
    res = runner.invoke(cli, ["spark", str(runs["folder"]), "--out", str(runs["out"])])
    assert res.exit_code == 2 and "exists and is not empty" in res.output
    assert len(res.output.strip().splitlines()) == 1
