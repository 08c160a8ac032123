"""Results as Parquet tables, and loading them into the store.

``tocsin spark`` writes three tables under one folder, each a folder of Parquet files:

* ``documents``: one row per stored article (the columns of the store's ``documents`` table,
  its text, and its sentences as a list of (start, end, paragraph));
* ``events``: one row per event (the columns of the store's ``events`` table);
* ``skips``: one row per skip, and per warning (``note`` true) kept beside a document.

Every row carries ``input`` (the number of the input file, in the order a local run reads
them) and ``item`` (the number of the document or skip within that file), and every table is
written in that order. :func:`read_results` merges the three tables back into
:class:`~tocsin.model.DocumentResult` values in that order, reading a batch at a time;
:func:`load` saves them exactly as a local ``tocsin run`` does (the same store calls, in the
same order), then recomputes the derived tables (duplicates, stories), so a loaded database
equals the database of a local run over the same input, and loading again changes nothing.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, cast

from .errors import ConfigError, InputError
from .model import Article, DocumentResult, Note, RawDocument, Sentence, Skipped
from .settings import Settings
from .store import Store, _event_row, _row_to_event, events

Row = dict[str, Any]
TABLES: tuple[str, ...] = ("documents", "events", "skips")
KEY: tuple[str, str] = ("input", "item")

# (name, type) with type one of: long, int, double, string, date, bool, sentences
DOCUMENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("input", "long"), ("item", "long"), ("content_id", "string"), ("doc", "string"),
    ("kind", "string"), ("url", "string"), ("title", "string"), ("source", "string"),
    ("published", "date"), ("language", "string"), ("text", "string"),
    ("sentences", "sentences"),
)


def _sql_type(name: str) -> str:
    kind = type(events.c[name].type).__name__.lower()
    return {"integer": "int", "float": "double"}.get(kind, "string")


# the event's own columns: not the run, nor what the database computes (events.date_key)
EVENT_COLUMNS: tuple[tuple[str, str], ...] = (("input", "long"), ("item", "long")) + tuple(
    (c.name, _sql_type(c.name)) for c in events.c if c.name != "run_id" and c.computed is None)
SKIP_COLUMNS: tuple[tuple[str, str], ...] = (
    ("input", "long"), ("item", "long"), ("doc", "string"), ("content_id", "string"),
    ("stage", "string"), ("reason", "string"), ("note", "bool"),
)
COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "documents": DOCUMENT_COLUMNS, "events": EVENT_COLUMNS, "skips": SKIP_COLUMNS}


def result_rows(result: DocumentResult, input_no: int, item_no: int
                ) -> dict[str, list[tuple[Any, ...]]]:
    """One result as rows (tuples in the order of :data:`COLUMNS`) of the three tables."""
    key = (input_no, item_no)
    out: dict[str, list[tuple[Any, ...]]] = {t: [] for t in TABLES}
    a = result.article
    if a is not None:
        sentences = [(s.start, s.end, s.paragraph) for s in result.sentences]
        out["documents"].append((*key, result.content_id, result.doc, a.kind, a.url, a.title,
                                 a.source, a.published, a.language, a.text, sentences))
        for e in result.events:
            row = _event_row(e)
            out["events"].append((*key, *(row[name] for name, _ in EVENT_COLUMNS[2:])))
    if result.skipped is not None:
        s = result.skipped
        out["skips"].append((*key, s.doc, s.content_id, s.stage, s.reason, False))
    for n in result.notes:
        out["skips"].append((*key, result.doc, result.content_id, n.stage, n.reason, True))
    return out


def result_from_rows(documents: Sequence[Row], event_rows: Sequence[Row],
                     skip_rows: Sequence[Row]) -> DocumentResult:
    """The inverse of :func:`result_rows` (rows as dicts by column name)."""
    notes = tuple(Note(r["stage"], r["reason"]) for r in skip_rows if r["note"])
    skipped = next((Skipped(r["stage"], r["reason"], r["doc"], r["content_id"])
                    for r in skip_rows if not r["note"]), None)
    if documents:
        d = documents[0]
        article = Article(doc=d["doc"], content_id=d["content_id"], text=d["text"],
                          language=d["language"], paragraphs=(), title=d["title"],
                          url=d["url"], published=d["published"], source=d["source"],
                          kind=d["kind"], notes=notes)
        sentences = tuple(Sentence(s["start"], s["end"], s["paragraph"])
                          for s in d["sentences"] or ())
        evs = tuple(_row_to_event(cast(Any, r)) for r in event_rows)
        return DocumentResult(d["doc"], d["content_id"], article, sentences, evs,
                              skipped=skipped, notes=notes)
    first = skip_rows[0]
    cid = first["content_id"] or ""
    return DocumentResult(first["doc"], cid, None, skipped=skipped, notes=notes)


def arrow_schema(table: str) -> Any:
    """The pyarrow schema of a table (what Spark writes, and what a local writer uses)."""
    pa = _pyarrow()
    types = {"long": pa.int64(), "int": pa.int32(), "double": pa.float64(),
             "string": pa.string(), "date": pa.date32(), "bool": pa.bool_(),
             "sentences": pa.list_(pa.struct([("start", pa.int32()), ("end", pa.int32()),
                                              ("paragraph", pa.int32())]))}
    return pa.schema([(name, types[kind]) for name, kind in COLUMNS[table]])


def _pyarrow() -> Any:
    try:
        import pyarrow
    except ImportError as exc:
        raise ConfigError("reading Parquet needs pyarrow: pip install 'tocsin[spark]'") from exc
    return pyarrow


def _table_files(folder: Path, table: str) -> list[Path]:
    where = folder / table
    if not where.is_dir():
        raise InputError(f"{folder}: no '{table}' table here (a folder written by "
                         "`tocsin spark --out` holds documents/, events/ and skips/)")
    return sorted(p for p in where.iterdir() if p.suffix == ".parquet"
                  and not p.name.startswith((".", "_")))


def _rows(folder: Path, table: str, batch_size: int = 256) -> Iterator[Row]:
    """The rows of one table in key order, a batch at a time (the order is checked)."""
    _pyarrow()
    import pyarrow.parquet as pq

    last: tuple[int, int] = (-1, -1)
    for path in _table_files(folder, table):
        for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_size):
            for row in batch.to_pylist():
                key = (row["input"], row["item"])
                if key < last:
                    raise InputError(f"{path}: rows out of input order; was it written by "
                                     "`tocsin spark`?")
                last = key
                yield row


def _keyed(folder: Path, t: int) -> Iterator[tuple[int, int, int, Row]]:
    for r in _rows(folder, TABLES[t]):
        yield r["input"], r["item"], t, r


def read_results(folder: Path) -> Iterator[DocumentResult]:
    """The results stored under ``folder``, in the order of the input."""
    streams = [_keyed(folder, t) for t in range(len(TABLES))]
    group: list[list[Row]] = [[], [], []]
    current: tuple[int, int] | None = None
    for input_no, item_no, t, row in heapq.merge(*streams, key=lambda x: x[:3]):
        if (input_no, item_no) != current:
            if current is not None:
                yield result_from_rows(*group)
            current, group = (input_no, item_no), [[], [], []]
        group[t].append(row)
    if current is not None:
        yield result_from_rows(*group)


CORPUS_COLUMNS: tuple[str, ...] = ("text", "html", "url", "title", "published", "source")


def read_corpus(given: str, path: Path, settings: Settings
                ) -> Iterator[RawDocument | Skipped]:
    """A Parquet corpus: one document per row (columns as in JSONL corpora: ``text`` or
    ``html``, and optional ``url``, ``title``, ``published``, ``source``), addressed as
    ``path#N`` from 1, read a batch of rows at a time."""
    from .ingest import record_to_document

    _pyarrow()
    import pyarrow.parquet as pq

    try:
        f = pq.ParquetFile(path)
        names = set(f.schema_arrow.names)
    except Exception as exc:  # noqa: BLE001 - pyarrow's errors for a damaged file
        yield Skipped("ingest", f"not a readable Parquet file ({type(exc).__name__})", given)
        return
    if not {"text", "html"} & names:
        yield Skipped("ingest", "Parquet corpus has no 'text' or 'html' column", given)
        return
    n = 0
    try:
        for batch in f.iter_batches(batch_size=64,
                                    columns=[c for c in CORPUS_COLUMNS if c in names]):
            for rec in batch.to_pylist():
                n += 1
                yield record_to_document(f"{given}#{n}", rec, settings)
    except Exception as exc:  # noqa: BLE001 - a damaged row group ends the file here
        yield Skipped("ingest", f"Parquet corpus unreadable after row {n} "
                      f"({type(exc).__name__})", f"{given}#{n + 1}")


def load(folder: Path, store: Store, settings: Settings | None = None) -> Counter[str]:
    """Save everything under ``folder`` into ``store`` as one recorded run (idempotent: a
    document already stored changes nothing), then recompute duplicates and stories.
    Returns the counts a local run reports (documents, skipped, events, already stored)."""
    from .derive import refresh
    from .knowledge import load_knowledge
    from .pipeline import save_counted

    for table in TABLES:
        _table_files(folder, table)   # a wrong folder fails before a run is recorded
    counts: Counter[str] = Counter()
    run_id = store.begin_run(settings or Settings(), [str(folder)])
    known = store.known_content_ids()
    status = "failed"
    try:
        for result in read_results(folder):
            if result.content_id in known:   # as a local run: stored before, not redone
                counts["already stored"] += 1
                continue
            save_counted(store, result, run_id, counts)
        status = "done"
    finally:
        refresh(store, load_knowledge())
        store.finish_run(run_id, status, dict(counts))
    return counts
