"""The pipeline as an Apache Spark job: input files in, Parquet tables out.

The driver lists the inputs exactly as a local run does (:func:`tocsin.ingest.iter_inputs`:
files and folders, recursively, in a stable order) and makes one task per file; executors
read each file (WARC records, HTML, text, JSONL/CSV records) and run
:func:`tocsin.pipeline.process_item` on every document, the same code as a local run, so
ids, events and skips are the same. Models load once per Python worker process: they sit in
the process-wide cache of :func:`tocsin.nlp.get_resources` (keyed by the settings), and
Spark reuses its Python workers across tasks (``spark.python.worker.reuse``, on by default
and set here). Nothing is dropped: a file or record that cannot be read is a skip row with
its reason, and an unexpected failure in one document is a skip of stage ``error``.

Results go to ``OUT/documents``, ``OUT/events`` and ``OUT/skips`` (see
:mod:`tocsin.parquet`, which also loads them into the store), and ``OUT/tasks``: one row per
task with the worker's process id, whether the models were loaded in that task, its time and
the worker's peak memory. Rows keep the input order (one partition per input file, no
shuffle), so that loading gives what a local run gives.
"""

from __future__ import annotations

import gzip
import os
import resource
import sys
import tempfile
import time
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from .errors import ConfigError, InputError, TocsinError
from .ingest import iter_inputs, read_documents
from .model import Skipped
from .nlp import get_resources
from .parquet import COLUMNS, TABLES, result_rows
from .pipeline import process_item
from .settings import Settings
from .warc import is_warc, read_warc

TASK_COLUMNS: tuple[tuple[str, str], ...] = (
    ("input", "long"), ("path", "string"), ("pid", "long"), ("loaded_models", "bool"),
    ("items", "long"), ("documents", "long"), ("parsed", "long"), ("events", "long"),
    ("skips", "long"), ("seconds", "double"), ("peak_mb", "double"),
)
# One task: (input number, path as given, the skip of a path the folder walk could not use).
Task = tuple[int, str, Skipped | None]


@dataclass(frozen=True)
class JobSummary:
    """What a job wrote: rows per table, and the worker processes that did the work."""

    rows: dict[str, int]
    tasks: int
    worker_pids: tuple[int, ...]
    model_loads: int          # tasks that had to load the models (one per worker process)
    parsed: int               # documents that passed the prefilter (were parsed)
    seconds: float
    peak_mb: float            # the largest peak resident memory of one worker process


def is_url(path: str) -> bool:
    return path.startswith(("http://", "https://"))


def list_tasks(paths: Sequence[str]) -> list[Task]:
    """The input files in the order a local run reads them, numbered from 0. URLs (of WARC
    files, e.g. https://data.commoncrawl.org/crawl-data/CC-NEWS/...) are kept as given."""
    tasks: list[Task] = []
    for path in paths:
        if is_url(path):
            tasks.append((len(tasks), path, None))
            continue
        for item in iter_inputs([path]):
            if isinstance(item, Skipped):
                tasks.append((len(tasks), item.doc, item))
            else:
                tasks.append((len(tasks), item[0], None))
    return tasks


def paths_from(listing: str, prefix: str = "") -> list[str]:
    """The paths listed one a line in ``listing`` (gzipped or not; Common Crawl publishes
    ``warc.paths.gz`` per month), each prefixed with ``prefix``."""
    try:
        with open(listing, "rb") as f:
            data = f.read()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"{listing}: cannot read the list of paths ({exc})") from exc
    return [prefix + line.strip() for line in data.decode("utf-8", "replace").splitlines()
            if line.strip() and not line.startswith("#")]


def download(url: str, folder: str, attempts: int = 4) -> str:
    """Fetch ``url`` into ``folder`` in bounded pieces, retrying with backoff (Common Crawl
    answers 503 when busy); the local path, or an InputError saying why not."""
    import urllib.error
    import urllib.request

    target = os.path.join(folder, os.path.basename(url.split("?")[0]) or "download")
    for attempt in range(attempts):
        try:
            req = urllib.request.Request(url, headers={"User-Agent": "tocsin"})
            with urllib.request.urlopen(req, timeout=60) as resp, open(target, "wb") as out:
                while data := resp.read(1 << 20):
                    out.write(data)
            return target
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            reason = getattr(exc, "reason", None) or exc
            code = getattr(exc, "code", None)
            if attempt == attempts - 1 or (code is not None and code < 500):
                raise InputError(f"download failed: {reason}") from exc
            time.sleep(2 ** attempt)
    raise InputError("download failed")   # pragma: no cover - the loop returns or raises


def process_task(task: Task, settings: Settings) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """All the rows of one input file, tagged with their table; a ``tasks`` row last."""
    input_no, given, walk_skip = task
    started = time.perf_counter()
    misses = get_resources.cache_info().misses
    counts = dict.fromkeys(("items", "documents", "parsed", "events", "skips"), 0)
    items: Iterable[Any] = [walk_skip] if walk_skip is not None else _read(given, settings)
    for item_no, item in enumerate(items):
        result = process_item(item, settings)
        counts["items"] += 1
        counts["skips"] += result.skipped is not None
        counts["documents"] += result.article is not None
        counts["events"] += len(result.events)
        counts["parsed"] += bool(result.extra.get("cost", {}).get("parsed"))
        for table, rows in result_rows(result, input_no, item_no).items():
            for row in rows:
                yield table, row
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    yield "tasks", (input_no, given, os.getpid(),
                    get_resources.cache_info().misses > misses, counts["items"],
                    counts["documents"], counts["parsed"], counts["events"], counts["skips"],
                    time.perf_counter() - started, peak_mb)


def _read(given: str, settings: Settings) -> Iterator[Any]:
    """The documents and skips of one file (a URL: downloaded to the worker's temporary
    folder first); a file gone since the listing, or a failed download, is a skip."""
    if not is_url(given):
        try:
            yield from read_documents([given], settings)
        except InputError as exc:
            yield Skipped("ingest", f"unreadable: {exc}", given)
        return
    if not is_warc(given.split("?")[0]):
        yield Skipped("ingest", "only WARC/WET files are read from a URL", given)
        return
    with tempfile.TemporaryDirectory(prefix="tocsin-") as tmp:
        try:
            path = download(given, tmp)
        except InputError as exc:
            yield Skipped("ingest", str(exc), given)
            return
        yield from read_warc(given, Path(path), settings)


def _process_partition(settings: Settings, tasks: Iterable[Task]
                       ) -> Iterator[tuple[str, tuple[Any, ...]]]:
    for task in tasks:
        yield from process_task(task, settings)


def spark_schema(columns: Sequence[tuple[str, str]]) -> Any:
    from pyspark.sql import types as T

    kinds = {"long": T.LongType(), "int": T.IntegerType(), "double": T.DoubleType(),
             "string": T.StringType(), "date": T.DateType(), "bool": T.BooleanType(),
             "sentences": T.ArrayType(T.StructType([
                 T.StructField("start", T.IntegerType()), T.StructField("end", T.IntegerType()),
                 T.StructField("paragraph", T.IntegerType())]))}
    return T.StructType([T.StructField(name, kinds[kind]) for name, kind in columns])


def session(master: str | None = None, app: str = "tocsin") -> Any:
    """A SparkSession. ``master`` None: the one spark-submit configured, else ``local[*]``.
    In local mode the workers run this Python (not whatever ``python3`` is on the PATH)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise ConfigError("tocsin spark needs pyspark: pip install 'tocsin[spark]'") from exc
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ   # launched by spark-submit
    builder = SparkSession.builder.appName(app).config("spark.python.worker.reuse", "true")
    if master is None and not submitted:
        master = "local[*]"
    if master is not None:
        builder = builder.master(master)
    if master is not None and master.startswith("local"):
        # pyspark starts its workers with $PYSPARK_PYTHON, else whatever python3 is first on
        # the PATH (which may not have tocsin installed)
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder = builder.config("spark.ui.enabled", "false")
    try:
        return builder.getOrCreate()
    except Exception as exc:  # noqa: BLE001 - Java missing, a bad master URL...
        raise ConfigError(f"Spark could not start: {' '.join(str(exc).split())[:300]}") from exc


def run_job(spark: Any, paths: Sequence[str], out: str, settings: Settings,
            overwrite: bool = False) -> JobSummary:
    """Process ``paths`` on ``spark`` and write the Parquet tables under ``out``."""
    from pyspark import StorageLevel

    started = time.perf_counter()
    tasks = list_tasks(paths)
    if not tasks:
        raise InputError("no input files found")
    if not overwrite and "://" not in out and os.path.exists(out) and os.listdir(out):
        raise InputError(f"{out}: exists and is not empty (use --overwrite to replace it)")
    sc = spark.sparkContext
    rows = sc.parallelize(tasks, numSlices=len(tasks)).mapPartitions(
        partial(_process_partition, settings), preservesPartitioning=True)
    rows.persist(StorageLevel.MEMORY_AND_DISK)
    try:
        counts: dict[str, int] = {}
        for table in (*TABLES, "tasks"):
            columns = TASK_COLUMNS if table == "tasks" else COLUMNS[table]
            part = rows.filter(partial(_is_table, table)).map(_row_of)
            df = spark.createDataFrame(part, spark_schema(columns))
            df.write.mode("overwrite").parquet(f"{out.rstrip('/')}/{table}")
            if table == "tasks":
                stats = [r.asDict() for r in df.collect()]
            else:
                counts[table] = part.count()
    except TocsinError:
        raise
    except Exception as exc:
        raise _spark_error(exc) from exc
    finally:
        rows.unpersist()
    return JobSummary(
        rows=counts, tasks=len(stats),
        worker_pids=tuple(sorted({s["pid"] for s in stats})),
        model_loads=sum(s["loaded_models"] for s in stats),
        parsed=sum(s["parsed"] for s in stats),
        seconds=time.perf_counter() - started,
        peak_mb=max((s["peak_mb"] for s in stats), default=0.0))


def _is_table(table: str, row: tuple[str, Any]) -> bool:
    return row[0] == table


def _row_of(row: tuple[str, Any]) -> Any:
    return row[1]


def _spark_error(exc: Exception) -> TocsinError:
    """A failed job as one line: a TocsinError raised in a worker (bad settings, missing
    model) keeps its message; anything else says where to look."""
    text = str(exc)
    for line in text.splitlines():
        for name in ("ConfigError", "KnowledgeBaseError", "InputError", "StoreError"):
            if f"tocsin.errors.{name}: " in line:
                return ConfigError(line.split(f"tocsin.errors.{name}: ", 1)[1].strip())
    first = next((ln.strip() for ln in text.splitlines() if ln.strip()), type(exc).__name__)
    return TocsinError(f"the Spark job failed: {first[:300]} (see the Spark log)")
