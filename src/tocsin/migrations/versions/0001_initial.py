"""Initial schema: runs, documents, sentences, events, skips, full-text search.

Revision ID: 0001
Revises:
Create Date: 2025-11-25

Full-text search is dialect-specific and created only under a dialect check:
SQLite gets an external-content FTS5 table ``sentences_fts`` kept in sync by triggers;
PostgreSQL gets a GIN index on ``to_tsvector('simple', text)``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Integer on SQLite so that the column is an alias of the rowid (FTS5 content_rowid).
_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

_SQLITE_FTS = (
    # unicode61 with diacritics removed: "defense" finds "défense".
    "CREATE VIRTUAL TABLE sentences_fts USING fts5("
    "text, content='sentences', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER sentences_fts_ai AFTER INSERT ON sentences BEGIN "
    "INSERT INTO sentences_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER sentences_fts_ad AFTER DELETE ON sentences BEGIN "
    "INSERT INTO sentences_fts(sentences_fts, rowid, text) "
    "VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER sentences_fts_au AFTER UPDATE ON sentences BEGIN "
    "INSERT INTO sentences_fts(sentences_fts, rowid, text) "
    "VALUES ('delete', old.id, old.text); "
    "INSERT INTO sentences_fts(rowid, text) VALUES (new.id, new.text); END",
)


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("settings", sa.Text(), nullable=False),
        sa.Column("inputs", sa.Text(), nullable=False),
        sa.Column("counts", sa.Text(), nullable=True),
        sa.CheckConstraint("status IN ('running', 'done', 'failed')", name="ck_runs_status"),
    )
    op.create_table(
        "documents",
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
    op.create_table(
        "sentences",
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
    )
    op.create_table(
        "events",
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
    )
    op.create_index("ix_events_type", "events", ["type"])
    op.create_index("ix_events_actor_name", "events", ["actor_name"])
    op.create_index("ix_events_date", "events", ["date_year", "date_month"])
    op.create_index("ix_events_content_id", "events", ["content_id"])
    op.create_table(
        "skips",
        sa.Column("id", _BIG_ID, primary_key=True, autoincrement=True),
        sa.Column("doc", sa.Text(), nullable=False),
        sa.Column("content_id", sa.Text(), nullable=True),
        sa.Column("stage", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("runs.id"), nullable=False),
        sa.UniqueConstraint("doc", "stage", "reason", name="uq_skips_doc_stage_reason"),
    )

    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in _SQLITE_FTS:
            op.execute(statement)
    elif dialect == "postgresql":
        op.create_index(
            "ix_sentences_text_tsv",
            "sentences",
            [sa.text("to_tsvector('simple', text)")],
            postgresql_using="gin",
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("sentences_fts_ai", "sentences_fts_ad", "sentences_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS sentences_fts")
    elif dialect == "postgresql":
        op.drop_index("ix_sentences_text_tsv", table_name="sentences")
    op.drop_table("skips")
    for index in (
        "ix_events_content_id",
        "ix_events_date",
        "ix_events_actor_name",
        "ix_events_type",
    ):
        op.drop_index(index, table_name="events")
    op.drop_table("events")
    op.drop_table("sentences")
    op.drop_table("documents")
    op.drop_table("runs")
