"""Command line: thin wrappers (parse -> one library call -> render). Only this module prints
or exits."""

from __future__ import annotations

import csv
import json
import os
import sys
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from .errors import TocsinError
from .ingest import iter_paths
from .model import EVENT_TYPES, DocumentResult, Event, RawDocument, Skipped
from .output import EVENT_CSV_COLUMNS, event_csv_rows
from .pipeline import process_item, save_counted
from .settings import Settings
from .sources import STDIN, read_inputs

# Markup off: sentences, file names and skip reasons come from documents and must print as
# they are ("[/]" in a headline is text, not a rich tag).
err = Console(stderr=True, markup=False)
# Pipes and CI logs get a readable width rather than rich's 80-column default.
out = Console(width=None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 160,
              markup=False)


def _settings(published: str | None, max_bytes: int | None, **extra: Any) -> Settings:
    s = Settings()
    changes: dict[str, Any] = dict(extra)
    if published:
        try:
            changes["published"] = date.fromisoformat(published)
        except ValueError as exc:
            raise click.BadParameter(f"{published!r} is not a date (use YYYY-MM-DD)",
                                     param_hint="'--published'") from exc
    if max_bytes is not None:
        changes["max_bytes"] = max_bytes
    return s.with_(**changes) if changes else s


def _fail(exc: Exception) -> NoReturn:
    click.echo(f"error: {exc}", err=True)   # one line, never wrapped
    sys.exit(2)


def _results(paths: tuple[str, ...], settings: Settings, workers: int,
             skip: set[str] | None = None) -> Iterator[tuple[RawDocument | Skipped,
                                                             DocumentResult | None]]:
    """Process documents in order; items whose content is already stored yield None."""
    items = read_inputs(paths, settings, sys.stdin.buffer)
    if workers <= 1:
        for item in items:
            if skip is not None and isinstance(item, RawDocument) and item.content_id in skip:
                yield item, None
            else:
                yield item, process_item(item, settings)
        return
    pool = _Pool(workers)
    try:
        batch: list[RawDocument | Skipped] = []
        for item in items:
            batch.append(item)
            if len(batch) >= 4 * workers:
                yield from _run_batch(pool, batch, settings, skip)
                batch = []
        yield from _run_batch(pool, batch, settings, skip)
    finally:
        pool.close()


class _Pool:
    """A process pool that is replaced when one of its workers dies (killed, out of
    memory): the batch goes on."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.executor = ProcessPoolExecutor(max_workers=workers)

    def renew(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.executor = ProcessPoolExecutor(max_workers=self.workers)

    def close(self) -> None:
        self.executor.shutdown(cancel_futures=True)


def _run_batch(pool: _Pool, batch: list[RawDocument | Skipped], settings: Settings,
               skip: set[str] | None
               ) -> Iterator[tuple[RawDocument | Skipped, DocumentResult | None]]:
    futures = []
    for item in batch:
        known = skip is not None and isinstance(item, RawDocument) and item.content_id in skip
        futures.append(None if known else pool.executor.submit(process_item, item, settings))
    broken = False
    for item, fut in zip(batch, futures, strict=True):
        if fut is None:
            yield item, None
            continue
        try:
            yield item, fut.result()
        except BrokenProcessPool:
            # which document killed the worker is unknown: each unfinished one is retried
            # alone, and only one that kills its own worker again is skipped
            broken = True
            yield item, _process_alone(item, settings)
    if broken:
        pool.renew()


def _process_alone(item: RawDocument | Skipped, settings: Settings) -> DocumentResult:
    with ProcessPoolExecutor(max_workers=1) as single:
        try:
            return single.submit(process_item, item, settings).result()
        except BrokenProcessPool:
            return DocumentResult(item.doc, item.content_id or "", None, skipped=Skipped(
                "error", "the worker process died on this document (killed, or out of "
                "memory?); the batch went on", item.doc, item.content_id))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tocsin")
def cli() -> None:
    """Tocsin: nuclear-signaling events from multilingual news, sourced and traceable."""


common_input = [
    click.option("--published", help="Publication date (YYYY-MM-DD) for inputs without one."),
    click.option("--max-bytes", type=click.IntRange(min=1), default=None,
                 help="Skip files larger than this (default 20 MB)."),
    click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
                 help="Processes for extraction (models load once per process)."),
]


def with_input_options(f: Any) -> Any:
    for opt in reversed(common_input):
        f = opt(f)
    return f


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--db", default="tocsin.db", show_default=True,
              help="SQLite file or SQLAlchemy URL (postgresql+psycopg://...).")
@with_input_options
def run(paths: tuple[str, ...], db: str, published: str | None, max_bytes: int | None,
        workers: int) -> None:
    """Ingest PATHS (files or folders; - reads standard input: one document, or JSON lines
    of records), extract events and store them in the database."""
    from .store import open_store

    settings = _settings(published, max_bytes)
    try:
        n_files = sum(1 for _ in iter_paths(p for p in paths if p != STDIN))
        store = open_store(db)
    except TocsinError as exc:
        _fail(exc)
    counts: Counter[str] = Counter()
    with store:
        run_id = store.begin_run(settings, list(paths))
        known = store.known_content_ids()
        status = "failed"
        try:
            with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                          TimeElapsedColumn(), console=err, transient=True,
                          disable=n_files < 20) as bar:
                task = bar.add_task("extracting", total=None)
                for item, result in _results(paths, settings, workers, known):
                    bar.advance(task)
                    if result is None:
                        counts["already stored"] += 1
                        continue
                    save_counted(store, result, run_id, counts)
                    del item
            status = "done"
        except KeyboardInterrupt:
            status = "interrupted"
            raise
        except TocsinError as exc:
            _fail(exc)
        finally:
            # derived tables (duplicates, stories, flags) from everything stored, also after
            # a failure: what was saved is consistent and its stories must be too
            refreshed = _refresh_derived(store)
            store.finish_run(run_id, status if refreshed else "failed", dict(counts))
        _print_summary(store, counts, db)


def _refresh_derived(store: Any) -> bool:
    from .derive import refresh
    from .knowledge import load_knowledge

    try:
        refresh(store, load_knowledge())
    except Exception as exc:  # noqa: BLE001 - reported; the run's status says it failed
        click.echo(f"error: stories not rebuilt: {type(exc).__name__}: {exc}", err=True)
        return False
    return True


def _print_summary(store: Any, counts: Counter[str], db: str) -> None:
    s = store.summary()
    out.print(Text.assemble(
        ("This run", "bold"),
        f": {counts['documents']} documents processed, "
        f"{counts['skipped']} skipped, {counts['already stored']} already stored, "
        f"{counts['events']} events.  Database {db}: {s.n_documents} documents, "
        f"{s.n_events} events, {s.n_runs} runs."))
    t = Table(title="Events by type")
    t.add_column("type")
    t.add_column("events", justify="right")
    for k, v in sorted(s.events_by_type.items(), key=lambda kv: -kv[1]):
        t.add_row(k, str(v))
    out.print(t)
    if s.top_actors:
        t = Table(title="Top actors")
        for c in ("actor", "country", "events"):
            t.add_column(c)
        for name, country, n in s.top_actors:
            t.add_row(name, country or "", str(n))
        out.print(t)
    if s.skips_by_reason:
        t = Table(title="Skipped documents and warnings")
        for c in ("stage", "reason", "count"):
            t.add_column(c)
        for stage, reason, n in s.skips_by_reason:
            t.add_row(stage, reason, str(n))
        out.print(t)


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "table"]),
              default="jsonl", show_default=True)
@with_input_options
@click.option("--ids", is_flag=True, help="Table: show event ids.")
@click.option("--full", is_flag=True, help="Table: show whole evidence sentences (wrapped).")
def extract(paths: tuple[str, ...], fmt: str, published: str | None, max_bytes: int | None,
            workers: int, ids: bool, full: bool) -> None:
    """Extract events from PATHS (files, folders, - for standard input) without a database;
    JSONL or CSV on stdout as documents are read, skips on stderr."""
    settings = _settings(published, max_bytes)
    rows: list[Event] = []
    writer = csv.writer(sys.stdout) if fmt == "csv" else None
    if writer is not None:
        writer.writerow(EVENT_CSV_COLUMNS)
    try:
        for _, result in _results(paths, settings, workers):
            assert result is not None
            for note in result.notes:
                click.echo(f"warning {result.doc}: {note.stage}: {note.reason}", err=True)
            if result.skipped:
                s = result.skipped
                click.echo(f"skipped {s.doc}: {s.stage}: {s.reason}", err=True)
                continue
            if writer is not None:
                rows_out = event_csv_rows(result.events)
                next(rows_out)       # the header, written once
                writer.writerows(rows_out)
                continue
            for ev in result.events:
                if fmt == "jsonl":
                    sys.stdout.write(json.dumps(ev.to_json(), ensure_ascii=False) + "\n")
                else:
                    rows.append(ev)
    except TocsinError as exc:
        _fail(exc)
    if fmt == "table":
        out.print(_event_table(rows, ids=ids, full=full))


@cli.command(name="spark")
@click.argument("paths", nargs=-1)
@click.option("--paths-from", type=click.Path(exists=True, dir_okay=False),
              help="A file listing input paths or URLs, one a line (gzipped or not).")
@click.option("--prefix", default="", help="Prepended to each line of --paths-from "
              "(e.g. https://data.commoncrawl.org/).")
@click.option("--out", "out_dir", required=True,
              help="Folder (or s3a://, hdfs:// URL) for the Parquet tables.")
@click.option("--master", default=None,
              help="Spark master (default: the one spark-submit sets, else local[*]).")
@click.option("--overwrite", is_flag=True, help="Replace what OUT already holds.")
@click.option("--published", help="Publication date (YYYY-MM-DD) for inputs without one.")
@click.option("--max-bytes", type=int, default=None,
              help="Skip files (and WARC records) larger than this (default 20 MB).")
def spark_cmd(paths: tuple[str, ...], paths_from: str | None, prefix: str, out_dir: str,
              master: str | None, overwrite: bool, published: str | None,
              max_bytes: int | None) -> None:
    """Run the pipeline on Apache Spark over PATHS (WARC files, folders, any input `tocsin
    run` reads); write documents, events and skips as Parquet under OUT (load them with
    `tocsin load OUT --db ...`)."""
    from .spark import paths_from as listed
    from .spark import run_job, session

    settings = _settings(published, max_bytes)
    try:
        inputs = [*paths, *(listed(paths_from, prefix) if paths_from else [])]
        if not inputs:
            raise click.UsageError("give PATHS or --paths-from")
        summary = run_job(session(master), inputs, out_dir, settings, overwrite=overwrite)
    except TocsinError as exc:
        _fail(exc)
    rows = ", ".join(f"{n} {t}" for t, n in summary.rows.items())
    click.echo(f"{out_dir}: {rows}; {summary.tasks} tasks on {len(summary.worker_pids)} "
               f"worker processes, models loaded {summary.model_loads} times, "
               f"{summary.seconds:.1f} s")


@cli.command(name="load")
@click.argument("parquet_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--db", default="tocsin.db", show_default=True,
              help="SQLite file or SQLAlchemy URL (postgresql+psycopg://...).")
def load_cmd(parquet_dir: str, db: str) -> None:
    """Load what `tocsin spark --out PARQUET_DIR` wrote into the database (re-running never
    duplicates); stories and duplicates are then recomputed from everything stored."""
    from .parquet import load
    from .store import open_store

    try:
        with open_store(db) as store:
            counts = load(Path(parquet_dir), store)
            _print_summary(store, counts, db)
    except TocsinError as exc:
        _fail(exc)


# Column widths of the event table, and how far each may shrink on a narrow terminal.
_COLUMNS = (("event", 16, 16), ("date", 10, 10), ("type", 12, 8), ("actor", 24, 10),
            ("weapon", 18, 8), ("modality", 10, 8), ("doc", 22, 8))
_MIN_EVIDENCE = 30


def _column_widths(width: int, ids: bool, longest: dict[str, int] | None = None
                   ) -> dict[str, int]:
    """Widths that fit ``width`` characters: a column is no wider than its longest value
    (``longest``, by column), the evidence takes what the others leave, and they shrink
    (actor, weapon, doc, type, modality) when it would get less than 30."""
    longest = longest or {}
    cols = {name: min(w, max(len(name), longest.get(name, w)))
            for name, w, _ in _COLUMNS if ids or name != "event"}
    mins = {name: min(m, cols[name]) for name, _, m in _COLUMNS if name in cols}
    gaps = 2 * len(cols)                   # one space each side between columns
    for name in ("actor", "doc", "weapon", "type", "modality"):
        short = _MIN_EVIDENCE - (width - gaps - sum(cols.values()))
        if short <= 0:
            break
        cols[name] -= min(short, cols[name] - mins[name])
    # still too narrow: columns are left out rather than squeezed into nothing
    for name in ("doc", "weapon", "modality", "type", "actor"):
        if width - 2 * len(cols) - sum(cols.values()) >= 12:
            break
        del cols[name]
    cols["evidence"] = max(width - 2 * len(cols) - sum(cols.values()), 12)
    return cols


def _event_row(e: Event) -> dict[str, str]:
    return {"event": e.event_id, "date": e.date.isoformat() if e.date else "",
            "type": e.type,
            "actor": f"{e.actor.name} ({e.actor.country or '?'})" if e.actor else "",
            "weapon": e.weapon.name if e.weapon else "", "modality": e.modality,
            "doc": Path(e.doc).name, "evidence": " ".join(e.sentence.split())}


def _event_table(events: list[Event], ids: bool = False, full: bool = False,
                 width: int | None = None) -> Table | Text:
    """Events as a table that fits the terminal (``width``, default the console's): short
    columns cut with an ellipsis, the evidence gets the rest. ``ids`` adds the event id
    (what stories, exports and alerts refer to); ``full`` lists each event on a line with
    its whole evidence sentence wrapped below it."""
    if full:
        text = Text()
        for e in events:
            r = _event_row(e)
            text.append(" ".join(x for x in (r["event"] if ids else "", r["date"] or "undated",
                                             r["type"], r["actor"] or "-", r["weapon"],
                                             r["modality"], e.doc) if x), style="bold")
            text.append(f"\n    {r['evidence']}\n")
        return text
    rows = [_event_row(e) for e in events]
    longest = {name: max((len(r[name]) for r in rows), default=0) for name in rows[0]} \
        if rows else {}
    widths = _column_widths(width or out.width, ids, longest)
    t = Table(box=None, pad_edge=False, expand=False)
    for name, w in widths.items():
        # ids and dates are never cut: they are what one copies
        t.add_column(name, no_wrap=True, overflow="ellipsis", width=w,
                     min_width=w if name in ("event", "date") else None)
    for r in rows:
        t.add_row(*[r[name] for name in widths])
    return t


EVIDENCE_WIDTH = 70


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


search_options = [
    click.option("--type", "etype", type=click.Choice(EVENT_TYPES)),
    click.option("--actor", help="Actor, in any language or by id (Putin, Poutine, Путин; else "
                 "a substring of the name)."),
    click.option("--country", help="Actor country: a code (RUS, NATO) or a name in any "
                 "language."),
    click.option("--weapon", help="Weapon system, in any language or by id (Iskander, "
                 "Іскандер)."),
    click.option("--location", help="Where: a country or place in any language (Belarus, "
                 "Biélorussie, Белоруссия) or its code/id."),
    click.option("--story", help="Story id (see `tocsin stories`)."),
    click.option("--language"),
    click.option("--since", help="YYYY-MM-DD"),
    click.option("--until", help="YYYY-MM-DD"),
    click.option("--text", help="Words that must occur in the sentence (full-text, accent- and "
                 "case-insensitive; names are searched in all languages)."),
    click.option("--exact-text", is_flag=True, help="Do not expand names in --text into their "
                 "other-language forms."),
    click.option("--min-confidence", type=click.FloatRange(0, 1)),
    click.option("--limit", type=click.IntRange(min=1)),
]


def with_search_options(f: Any) -> Any:
    for opt in reversed(search_options):
        f = opt(f)
    return f


def _search_query(etype: str | None, actor: str | None, country: str | None,
                  weapon: str | None, location: str | None, story: str | None,
                  language: str | None, since: str | None, until: str | None,
                  text: str | None, exact_text: bool, min_confidence: float | None,
                  limit: int | None) -> Any:
    from .search import SearchQuery

    start, end = _date_option("--since", since), _date_option("--until", until)
    if start and end and start > end:
        raise click.BadParameter(f"{since} is after --until {until}", param_hint="'--since'")
    return SearchQuery(text=text, actor=actor, country=country, weapon=weapon,
                       location=location, story=story, type=etype, language=language,
                       since=start, until=end, min_confidence=min_confidence, limit=limit,
                       expand=not exact_text)


def _check_db(db: str) -> None:
    if not Path(db).exists() and "://" not in db:
        _fail(TocsinError(f"{db}: no database here; run `tocsin run PATH --db {db}` first"))


@cli.command()
@click.option("--db", default="tocsin.db", show_default=True)
@with_search_options
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "jsonl"]), default="table",
              show_default=True)
@click.option("--ids", is_flag=True, help="Table: show event ids.")
@click.option("--full", is_flag=True, help="Table: show whole evidence sentences (wrapped).")
def events(db: str, fmt: str, ids: bool, full: bool, **search: Any) -> None:
    """Query stored events (search across languages)."""
    from .knowledge import load_knowledge
    from .search import search_events
    from .store import open_store

    _check_db(db)
    query = _search_query(**search)
    try:
        with open_store(db) as store:
            found = search_events(store, query, load_knowledge())
    except (TocsinError, ValueError) as exc:
        _fail(exc)
    if fmt == "jsonl":
        for e in found:
            sys.stdout.write(json.dumps(e.to_json(), ensure_ascii=False) + "\n")
    elif fmt == "csv":
        csv.writer(sys.stdout).writerows(event_csv_rows(found))
    else:
        out.print(_event_table(found, ids=ids, full=full))
        out.print(f"{len(found)} events" + ("" if ids and full else
                                           " (--ids: event ids; --full: whole evidence)"))


@cli.command(name="export")
@click.option("--db", default="tocsin.db", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "parquet", "plover"]),
              help="plover: PLOVER-style JSON lines (actor, recipient, event, mode, context, "
              "text offsets, citation).")
@click.option("--gold", is_flag=True,
              help="Instead of --format: reviewed events in the gold format of the spec (JSON "
              "lines; accepted and corrected events, unreviewed events of reviewed documents "
              "marked optional, rejected ones left out). The filters do not apply.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, allow_dash=True),
              default="-", show_default=True, help="Output file ('-': standard output; "
              "parquet needs a file).")
@click.option("--batch-size", type=click.IntRange(min=1), default=1000, show_default=True,
              help="Events read and written at a time (memory stays bounded by it).")
@with_search_options
def export_cmd(db: str, fmt: str | None, gold: bool, out_path: str, batch_size: int,
               **search: Any) -> None:
    """Export stored events, streamed in batches (--format; filters as for `tocsin events`),
    or analysts' reviews as gold (--gold). Rejected events are left out, corrected values
    are exported."""
    from .export import export_events
    from .knowledge import load_knowledge
    from .search import build_filter
    from .store import open_store

    if gold and fmt:
        raise click.UsageError("give either --format or --gold, not both")
    if not gold and not fmt:
        raise click.UsageError("give --format (csv, jsonl, parquet, plover) or --gold")
    if gold and (used := [k for k, v in search.items() if v not in (None, False)]):
        name = "type" if used[0] == "etype" else used[0].replace("_", "-")
        raise click.BadParameter("filters do not apply to --gold (every reviewed document is "
                                 "exported)", param_hint=f"'--{name}'")
    _check_db(db)
    if gold:
        _export_gold(db, out_path)
        return
    assert fmt is not None
    if fmt == "parquet" and out_path == "-":
        raise click.BadParameter("parquet is binary: give a file", param_hint="'--out'")
    query = _search_query(**search)
    try:
        with open_store(db) as store:
            flt = build_filter(query, load_knowledge())
            if out_path == "-":
                counts = export_events(store, sys.stdout.buffer, fmt, flt, batch_size)
            else:
                with open(out_path, "wb") as fh:
                    counts = export_events(store, fh, fmt, flt, batch_size)
    except BrokenPipeError:
        _reader_gone()
    except (TocsinError, ValueError, OSError) as exc:
        _fail(exc)
    if out_path != "-":
        click.echo(f"{counts.events} events written to {out_path} ({fmt})", err=True)


def _reader_gone() -> NoReturn:
    """Standard output was closed early (``tocsin export ... | head``): stop quietly."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())   # so that flushing at exit does not fail again
    sys.exit(0)


def _export_gold(db: str, out_path: str) -> None:
    from .review import write_gold
    from .store import open_store

    try:
        with open_store(db) as store:
            if out_path != "-":
                with open(out_path, "w", encoding="utf-8") as fh:
                    n = write_gold(store, fh)
            else:
                n = write_gold(store, sys.stdout)
    except BrokenPipeError:
        _reader_gone()
    except (TocsinError, OSError) as exc:
        _fail(exc)
    click.echo(f"{n} reviewed document(s) exported", err=True)


def _date_option(name: str, value: str | None) -> date | None:
    """A YYYY-MM-DD option; a bad value is a usage error naming the option."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date (use YYYY-MM-DD)",
                                 param_hint=f"'{name}'") from exc


def _stored_events(db: str) -> list[Event]:
    from .store import EventFilter, open_store

    if not Path(db).exists() and "://" not in db:
        _fail(TocsinError(f"{db}: no database here; run `tocsin run PATH --db {db}` first"))
    try:
        with open_store(db) as store:
            return store.query_events(EventFilter())
    except TocsinError as exc:
        _fail(exc)


@cli.command(name="timeline")
@click.option("--db", default="tocsin.db", show_default=True)
@click.option("--by", type=click.Choice(["day", "week", "month"]), default="week",
              show_default=True)
@click.option("--since", help="YYYY-MM-DD")
@click.option("--until", help="YYYY-MM-DD")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False),
              help="Write a PNG chart of counts and the escalation index.")
def timeline_cmd(db: str, by: str, since: str | None, until: str | None,
                 plot_path: str | None) -> None:
    """Signals per period by type, and the escalation index (see docs in tocsin.timeline)."""
    from .knowledge import load_knowledge
    from .timeline import TYPE_WEIGHT, plot, timeline

    start, end = _date_option("--since", since), _date_option("--until", until)
    buckets = timeline(_stored_events(db), load_knowledge(), by=by, since=start, until=end)
    t = Table(title=f"Nuclear signaling per {by}")
    t.add_column("from")
    types = [k for k in TYPE_WEIGHT if any(b.counts.get(k) for b in buckets)]
    for k in types:
        t.add_column(k, justify="right")
    t.add_column("index", justify="right")
    for b in buckets:
        t.add_row(b.start.isoformat(), *[str(b.counts.get(k, 0) or "") for k in types],
                  f"{b.index:.1f}")
    out.print(t)
    if plot_path:
        plot(buckets, plot_path, by=by)
        click.echo(f"chart written to {plot_path}")


@cli.command(name="stories")
@click.option("--db", default="tocsin.db", show_default=True)
@click.option("--min-mentions", type=int, default=1, show_default=True)
@click.option("--show", "story_id", help="List one story's mentions with their evidence.")
def stories_cmd(db: str, min_mentions: int, story_id: str | None) -> None:
    """Mentions grouped into stories (one real-world happening each)."""
    from .store import open_store

    _stored_events(db)   # checks that the database exists
    with open_store(db) as store:
        if story_id:
            mentions = store.story_mentions_of(story_id)
        else:
            rows = [r for r in store.stored_stories() if r["n_mentions"] >= min_mentions]
    if story_id:
        if not mentions:
            raise click.UsageError(f"no story {story_id!r}: `tocsin stories` lists the ids")
        for e, novelty in mentions:
            when = e.date.isoformat() if e.date else "undated"
            out.print(f"[{novelty}] {e.type} {when} {e.actor.name if e.actor else '-'} "
                      f"({e.language}) {e.doc}:{e.span[0]}", markup=False, highlight=False)
            out.print(f"    {_clip(' '.join(e.sentence.split()), 160)}", markup=False,
                      highlight=False)
        return
    t = Table(box=None, pad_edge=False)
    for c in ("story", "first day", "first seen", "mentions", "sources", "languages",
              "flags", "title"):
        t.add_column(c, no_wrap=True)
    for r in rows:
        t.add_row(r["story_id"], str(r["first_day"] or ""), str(r["first_seen"] or ""),
                  str(r["n_mentions"]), str(r["n_sources"]), r["languages"],
                  ",".join(json.loads(r["flags"])), _clip(r["title"], 60))
    out.print(t)
    click.echo(f"{len(rows)} stories (details: tocsin stories --show STORY)")


@cli.command(name="report")
@click.option("--db", default="tocsin.db", show_default=True)
@click.option("--out", "out_path", default="tocsin-report.html", show_default=True,
              type=click.Path(dir_okay=False))
@click.option("--since", help="YYYY-MM-DD")
@click.option("--until", help="YYYY-MM-DD")
@click.option("--by", type=click.Choice(["day", "week", "month"]), default="week")
@click.option("--title", default="Nuclear signaling brief", show_default=True)
def report_cmd(db: str, out_path: str, since: str | None, until: str | None, by: str,
               title: str) -> None:
    """Write a self-contained HTML brief (charts embedded; opens offline)."""
    from .knowledge import load_knowledge
    from .report import render

    start, end = _date_option("--since", since), _date_option("--until", until)
    from .store import open_store

    events = _stored_events(db)
    with open_store(db) as store:
        published = store.published_dates()
    page = render(events, load_knowledge(), title=title, since=start, until=end, by=by,
                  published=published)
    Path(out_path).write_text(page, encoding="utf-8")
    click.echo(f"report written to {out_path}")


@cli.command(name="triggers")
@click.argument("csv_path", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--db", default="tocsin.db", show_default=True)
@click.option("--window", type=int, default=14, show_default=True,
              help="Days before and after each trigger.")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False))
def triggers_cmd(csv_path: str | None, db: str, window: int, plot_path: str | None) -> None:
    """Event study: signal intensity before and after triggers (CSV: date,label,kind), with a
    permutation test. Without a CSV, the candidate triggers found in the corpus are used."""
    from .knowledge import load_knowledge
    from .store import open_store
    from .triggers import candidate_triggers, load_triggers, plot_study, study

    try:
        if csv_path:
            triggers = load_triggers(Path(csv_path))
        else:
            _stored_events(db)
            with open_store(db) as store:
                triggers = candidate_triggers(store.dated_sentences(), load_knowledge())
            click.echo(f"{len(triggers)} candidate triggers found in the corpus")
    except TocsinError as exc:
        _fail(exc)
    result = study(_stored_events(db), triggers, load_knowledge(), window=window)
    t = Table(title=f"Mean daily escalation index, {window} days before / after")
    for c in ("date", "trigger", "kind", "before", "after", "change"):
        t.add_column(c)
    for e in result.effects:
        t.add_row(e.trigger.day.isoformat(), e.trigger.label, e.trigger.kind,
                  f"{e.before:.2f}", f"{e.after:.2f}", f"{e.change:+.2f}")
    out.print(t)
    p = f"{result.p_value:.3f}" if result.p_value is not None else "n/a (period too short)"
    click.echo(f"effect {result.effect:+.3f} per day; permutation p-value {p}")
    if plot_path:
        plot_study(result, plot_path)
        click.echo(f"chart written to {plot_path}")


@cli.command(name="watch")
@click.option("--db", default="tocsin.db", show_default=True)
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="YAML/TOML file: feeds, folders, interval, allow_private, timeout, "
              "max_bytes, max_items_per_feed, max_attempts, user_agent.")
@click.option("--feed", "feeds", multiple=True, help="RSS/Atom feed URL (repeatable).")
@click.option("--folder", "folders", multiple=True,
              type=click.Path(file_okay=False), help="Folder to watch for new files "
              "(repeatable).")
@click.option("--every", "interval", type=click.FloatRange(min=1), default=None,
              help="Seconds between two passes (default 900).")
@click.option("--once", is_flag=True, help="One pass, then exit.")
@click.option("--allow-private", is_flag=True, default=None,
              help="Allow feeds and pages on private, loopback and link-local addresses.")
@click.option("--allow-network", "allow_networks", multiple=True, metavar="CIDR",
              help="Allow only this private network (repeatable), e.g. 10.20.0.0/16.")
@click.option("--alerts", "alerts_path", type=click.Path(exists=True, dir_okay=False),
              help="Alert rules (YAML/TOML) checked after each pass (see `tocsin alerts`).")
@click.option("--published", help="Publication date (YYYY-MM-DD) for inputs without one.")
def watch_cmd(db: str, config_path: str | None, feeds: tuple[str, ...],
              folders: tuple[str, ...], interval: float | None, once: bool,
              allow_private: bool | None, allow_networks: tuple[str, ...],
              alerts_path: str | None, published: str | None) -> None:
    """Follow RSS/Atom feeds and folders: process and store what is new, every --every
    seconds (Ctrl-C stops). What was seen is remembered in the database across restarts."""
    import logging

    from .knowledge import load_knowledge
    from .store import open_store
    from .watch import config_from, load_watch_config, watch

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings = _settings(published, None)
    overrides = {"feeds": feeds, "folders": folders, "interval": interval,
                 "allow_private": allow_private, "allow_networks": allow_networks}
    try:
        config = (load_watch_config(Path(config_path), **overrides) if config_path
                  else config_from({}, "command line", **overrides))
        hooks = [_print_pass]
        if alerts_path:
            hooks.append(_alerts_hook(Path(alerts_path)))
        with open_store(db) as store:
            watch(store, config, settings, load_knowledge(), once=once, after_pass=hooks)
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    except TocsinError as exc:
        _fail(exc)


def _print_pass(_store: Any, report: Any) -> None:
    click.echo(f"{report.started:%Y-%m-%d %H:%M:%S} pass: {report.new_items} new items, "
               f"{report.documents} documents stored, {report.events} events, "
               f"{report.skipped} skipped, {report.already_stored} already stored, "
               f"{len(report.errors)} errors ({report.seconds:.1f} s)", err=True)
    for source, reason in report.errors:
        click.echo(f"  error {source}: {reason}", err=True)


def _alerts_hook(path: Path) -> Any:
    from .alerts import check_alerts, load_alert_config
    from .knowledge import load_knowledge

    config = load_alert_config(path)     # a bad file stops before the first pass

    def hook(store: Any, _report: Any) -> None:
        _print_alerts(check_alerts(store, config, load_knowledge()))

    return hook


def _print_alerts(report: Any) -> None:
    for rule, key, channel in report.sent:
        click.echo(f"  alert sent: {rule} {key} ({channel})", err=True)
    for rule, key, channel, why in report.failed:
        click.echo(f"  alert NOT sent: {rule} {key} ({channel}): {why}; tried again next "
                   "check", err=True)
    if report.pending:
        click.echo(f"  {report.pending} alert(s) left pending by an interrupted check are "
                   "not re-sent (see alerts_sent)", err=True)


@cli.command(name="alerts")
@click.option("--db", default="tocsin.db", show_default=True)
@click.option("--config", "config_path", required=True,
              type=click.Path(exists=True, dir_okay=False),
              help="Alert rules (YAML/TOML): webhook, base_url, rules.")
def alerts_cmd(db: str, config_path: str) -> None:
    """Check alert rules on what is stored; deliver each new alert once (webhook POST
    and/or a log line on stderr). `tocsin watch --alerts FILE` checks after each pass."""
    import logging

    from .alerts import check_alerts, load_alert_config
    from .knowledge import load_knowledge
    from .store import open_store

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    _check_db(db)
    try:
        config = load_alert_config(Path(config_path))
        with open_store(db) as store:
            report = check_alerts(store, config, load_knowledge())
    except TocsinError as exc:
        _fail(exc)
    _print_alerts(report)
    click.echo(f"{len(report.sent)} alerts sent, {len(report.failed)} failed", err=True)


@cli.command(name="eval")
@click.argument("gold", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--root", required=True, type=click.Path(exists=True, file_okay=False),
              help="Folder the gold 'doc' paths are relative to.")
@click.option("--verbose", "-v", is_flag=True, help="List misses, false alarms, wrong fields.")
@click.option("--rules-only", is_flag=True, help="Score the rules without the learned layer.")
@click.option("--model", "model_path", type=click.Path(exists=True, dir_okay=False),
              help="A sentence model built by `tocsin train` (default: the bundled one).")
@click.option("--reliability-plot", type=click.Path(dir_okay=False),
              help="Write a reliability diagram of the confidences (PNG).")
@click.option("--cv", "cv_folds", type=click.IntRange(min=2), default=None,
              help="Cross-validate by document: each of N folds is scored by a model trained "
                   "on --manifest's corpora plus the other folds.")
@click.option("--manifest", default="corpora/training.yaml", show_default=True,
              type=click.Path(dir_okay=False), help="Training corpora for --cv.")
@click.option("--cache", type=click.Path(dir_okay=False),
              help="With --cv: keep sentence embeddings in this .npz file between runs.")
def eval_cmd(gold: tuple[str, ...], root: str, verbose: bool, rules_only: bool,
             model_path: str | None, reliability_plot: str | None, cv_folds: int | None,
             manifest: str, cache: str | None) -> None:
    """Score extraction against GOLD files (the spec's format and scoring)."""
    from .evaluate import (
        ATTRIBUTES,
        calibration_error,
        confidence_pairs,
        evaluate,
        found_under,
        load_gold,
        plot_reliability,
        precision_at,
    )

    try:
        docs = [d for g in gold for d in load_gold(Path(g))]
        settings = Settings(learned=not rules_only, model_path=model_path)
        if not docs:
            raise TocsinError(f"no gold documents in {', '.join(gold)}")
        if not found_under(docs, Path(root)):
            raise TocsinError(f"none of the {len(docs)} gold documents was found under "
                              f"--root {root} (their 'doc' paths are relative to it); "
                              "nothing was scored")
        if cv_folds is None:
            report = evaluate(docs, Path(root), settings)
        else:
            if rules_only or model_path:
                raise click.UsageError("--cv trains its own models: it cannot be combined with "
                                 "--rules-only or --model")
            report = _cross_validate(gold, root, cv_folds, manifest, cache)
    except TocsinError as exc:
        _fail(exc)
    if cv_folds:
        click.echo(f"cross-validated: each of {cv_folds} folds of documents scored by a model "
                   f"trained on {manifest} and the other folds", err=True)
    if report.n_missing:
        click.echo(f"warning: {report.n_missing} of {report.n_docs} gold documents not found "
                   f"under --root {root} (scored as missed; -v lists them)", err=True)
    t = Table(title=f"Evaluation on {', '.join(gold)}")
    for c in ("language", "gold", "pred", "TP", "P", "R", "F1", *ATTRIBUTES):
        t.add_column(c, justify="right")

    def row(name: str, tl: Any) -> list[str]:
        accs = [tl.accuracy(a) for a in ATTRIBUTES]
        return [name, str(tl.tp + tl.fn), str(tl.tp + tl.fp), str(tl.tp),
                f"{tl.precision:.3f}", f"{tl.recall:.3f}", f"{tl.f1:.3f}",
                *[f"{a:.3f}" if a is not None else "-" for a in accs]]

    for lang, tl in sorted(report.by_language.items()):
        t.add_row(*row(lang, tl))
    t.add_row(*row("all", report.overall), style="bold")
    if verbose:
        for w in report.warnings:
            err.print(f"warning: {w}", markup=False, highlight=False)
        for doc, g in report.misses:
            out.print(f"MISS  {doc} [{g.type}] {g.evidence!r}", markup=False, highlight=False)
        for p in report.false_alarms:
            out.print(f"FALSE {p.doc} [{p.type}] {p.sentence[:150]!r}", markup=False,
                      highlight=False)
        for doc, evidence, attr, g_val, p_val in report.attribute_errors:
            out.print(f"FIELD {doc} {attr}: gold={g_val} predicted={p_val} in {evidence!r}",
                      markup=False,
                      highlight=False)
    out.print(t)
    ov = report.overall
    click.echo(f"overall precision={ov.precision:.3f} recall={ov.recall:.3f} f1={ov.f1:.3f} "
               + " ".join(f"{a}={v:.3f}" for a in ATTRIBUTES
                          if (v := ov.accuracy(a)) is not None))
    if report.by_type:
        click.echo("by type (recall, precision, gold n): " + "; ".join(
            f"{t} R={v.recall:.2f} P={v.precision:.2f} n={v.tp + v.fn}"
            for t, v in sorted(report.by_type.items())))
    st = report.stories
    if st is not None:
        (ap, ar, af), (wp, wr, wf) = st.across, st.within
        novelty = "".join(f" {name}={v:.3f}" for name, v in
                          (("repeat_flagged", st.repeat_recall), ("new_kept", st.new_kept))
                          if v is not None)
        click.echo(f"stories ({st.mentions} matched mentions): B3 across documents "
                   f"P={ap:.3f} R={ar:.3f} F1={af:.3f}; within documents "
                   f"P={wp:.3f} R={wr:.3f} F1={wf:.3f}{novelty}")
    pairs = confidence_pairs(report)
    if pairs:
        at = " ".join(f"P@{t}={p:.3f}(n={n})" for t in (0.5, 0.7, 0.9)
                      for p, n in [precision_at(pairs, t)])
        click.echo(f"confidence: ECE={calibration_error(pairs):.3f} {at}")
    if reliability_plot:
        plot_reliability(pairs, Path(reliability_plot), ", ".join(gold))
        click.echo(f"reliability diagram written to {reliability_plot}")


def _cross_validate(gold: tuple[str, ...], root: str, folds: int, manifest: str,
                    cache: str | None) -> Any:
    from .crossval import cross_validate
    from .embed import DiskCachedEncoder, Encoder
    from .train import TrainConfig, load_manifest

    corpora = load_manifest(Path(manifest))
    encoder = DiskCachedEncoder(Encoder(1), cache) if cache else Encoder(1)
    # every core fits networks: the models do not depend on how many
    config = TrainConfig(jobs=os.cpu_count() or 1)
    with err.status("cross-validating…") as status:
        report = cross_validate([Path(g) for g in gold], Path(root), Settings(), corpora,
                                encoder, folds, config, progress=lambda d: status.update(d))
    if isinstance(encoder, DiskCachedEncoder):
        encoder.save()
    return report


@cli.command(name="train")
@click.option("--manifest", default="corpora/training.yaml", show_default=True,
              type=click.Path(dir_okay=False),
              help="YAML list of gold corpora (name, gold, root; paths relative to it).")
@click.option("--out", "out_path", default=None, type=click.Path(dir_okay=False),
              help="Where to write the model (default: the bundled model's path).")
@click.option("--threads", type=int, default=1, show_default=True,
              help="Threads of the sentence encoder, and folds fitted at once (the result "
              "does not depend on it).")
@click.option("--cache", type=click.Path(dir_okay=False),
              help="Keep sentence embeddings in this .npz file between trainings.")
@click.option("--recall-weight", type=click.FloatRange(min=0.1, max=10.0), default=None,
              help="Beta of the out-of-fold F-score the article threshold maximises (a "
              "sentence's threshold in an article with a sure one; >1 favours recall; "
              "default: the shipped model's).")
def train_cmd(manifest: str, out_path: str | None, threads: int, cache: str | None,
              recall_weight: float | None) -> None:
    """Rebuild the learned sentence model from annotated corpora (deterministic)."""
    from .embed import DiskCachedEncoder, Encoder
    from .learned import MODEL_PATH, save_model
    from .train import TrainConfig, load_manifest, train_with_digests, write_card, write_digests

    try:
        corpora = load_manifest(Path(manifest))
        encoder = DiskCachedEncoder(Encoder(threads), cache) if cache else Encoder(threads)
        with err.status("embedding and fitting…") as status:
            config = TrainConfig(jobs=threads)
            if recall_weight is not None:
                config = replace(config, recall_weight=recall_weight)
            model, digests = train_with_digests(corpora, Settings(embed_threads=threads),
                                                config, encoder=encoder,
                                                progress=lambda d: status.update(d))
        if isinstance(encoder, DiskCachedEncoder):
            encoder.save()
        target = Path(out_path) if out_path else MODEL_PATH
        save_model(model, target)
        write_card(model, target.with_suffix(".md"))
        write_digests(digests, target.with_suffix(".facts.json"))
    except TocsinError as exc:
        _fail(exc)
    oof = model.card["out_of_fold"]
    click.echo(f"model written to {target} ({len(model.classes) - 1} types; out-of-fold "
               f"sentence F1 {oof['f1']:.3f}, threshold {model.threshold:.2f})")


@cli.command(name="serve")
@click.option("--db", default=None, help="SQLite file or SQLAlchemy URL (default: the config's, "
              "else tocsin.db).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="TOML file with a [server] table (see the README).")
@click.option("--host", default=None, help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default 8000).")
@click.option("--protect-reads/--open-reads", default=None,
              help="Whether reading needs a token too (default: open).")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Server processes: one runs one request's Python at a time, so more "
              "use more cores (each opens its own connections).")
@click.option("--cache-entries", type=click.IntRange(min=0), default=None,
              help="Answers of the event and search routes kept per process until the store "
              "changes (default 1000; 0: no cache).")
@click.option("--access-log/--no-access-log", default=True, show_default=True,
              help="One log line per request (behind a reverse proxy that logs them, turning "
              "it off saves about a fifth of the server's time under load).")
def serve_cmd(db: str | None, config_path: str | None, host: str | None, port: int | None,
              protect_reads: bool | None, workers: int, cache_entries: int | None,
              access_log: bool) -> None:
    """Serve the API and the dashboard. Write tokens come from TOCSIN_TOKENS
    (name=token,...) or the config's tokens_file; without one, writes are refused."""
    import uvicorn

    from .api import SERVE_ENV, SERVE_THREADS, create_app
    from .knowledge import load_knowledge
    from .store import open_store
    from .webconfig import load_server_config

    try:
        config = load_server_config(Path(config_path) if config_path else None, db=db,
                                    host=host, port=port, protect_reads=protect_reads,
                                    cache_entries=cache_entries)
        store = open_store(config.db, serial_plans=True, pool_size=SERVE_THREADS)
        app = create_app(config, store, Settings(), load_knowledge()) if workers == 1 else None
    except TocsinError as exc:
        _fail(exc)
    writes = f"{len(config.tokens)} write token(s)" if config.writes_enabled else \
        "no write token: writes refused"
    click.echo(f"serving {store!r} on http://{config.host}:{config.port}/ ({writes}; reads "
               f"{'need a token' if config.protect_reads else 'open'}"
               f"{f'; {workers} workers' if workers > 1 else ''})", err=True)
    if workers > 1:   # the store is migrated; each worker builds the app and opens its own
        store.close()
        os.environ[SERVE_ENV] = json.dumps({"config": config_path, "db": config.db,
                                            "protect_reads": config.protect_reads,
                                            "cache_entries": config.cache_entries})
        uvicorn.run("tocsin.api:app_from_environment", factory=True, workers=workers,
                    host=config.host, port=config.port, log_level="info",
                    access_log=access_log)
        return
    assert app is not None
    with store:
        uvicorn.run(app, host=config.host, port=config.port, log_level="info",
                    access_log=access_log)


def main() -> None:
    cli()
