"""Browsing the store, for the API and the dashboard: pages of events with a cursor, one event
with its review, stories with every mention in context, an article with its evidence spans,
the timeline, and one document processed and stored on request.

Every function takes the store (and what else it needs) explicitly and returns plain typed
values; the web layer (:mod:`tocsin.api`) only parses, calls one of them and renders.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection

from .errors import InputError, NotFoundError
from .ingest import looks_like_html, record_to_document
from .knowledge import Knowledge
from .model import CAMEO, PLOVER, Event
from .pipeline import process_item, save_result
from .review import AuditRecord, Review, review_history, reviews_of
from .settings import Settings
from .store import (
    UNDATED_KEY,
    EventFilter,
    KeyRange,
    Store,
    _row_to_event,
    documents,
    event_reviews,
    events,
    stories_table,
    story_mentions,
)
from .timeline import Bucket, timeline

__all__ = [
    "EVENT_SORTS",
    "STORY_FLAGS",
    "DocumentView",
    "EventPage",
    "EventQuery",
    "EventRow",
    "Segment",
    "StoryView",
    "event_detail",
    "review_and_show",
    "document_view",
    "highlight",
    "ingest_document",
    "list_stories",
    "page_events",
    "page_events_json",
    "story_view",
    "timeline_view",
]

EVENT_SORTS: tuple[str, ...] = ("date", "-date", "confidence", "-confidence")
STORY_FLAGS: tuple[str, ...] = ("single_source", "unsourced", "machine_translated", "new",
                                "repeat")
MAX_PAGE = 500
CONTEXT_CHARS = 280


@dataclass(frozen=True)
class EventQuery:
    """A page of events: the store's filter plus weapon, location, flag, sort and cursor.

    * ``weapon`` / ``location``: case-insensitive substring of the name, or the exact
      knowledge-base id (``location`` also matches its country code);
    * ``flag``: a story flag of the event's story (``single_source``, ``unsourced``,
      ``machine_translated``) or its novelty (``new``, ``repeat``).
    """

    filter: EventFilter = field(default_factory=EventFilter)
    weapon: str | None = None
    location: str | None = None
    flag: str | None = None
    sort: str = "date"
    cursor: str | None = None
    limit: int = 50

    def __post_init__(self) -> None:
        if self.sort not in EVENT_SORTS:
            raise ValueError(f"unknown sort {self.sort!r}; expected one of "
                             f"{', '.join(EVENT_SORTS)}")
        if self.flag is not None and self.flag not in STORY_FLAGS:
            raise ValueError(f"unknown flag {self.flag!r}; expected one of "
                             f"{', '.join(STORY_FLAGS)}")
        if not 1 <= self.limit <= MAX_PAGE:
            raise ValueError(f"limit must be from 1 to {MAX_PAGE}, got {self.limit}")
        if self.cursor is not None:
            _decode_cursor(self.cursor, self.sort)


@dataclass(frozen=True)
class EventRow:
    """An event as a browser shows it: the (reviewed) event, its review state and story."""

    event: Event
    review: str                      # unreviewed | accepted | corrected | rejected
    story_id: str | None
    novelty: str | None
    title: str | None                # the document's
    published: date | None

    def to_json(self) -> dict[str, Any]:
        return {**self.event.to_json(), "content_id": self.event.content_id,
                "review": self.review, "story_id": self.story_id, "novelty": self.novelty,
                "doc_title": self.title,
                "published": self.published.isoformat() if self.published else None}


@dataclass(frozen=True)
class EventPage:
    items: list[EventRow]
    next_cursor: str | None


def _segments(sort: str) -> list[KeyRange]:
    """The sort as inclusive ranges of its column, walked one after the other, each in the
    column's order (descending for a "-" sort).

    Undated events come last in both directions. Ascending, their key (year 9999) already
    puts them last: one range. Newest first, they would come first, so the dated events are
    walked down first, then the undated ones: two ranges, each an index scan."""
    if sort == "-date":
        return [(None, UNDATED_KEY - 1), (UNDATED_KEY, None)]
    return [(None, None)]


def _intersect(a: KeyRange, b: KeyRange) -> KeyRange:
    lows = [x for x in (a[0], b[0]) if x is not None]
    highs = [x for x in (a[1], b[1]) if x is not None]
    return (max(lows) if lows else None, min(highs) if highs else None)


def _cursor_key(sort: str, stored: Any) -> Any:
    """The key a cursor carries for a row: the sort's own key as pages have always given it
    (newest first, an undated event's is its month and day alone), so old cursors still
    work."""
    if sort == "-date" and stored >= UNDATED_KEY:
        return stored - UNDATED_KEY
    return stored


def _stored_key(sort: str, key: Any) -> Any:
    """The column value of a cursor's key (the inverse of _cursor_key)."""
    if sort == "-date" and key < 10000:    # a dated key is at least year 1 * 10000
        return key + UNDATED_KEY
    return key


def _encode_cursor(sort: str, key: Any, event_id: str) -> str:
    raw = json.dumps([sort, key, event_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str, sort: str) -> tuple[Any, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        got_sort, key, event_id = json.loads(raw)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise ValueError("invalid cursor: pass back the next_cursor of a previous page") from exc
    if got_sort != sort:
        raise ValueError(f"the cursor belongs to sort {got_sort!r}, not {sort!r}")
    if not isinstance(event_id, str) or not isinstance(key, int | float) or isinstance(key, bool):
        raise ValueError("invalid cursor: pass back the next_cursor of a previous page")
    if not sort.endswith("confidence") and not (isinstance(key, int) and abs(key) < 2**31):
        # a date key is a whole number that fits the integer column it is compared with
        raise ValueError("invalid cursor: pass back the next_cursor of a previous page")
    return key, event_id


def _base_select() -> sa.Select[Any]:
    sm = story_mentions.c
    return (sa.select(events, sm.story_id, sm.novelty, documents.c.title.label("doc_title"),
                      documents.c.published.label("doc_published"),
                      event_reviews.c.status.label("review_status"))
            .join(documents, documents.c.content_id == events.c.content_id)
            .outerjoin(story_mentions, sm.event_id == events.c.event_id)
            .outerjoin(event_reviews, event_reviews.c.event_id == events.c.event_id))


# A page's rows by event id, built once, so neither the statement nor each of a page's ids is
# built and coerced again on every page: on PostgreSQL one array parameter (``= ANY``: the
# same SQL text for every page, prepared once by the driver), elsewhere an expanding one.
_ROWS_BY_ID = _base_select().where(events.c.event_id.in_(sa.bindparam("ids", expanding=True)))
_ROWS_BY_ID_ARRAY = _base_select().where(
    events.c.event_id == sa.any_(sa.bindparam("ids", type_=ARRAY(sa.Text()))))


def _rows(rows: Sequence[Any]) -> list[EventRow]:
    return [EventRow(_row_to_event(r._mapping), r.review_status or "unreviewed",
                     r.story_id, r.novelty, r.doc_title, r.doc_published) for r in rows]


def _named(name: str | None, country: str | None) -> dict[str, Any] | None:
    return None if name is None else {"name": name, "country": country}


def _row_json(r: Mapping[str, Any]) -> dict[str, Any]:
    """``EventRow.to_json()`` of a row of :func:`_base_select`, built from the row itself:
    a page of the API is hundreds of these, and the Event and EventRow objects in between
    cost more than the dict. Tests hold it equal to ``_rows(...)[i].to_json()``."""
    year, month, day = r["date_year"], r["date_month"], r["date_day"]
    kind, published = r["attribution_kind"], r["doc_published"]
    return {
        "event_id": r["event_id"], "doc": r["doc"], "type": r["type"],
        "span": [r["span_start"], r["span_end"]], "sentence": r["sentence"],
        "actor": _named(r["actor_name"], r["actor_country"]),
        "target": _named(r["target_name"], r["target_country"]),
        "weapon": None if r["weapon"] is None else {"name": r["weapon"]},
        "location": _named(r["location_name"], r["location_country"]),
        "date": (None if year is None and month is None and day is None
                 else {"year": year, "month": month, "day": day}),
        "modality": r["modality"],
        "attribution": (None if kind is None else {"name": r["attribution_name"],
                                                    "kind": kind, "cue": r["attribution_cue"]}),
        "quote": r["quote"], "confidence": round(r["confidence"], 3),
        "language": r["language"], "cameo": CAMEO.get(r["type"]),
        "plover": PLOVER.get(r["type"]),
        "content_id": r["content_id"], "review": r["review_status"] or "unreviewed",
        "story_id": r["story_id"], "novelty": r["novelty"], "doc_title": r["doc_title"],
        "published": published.isoformat() if published else None,
    }


def _page_conditions(store: Store, query: EventQuery, date_keys: KeyRange
                     ) -> list[sa.ColumnElement[bool]]:
    """WHERE conditions on ``events`` alone (the story filters as subqueries), so that a
    page is chosen from one table's index before anything is joined; ``date_keys`` is the
    range of the sort's column being walked (see Store.event_conditions)."""
    e, sm = events.c, story_mentions.c
    where = store.event_conditions(query.filter, date_keys)
    if query.weapon:
        where.append(sa.or_(e.weapon.icontains(query.weapon, autoescape=True),
                            e.weapon_id == query.weapon))
    if query.location:
        where.append(sa.or_(e.location_name.icontains(query.location, autoescape=True),
                            e.location_id == query.location,
                            sa.func.lower(e.location_country) == query.location.lower()))
    if query.flag in ("new", "repeat"):
        where.append(e.event_id.in_(sa.select(sm.event_id).where(sm.novelty == query.flag)))
    elif query.flag:
        flagged = sa.select(stories_table.c.story_id).where(
            stories_table.c.flags.contains(f'"{query.flag}"'))
        where.append(e.event_id.in_(sa.select(sm.event_id).where(sm.story_id.in_(flagged))))
    return where


def _page_keys(conn: Connection, store: Store, query: EventQuery, limit: int
               ) -> list[tuple[str, Any]]:
    """(event_id, key) of the first ``limit`` events of the page, in order, read from the
    indexes: each range of the sort is walked from the cursor on until enough are found."""
    by_date = not query.sort.endswith("confidence")
    col = events.c.date_key if by_date else events.c.confidence
    desc = query.sort.startswith("-")
    order = [col.desc(), events.c.event_id.desc()] if desc else [col.asc(), events.c.event_id]
    segments = _segments(query.sort)
    after: tuple[Any, str] | None = None
    if query.cursor is not None:
        key, after_id = _decode_cursor(query.cursor, query.sort)
        after = (_stored_key(query.sort, key), after_id)
        # the range holding the cursor's key (any number a client sends: the last range
        # is open above)
        segments = segments[next(i for i, (_, high) in enumerate(segments)
                                 if high is None or after[0] <= high):]
    found: list[tuple[str, Any]] = []
    for i, segment in enumerate(segments):
        extra: list[sa.ColumnElement[bool]] = []
        if after is not None and i == 0:   # the cursor's own range: from the cursor on
            key, after_id = after
            if by_date:   # one bound per side on date_key (see Store.event_conditions)
                segment = _intersect(segment, (None, key) if desc else (key, None))
            else:
                extra.append(col <= key if desc else col >= key)
            extra.append(sa.or_(col < key, events.c.event_id < after_id) if desc
                         else sa.or_(col > key, events.c.event_id > after_id))
        where = _page_conditions(store, query, segment if by_date else (None, None))
        stmt = (sa.select(events.c.event_id, col).where(*where, *extra).order_by(*order)
                .limit(limit - len(found)))
        found.extend((r[0], r[1]) for r in conn.execute(stmt))
        if len(found) >= limit:
            break
    return found


def page_events(store: Store, query: EventQuery) -> EventPage:
    """One page of events matching ``query``; ``next_cursor`` fetches the next (None: last).

    Two steps: the page's event ids are read in order from an index on ``events`` (keyset
    pagination: a range scan from the cursor, stopped at the page's size), then only those
    events are joined with their document, story and review."""
    rows, cursor = _page(store, query)
    return EventPage(_rows(rows), cursor)


def page_events_json(store: Store, query: EventQuery) -> dict[str, Any]:
    """:func:`page_events` as the API's JSON record, ``{"items": [...], "next_cursor": ...}``,
    each item ``EventRow.to_json()``, made from the rows without the objects in between."""
    rows, cursor = _page(store, query)
    return {"items": [_row_json(r._mapping) for r in rows], "next_cursor": cursor}


def _page(store: Store, query: EventQuery) -> tuple[list[Any], str | None]:
    """The rows of :func:`_base_select` of one page, in order, and the next page's cursor."""
    limit = query.limit if query.filter.limit is None else min(query.limit, query.filter.limit)
    with store.reading() as conn:
        keys = _page_keys(conn, store, query, limit + 1)
        more = len(keys) > limit
        keys = keys[:limit]
        by_ids = _ROWS_BY_ID_ARRAY if store.dialect == "postgresql" else _ROWS_BY_ID
        rows = conn.execute(by_ids, {"ids": [k[0] for k in keys]}).all() if keys else []
    by_id = {r.event_id: r for r in rows}
    cursor = (_encode_cursor(query.sort, _cursor_key(query.sort, keys[-1][1]), keys[-1][0])
              if more else None)
    # the two reads share no snapshot: Tocsin never deletes an event, but one deleted by
    # hand in between is left out of the page (the cursor still continues after it)
    return [by_id[event_id] for event_id, _ in keys if event_id in by_id], cursor


@dataclass(frozen=True)
class EventDetail:
    row: EventRow
    review: Review | None
    history: list[AuditRecord]

    def to_json(self) -> dict[str, Any]:
        return {**self.row.to_json(),
                "review_detail": self.review.to_json() if self.review else None,
                "history": [h.to_json() for h in self.history]}


def event_detail(store: Store, event_id: str) -> EventDetail:
    """One event (also a rejected one) with its review and audit history."""
    with store.engine.connect() as conn:
        row = conn.execute(_base_select().where(events.c.event_id == event_id)).first()
    if row is None:
        raise NotFoundError(f"no event {event_id!r}")
    review = reviews_of(store, [event_id]).get(event_id)
    return EventDetail(_rows([row])[0], review, review_history(store, event_id))


# --------------------------------------------------------------------------------------------
# Stories
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mention:
    row: EventRow
    source: str | None
    url: str | None
    before: str          # article text just before the evidence
    evidence: str        # the evidence sentence, as in the article
    after: str

    def to_json(self) -> dict[str, Any]:
        return {**self.row.to_json(), "source": self.source, "url": self.url,
                "context": {"before": self.before, "evidence": self.evidence,
                            "after": self.after}}


@dataclass(frozen=True)
class StoryView:
    story: dict[str, Any]
    mentions: list[Mention]

    @property
    def sources(self) -> list[str]:
        return sorted({m.source or m.row.event.doc for m in self.mentions})

    @property
    def languages(self) -> list[str]:
        return sorted({m.row.event.language for m in self.mentions})

    def to_json(self) -> dict[str, Any]:
        return {**self.story, "sources": self.sources, "languages_seen": self.languages,
                "mentions": [m.to_json() for m in self.mentions]}


def _story_json(row: Any) -> dict[str, Any]:
    out = dict(row)
    for k in ("first_day", "first_seen"):
        out[k] = out[k].isoformat() if out[k] else None
    out["flags"] = json.loads(out["flags"])
    out["languages"] = [x for x in out["languages"].split(",") if x]
    return out


def list_stories(store: Store, min_mentions: int = 1, flag: str | None = None,
                 limit: int = 100) -> list[dict[str, Any]]:
    """Stories with at least ``min_mentions`` mentions, most mentioned first."""
    if flag is not None and flag not in STORY_FLAGS[:3]:
        raise ValueError(f"unknown story flag {flag!r}; expected one of "
                         f"{', '.join(STORY_FLAGS[:3])}")
    if not 1 <= limit <= MAX_PAGE:
        raise ValueError(f"limit must be from 1 to {MAX_PAGE}, got {limit}")
    s = stories_table.c
    stmt = sa.select(stories_table).where(s.n_mentions >= min_mentions)
    if flag:
        stmt = stmt.where(s.flags.contains(f'"{flag}"'))
    stmt = stmt.order_by(s.n_mentions.desc(), s.first_day.desc().nulls_last(), s.story_id)
    with store.engine.connect() as conn:
        return [_story_json(r) for r in conn.execute(stmt.limit(limit)).mappings()]


def story_view(store: Store, story_id: str) -> StoryView:
    """A story and every mention with its evidence in the article's own text."""
    with store.engine.connect() as conn:
        story = conn.execute(sa.select(stories_table)
                             .where(stories_table.c.story_id == story_id)).mappings().first()
        if story is None:
            raise NotFoundError(f"no story {story_id!r}")
        rows = conn.execute(
            _base_select().add_columns(documents.c.text.label("doc_text"), documents.c.source,
                                       documents.c.url)
            .where(story_mentions.c.story_id == story_id)
            .order_by(documents.c.published.asc().nulls_last(), events.c.doc,
                      events.c.span_start)).all()
    mentions = []
    for row, base in zip(rows, _rows(rows), strict=True):
        text, (start, end) = row.doc_text, (row.span_start, row.span_end)
        lo, hi = max(0, start - CONTEXT_CHARS), min(len(text), end + CONTEXT_CHARS)
        mentions.append(Mention(base, row.source, row.url,
                                ("…" if lo else "") + text[lo:start], text[start:end],
                                text[end:hi] + ("…" if hi < len(text) else "")))
    return StoryView(_story_json(story), mentions)


# --------------------------------------------------------------------------------------------
# Documents
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """A run of article text; ``event_ids`` non-empty where it is evidence of events."""

    text: str
    event_ids: tuple[str, ...] = ()


def highlight(text: str, spans: Sequence[tuple[int, int, str]]) -> list[Segment]:
    """Cut ``text`` at the boundaries of the (start, end, event_id) spans; overlapping spans
    give segments that list every event covering them."""
    cuts = sorted({0, len(text)} | {max(0, min(len(text), x)) for s, e, _ in spans
                                    for x in (s, e)})
    out: list[Segment] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        if a == b:
            continue
        ids = tuple(i for s, e, i in spans if s <= a and b <= e)
        out.append(Segment(text[a:b], ids))
    return out


@dataclass(frozen=True)
class DocumentView:
    content_id: str
    doc: str
    title: str | None
    url: str | None
    source: str | None
    published: date | None
    language: str | None
    text: str
    events: list[EventRow]

    @property
    def segments(self) -> list[Segment]:
        return highlight(self.text, [(r.event.span[0], r.event.span[1], r.event.event_id)
                                     for r in self.events])

    def to_json(self) -> dict[str, Any]:
        return {"content_id": self.content_id, "doc": self.doc, "title": self.title,
                "url": self.url, "source": self.source,
                "published": self.published.isoformat() if self.published else None,
                "language": self.language, "text": self.text,
                "spans": [{"start": r.event.span[0], "end": r.event.span[1],
                           "event_id": r.event.event_id, "type": r.event.type,
                           "review": r.review} for r in self.events],
                "events": [r.to_json() for r in self.events]}


def document_view(store: Store, content_id: str) -> DocumentView:
    """A stored article: its text and the evidence spans of its events (rejected ones too,
    marked so)."""
    with store.engine.connect() as conn:
        doc = conn.execute(sa.select(documents)
                           .where(documents.c.content_id == content_id)).mappings().first()
        if doc is None:
            raise NotFoundError(f"no document {content_id!r}")
        rows = conn.execute(_base_select().where(events.c.content_id == content_id)
                            .order_by(events.c.span_start, events.c.event_id)).all()
    return DocumentView(doc["content_id"], doc["doc"], doc["title"], doc["url"], doc["source"],
                        doc["published"], doc["language"], doc["text"], _rows(rows))


# --------------------------------------------------------------------------------------------
# Timeline
# --------------------------------------------------------------------------------------------


def timeline_view(store: Store, kb: Knowledge, by: str = "week", since: date | None = None,
                  until: date | None = None) -> list[dict[str, Any]]:
    """Counts per period by type and the escalation index, over the reviewed events."""
    if by not in ("day", "week", "month"):
        raise ValueError(f"unknown period {by!r}; expected day, week or month")
    buckets: list[Bucket] = timeline(store.query_events(EventFilter()), kb, by=by, since=since,
                                     until=until)
    return [{"start": b.start.isoformat(), "counts": dict(b.counts),
             "index": round(b.index, 3), "by_country": dict(b.by_country)} for b in buckets]


# --------------------------------------------------------------------------------------------
# Ingesting one document
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ingested:
    content_id: str
    doc: str
    stored: bool                  # False: the same content was already stored
    skipped: str | None           # why the document was not kept
    events: list[EventRow]

    def to_json(self) -> dict[str, Any]:
        return {"content_id": self.content_id, "doc": self.doc, "stored": self.stored,
                "skipped": self.skipped, "events": [r.to_json() for r in self.events]}


def ingest_document(store: Store, settings: Settings, kb: Knowledge,
                    record: Mapping[str, Any]) -> Ingested:
    """Process one document (a record with ``text`` or ``html`` and optional ``url``,
    ``title``, ``published``, ``source``, ``doc``) through the pipeline, store it in a run of
    its own and recompute the stories. Content already stored is not processed again."""
    from .derive import refresh

    doc = record.get("doc") or record.get("url") or "api"
    if not isinstance(doc, str):
        raise InputError("'doc' must be a string")
    item = record_to_document(doc, dict(record), settings)
    if item.content_id and store.is_known(item.content_id):
        return Ingested(item.content_id, doc, False, None, _doc_events(store, item.content_id))
    result = process_item(item, settings)
    run_id = store.begin_run(settings, [doc])
    status = "failed"
    try:
        stored = save_result(store, result, run_id)
        refresh(store, kb)
        status = "done"
    finally:
        store.finish_run(run_id, status, {"documents": int(result.article is not None),
                                          "events": len(result.events)})
    skipped = (f"{result.skipped.stage}: {result.skipped.reason}"
               if result.skipped is not None else None)
    return Ingested(result.content_id, doc, stored, skipped,
                    _doc_events(store, result.content_id) if result.content_id else [])


def record_from_body(body: bytes, content_type: str) -> dict[str, Any]:
    """The record of a raw request body: text/html is HTML, other text is plain text; JSON
    must be an object."""
    kind = content_type.split(";")[0].strip().lower()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError("the body is not UTF-8") from exc
    if kind == "application/json":
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise InputError(f"the body is not valid JSON: {exc}") from exc
        if not isinstance(value, dict):
            raise InputError("the JSON body must be an object with 'text' or 'html'")
        return value
    if kind == "text/html" or (kind != "text/plain" and looks_like_html(text)):
        return {"html": text}
    return {"text": text}


def _doc_events(store: Store, content_id: str) -> list[EventRow]:
    with store.engine.connect() as conn:
        rows = conn.execute(_base_select().where(events.c.content_id == content_id)
                            .order_by(events.c.span_start, events.c.event_id)).all()
    return _rows(rows)


def review_and_show(store: Store, kb: Knowledge, event_id: str, action: str, *, reviewer: str,
                    changes: Mapping[str, Any] | None = None,
                    note: str | None = None) -> EventDetail:
    """Apply one review (stories recomputed) and return the event as it now stands."""
    from .review import review_event

    review_event(store, event_id, action, reviewer=reviewer, changes=changes, note=note, kb=kb)
    return event_detail(store, event_id)
