"""Sentence embeddings of report events (float16 vectors from dateline.embed), used by merging.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("report_events", sa.Column("embedding", sa.LargeBinary, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("report_events") as batch:
        batch.drop_column("embedding")
