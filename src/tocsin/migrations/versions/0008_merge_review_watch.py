"""Merge point of the two lines of migrations written in parallel after 0004.

Revision ID: 0008
Revises: 0005, 0007w
Create Date: 2026-12-06

``0005`` (analyst review: ``event_reviews``, ``review_audit``) and ``0005w`` → ``0006w`` →
``0007w`` (search: ``sentences.folded``; ``watch_items``; ``alerts_sent``) were written on two
branches, both revising ``0004``; they touch different tables and apply in either order. This
revision changes no schema: it joins the two lines so that the history has one head again. A
database at any earlier head (``0004``, ``0005`` or ``0007w``) is upgraded by
:func:`tocsin.store.open_store` along whichever line it lacks, then stamped ``0008``. New
migrations revise ``0008``.
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0008"
down_revision: str | tuple[str, ...] | None = ("0005", "0007w")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
