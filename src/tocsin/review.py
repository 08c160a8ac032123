"""Analyst review: accept, reject or correct an event, with an append-only audit trail.

A review never edits the machine's output in place without a trace:

* ``event_reviews`` holds the current review of an event: its status (``accepted``,
  ``corrected`` or ``rejected``), the corrected fields and the machine values they replaced;
* ``review_audit`` gets one row per change (who, when, action, before, after, note) and is
  append-only (database triggers refuse UPDATE and DELETE);
* the corrected values are written into the event's row, so every query, story, index and
  export reads the reviewed values; rejected events are left out of queries by default
  (:class:`tocsin.store.EventFilter` ``review``) and so out of stories, timeline and exports;
* reviews are keyed by event id, not tied to the row: when an article is processed again its
  events' reviews are applied again (:func:`reapply_reviews`, called by ``Store.save``).

:func:`gold_records` turns the reviewed events into the gold format of the spec
(``shared/spec/events.md``), so an analyst's corrections become evaluation and training data.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, TextIO

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .errors import NotFoundError, ReviewError
from .model import CAMEO, EVENT_TYPES, MODALITIES, PLOVER
from .store import (
    Store,
    documents,
    event_reviews,
    events,
    review_audit,
    story_mentions,
)

if TYPE_CHECKING:
    from .knowledge import Knowledge

__all__ = [
    "CORRECTABLE",
    "REVIEW_ACTIONS",
    "AuditRecord",
    "Review",
    "gold_records",
    "reapply_reviews",
    "review_event",
    "review_history",
    "reviews_of",
    "write_gold",
]

REVIEW_ACTIONS: tuple[str, ...] = ("accept", "reject", "correct")
CORRECTABLE: tuple[str, ...] = ("type", "actor", "weapon", "location", "date", "modality")
MAX_NOTE = 4000
MAX_NAME = 200

Fields = dict[str, Any]


@dataclass(frozen=True)
class Review:
    """The current review of one event."""

    event_id: str
    status: str                 # accepted | corrected | rejected
    changes: Fields             # corrected fields, in the shape of Event.to_json()
    machine: Fields             # the machine's values of the corrected fields
    note: str | None
    reviewer: str
    reviewed_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "changes": self.changes, "machine": self.machine,
                "note": self.note, "reviewer": self.reviewer,
                "reviewed_at": self.reviewed_at.isoformat()}


@dataclass(frozen=True)
class AuditRecord:
    id: int
    event_id: str
    reviewer: str
    at: datetime
    action: str
    before: Fields
    after: Fields
    note: str | None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "event_id": self.event_id, "reviewer": self.reviewer,
                "at": self.at.isoformat(), "action": self.action, "before": self.before,
                "after": self.after, "note": self.note}


# --------------------------------------------------------------------------------------------
# Field values <-> event columns
# --------------------------------------------------------------------------------------------


def _fields_of(row: Any) -> Fields:
    """The six correctable fields of an events row, shaped as in Event.to_json()."""

    def ent(name: str | None, country: str | None, id_: str | None) -> dict[str, Any] | None:
        return None if name is None else {"name": name, "country": country, "id": id_}

    year, month, day = row["date_year"], row["date_month"], row["date_day"]
    return {
        "type": row["type"],
        "actor": ent(row["actor_name"], row["actor_country"], row["actor_id"]),
        "weapon": ent(row["weapon"], row["weapon_country"], row["weapon_id"]),
        "location": ent(row["location_name"], row["location_country"], row["location_id"]),
        "date": (None if year is None and month is None and day is None
                 else {"year": year, "month": month, "day": day}),
        "modality": row["modality"],
    }


def _columns_of(fields: Fields) -> dict[str, Any]:
    """Event columns for (some of) the correctable fields."""
    cols: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "type":
            cols.update(type=value, cameo=CAMEO.get(value), plover=PLOVER.get(value))
        elif key == "modality":
            cols["modality"] = value
        elif key == "date":
            d = value or {}
            cols.update(date_year=d.get("year"), date_month=d.get("month"),
                        date_day=d.get("day"))
        else:
            prefix = {"actor": "actor_", "weapon": "weapon_", "location": "location_"}[key]
            name_col = "weapon" if key == "weapon" else f"{prefix}name"
            v = value or {}
            cols.update({name_col: v.get("name"), f"{prefix}country": v.get("country"),
                         f"{prefix}id": v.get("id")})
    return cols


def _clean_text(value: Any, what: str, limit: int = MAX_NAME) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ReviewError(f"{what} must be a non-empty string")
    text = " ".join(value.split())
    if len(text) > limit:
        raise ReviewError(f"{what} is longer than {limit} characters")
    return text


def _clean_country(value: Any, what: str) -> str | None:
    if value in (None, ""):
        return None
    code = _clean_text(value, what, 8).upper()
    if not code.replace("_", "").isalnum():
        raise ReviewError(f"{what} {value!r} is not a country code (RUS, USA, NATO...)")
    return code


def _clean_entity(key: str, value: Any, kb: Knowledge | None) -> dict[str, Any] | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = {"name": value}
    if not isinstance(value, Mapping):
        raise ReviewError(f"{key} must be an object with a name (and a country), or null")
    unknown = set(value) - {"name", "country", "id"}
    if unknown:
        raise ReviewError(f"{key} has unknown keys: {', '.join(sorted(unknown))}")
    name = _clean_text(value.get("name"), f"{key} name")
    country = _clean_country(value.get("country"), f"{key} country")
    id_ = value.get("id")
    if id_ is not None:
        id_ = _clean_text(id_, f"{key} id")
    if kb is not None and id_ is None:
        id_, known_country = _resolve(key, name, kb)
        country = country or known_country
    return {"name": name, "country": country, "id": id_}


def _resolve(key: str, name: str, kb: Knowledge) -> tuple[str | None, str | None]:
    """Knowledge-base id (and country) of a canonical name, so id filters find corrections."""
    folded = name.casefold()
    if key == "actor":
        for a in kb.actors:
            if a.name.casefold() == folded:
                return a.id, a.country
        for c in kb.countries:
            if c.name.casefold() == folded:
                return c.code, c.code
    elif key == "weapon":
        for w in kb.weapons:
            if w.name.casefold() == folded:
                return w.id, w.country
    else:
        for p in kb.places:
            if p.name.casefold() == folded:
                return p.id, p.country
        for c in kb.countries:
            if c.name.casefold() == folded:
                return c.code, c.code
    return None, None


def _clean_date(value: Any) -> dict[str, int | None] | None:
    if value is None:
        return None
    if isinstance(value, str):   # "2023-03-25", "2023-03" or "2023"
        parts = value.strip().split("-")
        if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
            raise ReviewError(f"date {value!r}: use YYYY, YYYY-MM or YYYY-MM-DD")
        value = dict(zip(("year", "month", "day"), map(int, parts), strict=False))
    if not isinstance(value, Mapping) or set(value) - {"year", "month", "day"}:
        raise ReviewError("date must be {year, month, day} (nulls for unknown parts) or null")
    out: dict[str, int | None] = {}
    for part, low, high in (("year", 1900, 2200), ("month", 1, 12), ("day", 1, 31)):
        v = value.get(part)
        bad = isinstance(v, bool) or not isinstance(v, int) or not low <= v <= high
        if v is not None and bad:
            raise ReviewError(f"date {part} must be a whole number from {low} to {high}, or null")
        out[part] = v
    if out["day"] is not None and out["month"] is None:
        raise ReviewError("a date with a day needs a month")
    if all(out[p] is not None for p in ("year", "month", "day")):
        try:
            date(out["year"], out["month"], out["day"])  # type: ignore[arg-type]
        except ValueError as exc:
            raise ReviewError(f"date: {exc}") from exc
    return None if all(v is None for v in out.values()) else out


def clean_changes(changes: Mapping[str, Any], kb: Knowledge | None = None) -> Fields:
    """Validated corrections, shaped as stored; raises :class:`ReviewError`."""
    unknown = set(changes) - set(CORRECTABLE)
    if unknown:
        raise ReviewError(f"cannot correct {', '.join(sorted(unknown))}: the correctable "
                          f"fields are {', '.join(CORRECTABLE)}")
    out: Fields = {}
    for key, value in changes.items():
        if key == "type":
            if value not in EVENT_TYPES:
                raise ReviewError(f"type {value!r}: expected one of {', '.join(EVENT_TYPES)}")
            out[key] = value
        elif key == "modality":
            if value not in MODALITIES:
                raise ReviewError(f"modality {value!r}: expected one of {', '.join(MODALITIES)}")
            out[key] = value
        elif key == "date":
            out[key] = _clean_date(value)
        else:
            out[key] = _clean_entity(key, value, kb)
    return out


# --------------------------------------------------------------------------------------------
# Reviewing
# --------------------------------------------------------------------------------------------


def review_event(store: Store, event_id: str, action: str, *, reviewer: str,
                 changes: Mapping[str, Any] | None = None, note: str | None = None,
                 kb: Knowledge | None = None, now: datetime | None = None) -> Review:
    """Accept, reject or correct one event; return its review as it now stands.

    ``changes`` (for ``correct``) maps fields of :data:`CORRECTABLE` to their right values
    (``{"actor": {"name": "Sergei Shoigu", "country": "RUS"}}``, ``{"date": "2023-03-25"}``).
    Corrections accumulate over reviews; a value equal to the machine's drops the correction.
    ``accept`` and ``correct`` also take back an earlier rejection. One audit row is appended
    per call. With ``kb``, corrected names get their knowledge-base ids and, when the event's
    values or its rejection changed, stories are recomputed from the reviewed values.
    """
    if action not in REVIEW_ACTIONS:
        raise ReviewError(f"unknown review action {action!r}; expected one of "
                          f"{', '.join(REVIEW_ACTIONS)}")
    who = _clean_text(reviewer, "reviewer")
    text = None if note is None or not note.strip() else note.strip()
    if text is not None and len(text) > MAX_NOTE:
        raise ReviewError(f"note is longer than {MAX_NOTE} characters")
    new = clean_changes(changes or {}, kb)
    if action == "correct" and not new:
        raise ReviewError("a correction needs at least one field to correct")
    if action != "correct" and new:
        raise ReviewError(f"{action!r} takes no changes; use 'correct'")
    at = now or datetime.now(UTC)
    with store._write() as conn:   # one transaction: row, review and audit agree
        row = conn.execute(sa.select(events).where(events.c.event_id == event_id)
                           .with_for_update()).mappings().first()
        if row is None:
            raise NotFoundError(f"no event {event_id!r}")
        current = conn.execute(sa.select(event_reviews)
                               .where(event_reviews.c.event_id == event_id)).mappings().first()
        shown = _fields_of(row)
        machine_all = dict(shown)
        old_changes: Fields = {}
        if current is not None:
            old_changes = json.loads(current["changes"])
            machine_all.update(json.loads(current["machine"]))
        before = {"status": current["status"] if current else "unreviewed", **shown}
        merged = {**old_changes, **new}
        merged = {k: v for k, v in merged.items() if v != machine_all[k]}
        status = "rejected" if action == "reject" else "corrected" if merged else "accepted"
        effective = {**machine_all, **merged}
        conn.execute(events.update().where(events.c.event_id == event_id)
                     .values(**_columns_of(effective)))
        values = {
            "content_id": row["content_id"], "status": status,
            "changes": _dumps(merged), "machine": _dumps({k: machine_all[k] for k in merged}),
            "note": text if text is not None else (current["note"] if current else None),
            "reviewer": who, "reviewed_at": at,
        }
        if current is None:
            conn.execute(event_reviews.insert().values(event_id=event_id, **values))
        else:
            conn.execute(event_reviews.update()
                         .where(event_reviews.c.event_id == event_id).values(**values))
        conn.execute(review_audit.insert().values(
            event_id=event_id, reviewer=who, at=at, action=action, before=_dumps(before),
            after=_dumps({"status": status, **effective}), note=text))
        was_rejected = current is not None and current["status"] == "rejected"
        moved = effective != shown or was_rejected != (status == "rejected")
    if kb is not None and moved:   # stories follow the reviewed values
        from .derive import refresh

        refresh(store, kb)
    return Review(event_id, status, merged, {k: machine_all[k] for k in merged},
                  values["note"], who, at)


def reapply_reviews(conn: Connection, content_id: str) -> int:
    """Write the corrected values of a document's reviewed events into their rows again
    (after the document was processed again); return how many rows were corrected."""
    rows = conn.execute(sa.select(event_reviews.c.event_id, event_reviews.c.changes)
                        .where(event_reviews.c.content_id == content_id)).all()
    n = 0
    for event_id, changes in rows:
        fields = json.loads(changes)
        if fields:
            result = conn.execute(events.update().where(events.c.event_id == event_id)
                                  .values(**_columns_of(fields)))
            n += max(result.rowcount or 0, 0)
    return n


def reviews_of(store: Store, event_ids: list[str] | None = None) -> dict[str, Review]:
    """Current reviews, by event id (all of them, or of the given events)."""
    stmt = sa.select(event_reviews)
    if event_ids is not None:
        if not event_ids:
            return {}
        stmt = stmt.where(event_reviews.c.event_id.in_(event_ids))
    with store.engine.connect() as conn:
        rows = conn.execute(stmt).mappings().all()
    return {r["event_id"]: _review(r) for r in rows}


def review_history(store: Store, event_id: str) -> list[AuditRecord]:
    """Every audit record of an event, oldest first."""
    a = review_audit.c
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(review_audit).where(a.event_id == event_id)
                            .order_by(a.at, a.id)).mappings().all()
    return [AuditRecord(r["id"], r["event_id"], r["reviewer"], _aware(r["at"]), r["action"],
                        json.loads(r["before"]), json.loads(r["after"]), r["note"])
            for r in rows]


def _review(r: Any) -> Review:
    return Review(r["event_id"], r["status"], json.loads(r["changes"]), json.loads(r["machine"]),
                  r["note"], r["reviewer"], _aware(r["reviewed_at"]))


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)   # SQLite drops the zone


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


# --------------------------------------------------------------------------------------------
# Gold export
# --------------------------------------------------------------------------------------------


def gold_records(store: Store) -> Iterator[dict[str, Any]]:
    """One gold record per document with at least one reviewed event, in the spec's format.

    Accepted and corrected events are gold events (their reviewed values); rejected ones are
    left out, so a document whose events were all rejected is a distractor (``events: []``);
    its events nobody reviewed yet are exported as ``optional`` (neither rewarded nor
    punished by the scorer). Documents are in ``doc`` order, events in span order.
    """
    e, r = events.c, event_reviews.c
    reviewed_docs = sa.select(r.content_id).distinct()
    stmt = (sa.select(events, r.status, documents.c.language.label("doc_language"),
                      documents.c.published, story_mentions.c.story_id)
            .join(documents, documents.c.content_id == e.content_id)
            .outerjoin(event_reviews, r.event_id == e.event_id)
            .outerjoin(story_mentions, story_mentions.c.event_id == e.event_id)
            .where(e.content_id.in_(reviewed_docs))
            .order_by(e.doc, e.content_id, e.span_start, e.event_id))
    with store.engine.connect() as conn:
        current: dict[str, Any] | None = None
        for row in conn.execute(stmt).mappings():
            if current is None or current["_cid"] != row["content_id"]:
                if current is not None:
                    current.pop("_cid")
                    yield current
                published = row["published"]
                current = {"_cid": row["content_id"], "doc": row["doc"],
                           "language": row["doc_language"],
                           "published": published.isoformat() if published else None,
                           "events": []}
            if row["status"] == "rejected":
                continue
            current["events"].append(_gold_event(row, optional=row["status"] is None))
        if current is not None:
            current.pop("_cid")
            yield current


def _gold_event(row: Any, optional: bool) -> dict[str, Any]:
    f = _fields_of(row)
    actor, loc = f["actor"], f["location"]
    return {
        "evidence": row["sentence"],
        "type": f["type"],
        "alt_types": [],
        "optional": optional,
        "story": row["story_id"],
        "actor": {"names": [actor["name"]], "country": actor["country"]} if actor else None,
        "target": ({"names": [row["target_name"]], "country": row["target_country"]}
                   if row["target_name"] else None),
        "weapon": f["weapon"]["name"] if f["weapon"] else None,
        "location": {"name": loc["name"], "country": loc["country"]} if loc else None,
        "date": f["date"],
        "modality": [f["modality"]],
        "attribution": ({"kind": row["attribution_kind"]} if row["attribution_kind"] else None),
        "event_id": row["event_id"],
        "review": row["status"] or "unreviewed",
    }


def write_gold(store: Store, out: TextIO) -> int:
    """Write :func:`gold_records` as JSON lines; return the number of documents written."""
    n = 0
    for record in gold_records(store):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        n += 1
    return n
