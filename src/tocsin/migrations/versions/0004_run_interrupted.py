"""Runs: the process that runs them (host, pid), and the status 'interrupted'.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06

A run whose process was killed (SIGKILL, power loss) stays 'running'; the next run on the same
host finds its process gone and marks it 'interrupted'. Only the CHECK constraint on
``status`` changes. SQLite cannot alter a constraint, and rebuilding ``runs`` (which every
stored row references) fails under ``foreign_keys = ON``; a more permissive CHECK changes
nothing on disk, so its text is edited in the schema, as SQLite's documentation describes
for such changes (ALTER TABLE, "Making Other Kinds Of Table Schema Changes").
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = "status IN ('running', 'done', 'failed')"
NEW = "status IN ('running', 'done', 'failed', 'interrupted')"


def _set_check(old: str, new: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
        bind.exec_driver_sql("PRAGMA writable_schema = ON")
        bind.execute(sa.text("UPDATE sqlite_master SET sql = replace(sql, :old, :new) "
                             "WHERE type = 'table' AND name = 'runs'"),
                     {"old": old, "new": new})
        # a new schema version makes every connection re-read the schema
        bind.exec_driver_sql(f"PRAGMA schema_version = {int(version or 0) + 1}")
        bind.exec_driver_sql("PRAGMA writable_schema = OFF")
    else:
        op.drop_constraint("ck_runs_status", "runs", type_="check")
        op.create_check_constraint("ck_runs_status", "runs", new)


def upgrade() -> None:
    op.add_column("runs", sa.Column("host", sa.Text(), nullable=True))
    op.add_column("runs", sa.Column("pid", sa.Integer(), nullable=True))
    _set_check(OLD, NEW)


def downgrade() -> None:
    op.execute("UPDATE runs SET status = 'failed' WHERE status = 'interrupted'")
    _set_check(NEW, OLD)
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("pid")
        batch.drop_column("host")
