"""Search: an accent- and case-folded copy of each sentence for PostgreSQL's full-text index.

Revision ID: 0005w
Revises: 0004
Create Date: 2026-12-06

SQLite's FTS5 table already ignores case and diacritics (``unicode61 remove_diacritics 2``).
PostgreSQL's ``to_tsvector('simple', ...)`` ignores case but not accents, and ``unaccent`` is
an extension a team's database user may not be allowed to create. So the store writes
``sentences.folded`` (Tocsin's own :func:`tocsin.textutil.fold`: lower case, no diacritics,
one character per character) on PostgreSQL and indexes it with GIN; queries are folded the
same way. The column stays empty on SQLite. Existing PostgreSQL rows are filled here.

The revision id carries a suffix so that migrations written in parallel on other branches
(``0005`` …) can sit beside it; revision ``0008`` merges the two lines into one head.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005w"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 2000


def upgrade() -> None:
    op.add_column("sentences", sa.Column("folded", sa.Text(), nullable=True))
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    from tocsin.textutil import fold

    last = 0
    while True:
        rows = bind.execute(sa.text("SELECT id, text FROM sentences WHERE id > :last "
                                    "ORDER BY id LIMIT :n"), {"last": last, "n": _BATCH}).all()
        if not rows:
            break
        bind.execute(sa.text("UPDATE sentences SET folded = :f WHERE id = :id"),
                     [{"f": fold(text), "id": id_} for id_, text in rows])
        last = rows[-1][0]
    op.create_index(
        "ix_sentences_folded_tsv",
        "sentences",
        [sa.text("to_tsvector('simple', folded)")],
        postgresql_using="gin",
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_sentences_folded_tsv", table_name="sentences")
    with op.batch_alter_table("sentences") as batch:
        batch.drop_column("folded")
