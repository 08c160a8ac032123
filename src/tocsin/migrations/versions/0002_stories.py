"""Stories, their mentions (with novelty), and near-duplicate links between documents.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25

Derived tables: ``tocsin run`` recomputes them from all stored events and documents after each
ingest, in one transaction, so an incremental run gives what one run over everything gives.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stories",
        sa.Column("story_id", sa.Text(), primary_key=True),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=True),
        sa.Column("n_mentions", sa.Integer(), nullable=False),
        sa.Column("n_sources", sa.Integer(), nullable=False),
        sa.Column("languages", sa.Text(), nullable=False),
        sa.Column("flags", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
    )
    op.create_table(
        "story_mentions",
        sa.Column("event_id", sa.Text(), sa.ForeignKey("events.event_id"), primary_key=True),
        sa.Column("story_id", sa.Text(), sa.ForeignKey("stories.story_id"), nullable=False),
        sa.Column("novelty", sa.Text(), nullable=False),
    )
    op.create_index("ix_story_mentions_story_id", "story_mentions", ["story_id"])
    op.create_table(
        "duplicates",
        sa.Column("content_id", sa.Text(), sa.ForeignKey("documents.content_id"),
                  primary_key=True),
        sa.Column("original_content_id", sa.Text(), sa.ForeignKey("documents.content_id"),
                  nullable=False),
        sa.Column("similarity", sa.Float(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("duplicates")
    op.drop_index("ix_story_mentions_story_id", table_name="story_mentions")
    op.drop_table("story_mentions")
    op.drop_table("stories")
