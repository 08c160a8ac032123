"""Analyst review: the current review of each event, and an append-only audit of every change.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06

``event_reviews`` holds one row per reviewed event (its status, the corrected fields and the
machine values they replaced); it is keyed by ``event_id`` without a foreign key, so a review
outlives the re-processing of its article and is applied again to the new rows.
``review_audit`` is append-only: triggers refuse UPDATE and DELETE on both backends.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "event_reviews",
        sa.Column("event_id", sa.Text(), primary_key=True),
        sa.Column("content_id", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("machine", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("reviewer", sa.Text(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('accepted', 'rejected', 'corrected')",
                           name="ck_event_reviews_status"),
    )
    op.create_index("ix_event_reviews_content_id", "event_reviews", ["content_id"])
    op.create_index("ix_event_reviews_status", "event_reviews", ["status"])
    op.create_table(
        "review_audit",
        sa.Column("id", _BIG_ID, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.Text(), nullable=False),
        sa.Column("reviewer", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.Column("after", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
    )
    op.create_index("ix_review_audit_event_id", "review_audit", ["event_id"])
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for what in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER review_audit_no_{what.lower()} BEFORE {what} ON review_audit "
                "BEGIN SELECT RAISE(ABORT, 'review_audit is append-only'); END"
            )
    else:
        op.execute(
            "CREATE FUNCTION review_audit_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'review_audit is append-only'; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER review_audit_append_only BEFORE UPDATE OR DELETE ON review_audit "
            "FOR EACH ROW EXECUTE FUNCTION review_audit_append_only()"
        )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS review_audit_no_update")
        op.execute("DROP TRIGGER IF EXISTS review_audit_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS review_audit_append_only ON review_audit")
        op.execute("DROP FUNCTION IF EXISTS review_audit_append_only()")
    op.drop_table("review_audit")
    op.drop_table("event_reviews")
