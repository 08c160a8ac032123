"""Pages of events (``browse.page_events``, behind ``GET /api/v1/events``) against a reference
written in Python from the documented semantics, on SQLite and (with TOCSIN_TEST_PG_URL)
PostgreSQL: every sort, filter and review state, walked page by page through the cursor.

The pages are read from indexes (``events.date_key``, migration 0009) in two steps; the
reference sorts and filters every event in memory, as the API did before, so a page that
differs in content or order fails here. Also: the migration of a populated 0008 database
(date keys, ``sentences.doc``, full-text search still right)."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from tocsin import browse
from tocsin.model import EVENT_TYPES, DocumentResult, Entity, Event, EventDate
from tocsin.review import review_event, reviews_of
from tocsin.settings import Settings
from tocsin.store import EventFilter, Store, open_store

from . import test_store as _ts
from .test_store import _article, _event, sentences_of

db_target, open_db, store = _ts.db_target, _ts.open_db, _ts.store

WORDS = ["missile", "warhead", "drill", "treaty", "alert"]
COUNTRIES = ["RUS", "USA", "Xs", None]    # "Xs": the country filter ignores case


def _date(rng: random.Random) -> EventDate | None:
    """Full, month-only, year-only, day without month, month without year, or no date."""
    year, month, day = rng.choice([2019, 2020, 2021]), rng.randint(1, 12), rng.randint(1, 28)
    return rng.choice([EventDate(year, month, day), EventDate(year, month, day),
                       EventDate(year, month), EventDate(year), EventDate(year, None, day),
                       EventDate(None, month), None])


def _fill(store: Store, n_docs: int = 24, seed: int = 11) -> None:
    rng = random.Random(seed)
    run = store.begin_run(Settings(), ["pages"])
    for d in range(n_docs):
        words = [rng.sample(WORDS, 2) for _ in range(3)]
        text = " ".join(f"Sentence {k} says {a} and {b}." for k, (a, b) in enumerate(words))
        cid = f"{d:064x}"
        doc = f"news/{rng.randint(0, 9)}-{d}.txt"   # doc order differs from content ids
        language = rng.choice(["en", "fr"])
        evs = tuple(
            _event(f"ev-{d:02d}-{k}", doc, cid, text, k, rng.choice(EVENT_TYPES),
                   actor=(None if (c := rng.choice(COUNTRIES)) is None
                          else Entity(f"actor {c}", c)),
                   date=_date(rng), confidence=rng.choice([0.5, 0.625, 0.75, 0.9]),
                   language=language)
            for k in range(rng.randint(1, 3)))
        store.save(DocumentResult(doc=doc, content_id=cid,
                                  article=_article(doc, cid, text, language),
                                  sentences=sentences_of(text), events=evs), run)
    ids = sorted(e.event_id for e in store.query_events(EventFilter(review="any")))
    for i, event_id in enumerate(ids):
        if i % 9 == 0:
            review_event(store, event_id, "reject", reviewer="ana")
        elif i % 7 == 0:   # the date key must follow a corrected date
            review_event(store, event_id, "correct", reviewer="ana",
                         changes={"date": ["2022-02-02", "2018", None, "2020-06"][i % 4]})
        elif i % 11 == 0:
            review_event(store, event_id, "correct", reviewer="ana",
                         changes={"type": "use", "actor": {"name": "Osk", "country": "usa"}})
        elif i % 13 == 0:
            review_event(store, event_id, "accept", reviewer="ana")


# --------------------------------------------------------------------------------------------
# The reference: every event in memory, filtered and sorted as documented
# --------------------------------------------------------------------------------------------


def _at_least(d: EventDate | None, since: date) -> bool:
    if d is None or d.year is None:
        return False
    return d.year > since.year or (d.year == since.year and (
        d.month is None or d.month > since.month or (
            d.month == since.month and (d.day is None or d.day >= since.day))))


def _at_most(d: EventDate | None, until: date) -> bool:
    if d is None or d.year is None:
        return False
    return d.year < until.year or (d.year == until.year and (
        d.month is None or d.month < until.month or (
            d.month == until.month and (d.day is None or d.day <= until.day))))


def _key(e: Event, sort: str) -> Any:
    if sort.endswith("confidence"):
        return e.confidence
    d = e.date or EventDate()
    undated = 0 if sort.startswith("-") else 9999     # undated last both ways
    year = undated if d.year is None else d.year
    return year * 10000 + (d.month or 0) * 100 + (d.day or 0)


def _words(e: Event) -> set[str]:
    return {w.strip(".").lower() for w in e.sentence.split()}


def _reference(everything: list[Event], status: dict[str, str], flt: EventFilter,
               sort: str) -> list[str]:
    def keep(e: Event) -> bool:
        state = status.get(e.event_id, "unreviewed")
        review_ok = {None: state != "rejected", "any": True, "reviewed": state != "unreviewed"
                     }.get(flt.review, state == flt.review)
        return bool(review_ok
                    and (flt.type is None or e.type == flt.type)
                    and (flt.country is None or (e.actor is not None and e.actor.country
                                                 is not None and e.actor.country.lower()
                                                 == flt.country.lower()))
                    and (flt.language is None or e.language == flt.language)
                    and (flt.since is None or _at_least(e.date, flt.since))
                    and (flt.until is None or _at_most(e.date, flt.until))
                    and (flt.text is None or flt.text in _words(e))
                    and (flt.min_confidence is None or e.confidence >= flt.min_confidence))

    kept = [e for e in everything if keep(e)]
    kept.sort(key=lambda e: (_key(e, sort), e.event_id), reverse=sort.startswith("-"))
    return [e.event_id for e in kept]


def _walk(store: Store, flt: EventFilter, sort: str, limit: int) -> list[str]:
    seen: list[str] = []
    cursor = None
    for _ in range(200):
        page = browse.page_events(store, browse.EventQuery(flt, sort=sort, cursor=cursor,
                                                           limit=limit))
        assert len(page.items) <= limit
        seen += [r.event.event_id for r in page.items]
        cursor = page.next_cursor
        if cursor is None:
            return seen
    raise AssertionError("the cursor never ended")


FILTERS = [
    EventFilter(), EventFilter(type="threat"), EventFilter(type="use"),
    EventFilter(country="rus"), EventFilter(country="XS"), EventFilter(country="USA"),
    EventFilter(language="fr"),
    EventFilter(since=date(2020, 6, 15)), EventFilter(until=date(2020, 6, 15)),
    EventFilter(since=date(2020, 6, 1), until=date(2020, 6, 30)),
    EventFilter(since=date(2019, 1, 1), until=date(2019, 12, 31)),
    EventFilter(since=date(2020, 6, 2), until=date(2020, 6, 2)),
    EventFilter(since=date(2021, 12, 31)),
    EventFilter(type="threat", country="RUS", since=date(2019, 3, 1), until=date(2021, 2, 1)),
    EventFilter(text="treaty"), EventFilter(text="alert", language="en"),
    EventFilter(min_confidence=0.75),
    EventFilter(review="rejected"), EventFilter(review="corrected"),
    EventFilter(review="accepted"), EventFilter(review="reviewed"),
    EventFilter(review="unreviewed", type="test"), EventFilter(review="any"),
]


@pytest.fixture
def pages_store(store: Store) -> Store:
    _fill(store)
    return store


def test_pages_match_the_reference(pages_store: Store) -> None:
    everything = pages_store.query_events(EventFilter(review="any"))
    status = {k: r.status for k, r in reviews_of(pages_store).items()}
    assert {"rejected", "corrected", "accepted"} <= set(status.values())
    assert any(e.date is None for e in everything) and any(
        e.date is not None and e.date.year is None for e in everything)
    for flt in FILTERS:
        for sort in browse.EVENT_SORTS:
            expected = _reference(everything, status, flt, sort)
            assert _walk(pages_store, flt, sort, limit=500) == expected, (flt, sort)
            assert _walk(pages_store, flt, sort, limit=3) == expected, (flt, sort)
    assert _reference(everything, status, EventFilter(), "-date"), "the reference is empty"


def test_a_corrected_date_moves_the_event(pages_store: Store) -> None:
    first = browse.page_events(pages_store, browse.EventQuery(sort="-date", limit=1))
    last = _walk(pages_store, EventFilter(), "-date", limit=50)[-1]
    review_event(pages_store, last, "correct", reviewer="ana", changes={"date": "2031-01-02"})
    now = browse.page_events(pages_store, browse.EventQuery(sort="-date", limit=1))
    assert now.items[0].event.event_id == last != first.items[0].event.event_id
    review_event(pages_store, last, "correct", reviewer="ana", changes={"date": None})
    again = browse.page_events(pages_store, browse.EventQuery(sort="-date", limit=1))
    assert again.items[0].event.event_id == first.items[0].event.event_id
    with pages_store.engine.connect() as conn:
        key = conn.scalar(sa.text("SELECT date_key FROM events WHERE event_id = :e"),
                          {"e": last})
    assert key == 99990000   # undated again: year 9999, no month, no day


def test_an_old_cursor_still_works(pages_store: Store) -> None:
    """Cursors carry the sort's key as pages always gave it (newest first, an undated event's
    is its month and day alone), so a page bookmarked before the upgrade still follows on."""
    rows = _walk(pages_store, EventFilter(), "-date", limit=500)
    everything = {e.event_id: e for e in pages_store.query_events(EventFilter(review="any"))}
    undated = [i for i in rows if everything[i].date is None or everything[i].date.year is None]
    assert len(undated) >= 2
    after = undated[0]
    old_cursor = browse._encode_cursor("-date", _key(everything[after], "-date"), after)
    page = browse.page_events(pages_store, browse.EventQuery(sort="-date", cursor=old_cursor,
                                                             limit=500))
    assert [r.event.event_id for r in page.items] == rows[rows.index(after) + 1:]


def test_any_number_in_a_cursor_is_answered(pages_store: Store) -> None:
    """A cursor is the client's to send back: any number in it gives a page (a key between
    the ranges a sort walks, beyond the undated keys, negative) or, for a date sort, a key
    that is no date key (a fraction, too large for the column) is an invalid cursor (400),
    never another error."""
    for sort in browse.EVENT_SORTS:
        for key in (99990000 - 1, 99999999, 2**31 - 1, -3, 0, 0.5, 99989999.5, 10**12):
            cursor = browse._encode_cursor(sort, key, "ev-")
            valid = sort.endswith("confidence") or (isinstance(key, int) and key < 2**31)
            if not valid:
                with pytest.raises(ValueError, match="invalid cursor"):
                    browse.EventQuery(sort=sort, cursor=cursor)
                continue
            page = browse.page_events(pages_store, browse.EventQuery(sort=sort, cursor=cursor))
            assert len(page.items) <= 50


# --------------------------------------------------------------------------------------------
# Migration 0009 on a populated database
# --------------------------------------------------------------------------------------------


def _at_0008(target: str) -> None:
    """A database migrated to 0008 only, holding one document, two sentences, two events."""
    from alembic import command

    engine = sa.create_engine(target if "://" in target else f"sqlite:///{target}")
    config = _ts._alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0008")
        conn.execute(sa.text(
            "INSERT INTO runs (started_at, status, settings, inputs) "
            "VALUES (CURRENT_TIMESTAMP, 'done', '{}', '[]')"))
        conn.execute(sa.text(
            "INSERT INTO documents (content_id, doc, kind, text, n_chars, run_id, ingested_at) "
            "VALUES ('c1', 'news/old.txt', 'text', 'Missiles moved. Talks failed.', 29, 1, "
            "CURRENT_TIMESTAMP)"))
        folded = engine.dialect.name == "postgresql"
        for start, end, text in ((0, 15, "Missiles moved."), (16, 29, "Talks failed.")):
            conn.execute(sa.text(
                'INSERT INTO sentences (content_id, start, "end", paragraph, text, folded) '
                "VALUES ('c1', :s, :e, 0, :t, :f)"),
                {"s": start, "e": end, "t": text, "f": text.lower() if folded else None})
        for event_id, start, end, year, month in (("ev-a", 0, 15, 2020, 5),
                                                  ("ev-b", 16, 29, None, None)):
            conn.execute(sa.text(
                "INSERT INTO events (event_id, content_id, doc, type, span_start, span_end, "
                "sentence, date_year, date_month, modality, confidence, language, trigger, "
                "run_id) VALUES (:i, 'c1', 'news/old.txt', 'deployment', :s, :e, 'x', :y, :m, "
                "'asserted', 0.5, 'en', '', 1)"),
                {"i": event_id, "s": start, "e": end, "y": year, "m": month})
    engine.dispose()


def test_migration_0009_fills_existing_rows(db_target: str) -> None:
    _at_0008(db_target)
    opened = open_store(db_target)
    try:
        with opened.engine.connect() as conn:
            keys = dict(conn.execute(sa.text("SELECT event_id, date_key FROM events")).all())
            docs = set(conn.scalars(sa.text("SELECT doc FROM sentences")))
        assert keys == {"ev-a": 20200500, "ev-b": 99990000}
        assert docs == {"news/old.txt"}
        assert opened.search_sentences("missiles") == [("news/old.txt", "Missiles moved.")]
        assert [e.event_id for e in opened.query_events(EventFilter(text="talks"))] == ["ev-b"]
        page = browse.page_events(opened, browse.EventQuery(sort="-date"))
        assert [r.event.event_id for r in page.items] == ["ev-a", "ev-b"]
    finally:
        opened.close()


def test_search_order_breaks_ties_by_doc(store: Store) -> None:
    """Equal scores are ordered by the document's doc, then the position (sentences.doc)."""
    run = store.begin_run(Settings(), ["search"])
    for n, doc in enumerate(["b.txt", "a.txt", "c.txt"]):
        text = "Drill near the border. Troops near the border."   # equal scores
        store.save(DocumentResult(doc=doc, content_id=f"{n:064x}",
                                  article=_article(doc, f"{n:064x}", text, "en"),
                                  sentences=sentences_of(text), events=()), run)
    found = store.search_sentences("border", limit=4)
    assert [d for d, _ in found] == ["a.txt", "a.txt", "b.txt", "b.txt"]
    assert found[0][1] == "Drill near the border."
    assert store.search_sentences("border", limit=0) == []



def test_serial_plans_on_postgresql(db_target: str) -> None:
    """The server's store (``tocsin serve``) plans no parallel workers on PostgreSQL; a
    store opened otherwise keeps the server's setting."""
    served, other = open_store(db_target, serial_plans=True), open_store(db_target)
    try:
        if served.dialect != "postgresql":
            pytest.skip("PostgreSQL only")
        for s, expected in ((served, "0"), (other, None)):
            with s.engine.connect() as conn:
                value = conn.exec_driver_sql("SHOW max_parallel_workers_per_gather").scalar()
            assert (value == "0") == (expected == "0"), value
            with s.engine.connect() as conn:   # the pooled connection keeps it
                again = conn.exec_driver_sql("SHOW max_parallel_workers_per_gather").scalar()
            assert again == value
    finally:
        served.close()
        other.close()


def test_json_pages_equal_the_rows_json(store: Store) -> None:
    """``page_events_json`` (the API's events route) builds each item from the row itself;
    it must equal ``EventRow.to_json()`` for every field: entities with and without a
    country, attributions, quotes, partial dates, unrounded confidences, stories and every
    review state, corrections included."""
    from tocsin.derive import refresh
    from tocsin.knowledge import load_knowledge
    from tocsin.model import Attribution

    rng = random.Random(5)
    run = store.begin_run(Settings(), ["json pages"])
    for d in range(14):
        if d == 12:    # the last two documents come after the stories: no story_id
            refresh(store, load_knowledge())
        text = "Sentence 0 says missile. Sentence 1 says warhead. Sentence 2 says drill."
        cid, doc = f"{d + 500:064x}", f"news/json-{d}.txt"
        evs = tuple(
            _event(f"js-{d:02d}-{k}", doc, cid, text, k, rng.choice(EVENT_TYPES),
                   actor=rng.choice([None, Entity("Russia", "RUS", "actor:rus"),
                                     Entity("someone")]),
                   target=rng.choice([None, Entity("NATO", "NATO")]),
                   weapon=rng.choice([None, Entity("Iskander", None, "weapon:iskander")]),
                   location=rng.choice([None, Entity("Minsk", "BLR", "place:minsk")]),
                   attribution=rng.choice([None, Attribution("Peskov", "official", "said"),
                                           Attribution(None, "anonymous")]),
                   quote=rng.choice([None, "we will respond"]), date=_date(rng),
                   confidence=rng.choice([0.5, 0.123456, 0.9999, 1.0]),
                   language=rng.choice(["en", "fr"]))
            for k in range(3))
        store.save(DocumentResult(doc=doc, content_id=cid,
                                  article=_article(doc, cid, text, "en",
                                                   published=(date(2020, 1, d + 1)
                                                              if d % 2 else None),
                                                   title=f"Title {d}" if d % 3 else None),
                                  sentences=sentences_of(text), events=evs), run)
    ids = sorted(e.event_id for e in store.query_events(EventFilter(review="any")))
    for i, event_id in enumerate(ids):
        if i % 4 == 1:
            review_event(store, event_id, "reject", reviewer="ana")
        elif i % 4 == 2:
            review_event(store, event_id, "correct", reviewer="ana",
                         changes={"type": "use", "actor": {"name": "Osk", "country": "usa"},
                                  "date": "2021-03"})
        elif i % 8 == 3:
            review_event(store, event_id, "accept", reviewer="ana")
    seen: list[dict[str, Any]] = []
    for review in (None, "any", "corrected"):
        for sort in browse.EVENT_SORTS:
            cursor = None
            for _ in range(20):
                q = browse.EventQuery(EventFilter(review=review), sort=sort, cursor=cursor,
                                      limit=7)
                page = browse.page_events(store, q)
                got = browse.page_events_json(store, q)
                assert got == {"items": [r.to_json() for r in page.items],
                               "next_cursor": page.next_cursor}
                assert [list(item) for item in got["items"]] == \
                    [list(r.to_json()) for r in page.items]     # same key order
                seen += got["items"]
                cursor = page.next_cursor
                if cursor is None:
                    break
    # the fields the rows could leave out were all seen, set and unset
    for key in ("story_id", "attribution", "quote", "weapon", "target", "date", "published",
                "doc_title"):
        assert {item[key] is None for item in seen} == {True, False}, key
    assert {item["review"] for item in seen} == {"unreviewed", "accepted", "corrected",
                                                 "rejected"}
