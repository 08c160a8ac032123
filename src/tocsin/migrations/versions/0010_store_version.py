"""A counter of the store's write transactions.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06

``store_version`` holds one row whose ``version`` every write transaction of
:class:`tocsin.store.Store` increments before it commits. A server caches the answers of its
read routes under the version they were computed at (``tocsin.api``); reading the one row
tells it, whichever process wrote, whether they still hold.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "store_version",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
    )
    op.bulk_insert(table, [{"id": 1, "version": 0}])


def downgrade() -> None:
    op.drop_table("store_version")
