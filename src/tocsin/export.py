"""Exports of stored events: CSV, JSONL, Parquet and PLOVER-style records, streamed.

Events are read from the store in batches by keyset pagination
(:meth:`tocsin.store.Store.iter_event_batches`) and written batch by batch, so a million
events export in the memory of one batch: CSV and JSONL rows go straight to the stream, and
Parquet gets one row group per batch (pyarrow's ``ParquetWriter``). CSV cells are neutralised
against formula injection (:func:`tocsin.output.csv_cell`).

PLOVER records follow the PLOVER ontology's fields (actor, recipient, event, mode, context)
with the text offsets of the evidence sentence and a citation of the source document.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from .errors import InputError
from .model import Event
from .output import event_csv_rows
from .store import EventFilter, Store

__all__ = ["FORMATS", "ExportCounts", "export_events", "flat_record", "plover_record"]

FORMATS: tuple[str, ...] = ("csv", "jsonl", "parquet", "plover")
DEFAULT_BATCH = 1000

# PLOVER's contexts (the rest of a mapping after the event is its mode).
PLOVER_CONTEXTS = frozenset({"cbrn", "misinformation", "military", "terrorism"})

Doc = dict[str, Any]


@dataclass(frozen=True)
class ExportCounts:
    events: int
    batches: int


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def plover_record(e: Event, doc: Doc) -> dict[str, Any]:
    """One event as a PLOVER-style record. ``doc``: the document's url, title, source,
    published (as :meth:`Store.iter_event_batches` gives them)."""
    parts = [p.strip() for p in (e.plover or "").split("·") if p.strip()]
    head = parts[0] if parts and parts[0].isupper() else None
    # "ACCUSE / REJECT": the mapping allows either; the first is the event, the others kept
    events = [x.strip() for x in head.split("/")] if head else []
    rest = parts[1:] if head else parts
    modes = [p for p in rest if p not in PLOVER_CONTEXTS]
    return {
        "id": e.event_id,
        "date": e.date.isoformat() if e.date else None,
        "event": events[0] if events else None,
        "event_alternatives": events[1:],
        "mode": modes[0] if modes else None,
        "context": [p for p in rest if p in PLOVER_CONTEXTS],
        "actor": e.actor.name if e.actor else None,
        "actor_country": e.actor.country if e.actor else None,
        "actor_id": e.actor.id if e.actor else None,
        "recipient": e.target.name if e.target else None,
        "recipient_country": e.target.country if e.target else None,
        "weapon": e.weapon.name if e.weapon else None,
        "location": e.location.name if e.location else None,
        "location_country": e.location.country if e.location else None,
        "tocsin_type": e.type,
        "cameo": e.cameo,
        "modality": e.modality,
        "confidence": round(e.confidence, 3),
        "language": e.language,
        "text": e.sentence,
        "text_offsets": [e.span[0], e.span[1]],
        "citation": {"doc": e.doc, "content_id": e.content_id, "url": doc.get("url"),
                     "title": doc.get("title"), "source": doc.get("source"),
                     "published": _iso(doc.get("published"))},
    }


def flat_record(e: Event, doc: Doc) -> dict[str, Any]:
    """One event as a flat row (the Parquet columns)."""
    def part(ent: Any, attr: str) -> Any:
        return getattr(ent, attr) if ent is not None else None

    return {
        "event_id": e.event_id, "doc": e.doc, "content_id": e.content_id, "type": e.type,
        "date": e.date.isoformat() if e.date else None,
        "date_year": part(e.date, "year"), "date_month": part(e.date, "month"),
        "date_day": part(e.date, "day"),
        "actor": part(e.actor, "name"), "actor_country": part(e.actor, "country"),
        "actor_id": part(e.actor, "id"),
        "target": part(e.target, "name"), "target_country": part(e.target, "country"),
        "target_id": part(e.target, "id"),
        "weapon": part(e.weapon, "name"), "weapon_id": part(e.weapon, "id"),
        "location": part(e.location, "name"), "location_country": part(e.location, "country"),
        "location_id": part(e.location, "id"),
        "modality": e.modality,
        "attribution": part(e.attribution, "name"),
        "attribution_kind": part(e.attribution, "kind"), "quote": e.quote,
        "confidence": float(e.confidence), "language": e.language, "cameo": e.cameo,
        "plover": e.plover, "span_start": e.span[0], "span_end": e.span[1],
        "sentence": e.sentence, "url": doc.get("url"), "title": doc.get("title"),
        "source": doc.get("source"), "published": doc.get("published"),
    }


def _parquet_schema() -> Any:
    import pyarrow as pa

    text = pa.string()
    small = pa.int32()
    columns: list[tuple[str, Any]] = [
        ("event_id", text), ("doc", text), ("content_id", text), ("type", text),
        ("date", text), ("date_year", small), ("date_month", small), ("date_day", small),
        ("actor", text), ("actor_country", text), ("actor_id", text),
        ("target", text), ("target_country", text), ("target_id", text),
        ("weapon", text), ("weapon_id", text),
        ("location", text), ("location_country", text), ("location_id", text),
        ("modality", text), ("attribution", text), ("attribution_kind", text),
        ("quote", text), ("confidence", pa.float64()), ("language", text), ("cameo", text),
        ("plover", text), ("span_start", small), ("span_end", small), ("sentence", text),
        ("url", text), ("title", text), ("source", text), ("published", pa.date32()),
    ]
    return pa.schema(columns)


Batches = Iterable[list[tuple[Event, Doc]]]


def export_events(store: Store, out: IO[bytes], fmt: str,
                  filters: EventFilter | None = None,
                  batch_size: int = DEFAULT_BATCH,
                  on_batch: Callable[[int], None] | None = None) -> ExportCounts:
    """Write the events matching ``filters`` to the binary stream ``out`` in ``fmt``
    (csv, jsonl, parquet, plover: PLOVER-style JSON lines). ``on_batch`` is called with
    the number of events written so far after each batch."""
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    batches = store.iter_event_batches(filters, batch_size)
    if fmt == "parquet":
        return _parquet(batches, out, on_batch)
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    try:
        return _text(batches, text, fmt, on_batch)
    finally:
        text.flush()
        text.detach()   # the caller's stream stays open


def _text(batches: Batches, text: IO[str], fmt: str,
          on_batch: Callable[[int], None] | None) -> ExportCounts:
    n = n_batches = 0
    writer = csv.writer(text) if fmt == "csv" else None
    if writer is not None:
        writer.writerow(next(event_csv_rows([])))
    for batch in batches:
        if writer is not None:
            rows = event_csv_rows(e for e, _ in batch)
            next(rows)   # the header, written once above
            writer.writerows(rows)
        else:
            make = plover_record if fmt == "plover" else (lambda e, _d: e.to_json())
            text.write("".join(json.dumps(make(e, d), ensure_ascii=False) + "\n"
                               for e, d in batch))
        n += len(batch)
        n_batches += 1
        if on_batch is not None:
            on_batch(n)
    return ExportCounts(n, n_batches)


def _parquet(batches: Batches, out: IO[bytes], on_batch: Callable[[int], None] | None
             ) -> ExportCounts:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _parquet_schema()
    n = n_batches = 0
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        for batch in batches:
            rows = [flat_record(e, d) for e, d in batch]
            table = pa.Table.from_pylist(rows, schema=schema)
            writer.write_table(table)   # one row group per batch
            n += len(batch)
            n_batches += 1
            del rows, table
            if on_batch is not None:
                on_batch(n)
    return ExportCounts(n, n_batches)
