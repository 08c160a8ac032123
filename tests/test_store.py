"""Storage layer: migrations, idempotent saves, skips, queries, summary, atomicity, errors.

The data is made up (a fictional minister of a fictional country).  Tests marked with the
``backend`` fixture also run on PostgreSQL when TOCSIN_TEST_PG_URL points at a server, e.g.
``postgresql+psycopg://postgres@localhost:55432/tocsin_test``; each test then works in a
schema of its own, dropped afterwards.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from tocsin.errors import StoreError
from tocsin.model import (
    Article,
    Attribution,
    DocumentResult,
    Entity,
    Event,
    EventDate,
    Paragraph,
    Sentence,
    Skipped,
)
from tocsin.settings import Settings
from tocsin.store import METADATA, EventFilter, Store, open_store

PG_URL = os.environ.get("TOCSIN_TEST_PG_URL")
HEAD = "0010"   # the one head of the migrations
needs_pg = pytest.mark.skipif(not PG_URL, reason="set TOCSIN_TEST_PG_URL to test PostgreSQL")

# --------------------------------------------------------------------------------------------
# Fictional documents
# --------------------------------------------------------------------------------------------

EN_TEXT = (
    "Norlandian defence minister Aldric Venn warned on 3 March 2031 that Norlandia could "
    "place its Vardstorm missiles on high alert. "
    "Sudmark's foreign office called the nuclear threat reckless. "
    "Analysts said the drills near Kessa were routine."
)
FR_TEXT = (
    "Le ministre de la Défense Aldric Venn a annoncé un essai du missile Vardstorm en 2030. "
    "Le gouvernement de Sudmark n'a pas réagi."
)
EN_ID = "c" * 64
FR_ID = "f" * 64


def sentences_of(text: str) -> tuple[Sentence, ...]:
    """Sentences cut at ". " (the store and search tests' small texts)."""
    out, start = [], 0
    while start < len(text):
        end = text.find(". ", start)
        end = len(text) if end < 0 else end + 1
        out.append(Sentence(start=start, end=end, paragraph=0))
        start = end + 1
    return tuple(out)


def _article(doc: str, content_id: str, text: str, language: str, **kw: object) -> Article:
    return Article(
        doc=doc,
        content_id=content_id,
        text=text,
        language=language,
        paragraphs=(Paragraph(0, len(text), language),),
        **kw,  # type: ignore[arg-type]
    )


def _event(
    event_id: str,
    doc: str,
    content_id: str,
    text: str,
    sentence_no: int,
    type_: str,
    **kw: object,
) -> Event:
    s = sentences_of(text)[sentence_no]
    fields: dict[str, object] = {
        "actor": None,
        "target": None,
        "weapon": None,
        "location": None,
        "date": None,
        "modality": "asserted",
        "attribution": None,
        "quote": None,
        "confidence": 0.5,
        "language": "en",
        "trigger": "",
    }
    fields.update(kw)
    return Event(
        event_id=event_id,
        doc=doc,
        content_id=content_id,
        type=type_,
        span=(s.start, s.end),
        sentence=text[s.start : s.end],
        **fields,  # type: ignore[arg-type]
    )


VENN = Entity("Aldric Venn", "XN", "kb:venn")
THREAT = _event(
    "ev-threat",
    "news/venn.txt",
    EN_ID,
    EN_TEXT,
    0,
    "threat",
    actor=VENN,
    target=Entity("Sudmark", "XS"),
    weapon=Entity("Vardstorm", None, "kb:vardstorm"),
    location=None,
    date=EventDate(2031, 3, 3),
    modality="conditional",
    attribution=Attribution("Aldric Venn", "official", "warned"),
    quote=None,
    confidence=0.875,
    trigger="warned ... high alert",
)
REACTION = _event(
    "ev-reaction",
    "news/venn.txt",
    EN_ID,
    EN_TEXT,
    1,
    "reaction",
    actor=Entity("Sudmark foreign office", "XS"),
    target=VENN,
    date=EventDate(2031, 3),
    attribution=Attribution(None, "official"),
    quote="reckless",
    confidence=0.6,
)
EXERCISE = _event(
    "ev-exercise",
    "news/venn.txt",
    EN_ID,
    EN_TEXT,
    2,
    "exercise",
    location=Entity("Kessa", "XN", "geo:kessa"),
    modality="hedged",
    attribution=Attribution("Analysts", "analyst", "said"),
    confidence=0.3,
)
TEST = _event(
    "ev-test",
    "news/venn-fr.html",
    FR_ID,
    FR_TEXT,
    0,
    "test",
    actor=VENN,
    weapon=Entity("Vardstorm"),
    date=EventDate(2030),
    modality="planned",
    confidence=0.7,
    language="fr",
)
ALL_EVENTS = (THREAT, REACTION, EXERCISE, TEST)

EN_RESULT = DocumentResult(
    doc="news/venn.txt",
    content_id=EN_ID,
    article=_article(
        "news/venn.txt",
        EN_ID,
        EN_TEXT,
        "en",
        title="Venn warns Sudmark",
        source="Norland Herald",
        published=date(2031, 3, 4),
    ),
    sentences=sentences_of(EN_TEXT),
    events=(THREAT, REACTION, EXERCISE),
)
FR_RESULT = DocumentResult(
    doc="news/venn-fr.html",
    content_id=FR_ID,
    article=_article(
        "news/venn-fr.html",
        FR_ID,
        FR_TEXT,
        "fr",
        url="https://example.org/venn",
        kind="html",
    ),
    sentences=sentences_of(FR_TEXT),
    events=(TEST,),
)
SKIP_RESULT = DocumentResult(
    doc="news/menu.html",
    content_id="e" * 64,
    article=None,
    skipped=Skipped(stage="clean", reason="empty", doc="news/menu.html", content_id="e" * 64),
)

# --------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------

Opener = Callable[[], Store]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=needs_pg)])
def db_target(request: pytest.FixtureRequest, tmp_path: os.PathLike[str]) -> Iterator[str]:
    """Where one fresh database of the given backend lives (an SQLite path, or a PostgreSQL
    URL whose search_path is a schema of this test's own, dropped afterwards)."""
    if request.param == "sqlite":
        yield os.path.join(tmp_path, "tocsin.db")
        return
    assert PG_URL
    schema = f"tocsin_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = sa.make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def open_db(db_target: str) -> Iterator[Opener]:
    """A function opening (again and again) one fresh database of the given backend."""
    opened: list[Store] = []

    def opener() -> Store:
        store = open_store(db_target)
        opened.append(store)
        return store

    yield opener
    for store in opened:
        store.close()


@pytest.fixture
def store(open_db: Opener) -> Store:
    return open_db()


@pytest.fixture
def filled(store: Store) -> Store:
    run = store.begin_run(Settings(), ["news"])
    for result in (EN_RESULT, FR_RESULT, SKIP_RESULT):
        assert store.save(result, run) is True
    store.finish_run(run, "done", {"documents": 3})
    return store


def _count(store: Store, table: str) -> int:
    with store.engine.connect() as conn:
        return int(conn.scalar(sa.text(f"SELECT count(*) FROM {table}")) or 0)


def _ids(found: list[Event]) -> list[str]:
    return [e.event_id for e in found]


# --------------------------------------------------------------------------------------------
# Migrations
# --------------------------------------------------------------------------------------------


def test_migration_creates_tables(open_db: Opener) -> None:
    store = open_db()
    inspector = sa.inspect(store.engine)
    tables = set(inspector.get_table_names())
    assert {"runs", "documents", "sentences", "events", "skips", "alembic_version"} <= tables
    indexes = _index_names(store, "events")
    assert {
        "ix_events_actor_name",
        "ix_events_date",
        "ix_events_content_id",
        "ix_events_date_key",
        "ix_events_type_date_key",
        "ix_events_language_date_key",
        "ix_events_confidence",
        "ix_events_country_date_key",   # on an expression: not reflected by SQLAlchemy on SQLite
    } <= indexes
    assert "ix_events_type" not in indexes   # 0009: the type-and-date index starts with type
    if store.dialect == "sqlite":
        assert "sentences_fts" in tables
        with store.engine.connect() as conn:
            pragmas = {
                name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "foreign_keys", "synchronous", "busy_timeout")
            }
        assert pragmas["journal_mode"] == "wal"
        assert pragmas["foreign_keys"] == 1
        assert pragmas["synchronous"] == 1  # NORMAL
        assert int(pragmas["busy_timeout"] or 0) > 0
    else:
        assert "ix_sentences_text_tsv" in {ix["name"] for ix in inspector.get_indexes("sentences")}
    with store.engine.connect() as conn:
        assert list(conn.scalars(sa.text("SELECT version_num FROM alembic_version"))) == [HEAD]
    # Opening again is a no-op migration that keeps the data.
    run = store.begin_run(Settings(), [])
    store.save(EN_RESULT, run)
    store.close()
    assert open_db().is_known(EN_ID)


def _index_names(store: Store, table: str) -> set[str]:
    """Names of a table's indexes, asked of the database itself (SQLAlchemy skips the
    indexes on expressions when it reflects SQLite)."""
    sql = ("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :t"
           if store.dialect == "sqlite" else
           "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
           "AND tablename = :t")
    with store.engine.connect() as conn:
        return set(conn.scalars(sa.text(sql), {"t": table}))


def _alembic_config() -> Any:
    from alembic.config import Config

    from tocsin.store import _MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.set_main_option("path_separator", "os")
    return config


def test_migrations_have_one_head() -> None:
    """Lines of migrations written in parallel are merged: one head, the one open_store ends at."""
    from alembic.script import ScriptDirectory

    assert ScriptDirectory.from_config(_alembic_config()).get_heads() == [HEAD]


# Heads of earlier versions: before issue 10, main after the API and review work (0005), and
# the watch branch (0005w, 0006w, 0007w, written beside 0005).
@pytest.mark.parametrize("previous", ["0004", "0005", "0007w"])
def test_open_store_upgrades_a_database_at_any_earlier_head(db_target: str,
                                                            previous: str) -> None:
    from alembic import command

    from tocsin.store import _to_url

    engine = sa.create_engine(_to_url(db_target))
    try:
        with engine.begin() as conn:
            config = _alembic_config()
            config.attributes["connection"] = conn
            command.upgrade(config, previous)
    finally:
        engine.dispose()
    with open_store(db_target) as store:
        inspector = sa.inspect(store.engine)
        tables = set(inspector.get_table_names())
        assert {"event_reviews", "review_audit", "watch_items", "alerts_sent"} <= tables
        assert "folded" in {c["name"] for c in inspector.get_columns("sentences")}
        with store.engine.connect() as conn:
            versions = list(conn.scalars(sa.text("SELECT version_num FROM alembic_version")))
        assert versions == [HEAD]
        run = store.begin_run(Settings(), [])
        assert store.save(EN_RESULT, run) is True
        assert {e.event_id for e in store.query_events()} == {e.event_id for e in EN_RESULT.events}


@pytest.mark.filterwarnings("ignore:.*expression-based index ix_events_country_date_key")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
def test_metadata_matches_migrations(store: Store) -> None:
    """The Table objects in store.py and the migration describe the same schema."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    def include(name: str | None, type_: str, *_: object) -> bool:
        if type_ == "table" and name and name.startswith("sentences_fts"):
            return False
        if type_ == "column" and name == "folded_tsv":   # PostgreSQL's stored tsvector
            return False
        return not (type_ == "index" and name in ("ix_sentences_text_tsv",
                                                   "ix_sentences_folded_tsv",
                                                   "ix_sentences_tsv"))

    with store.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_name": include, "compare_type": True}
        )
        assert compare_metadata(context, METADATA) == []


# --------------------------------------------------------------------------------------------
# Saving
# --------------------------------------------------------------------------------------------


def test_save_is_idempotent(open_db: Opener) -> None:
    store = open_db()
    run = store.begin_run(Settings(), ["news"])
    assert store.save(EN_RESULT, run) is True
    before = store.snapshot()
    counts = {t: _count(store, t) for t in ("documents", "sentences", "events", "skips")}
    assert counts == {"documents": 1, "sentences": 3, "events": 3, "skips": 0}
    assert store.known_content_ids() == {EN_ID}
    assert store.is_known(EN_ID) and not store.is_known(FR_ID)

    assert store.save(EN_RESULT, run) is False
    # Even with different content under the same content id, nothing changes.
    changed = replace(EN_RESULT, events=(replace(THREAT, event_id="ev-other"),))
    run2 = store.begin_run(Settings(), ["news"])
    assert store.save(changed, run2) is False
    store.close()

    again = open_db()
    assert again.save(EN_RESULT, run2) is False
    assert again.snapshot() == before
    assert {t: _count(again, t) for t in counts} == counts


def test_skip_is_recorded_once(store: Store) -> None:
    run = store.begin_run(Settings(), ["news"])
    assert store.save(SKIP_RESULT, run) is True
    assert store.save(SKIP_RESULT, run) is False
    assert store.save(SKIP_RESULT, store.begin_run(Settings(), ["news"])) is False
    assert _count(store, "skips") == 1
    assert _count(store, "documents") == 0
    assert store.snapshot()["skips"] == [("news/menu.html", "e" * 64, "clean", "empty")]

    # A different reason for the same document is another skip.
    assert SKIP_RESULT.skipped is not None
    other = replace(SKIP_RESULT, skipped=replace(SKIP_RESULT.skipped, reason="too large"))
    assert store.save(other, run) is True
    assert _count(store, "skips") == 2


def test_skip_with_article_stores_document_and_skip(store: Store) -> None:
    run = store.begin_run(Settings(), ["news"])
    skipped = DocumentResult(
        doc="news/venn.txt",
        content_id=EN_ID,
        article=EN_RESULT.article,
        skipped=Skipped("language", "unsupported language: xx", "news/venn.txt", EN_ID),
    )
    assert store.save(skipped, run) is True
    assert store.save(skipped, run) is False
    assert store.is_known(EN_ID)
    assert (_count(store, "documents"), _count(store, "skips")) == (1, 1)


def test_save_rejects_inconsistent_results(store: Store) -> None:
    run = store.begin_run(Settings(), [])
    with pytest.raises(ValueError, match="article or a skip"):
        store.save(DocumentResult(doc="x", content_id="x", article=None), run)
    with pytest.raises(ValueError, match="content_id"):
        store.save(replace(EN_RESULT, events=(TEST,)), run)
    assert _count(store, "documents") == 0


def test_aborted_save_leaves_nothing(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    run = store.begin_run(Settings(), ["news"])

    def boom(self: Store, *args: object) -> None:
        raise RuntimeError("killed while writing events")

    monkeypatch.setattr(Store, "_insert_events", boom)
    with pytest.raises(RuntimeError, match="killed"):
        store.save(EN_RESULT, run)
    # The document and sentence inserts that had run were rolled back with the rest.
    assert not store.is_known(EN_ID)
    assert all(rows == [] for rows in store.snapshot().values())
    assert store.search_sentences("Vardstorm") == []

    monkeypatch.undo()
    assert store.save(EN_RESULT, run) is True
    assert _count(store, "events") == 3


def test_resumed_run_equals_uninterrupted_run(open_db: Opener, tmp_path: object) -> None:
    results = (EN_RESULT, SKIP_RESULT, FR_RESULT)

    one_go = open_store(os.path.join(str(tmp_path), "one-go.db"))
    run = one_go.begin_run(Settings(), ["news"])
    for r in results:
        one_go.save(r, run)
    one_go.finish_run(run, "done", {"documents": 3})

    resumed = open_db()
    first = resumed.begin_run(Settings(), ["news"])
    resumed.save(results[0], first)
    resumed.finish_run(first, "failed", {"documents": 1})  # interrupted
    resumed.close()
    resumed = open_db()
    second = resumed.begin_run(Settings(), ["news"])
    known = resumed.known_content_ids()
    for r in results:
        if r.content_id not in known:
            resumed.save(r, second)
    resumed.finish_run(second, "done", {"documents": 2})

    assert resumed.snapshot() == one_go.snapshot()
    assert resumed.summary().n_runs == 2
    one_go.close()


def test_runs_are_recorded(store: Store) -> None:
    run = store.begin_run(Settings(published=date(2031, 1, 1)), ["a.txt", "b/"])
    with store.engine.connect() as conn:
        row = conn.execute(sa.text("SELECT status, inputs, settings FROM runs")).one()
    assert row.status == "running"
    assert row.inputs == '["a.txt", "b/"]'
    assert '"published": "2031-01-01"' in row.settings
    store.finish_run(run, "done", {"events": 4, "documents": 2})
    with store.engine.connect() as conn:
        row = conn.execute(sa.text("SELECT status, counts, finished_at FROM runs")).one()
    assert (row.status, row.counts) == ("done", '{"documents": 2, "events": 4}')
    assert row.finished_at is not None
    with pytest.raises(ValueError, match="status"):
        store.finish_run(run, "finished", {})
    with pytest.raises(ValueError, match="no run"):
        store.finish_run(run + 100, "done", {})


# --------------------------------------------------------------------------------------------
# Queries
# --------------------------------------------------------------------------------------------


def test_round_trip_events_are_equal(filled: Store) -> None:
    found = filled.query_events(EventFilter())
    assert sorted(found, key=lambda e: e.event_id) == sorted(ALL_EVENTS, key=lambda e: e.event_id)
    by_id = {e.event_id: e for e in found}
    assert by_id["ev-threat"] == THREAT
    assert by_id["ev-threat"].to_json() == THREAT.to_json()
    assert by_id["ev-exercise"].date is None and by_id["ev-exercise"].actor is None


def test_query_order_is_date_then_doc_then_span(filled: Store) -> None:
    # 2030 < 2031-03-03 < 2031-03 (month only sorts after its days) < undated.
    assert _ids(filled.query_events(EventFilter())) == [
        "ev-test",
        "ev-threat",
        "ev-reaction",
        "ev-exercise",
    ]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (EventFilter(type="threat"), ["ev-threat"]),
        (EventFilter(type="use"), []),
        (EventFilter(actor="venn"), ["ev-test", "ev-threat"]),
        (EventFilter(actor="FOREIGN"), ["ev-reaction"]),
        (EventFilter(actor="%"), []),
        (EventFilter(country="XS"), ["ev-reaction"]),
        (EventFilter(country="xn"), ["ev-test", "ev-threat"]),
        (EventFilter(language="fr"), ["ev-test"]),
        (EventFilter(min_confidence=0.6), ["ev-test", "ev-threat", "ev-reaction"]),
        (EventFilter(since=date(2031, 1, 1)), ["ev-threat", "ev-reaction"]),
        (EventFilter(since=date(2031, 3, 4)), ["ev-reaction"]),
        (EventFilter(since=date(2031, 4, 1)), []),
        (EventFilter(until=date(2031, 3, 2)), ["ev-test", "ev-reaction"]),
        (EventFilter(until=date(2030, 12, 31)), ["ev-test"]),
        (EventFilter(since=date(2030, 6, 1), until=date(2030, 6, 30)), ["ev-test"]),
        (EventFilter(text="reckless"), ["ev-reaction"]),
        (EventFilter(text="Vardstorm"), ["ev-test", "ev-threat"]),
        (EventFilter(text="vardstorm alert"), ["ev-threat"]),
        (EventFilter(text="drill*"), ["ev-exercise"]),
        (EventFilter(text="submarine"), []),
        (EventFilter(text='"Kessa" OR (alert'), []),  # user input is never query syntax
        (EventFilter(actor="venn", type="test"), ["ev-test"]),
        (EventFilter(limit=2), ["ev-test", "ev-threat"]),
    ],
    ids=lambda v: repr(v) if isinstance(v, EventFilter) else "",
)
def test_query_filters(filled: Store, filters: EventFilter, expected: list[str]) -> None:
    assert _ids(filled.query_events(filters)) == expected


def test_text_search_ignores_accents_on_sqlite(filled: Store) -> None:
    if filled.dialect != "sqlite":
        pytest.skip("FTS5 unicode61 remove_diacritics is SQLite only")
    assert _ids(filled.query_events(EventFilter(text="defense"))) == ["ev-test"]


def test_event_filter_validates() -> None:
    with pytest.raises(ValueError, match="event type"):
        EventFilter(type="bluster")
    with pytest.raises(ValueError, match="after"):
        EventFilter(since=date(2031, 2, 1), until=date(2031, 1, 1))
    with pytest.raises(ValueError, match="limit"):
        EventFilter(limit=0)
    with pytest.raises(ValueError, match="searchable"):
        EventFilter(text=" ?! ")


def test_search_sentences(filled: Store) -> None:
    hits = filled.search_sentences("Vardstorm")
    assert sorted(hits) == [
        ("news/venn-fr.html", FR_TEXT[: FR_TEXT.index(" Le gouvernement")]),
        ("news/venn.txt", EN_TEXT[: EN_TEXT.index(" Sudmark")]),
    ]
    assert filled.search_sentences("sudmark", limit=1)[0][1].count("Sudmark") == 1
    assert len(filled.search_sentences("sudmark")) == 2
    assert filled.search_sentences("") == []
    assert filled.search_sentences("AND OR NOT") == []


def test_summary(filled: Store) -> None:
    summary = filled.summary()
    assert summary.n_documents == 2
    assert summary.n_events == 4
    assert summary.n_runs == 1
    assert summary.events_by_type == {"exercise": 1, "reaction": 1, "test": 1, "threat": 1}
    assert summary.skips_by_reason == [("clean", "empty", 1)]
    assert summary.top_actors == [
        ("Aldric Venn", "XN", 2),
        ("Sudmark foreign office", "XS", 1),
    ]


def test_empty_summary(store: Store) -> None:
    summary = store.summary()
    assert (summary.n_documents, summary.n_events, summary.n_runs) == (0, 0, 0)
    assert summary.events_by_type == {} and summary.top_actors == []


# --------------------------------------------------------------------------------------------
# Opening errors
# --------------------------------------------------------------------------------------------


def test_directory_is_not_a_database(tmp_path: os.PathLike[str]) -> None:
    with pytest.raises(StoreError, match="is a directory"):
        open_store(os.fspath(tmp_path))


def test_non_database_file_is_refused_and_left_alone(tmp_path: os.PathLike[str]) -> None:
    path = os.path.join(tmp_path, "notes.db")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("Minister Venn's shopping list: bread, milk, missiles.\n" * 20)
    with open(path, "rb") as fh:
        before = fh.read()
    with pytest.raises(StoreError, match="not an SQLite database"):
        open_store(path)
    with open(path, "rb") as fh:
        assert fh.read() == before


def test_missing_directory_and_bad_urls(tmp_path: os.PathLike[str]) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        open_store(os.path.join(tmp_path, "nowhere", "tocsin.db"))
    with pytest.raises(StoreError, match="unsupported database"):
        open_store("mysql://user@localhost/tocsin")
    with pytest.raises(StoreError, match="does not exist"):
        open_store(f"sqlite:///{os.path.join(tmp_path, 'nowhere', 'tocsin.db')}")


def test_foreign_database_is_refused(tmp_path: os.PathLike[str]) -> None:
    path = os.path.join(tmp_path, "other.db")
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE events (x INTEGER)")
    with pytest.raises(StoreError, match="did not create"):
        open_store(path)


def test_url_and_memory_targets(tmp_path: os.PathLike[str]) -> None:
    path = os.path.join(tmp_path, "url.db")
    with open_store(f"sqlite:///{path}") as store:
        assert store.dialect == "sqlite"
        assert store.save(EN_RESULT, store.begin_run(Settings(), [])) is True
    with open_store(path) as store:
        assert store.is_known(EN_ID)
    with open_store(":memory:") as store:
        assert store.save(FR_RESULT, store.begin_run(Settings(), [])) is True
        assert _ids(store.query_events(EventFilter(text="essai"))) == ["ev-test"]


# --------------------------------------------------------------------------------------------
# Derived tables (stories, flags, duplicate links) on both backends
# --------------------------------------------------------------------------------------------


def test_derived_stories_and_copies_round_trip(filled: Store) -> None:
    from tocsin.derive import refresh
    from tocsin.knowledge import load_knowledge

    copy_id = "d" * 64
    copy_text = EN_TEXT + " Share this story with your friends."
    copy_threat = replace(THREAT, event_id="ev-threat-copy", doc="mirror/venn.txt",
                          content_id=copy_id)
    copy = DocumentResult(
        doc="mirror/venn.txt", content_id=copy_id,
        article=_article("mirror/venn.txt", copy_id, copy_text, "en",
                         published=date(2031, 3, 5)),
        sentences=sentences_of(copy_text), events=(copy_threat,))
    run = filled.begin_run(Settings(), ["mirror"])
    assert filled.save(copy, run)
    filled.finish_run(run, "done", {"documents": 1})
    kb = load_knowledge()
    refresh(filled, kb)
    first = filled.stored_stories()
    refresh(filled, kb)   # recomputing replaces, never piles up
    assert filled.stored_stories() == first
    assert filled.stored_duplicates() and filled.stored_duplicates()[0][:2] == (copy_id, EN_ID)
    threat = next(s for s in first if s["type"] == "threat")
    assert threat["n_mentions"] == 2 and threat["n_sources"] == 1   # a copy is no new source
    assert threat["first_day"] == date(2031, 3, 3)
    assert _count(filled, "story_mentions") == 5
