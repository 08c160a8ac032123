"""Event queries: a stored sort key for the date, and indexes matching the API's filters.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07

Pages of events (``tocsin.browse.page_events``) were a scan of every matching event and a sort
on a date key computed in the query: seconds at 100,000 events. ``events.date_key`` is that key
as a column (``year * 10000 + month * 100 + day``, unknown parts 0, an unknown year 9999),
computed by the database from the three date columns (a generated column), so it is right for
existing rows as soon as it is added and follows every later write, an analyst's corrected date
included. PostgreSQL stores it; SQLite cannot add a stored generated column to an existing
table, so there it is virtual and the indexes hold its values.

Indexes follow the pages the API serves: by date (``date_key``, ``event_id``: the cursor's
order), by type, by actor country (lower-cased, as the filter compares it) and by language,
each then by date; and by confidence. ``ix_events_type`` is dropped: the type-and-date index
starts with the same column.

Search results are ordered by score, then document ``doc``, then position; a frequent word's
matches mostly tie on score, and looking up each one's document cost more than scoring it.
``sentences.doc`` holds the document's ``doc`` (written with the sentence from now on, filled
here for existing rows). SQLite's trigger that re-indexes a sentence for full-text search on
every UPDATE is narrowed to updates of its text, so that this fill (and any later change of
another column) leaves the FTS index alone.

PostgreSQL only: ``sentences.folded_tsv``, the ``to_tsvector('simple', folded)`` that the GIN
index of 0005w was built on, as a stored generated column with its own GIN index (replacing
the one on the expression). Ranking a search (``ts_rank``) then reads each match's vector
instead of parsing its sentence again: five times less work for a word found in a third of
the sentences.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# as tocsin.store.DATE_KEY_SQL (a migration keeps its own copy: it must not change later)
_DATE_KEY = ("coalesce(date_year, 9999) * 10000 + coalesce(date_month, 0) * 100 "
             "+ coalesce(date_day, 0)")


def upgrade() -> None:
    stored = op.get_bind().dialect.name == "postgresql"   # SQLite: only virtual can be added
    op.add_column("events", sa.Column("date_key", sa.Integer(),
                                      sa.Computed(_DATE_KEY, persisted=stored), nullable=True))
    op.create_index("ix_events_date_key", "events", ["date_key", "event_id"])
    op.create_index("ix_events_type_date_key", "events", ["type", "date_key", "event_id"])
    op.create_index("ix_events_country_date_key", "events",
                    [sa.text("lower(actor_country)"), "date_key", "event_id"])
    op.create_index("ix_events_language_date_key", "events", ["language", "date_key", "event_id"])
    op.create_index("ix_events_confidence", "events", ["confidence", "event_id"])
    op.drop_index("ix_events_type", table_name="events")
    _sentence_docs(stored)
    if stored:
        op.add_column("sentences", sa.Column(
            "folded_tsv", postgresql.TSVECTOR(),
            sa.Computed("to_tsvector('simple'::regconfig, folded)", persisted=True)))
        op.create_index("ix_sentences_tsv", "sentences", ["folded_tsv"], postgresql_using="gin")
        op.drop_index("ix_sentences_folded_tsv", table_name="sentences")


def _sentence_docs(postgres: bool) -> None:
    if not postgres:
        op.execute("DROP TRIGGER sentences_fts_au")
        op.execute(_SQLITE_FTS_UPDATE.format(columns=" OF text"))
    op.add_column("sentences", sa.Column("doc", sa.Text(), nullable=True))
    op.execute("UPDATE sentences SET doc = (SELECT documents.doc FROM documents "
               "WHERE documents.content_id = sentences.content_id)")


# as 0001 wrote it, and from here on only for updates of the text
_SQLITE_FTS_UPDATE = (
    "CREATE TRIGGER sentences_fts_au AFTER UPDATE{columns} ON sentences BEGIN "
    "INSERT INTO sentences_fts(sentences_fts, rowid, text) "
    "VALUES ('delete', old.id, old.text); "
    "INSERT INTO sentences_fts(rowid, text) VALUES (new.id, new.text); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.create_index("ix_sentences_folded_tsv", "sentences",
                        [sa.text("to_tsvector('simple', folded)")], postgresql_using="gin")
        op.drop_index("ix_sentences_tsv", table_name="sentences")
        op.drop_column("sentences", "folded_tsv")
    else:
        op.execute("DROP TRIGGER sentences_fts_au")
        op.execute(_SQLITE_FTS_UPDATE.format(columns=""))
    with op.batch_alter_table("sentences") as batch:
        batch.drop_column("doc")
    op.create_index("ix_events_type", "events", ["type"])
    for name in ("ix_events_confidence", "ix_events_language_date_key",
                 "ix_events_country_date_key", "ix_events_type_date_key", "ix_events_date_key"):
        op.drop_index(name, table_name="events")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("date_key")
