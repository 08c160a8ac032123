"""Stories: the day a story was first seen (earliest publication among its articles).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25

``first_day`` is when the happening took place (its earliest dated mention); ``first_seen`` is
when the corpus first reported it. A derived column: the next ``tocsin run`` fills it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("stories") as batch:
        batch.add_column(sa.Column("first_seen", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("stories") as batch:
        batch.drop_column("first_seen")
