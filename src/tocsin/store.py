"""The storage layer: one database of documents, sentences, events, skips and runs.

SQLAlchemy 2 Core only (no ORM), so the same code runs on SQLite (the default, a file) and
PostgreSQL.  Anything dialect-specific sits in a branch on ``dialect.name``:

* idempotent inserts use ``INSERT ... ON CONFLICT DO NOTHING`` through the dialect's own
  ``insert`` construct;
* full-text search is FTS5 on SQLite and ``to_tsvector('simple', ...)`` on PostgreSQL.

The schema is owned by the Alembic migrations shipped in ``tocsin/migrations``;
:func:`open_store` migrates to head every time it opens a database.  The library never prints
and keeps no global state: the engine lives in the :class:`Store`.
"""

from __future__ import annotations

import json
import os
import re
import socket
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.pool import StaticPool

from tocsin.errors import StoreError
from tocsin.model import (
    EVENT_TYPES,
    Attribution,
    DocumentResult,
    Entity,
    Event,
    EventDate,
    Skipped,
)
from tocsin.settings import Settings
from tocsin.textutil import fold

__all__ = [
    "METADATA",
    "RUN_STATUSES",
    "SUPPORTED_DIALECTS",
    "EventFilter",
    "REVIEW_STATES",
    "Store",
    "StoreSummary",
    "open_store",
]

RUN_STATUSES: tuple[str, ...] = ("running", "done", "failed", "interrupted")
SUPPORTED_DIALECTS: tuple[str, ...] = ("sqlite", "postgresql")
SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_MMAP_BYTES = 1 << 30
_MIGRATIONS = Path(__file__).resolve().parent / "migrations"

# --------------------------------------------------------------------------------------------
# Schema (mirrors migrations/versions/*; tests check that the two agree)
# --------------------------------------------------------------------------------------------

METADATA = sa.MetaData()

# events.date_key (migration 0009): year * 10000 + month * 100 + day, unknown parts 0, an
# unknown year 9999. Months are 1-12 and days 1-31 (as tocsin.dates and the review write
# them), so the key orders dates as the calendar does and partial dates before full ones.
DATE_KEY_SQL = ("coalesce(date_year, 9999) * 10000 + coalesce(date_month, 0) * 100 "
                "+ coalesce(date_day, 0)")
UNDATED_KEY = 9999 * 10000   # date_key >= this: the year is unknown
KeyRange = tuple[int | None, int | None]   # an inclusive range of date_key (None: open)
_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

runs = sa.Table(
    "runs",
    METADATA,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("status", sa.Text(), nullable=False),
    sa.Column("settings", sa.Text(), nullable=False),
    sa.Column("inputs", sa.Text(), nullable=False),
    sa.Column("counts", sa.Text(), nullable=True),
    sa.Column("host", sa.Text(), nullable=True),    # where the run's process ran (0004)
    sa.Column("pid", sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('running', 'done', 'failed', 'interrupted')",
                       name="ck_runs_status"),
)

documents = sa.Table(
    "documents",
    METADATA,
    sa.Column("content_id", sa.Text(), primary_key=True),
    sa.Column("doc", sa.Text(), nullable=False),
    sa.Column("kind", sa.Text(), nullable=False),
    sa.Column("url", sa.Text(), nullable=True),
    sa.Column("title", sa.Text(), nullable=True),
    sa.Column("source", sa.Text(), nullable=True),
    sa.Column("published", sa.Date(), nullable=True),
    sa.Column("language", sa.Text(), nullable=True),
    sa.Column("text", sa.Text(), nullable=False),
    sa.Column("n_chars", sa.Integer(), nullable=False),
    sa.Column("run_id", sa.Integer(), sa.ForeignKey("runs.id"), nullable=False),
    sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
)

sentences = sa.Table(
    "sentences",
    METADATA,
    sa.Column("id", _BIG_ID, primary_key=True, autoincrement=True),
    sa.Column(
        "content_id",
        sa.Text(),
        sa.ForeignKey("documents.content_id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("start", sa.Integer(), nullable=False),
    sa.Column("end", sa.Integer(), nullable=False),
    sa.Column("paragraph", sa.Integer(), nullable=False),
    sa.Column("text", sa.Text(), nullable=False),
    sa.UniqueConstraint("content_id", "start", name="uq_sentences_content_start"),
    # folded text (PostgreSQL only; 0005w): what its accent-insensitive full-text index reads
    sa.Column("folded", sa.Text(), nullable=True),
    # the document's ``doc`` (0009), written with the sentence: search results are ordered by
    # score then doc, and a frequent word's matches mostly tie on score; with the doc here
    # they are ordered without looking up each one's document
    sa.Column("doc", sa.Text(), nullable=True),
)

events = sa.Table(
    "events",
    METADATA,
    sa.Column("event_id", sa.Text(), primary_key=True),
    sa.Column(
        "content_id",
        sa.Text(),
        sa.ForeignKey("documents.content_id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("doc", sa.Text(), nullable=False),
    sa.Column("type", sa.Text(), nullable=False),
    sa.Column("span_start", sa.Integer(), nullable=False),
    sa.Column("span_end", sa.Integer(), nullable=False),
    sa.Column("sentence", sa.Text(), nullable=False),
    sa.Column("actor_name", sa.Text(), nullable=True),
    sa.Column("actor_country", sa.Text(), nullable=True),
    sa.Column("actor_id", sa.Text(), nullable=True),
    sa.Column("target_name", sa.Text(), nullable=True),
    sa.Column("target_country", sa.Text(), nullable=True),
    sa.Column("target_id", sa.Text(), nullable=True),
    sa.Column("weapon", sa.Text(), nullable=True),
    sa.Column("weapon_country", sa.Text(), nullable=True),
    sa.Column("weapon_id", sa.Text(), nullable=True),
    sa.Column("location_name", sa.Text(), nullable=True),
    sa.Column("location_country", sa.Text(), nullable=True),
    sa.Column("location_id", sa.Text(), nullable=True),
    sa.Column("date_year", sa.Integer(), nullable=True),
    sa.Column("date_month", sa.Integer(), nullable=True),
    sa.Column("date_day", sa.Integer(), nullable=True),
    sa.Column("modality", sa.Text(), nullable=False),
    sa.Column("attribution_name", sa.Text(), nullable=True),
    sa.Column("attribution_kind", sa.Text(), nullable=True),
    sa.Column("attribution_cue", sa.Text(), nullable=True),
    sa.Column("quote", sa.Text(), nullable=True),
    sa.Column("confidence", sa.Float(), nullable=False),
    sa.Column("language", sa.Text(), nullable=False),
    sa.Column("cameo", sa.Text(), nullable=True),
    sa.Column("plover", sa.Text(), nullable=True),
    sa.Column("trigger", sa.Text(), nullable=False),
    sa.Column("run_id", sa.Integer(), sa.ForeignKey("runs.id"), nullable=False),
    # The date as one sortable number (migration 0009), computed by the database from the
    # three date columns, so it can never disagree with them: an analyst's corrected date
    # moves it in the same UPDATE. Unknown parts count as 0; an unknown year as 9999, so
    # undated events come last in date order. Stored on PostgreSQL; virtual on SQLite (which
    # cannot add a stored column), where the indexes below hold its values.
    sa.Column("date_key", sa.Integer(), sa.Computed(DATE_KEY_SQL), nullable=True),
    sa.Index("ix_events_actor_name", "actor_name"),
    sa.Index("ix_events_date", "date_year", "date_month"),
    sa.Index("ix_events_content_id", "content_id"),
    # One index per sort and equality filter of the API (0009): a page is a short range scan
    # in the page's own order, stopped by LIMIT, instead of a sort of every match.
    sa.Index("ix_events_date_key", "date_key", "event_id"),
    sa.Index("ix_events_type_date_key", "type", "date_key", "event_id"),
    sa.Index("ix_events_language_date_key", "language", "date_key", "event_id"),
    sa.Index("ix_events_confidence", "confidence", "event_id"),
)
# the country filter compares lower-cased codes (EventFilter.country): the same expression
sa.Index("ix_events_country_date_key", sa.func.lower(events.c.actor_country), events.c.date_key,
         events.c.event_id)

skips = sa.Table(
    "skips",
    METADATA,
    sa.Column("id", _BIG_ID, primary_key=True, autoincrement=True),
    sa.Column("doc", sa.Text(), nullable=False),
    sa.Column("content_id", sa.Text(), nullable=True),
    sa.Column("stage", sa.Text(), nullable=False),
    sa.Column("reason", sa.Text(), nullable=False),
    sa.Column("run_id", sa.Integer(), sa.ForeignKey("runs.id"), nullable=False),
    sa.UniqueConstraint("doc", "stage", "reason", name="uq_skips_doc_stage_reason"),
)

# Derived by tocsin.stories / tocsin.dedup after each run (migration 0002).
stories_table = sa.Table(
    "stories",
    METADATA,
    sa.Column("story_id", sa.Text(), primary_key=True),
    sa.Column("type", sa.Text(), nullable=False),
    sa.Column("first_day", sa.Date(), nullable=True),
    sa.Column("n_mentions", sa.Integer(), nullable=False),
    sa.Column("n_sources", sa.Integer(), nullable=False),
    sa.Column("languages", sa.Text(), nullable=False),
    sa.Column("flags", sa.Text(), nullable=False),
    sa.Column("title", sa.Text(), nullable=False),
    sa.Column("first_seen", sa.Date(), nullable=True),
)
story_mentions = sa.Table(
    "story_mentions",
    METADATA,
    sa.Column("event_id", sa.Text(), sa.ForeignKey("events.event_id"), primary_key=True),
    sa.Column("story_id", sa.Text(), sa.ForeignKey("stories.story_id"), nullable=False),
    sa.Column("novelty", sa.Text(), nullable=False),
    sa.Index("ix_story_mentions_story_id", "story_id"),
)
duplicates_table = sa.Table(
    "duplicates",
    METADATA,
    sa.Column("content_id", sa.Text(), sa.ForeignKey("documents.content_id"), primary_key=True),
    sa.Column("original_content_id", sa.Text(), sa.ForeignKey("documents.content_id"),
              nullable=False),
    sa.Column("similarity", sa.Float(), nullable=False),
)

# Analyst review (migration 0005; logic in tocsin.review). Keyed by event_id without a foreign
# key: a review outlives the re-processing of its article and is applied again.
event_reviews = sa.Table(
    "event_reviews",
    METADATA,
    sa.Column("event_id", sa.Text(), primary_key=True),
    sa.Column("content_id", sa.Text(), nullable=False),
    sa.Column("status", sa.Text(), nullable=False),
    sa.Column("changes", sa.Text(), nullable=False),     # JSON: the corrected fields
    sa.Column("machine", sa.Text(), nullable=False),     # JSON: the machine values they replaced
    sa.Column("note", sa.Text(), nullable=True),
    sa.Column("reviewer", sa.Text(), nullable=False),
    sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('accepted', 'rejected', 'corrected')",
                       name="ck_event_reviews_status"),
    sa.Index("ix_event_reviews_content_id", "content_id"),
    sa.Index("ix_event_reviews_status", "status"),
)
review_audit = sa.Table(   # append-only (triggers refuse UPDATE and DELETE)
    "review_audit",
    METADATA,
    sa.Column("id", _BIG_ID, primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.Text(), nullable=False),
    sa.Column("reviewer", sa.Text(), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("action", sa.Text(), nullable=False),
    sa.Column("before", sa.Text(), nullable=False),
    sa.Column("after", sa.Text(), nullable=False),
    sa.Column("note", sa.Text(), nullable=True),
    sa.Index("ix_review_audit_event_id", "event_id"),
)
REVIEW_STATES: tuple[str, ...] = ("unreviewed", "accepted", "corrected", "rejected", "reviewed",
                                  "any")

# What `tocsin watch` has seen (migration 0006w): one row per feed item or folder file, so a
# restart neither fetches nor processes it again. status: done | skipped | error (retried).
watch_items = sa.Table(
    "watch_items",
    METADATA,
    sa.Column("source", sa.Text(), primary_key=True),     # feed URL or folder path
    sa.Column("item", sa.Text(), primary_key=True),       # entry id/link, or file:size:mtime
    sa.Column("status", sa.Text(), nullable=False),
    sa.Column("content_id", sa.Text(), nullable=True),
    sa.Column("reason", sa.Text(), nullable=True),
    sa.Column("attempts", sa.Integer(), nullable=False),
    sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
)

# Alerts delivered (migration 0007w): one row per alert and channel, claimed before the
# delivery (status pending) and marked after it (sent | failed), so each is sent once.
alerts_sent = sa.Table(
    "alerts_sent",
    METADATA,
    sa.Column("alert_id", sa.Text(), primary_key=True),   # hash of rule and key
    sa.Column("channel", sa.Text(), primary_key=True),    # webhook | log
    sa.Column("rule", sa.Text(), nullable=False),
    sa.Column("key", sa.Text(), nullable=False),          # event id, or period
    sa.Column("status", sa.Text(), nullable=False),
    sa.Column("attempts", sa.Integer(), nullable=False),
    sa.Column("error", sa.Text(), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

# One row counting the store's write transactions (migration 0010), so that a server's cached
# answers are known stale as soon as any process has written.
store_version = sa.Table(
    "store_version",
    METADATA,
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column("version", sa.BigInteger(), nullable=False),
)

# Sentence search ranks the most recently stored matches only, this many
SEARCH_POOL = 1000

# SQLite only: the FTS5 external-content table created by the migration (rowid = sentences.id).
_sentences_fts = sa.table("sentences_fts", sa.column("rowid"), sa.column("text"), sa.column("rank"))

# --------------------------------------------------------------------------------------------
# Value objects
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventFilter:
    """Which events :meth:`Store.query_events` returns; every field is optional (AND-ed).

    * ``actor``: case-insensitive substring of the actor's name;
    * ``country``: the actor's country (case-insensitive equality);
    * ``since`` / ``until``: inclusive; an event's date may be partial (year, or year and
      month) and matches when the period it names overlaps the range; events without a date
      are excluded as soon as either bound is set;
    * ``text``: words that must all occur in the evidence sentence (full-text search,
      case-insensitive; a trailing ``*`` makes a word a prefix, as in ``nucl*``);
    * ``text_groups``: a structured full-text query (built by :mod:`tocsin.search`): every
      group must match, a group matches when one of its phrases occurs (words adjacent);
    * ``actor_ids``, ``weapon_ids``: knowledge-base ids (any of them);
    * ``countries``: actor country codes (any of them);
    * ``location_ids``: place ids or country codes: the event's location is one of them or
      lies in one of them;
    * ``story_id``: the event is a mention of this story;
    * ``review``: one of :data:`REVIEW_STATES`; by default (None) every event an analyst has
      not rejected, ``any`` includes the rejected ones.
    """

    type: str | None = None
    actor: str | None = None
    country: str | None = None
    language: str | None = None
    since: date | None = None
    until: date | None = None
    text: str | None = None
    min_confidence: float | None = None
    limit: int | None = None
    text_groups: tuple[tuple[str, ...], ...] | None = None
    actor_ids: tuple[str, ...] | None = None
    countries: tuple[str, ...] | None = None
    weapon_ids: tuple[str, ...] | None = None
    location_ids: tuple[str, ...] | None = None
    story_id: str | None = None
    review: str | None = None

    def __post_init__(self) -> None:
        if self.review is not None and self.review not in REVIEW_STATES:
            raise ValueError(
                f"unknown review state {self.review!r}; expected one of {', '.join(REVIEW_STATES)}"
            )
        if self.type is not None and self.type not in EVENT_TYPES:
            raise ValueError(
                f"unknown event type {self.type!r}; expected one of {', '.join(EVENT_TYPES)}"
            )
        if self.since and self.until and self.since > self.until:
            raise ValueError(f"since ({self.since}) is after until ({self.until})")
        if self.limit is not None and self.limit < 1:
            raise ValueError(f"limit must be positive, got {self.limit}")
        if self.text is not None and not _search_terms(self.text):
            raise ValueError(f"text filter {self.text!r} contains no searchable word")


@dataclass(frozen=True)
class StoreSummary:
    n_documents: int
    n_events: int
    events_by_type: dict[str, int]
    skips_by_reason: list[tuple[str, str, int]]  # (stage, reason, count), most frequent first
    top_actors: list[tuple[str, str | None, int]]  # (name, country, count), 10 most frequent
    n_runs: int


# --------------------------------------------------------------------------------------------
# Opening
# --------------------------------------------------------------------------------------------


def open_store(target: str | os.PathLike[str], *, serial_plans: bool = False,
               pool_size: int | None = None) -> Store:
    """Open (creating if needed) the database at ``target`` and migrate it to the latest schema.

    ``target`` is a file path (an SQLite database) or a SQLAlchemy URL such as
    ``sqlite:///tocsin.db`` or ``postgresql+psycopg://user@host/db``.
    ``serial_plans`` (for a server of many small concurrent queries, ``tocsin serve``): on
    PostgreSQL, no parallel plans on this store's connections. ``pool_size``: connections
    kept open for reuse (a server's worker threads; SQLAlchemy's default keeps 5, and opens
    and closes any beyond that for each use).
    Raises :class:`~tocsin.errors.StoreError` when the database cannot be opened or migrated.
    """
    url = _to_url(target)
    is_url = isinstance(target, str) and "://" in target
    shown = url.render_as_string(hide_password=True) if is_url else os.fspath(target)
    if url.get_backend_name() not in SUPPORTED_DIALECTS:
        raise StoreError(
            f"unsupported database {shown!r}: use an SQLite file path or a "
            "postgresql+psycopg:// URL"
        )
    memory = False
    if url.get_backend_name() == "sqlite":
        memory = _check_sqlite_path(url, shown)
    try:
        engine = (
            sa.create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
            if memory
            else sa.create_engine(url, pool_pre_ping=url.get_backend_name() != "sqlite",
                                  **({"pool_size": pool_size, "max_overflow": pool_size}
                                     if pool_size else {}))
        )
    except ModuleNotFoundError as exc:
        raise StoreError(
            f"cannot open {shown!r}: the database driver {exc.name!r} is not installed "
            "(for PostgreSQL: pip install 'psycopg[binary]')"
        ) from exc
    except sa_exc.ArgumentError as exc:
        raise StoreError(f"cannot open {shown!r}: invalid database URL ({exc})") from exc
    if engine.dialect.name == "sqlite":
        _install_sqlite_hooks(engine)
    elif serial_plans:
        _install_serial_plans(engine)
    try:
        _migrate(engine)
    except StoreError:
        engine.dispose()
        raise
    except Exception as exc:
        engine.dispose()
        raise StoreError(_open_failure(shown, exc)) from exc
    return Store(engine)


def _to_url(target: str | os.PathLike[str]) -> URL:
    if isinstance(target, str) and "://" in target:
        try:
            return make_url(target)
        except sa_exc.ArgumentError as exc:
            raise StoreError(f"cannot parse database URL {target!r}: {exc}") from exc
    path = Path(os.fspath(target)).expanduser()
    if not str(path):
        raise StoreError("no database path given")
    return URL.create("sqlite", database=str(path))


def _check_sqlite_path(url: URL, shown: str) -> bool:
    """Return True for an in-memory database; raise StoreError for unusable paths."""
    database = url.database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return True
    path = Path(database).expanduser()
    if path.is_dir():
        raise StoreError(
            f"cannot open database {shown!r}: {path} is a directory; give a file path "
            f"such as {path / 'tocsin.db'}"
        )
    if not path.parent.is_dir():
        raise StoreError(
            f"cannot open database {shown!r}: directory {path.parent} does not exist; "
            "create it first"
        )
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise StoreError(
            f"cannot open database {shown!r}: {path} is not readable and writable by you"
        )
    return False


def _open_failure(shown: str, exc: Exception) -> str:
    detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    lowered = detail.lower()
    if "not a database" in lowered or "malformed" in lowered or "encrypted" in lowered:
        hint = "the file exists but is not an SQLite database; give a new or a Tocsin .db file"
    elif "locked" in lowered or "busy" in lowered:
        hint = "another process holds a lock on it; wait for it to finish or stop it"
    elif "can't locate revision" in lowered:
        hint = "it was written by a newer version of Tocsin; upgrade tocsin"
    elif "already exists" in lowered:
        hint = "it holds tables that Tocsin did not create; use a new database"
    elif "unable to open" in lowered or "readonly" in lowered or "read-only" in lowered:
        hint = "check that the path and its directory are writable"
    elif "connection" in lowered or "could not connect" in lowered or "password" in lowered:
        hint = "check that the server is running and the URL, user and password are right"
    else:
        hint = "check the path or URL"
    return f"cannot open database {shown!r}: {detail} ({hint})"


def _install_sqlite_hooks(engine: Engine) -> None:
    """Connection pragmas, and SQLAlchemy-emitted BEGIN so transactions (and DDL) are atomic."""

    @sa_event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute("PRAGMA foreign_keys = ON")
            # Reads map the file instead of copying each page into the connection's own
            # cache (a server's connections share the mapping): ~10% less CPU per query.
            cursor.execute(f"PRAGMA mmap_size = {SQLITE_MMAP_BYTES}")
        finally:
            cursor.close()

    @sa_event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Writers take the write lock up front (busy_timeout then applies); readers don't.
        immediate = conn.get_execution_options().get("tocsin_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _install_serial_plans(engine: Engine) -> None:
    """No parallel workers and no JIT for this engine's PostgreSQL sessions.

    A page of events is an index scan stopped by LIMIT, a search a scan of one word's
    matches. PostgreSQL's cost model, which expects many more rows than LIMIT lets through,
    sometimes plans them over parallel workers: starting those costs more than the scan
    (a page measured 25 ms with workers, 7 ms without), and under concurrent requests on
    a few cores the workers only compete with the other requests. No JIT compilation either:
    it pays off for long analytical queries, and these run for milliseconds (under the API
    load benchmark on PostgreSQL, one run each: 664 -> 725 requests/s with it off).

    Random page reads costed close to sequential ones (``random_page_cost`` 1.1 instead of 4):
    a served store's pages are in memory. With the default, a ``text=`` page of a word in
    2,000 sentences was planned as a scan of every event (55-80 ms) rather than a walk
    from the word's matches (17 ms)."""

    @sa_event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET max_parallel_workers_per_gather = 0")
            cursor.execute("SET jit = off")
            cursor.execute("SET random_page_cost = 1.1")
        dbapi_connection.commit()   # a SET in psycopg's implicit transaction must be kept


def _migrate(engine: Engine) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.set_main_option("path_separator", "os")
    with engine.connect() as conn:
        conn.execution_options(tocsin_write=True)
        with conn.begin():
            config.attributes["connection"] = conn
            # One head (0008 merges the lines written in parallel after 0004); "heads" so
            # that a database at any earlier head gets whichever line it lacks.
            command.upgrade(config, "heads")


# --------------------------------------------------------------------------------------------
# The store
# --------------------------------------------------------------------------------------------


class Store:
    """A migrated database. Use :func:`open_store` to get one; close it (or use ``with``)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        dialect = engine.dialect.name
        if dialect not in SUPPORTED_DIALECTS:
            raise StoreError(f"unsupported database dialect {dialect!r}")
        self._dialect = dialect
        # Store.version's own connection (see there)
        self._version_lock = threading.Lock()
        self._version_conn: Any = None

    # -- lifecycle --------------------------------------------------------------------------

    @property
    def engine(self) -> Engine:
        return self._engine

    @property
    def dialect(self) -> str:
        return self._dialect

    def close(self) -> None:
        with self._version_lock:
            self._drop_version_connection()
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self._engine.url.render_as_string(hide_password=True)!r})"

    def version(self) -> int:
        """How many write transactions that change what is read (documents, sentences,
        events, reviews, stories) the store has committed, any process's: answers computed
        at one version hold until it changes. Bookkeeping (runs, a watcher's items, alerts
        sent) does not count: a watcher's empty polls would otherwise empty every server's
        cache twice a minute.

        A server reads it before every answer, so it has a connection of its own, outside
        the pool, each statement seeing the latest commit: through the pool (checkout,
        liveness ping, transaction) it cost 0.8 ms on PostgreSQL, as much as a kept answer
        saves. A broken connection (the database restarted) is replaced once."""
        if isinstance(self._engine.pool, StaticPool):   # an in-memory database: one connection
            with self.reading() as conn:
                return int(conn.scalar(sa.select(store_version.c.version)) or 0)
        with self._version_lock:
            try:
                return self._read_version()
            except self._engine.dialect.loaded_dbapi.Error:
                self._drop_version_connection()   # broken: one new connection, once
            try:
                return self._read_version()
            except self._engine.dialect.loaded_dbapi.Error as exc:
                self._drop_version_connection()
                raise StoreError(f"cannot read {self!r}: {exc}".splitlines()[0]) from exc

    def _read_version(self) -> int:
        if self._version_conn is None:
            self._version_conn = self._own_connection()
        cursor = self._version_conn.cursor()
        try:
            cursor.execute("SELECT version FROM store_version")
            row = cursor.fetchone()
        finally:
            cursor.close()
        return int(row[0]) if row else 0

    def _own_connection(self) -> Any:
        """A driver connection to the store outside the pool, each statement committed."""
        dialect = self._engine.dialect
        cargs, cparams = dialect.create_connect_args(self._engine.url)
        if self._dialect == "sqlite":
            cparams = {**cparams, "check_same_thread": False}   # used under a lock
        conn = dialect.connect(*cargs, **cparams)
        if self._dialect == "postgresql":
            conn.autocommit = True
        return conn

    def _drop_version_connection(self) -> None:
        if self._version_conn is not None:
            # closing a broken connection may fail too: it is gone anyway
            with suppress(Exception):
                self._version_conn.close()
            self._version_conn = None

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection for a few read-only statements, each seeing the latest commit (no
        snapshot across them). On PostgreSQL it runs without a transaction: the BEGIN and
        ROLLBACK round trips around two short queries cost a fifth of a page of events."""
        with self._engine.connect() as conn:
            if self._dialect == "postgresql":
                conn.execution_options(isolation_level="AUTOCOMMIT")
            yield conn

    @contextmanager
    def _write(self, *, bookkeeping: bool = False) -> Iterator[Connection]:
        """One write transaction; an OperationalError (lock, disk, read-only) -> StoreError.
        It changes the store's version unless it is ``bookkeeping``: tables no read route
        serves (runs, a watcher's items, alerts sent)."""
        try:
            with self._engine.connect() as conn:
                conn.execution_options(tocsin_write=True)
                with conn.begin():
                    yield conn
                    # last, so that on PostgreSQL concurrent writers wait on this row only
                    # for the commit
                    if not bookkeeping:
                        conn.execute(sa.update(store_version)
                                     .values(version=store_version.c.version + 1))
        except sa_exc.OperationalError as exc:
            detail = str(exc.orig or exc).strip().splitlines()[0]
            raise StoreError(
                f"cannot write to {self!r}: {detail} (is another process writing to it, "
                "or is the disk full or read-only?)"
            ) from exc

    @contextmanager
    def transaction(self, *, bookkeeping: bool = False) -> Iterator[Connection]:
        """One write transaction for the modules that keep their own tables here (watch,
        alerts); errors as for every write of the store. ``bookkeeping``: it writes only
        tables that no read route serves, so the answers servers keep stay valid."""
        with self._write(bookkeeping=bookkeeping) as conn:
            yield conn

    # -- runs -------------------------------------------------------------------------------

    def begin_run(self, settings: Settings, inputs: Sequence[str]) -> int:
        """Record the start of a run; return its id (to pass to :meth:`save`). Runs of this
        host still marked 'running' whose process is gone are marked 'interrupted' first."""
        self.mark_interrupted_runs()
        with self._write(bookkeeping=True) as conn:
            result = conn.execute(
                runs.insert().values(
                    started_at=_now(),
                    status="running",
                    settings=_dumps(asdict(settings)),
                    inputs=_dumps([os.fspath(i) for i in inputs]),
                    host=socket.gethostname(),
                    pid=os.getpid(),
                )
            )
            key = result.inserted_primary_key
            assert key is not None
            return int(key[0])

    def mark_interrupted_runs(self) -> list[int]:
        """Mark 'interrupted' the runs of this host left 'running' by a process that no
        longer exists (killed); return their ids. Runs of other hosts are left alone: whether
        they still run cannot be told from here."""
        host = socket.gethostname()
        with self._write(bookkeeping=True) as conn:
            rows = conn.execute(sa.select(runs.c.id, runs.c.pid).where(
                runs.c.status == "running", runs.c.host == host)).all()
            dead = [run_id for run_id, pid in rows if not _process_alive(pid)]
            if dead:
                conn.execute(runs.update().where(runs.c.id.in_(dead))
                             .values(status="interrupted"))
            return dead

    def finish_run(self, run_id: int, status: str, counts: Mapping[str, int]) -> None:
        if status not in RUN_STATUSES:
            raise ValueError(f"unknown run status {status!r}; expected one of {RUN_STATUSES}")
        with self._write(bookkeeping=True) as conn:
            result = conn.execute(
                runs.update()
                .where(runs.c.id == run_id)
                .values(
                    status=status,
                    finished_at=None if status == "running" else _now(),
                    counts=_dumps(dict(counts)),
                )
            )
            if result.rowcount == 0:
                raise ValueError(f"no run with id {run_id}")

    # -- documents --------------------------------------------------------------------------

    def known_content_ids(self) -> set[str]:
        """Content ids of the documents already stored (a re-run skips them)."""
        with self._engine.connect() as conn:
            return set(conn.scalars(sa.select(documents.c.content_id)))

    def is_known(self, content_id: str) -> bool:
        with self._engine.connect() as conn:
            found = conn.scalar(
                sa.select(documents.c.content_id).where(documents.c.content_id == content_id)
            )
            return found is not None

    def save(self, result: DocumentResult, run_id: int) -> bool:
        """Write one document's result in one transaction; return False if nothing was new.

        With an article: the document row, its sentences and its events.  With
        ``result.skipped``: a skip row (recorded once per (doc, stage, reason)); the article
        may then be None.  Each of ``result.notes`` (warnings) is a skip row too.  Saving a
        content id that is already stored changes nothing.
        """
        _check_result(result)
        article = result.article
        with self._write() as conn:
            new = False
            if article is not None:
                inserted = conn.execute(
                    self._insert(documents)
                    .on_conflict_do_nothing()
                    .returning(documents.c.content_id),
                    {
                        "content_id": result.content_id,
                        "doc": result.doc,
                        "kind": article.kind,
                        "url": article.url,
                        "title": article.title,
                        "source": article.source,
                        "published": article.published,
                        "language": article.language,
                        "text": article.text,
                        "n_chars": len(article.text),
                        "run_id": run_id,
                        "ingested_at": _now(),
                    },
                )
                if inserted.first() is None:
                    return False  # already stored: its sentences, events and skip are too
                new = True
                self._insert_sentences(conn, result)
                self._insert_events(conn, result, run_id)
            if result.skipped is not None:
                new = self._insert_skip(conn, result.skipped, run_id) or new
            for note in result.notes:   # warnings are kept beside the skips
                kept = Skipped(note.stage, note.reason, result.doc, result.content_id)
                new = self._insert_skip(conn, kept, run_id) or new
            return new

    def _insert(self, table: sa.Table) -> Any:
        if self._dialect == "postgresql":
            return pg_dialect.insert(table)
        return sqlite_dialect.insert(table)

    def _insert_sentences(self, conn: Connection, result: DocumentResult) -> None:
        if not result.sentences:
            return
        assert result.article is not None
        text = result.article.text
        conn.execute(
            self._insert(sentences).on_conflict_do_nothing(),
            [
                {
                    "content_id": result.content_id,
                    "start": s.start,
                    "end": s.end,
                    "paragraph": s.paragraph,
                    "text": text[s.start : s.end],
                    "folded": fold(text[s.start : s.end]) if self._dialect == "postgresql"
                    else None,
                    "doc": result.doc,
                }
                for s in result.sentences
            ],
        )

    def _insert_events(self, conn: Connection, result: DocumentResult, run_id: int) -> None:
        if not result.events:
            return
        conn.execute(
            self._insert(events).on_conflict_do_nothing(),
            [{**_event_row(e), "run_id": run_id} for e in result.events],
        )
        from .review import reapply_reviews  # reviews outlive re-processing

        reapply_reviews(conn, result.content_id)

    def _insert_skip(self, conn: Connection, skipped: Skipped, run_id: int) -> bool:
        # RETURNING tells whether a row was written (rowcount is -1 with psycopg here).
        inserted = conn.execute(
            self._insert(skips).on_conflict_do_nothing().returning(skips.c.id),
            {
                "doc": skipped.doc,
                "content_id": skipped.content_id,
                "stage": skipped.stage,
                "reason": skipped.reason,
                "run_id": run_id,
            },
        )
        return inserted.first() is not None

    # -- queries ----------------------------------------------------------------------------

    def query_events(self, filters: EventFilter | None = None) -> list[Event]:
        """Events matching ``filters``, ordered by date (undated last), doc, span start."""
        f = filters or EventFilter()
        e = events.c
        where = self.event_conditions(f)
        stmt = (
            sa.select(events)
            .where(*where)
            .order_by(
                e.date_year.asc().nulls_last(),
                e.date_month.asc().nulls_last(),
                e.date_day.asc().nulls_last(),
                e.doc,
                e.span_start,
                e.event_id,
            )
        )
        if f.limit is not None:
            stmt = stmt.limit(f.limit)
        with self._engine.connect() as conn:
            return [_row_to_event(row._mapping) for row in conn.execute(stmt)]

    def iter_event_batches(self, filters: EventFilter | None = None, batch_size: int = 1000
                           ) -> Iterator[list[tuple[Event, dict[str, Any]]]]:
        """Events matching ``filters`` in batches of at most ``batch_size``, ordered by event
        id (keyset pagination: each batch is one short query, so memory stays bounded
        whatever the size of the store). Each event comes with its document's ``url``,
        ``title``, ``source`` and ``published``. ``filters.limit`` caps the total."""
        if batch_size < 1:
            raise ValueError(f"batch size must be positive, got {batch_size}")
        f = filters or EventFilter()
        where = self.event_conditions(f)
        d = documents.c
        last: str | None = None
        left = f.limit
        while left is None or left > 0:
            n = batch_size if left is None else min(batch_size, left)
            stmt = (sa.select(events, d.url.label("doc_url"), d.title.label("doc_title"),
                              d.source.label("doc_source"), d.published.label("doc_published"))
                    .join(documents, d.content_id == events.c.content_id)
                    .where(*where, *([events.c.event_id > last] if last is not None else []))
                    .order_by(events.c.event_id).limit(n))
            with self._engine.connect() as conn:
                rows = conn.execute(stmt).all()
            if not rows:
                return
            yield [(_row_to_event(r._mapping),
                    {"url": r.doc_url, "title": r.doc_title, "source": r.doc_source,
                     "published": r.doc_published}) for r in rows]
            last = rows[-1].event_id
            if left is not None:
                left -= len(rows)
            if len(rows) < n:
                return

    def _sentence_matches_groups(self, groups: tuple[tuple[str, ...], ...]
                                 ) -> sa.ColumnElement[bool]:
        s = sentences.c
        overlaps = [s.content_id == events.c.content_id, s.start < events.c.span_end,
                    s.end > events.c.span_start]
        if self._dialect == "sqlite":
            matched_ids = sa.select(_sentences_fts.c.rowid).where(
                _sentences_fts.c.text.match(_fts5_groups(groups)))
            return sa.exists().where(*overlaps, s.id.in_(matched_ids))
        tsquery = sa.func.to_tsquery(sa.literal_column("'simple'"), _pg_groups(groups))
        return sa.exists().where(*overlaps, _pg_tsvector().op("@@")(tsquery))

    def event_conditions(self, f: EventFilter, date_keys: KeyRange = (None, None)
                         ) -> list[sa.ColumnElement[bool]]:
        """The WHERE conditions (on ``events``) of a filter, for this backend: the one filter
        of every event query (lists, exports, alerts, the API), so rejected events stay out
        unless asked for and reviewed values are the ones matched.

        ``date_keys``: an inclusive range of ``date_key`` the caller also wants (a page's);
        it is merged with the date filter's into one lower and one upper bound. SQLite plans
        with the bounds' values unknown: given two upper bounds on the index's column it may
        seek to the looser one and walk, in a newest-first page, every event above the other."""
        e = events.c
        where: list[sa.ColumnElement[bool]] = []
        where.append(_review_condition(f.review))
        if f.type is not None:
            where.append(e.type == f.type)
        if f.actor:
            where.append(e.actor_name.icontains(f.actor, autoescape=True))
        if f.country:
            where.append(sa.func.lower(e.actor_country) == f.country.lower())
        if f.language:
            where.append(e.language == f.language)
        if f.min_confidence is not None:
            where.append(e.confidence >= f.min_confidence)
        low, high = _date_key_bounds(f.since, f.until, date_keys)
        if low is not None:
            where.append(e.date_key >= low)
        if high is not None:
            where.append(e.date_key <= high)
        if f.since is not None:
            where.extend(_since_gaps(f.since))
        if f.text is not None:
            where.append(self._sentence_matches(f.text))
        # the filters of tocsin.search: canonical ids, structured text, story
        if f.actor_ids is not None:
            where.append(e.actor_id.in_(f.actor_ids))
        if f.countries is not None:
            where.append(e.actor_country.in_(f.countries))
        if f.weapon_ids is not None:
            where.append(e.weapon_id.in_(f.weapon_ids))
        if f.location_ids is not None:
            where.append(sa.or_(e.location_id.in_(f.location_ids),
                                e.location_country.in_(f.location_ids)))
        if f.story_id is not None:
            where.append(e.event_id.in_(sa.select(story_mentions.c.event_id)
                                        .where(story_mentions.c.story_id == f.story_id)))
        if f.text_groups:
            where.append(self._sentence_matches_groups(f.text_groups))
        return where

    def _sentence_matches(self, query: str) -> sa.ColumnElement[bool]:
        """EXISTS a stored sentence overlapping the event's span that matches ``query``."""
        s = sentences.c
        overlaps = [
            s.content_id == events.c.content_id,
            s.start < events.c.span_end,
            s.end > events.c.span_start,
        ]
        if self._dialect == "sqlite":
            matched_ids = sa.select(_sentences_fts.c.rowid).where(
                _sentences_fts.c.text.match(_fts5_query(query))
            )
            return sa.exists().where(*overlaps, s.id.in_(matched_ids))
        return sa.exists().where(*overlaps, _pg_tsvector().op("@@")(_pg_tsquery(query)))

    def search_sentences(self, query: str, limit: int = 20) -> list[tuple[str, str]]:
        """(doc, sentence) pairs whose sentence contains all words of ``query``: among the
        :data:`SEARCH_POOL` most recently stored matches, best first (ties by doc, then
        position)."""
        if not _search_terms(query) or limit < 1:
            return []
        # A word found in a third of the sentences has tens of thousands of matches, and
        # scoring them all cost 40 ms; a monitor's reader wants the recent ones. Ties on the
        # score are broken by sentences.doc, the document's doc, so no match is looked up in
        # documents.
        s = sentences.c
        if self._dialect == "postgresql":
            tsquery = _pg_tsquery(query)
            pool = (sa.select(s.id, s.doc, s.start, s.text, _pg_tsvector().label("tsv"))
                    .where(_pg_tsvector().op("@@")(tsquery))
                    .order_by(s.id.desc()).limit(SEARCH_POOL).subquery())
            stmt = (sa.select(pool.c.doc, pool.c.text)
                    .order_by(sa.func.ts_rank(pool.c.tsv, tsquery).desc(), pool.c.doc,
                              pool.c.start)
                    .limit(limit))
        else:
            # FTS5 scores from its own index; a match's sentence row is read only when it
            # scores at least as well as the limit-th best (the scores computed once)
            fts = _sentences_fts
            m = (sa.select(fts.c.rowid.label("id"), fts.c.rank.label("score"))
                 .where(fts.c.text.match(_fts5_query(query)))
                 .order_by(fts.c.rowid.desc()).limit(SEARCH_POOL)
                 .cte("scored").prefix_with("MATERIALIZED"))
            cut = (sa.select(m.c.score).order_by(m.c.score).limit(1).offset(limit - 1)
                   .scalar_subquery())
            stmt = (sa.select(s.doc, s.text).select_from(m.join(sentences, s.id == m.c.id))
                    .where(sa.or_(cut.is_(None), m.c.score <= cut))
                    .order_by(m.c.score, s.doc, s.start).limit(limit))
        with self.reading() as conn:
            return [(row[0], row[1]) for row in conn.execute(stmt)]

    def document_bodies(self) -> list[tuple[str, str, str, date | None]]:
        """(content_id, doc, body text, published) of every stored document; the body is its
        sentences in order (boilerplate was never stored as sentences)."""
        with self._engine.connect() as conn:
            docs = conn.execute(sa.select(documents.c.content_id, documents.c.doc,
                                          documents.c.published)
                                .order_by(documents.c.content_id)).all()
            sents = conn.execute(sa.select(sentences.c.content_id, sentences.c.text)
                                 .order_by(sentences.c.content_id, sentences.c.start)).all()
        bodies: dict[str, list[str]] = {}
        for cid, text in sents:
            bodies.setdefault(cid, []).append(text)
        return [(d.content_id, d.doc, "\n".join(bodies.get(d.content_id, [])), d.published)
                for d in docs]

    def replace_derived(self, story_rows: Sequence[Mapping[str, Any]],
                        mention_rows: Sequence[Mapping[str, Any]],
                        duplicate_rows: Sequence[Mapping[str, Any]]) -> None:
        """Replace stories, story mentions and duplicate links in one transaction."""
        with self._write() as conn:
            conn.execute(sa.delete(story_mentions))
            conn.execute(sa.delete(stories_table))
            conn.execute(sa.delete(duplicates_table))
            if story_rows:
                conn.execute(sa.insert(stories_table), list(story_rows))
            if mention_rows:
                conn.execute(sa.insert(story_mentions), list(mention_rows))
            if duplicate_rows:
                conn.execute(sa.insert(duplicates_table), list(duplicate_rows))

    def stored_stories(self) -> list[dict[str, Any]]:
        with self._engine.connect() as conn:
            rows = conn.execute(sa.select(stories_table)
                                .order_by(stories_table.c.n_mentions.desc(),
                                          stories_table.c.story_id)).mappings().all()
        return [dict(r) for r in rows]

    def story_mentions_of(self, story_id: str) -> list[tuple[Event, str]]:
        """The mentions of one story with their novelty (``new``/``repeat``), in the order
        of their documents' publication, then document and offset."""
        stmt = (sa.select(events, story_mentions.c.novelty)
                .join(story_mentions, story_mentions.c.event_id == events.c.event_id)
                .join(documents, documents.c.content_id == events.c.content_id)
                .where(story_mentions.c.story_id == story_id)
                .order_by(documents.c.published.asc().nulls_last(), events.c.doc,
                          events.c.span_start))
        with self._engine.connect() as conn:
            return [(_row_to_event(r._mapping), r.novelty) for r in conn.execute(stmt)]

    def stored_duplicates(self) -> list[tuple[str, str, float]]:
        with self._engine.connect() as conn:
            rows = conn.execute(sa.select(duplicates_table)).all()
        return [(r.content_id, r.original_content_id, r.similarity) for r in rows]

    def dated_sentences(self) -> list[tuple[str, str, date | None]]:
        """(sentence text, document language, publication date) of every stored sentence."""
        with self._engine.connect() as conn:
            rows = conn.execute(
                sa.select(sentences.c.text, documents.c.language, documents.c.published)
                .join(documents, documents.c.content_id == sentences.c.content_id)
                .order_by(sentences.c.content_id, sentences.c.start)).all()
        return [(r.text, r.language, r.published) for r in rows]

    def published_dates(self) -> dict[str, date | None]:
        """Publication date of every stored document, by its ``doc`` (path as given)."""
        with self._engine.connect() as conn:
            rows = conn.execute(sa.select(documents.c.doc, documents.c.published)).all()
        return {r.doc: r.published for r in rows}

    def summary(self) -> StoreSummary:
        with self._engine.connect() as conn:
            n_documents = conn.scalar(sa.select(sa.func.count()).select_from(documents)) or 0
            n_events = conn.scalar(sa.select(sa.func.count()).select_from(events)) or 0
            n_runs = conn.scalar(sa.select(sa.func.count()).select_from(runs)) or 0
            n = sa.func.count().label("n")
            by_type = conn.execute(
                sa.select(events.c.type, n)
                .group_by(events.c.type)
                .order_by(n.desc(), events.c.type)
            )
            by_reason = conn.execute(
                sa.select(skips.c.stage, skips.c.reason, n)
                .group_by(skips.c.stage, skips.c.reason)
                .order_by(n.desc(), skips.c.stage, skips.c.reason)
            )
            actors = conn.execute(
                sa.select(events.c.actor_name, events.c.actor_country, n)
                .where(events.c.actor_name.is_not(None))
                .group_by(events.c.actor_name, events.c.actor_country)
                .order_by(n.desc(), events.c.actor_name, events.c.actor_country)
                .limit(10)
            )
            return StoreSummary(
                n_documents=n_documents,
                n_events=n_events,
                events_by_type={t: c for t, c in by_type},
                skips_by_reason=[(st, r, c) for st, r, c in by_reason],
                top_actors=[(a, co, c) for a, co, c in actors],
                n_runs=n_runs,
            )

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """The stored content, without run ids, surrogate ids or timestamps, as sorted tuples.

        Two databases with equal snapshots hold the same documents, sentences, events and
        skips whatever the runs that wrote them (e.g. interrupted-and-resumed vs one go).
        """
        plain = {
            "documents": [c for c in documents.c if c.name not in ("run_id", "ingested_at")],
            "sentences": [c for c in sentences.c if c.name not in ("id", "folded")],
            "events": [c for c in events.c if c.name != "run_id"],
            "skips": [c for c in skips.c if c.name not in ("id", "run_id")],
            "stories": list(stories_table.c),
            "story_mentions": list(story_mentions.c),
            "duplicates": list(duplicates_table.c),
        }
        with self._engine.connect() as conn:
            return {
                name: sorted(
                    (tuple(row) for row in conn.execute(sa.select(*columns))), key=_sort_key
                )
                for name, columns in plain.items()
            }


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _process_alive(pid: int | None) -> bool:
    """Whether a process with this id runs (our own id means the old run's process died:
    ids are reused)."""
    if pid is None or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True   # it exists, under another user
    return True


def _now() -> datetime:
    return datetime.now(UTC)


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=_json_default)


def _json_default(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(value)
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    raise TypeError(f"cannot store {type(value).__name__} as JSON")


def _sort_key(row: tuple[Any, ...]) -> tuple[tuple[bool, Any], ...]:
    # None sorts last and never gets compared with a value.
    return tuple((v is None, 0 if v is None else v) for v in row)


def _check_result(result: DocumentResult) -> None:
    if result.article is None and result.skipped is None:
        raise ValueError(f"{result.doc}: a DocumentResult needs an article or a skip")
    if result.article is None and (result.sentences or result.events):
        raise ValueError(f"{result.doc}: sentences or events without an article")
    if result.article is not None and result.article.content_id != result.content_id:
        raise ValueError(f"{result.doc}: the article's content_id differs from the result's")
    for ev in result.events:
        if ev.content_id != result.content_id:
            raise ValueError(f"event {ev.event_id}: content_id differs from its document's")


def _event_row(e: Event) -> dict[str, Any]:
    actor, target, weapon, location = e.actor, e.target, e.weapon, e.location
    when, attribution = e.date, e.attribution
    return {
        "event_id": e.event_id,
        "content_id": e.content_id,
        "doc": e.doc,
        "type": e.type,
        "span_start": e.span[0],
        "span_end": e.span[1],
        "sentence": e.sentence,
        "actor_name": actor.name if actor else None,
        "actor_country": actor.country if actor else None,
        "actor_id": actor.id if actor else None,
        "target_name": target.name if target else None,
        "target_country": target.country if target else None,
        "target_id": target.id if target else None,
        "weapon": weapon.name if weapon else None,
        "weapon_country": weapon.country if weapon else None,
        "weapon_id": weapon.id if weapon else None,
        "location_name": location.name if location else None,
        "location_country": location.country if location else None,
        "location_id": location.id if location else None,
        "date_year": when.year if when else None,
        "date_month": when.month if when else None,
        "date_day": when.day if when else None,
        "modality": e.modality,
        "attribution_name": attribution.name if attribution else None,
        "attribution_kind": attribution.kind if attribution else None,
        "attribution_cue": attribution.cue if attribution else None,
        "quote": e.quote,
        "confidence": e.confidence,
        "language": e.language,
        "cameo": e.cameo,
        "plover": e.plover,
        "trigger": e.trigger,
    }


def _entity(name: str | None, country: str | None, id_: str | None) -> Entity | None:
    return None if name is None else Entity(name=name, country=country, id=id_)


def _row_to_event(r: sa.RowMapping) -> Event:
    year, month, day = r["date_year"], r["date_month"], r["date_day"]
    return Event(
        event_id=r["event_id"],
        doc=r["doc"],
        content_id=r["content_id"],
        type=r["type"],
        span=(r["span_start"], r["span_end"]),
        sentence=r["sentence"],
        actor=_entity(r["actor_name"], r["actor_country"], r["actor_id"]),
        target=_entity(r["target_name"], r["target_country"], r["target_id"]),
        weapon=_entity(r["weapon"], r["weapon_country"], r["weapon_id"]),
        location=_entity(r["location_name"], r["location_country"], r["location_id"]),
        date=(
            None
            if year is None and month is None and day is None
            else EventDate(year=year, month=month, day=day)
        ),
        modality=r["modality"],
        attribution=(
            None
            if r["attribution_kind"] is None
            else Attribution(
                name=r["attribution_name"], kind=r["attribution_kind"], cue=r["attribution_cue"]
            )
        ),
        quote=r["quote"],
        confidence=r["confidence"],
        language=r["language"],
        trigger=r["trigger"],
    )


def _key(day: date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def _date_key_bounds(since: date | None, until: date | None, within: KeyRange
                     ) -> KeyRange:
    """The inclusive range of ``date_key`` of the events whose (possibly partial) date names
    a period that reaches ``since`` and starts by ``until``, within ``within``.

    A partial date's key is its period's start with 00 for what is unknown (YYYY0000,
    YYYYMM00, YYYY00DD), so by ``until``: a key up to until's own. From ``since``: a key
    from since's year on, less the gaps of :func:`_since_gaps`. Either bound excludes the
    undated (key UNDATED_KEY and up)."""
    low, high = within
    if since is not None:
        low = max(low or 0, since.year * 10000)
    if until is not None or since is not None:
        last = min(_key(until), UNDATED_KEY - 1) if until is not None else UNDATED_KEY - 1
        high = last if high is None else min(high, last)
    return low, high


def _since_gaps(since: date) -> list[sa.ColumnElement[bool]]:
    """The keys of since's year that name periods over before since: a known month before
    since's, [Y0100, YM00), or since's month with a known day before since's, [YM01, YMD)."""
    key, y, m = events.c.date_key, since.year * 10000, since.year * 10000 + since.month * 100
    return [sa.or_(key < y + 100, key >= m), sa.or_(key < m + 1, key >= _key(since))]


def _review_condition(state: str | None) -> sa.ColumnElement[bool]:
    """Events in a review state (None: all but the rejected ones).

    Written as (NOT) IN over the few reviewed events rather than a per-row lookup: both
    backends evaluate the subquery once (a hashed set), so the condition costs nothing per
    event scanned and leaves the planner free to walk an index in the page's order."""
    r = event_reviews.c
    e = events.c
    if state == "any":
        return sa.true()
    if state is None:
        return e.event_id.not_in(sa.select(r.event_id).where(r.status == "rejected"))
    if state == "unreviewed":
        return e.event_id.not_in(sa.select(r.event_id))
    if state == "reviewed":
        return e.event_id.in_(sa.select(r.event_id))
    return e.event_id.in_(sa.select(r.event_id).where(r.status == state))


_TERM = re.compile(r"([^\W_]+)(\*?)")


def _search_terms(query: str) -> list[tuple[str, bool]]:
    """Words of a search query (letters and digits), each with a 'prefix' flag (``word*``)."""
    return [(m.group(1).lower(), bool(m.group(2))) for m in _TERM.finditer(query)]


def _fts5_query(query: str) -> str:
    # Every word quoted, so user input can never be FTS5 syntax; juxtaposition means AND.
    return " ".join(f'"{w}"' + ("*" if prefix else "") for w, prefix in _search_terms(query))


def _pg_tsvector() -> sa.ColumnElement[Any]:
    # to_tsvector('simple', folded): the folded text, so that the search ignores accents as
    # SQLite's FTS5 does, stored by PostgreSQL in a generated column with its GIN index
    # (migration 0009; not in METADATA, which both backends share).
    return sa.literal_column("sentences.folded_tsv")


def _pg_word(word: str, prefix: bool) -> str:
    # fold() keeps letters letters; the _TERM pass keeps the tsquery free of its syntax
    folded = "".join(m.group(1) for m in _TERM.finditer(fold(word)))
    return folded + (":*" if prefix else "")


def _pg_tsquery(query: str) -> sa.ColumnElement[Any]:
    # Terms are letters/digits only (see _TERM), so this string is a safe tsquery.
    terms = " & ".join(_pg_word(w, prefix) for w, prefix in _search_terms(query))
    return sa.func.to_tsquery(sa.literal_column("'simple'"), terms)


def _fts5_groups(groups: tuple[tuple[str, ...], ...]) -> str:
    """AND of groups, OR within a group, each alternative a phrase; every word quoted."""
    parts = []
    for group in groups:
        phrases = []
        for phrase in group:
            terms = _search_terms(phrase)
            if not terms:
                continue
            body = " ".join(f'"{w}"' for w, _ in terms[:-1])
            w, prefix = terms[-1]
            last = f'"{w}"' + ("*" if prefix else "")
            phrases.append(f"{body} + {last}" if body else last)
        if phrases:
            parts.append("(" + " OR ".join(phrases) + ")")
    return " AND ".join(parts) or '""'


def _pg_groups(groups: tuple[tuple[str, ...], ...]) -> str:
    parts = []
    for group in groups:
        phrases = []
        for phrase in group:
            terms = [_pg_word(w, p) for w, p in _search_terms(phrase)]
            terms = [t for t in terms if t.strip(":*")]
            if terms:
                phrases.append("(" + " <-> ".join(terms) + ")")
        if phrases:
            parts.append("(" + " | ".join(phrases) + ")")
    return " & ".join(parts) or "''"
