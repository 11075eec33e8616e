"""Initial event store: reports, report events, merged events, their sources, quotes and entities.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def _counts(prefix: str) -> list[sa.Column]:
    return [sa.Column(f"{prefix}_{k}", sa.Integer) for k in ("low", "best", "high")]


def upgrade() -> None:
    op.create_table(
        "reports",
        sa.Column("id", sa.String(512), primary_key=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("published", sa.String(10), index=True),
        sa.Column("outlet", sa.Text, index=True),
        sa.Column("url", sa.Text),
        sa.Column("title", sa.Text),
        sa.Column("language", sa.String(16)),
        sa.Column("source_path", sa.Text),
        sa.Column("dateline_version", sa.String(64), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("extraction", JSON, nullable=False),
        sa.Column("ingested_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "report_events",
        sa.Column("key", sa.String(640), primary_key=True),
        sa.Column(
            "report_id", sa.String(512), sa.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.Column("event_id", sa.String(32), index=True),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("family", sa.String(32), nullable=False),
        sa.Column("country", sa.String(8)),
        sa.Column("admin1", sa.Text),
        sa.Column("date_start", sa.String(10)),
        sa.Column("date_end", sa.String(10)),
        sa.Column("wide", sa.Boolean, nullable=False),
        sa.Column("lat", sa.Float),
        sa.Column("lon", sa.Float),
        sa.Column("outlet", sa.Text),
        sa.Column("published", sa.String(10)),
        sa.Column("url", sa.Text),
        sa.Column("title", sa.Text),
        sa.Column("data", JSON, nullable=False),
    )
    op.create_index("ix_report_events_block", "report_events", ["family", "country", "wide", "date_start"])
    op.create_table(
        "events",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("mode", sa.String(64)),
        sa.Column("country", sa.String(8)),
        sa.Column("admin1", sa.Text),
        sa.Column("location", sa.Text),
        sa.Column("lat", sa.Float),
        sa.Column("lon", sa.Float),
        sa.Column("date_start", sa.String(10)),
        sa.Column("date_end", sa.String(10)),
        sa.Column("precision", sa.String(16)),
        sa.Column("sort_date", sa.String(10), nullable=False),
        *_counts("fatalities"),
        sa.Column("fatalities_sort", sa.Integer, nullable=False),
        *_counts("injuries"),
        sa.Column("certainty", sa.String(16), nullable=False),
        sa.Column("sources_count", sa.Integer, nullable=False),
        sa.Column("reports_count", sa.Integer, nullable=False),
        sa.Column("actors_text", sa.Text, nullable=False),
        sa.Column("search_text", sa.Text, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("data", JSON, nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_events_type_country_date", "events", ["type", "country", "sort_date"])
    op.create_index("ix_events_country_date", "events", ["country", "sort_date"])
    op.create_index("ix_events_sort_date", "events", ["sort_date", "id"])
    op.create_index("ix_events_date_end", "events", ["date_end"])
    op.create_index("ix_events_lat_lon", "events", ["lat", "lon"])
    op.create_index("ix_events_sources", "events", ["sources_count", "sort_date"])
    op.create_index("ix_events_fatalities", "events", ["fatalities_sort", "sort_date"])
    op.create_table(
        "event_sources",
        sa.Column("event_id", sa.String(32), sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
        sa.Column(
            "report_event_key", sa.String(640), sa.ForeignKey("report_events.key", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("report_id", sa.String(512), nullable=False, index=True),
        sa.Column("outlet", sa.Text),
        sa.Column("published", sa.String(10)),
        sa.Column("url", sa.Text),
        *_counts("fatalities"),
        *_counts("injuries"),
        sa.Column("certainty", sa.String(16)),
        sa.Column("evidence", JSON, nullable=False),
    )
    op.create_table(
        "quotes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "report_id", sa.String(512), sa.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("speaker", sa.Text, index=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("direct", sa.Boolean, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("data", JSON, nullable=False),
    )
    op.create_table(
        "entities",
        sa.Column("report_id", sa.String(512), sa.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("entity_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.Text, nullable=False, index=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("data", JSON, nullable=False),
    )


def downgrade() -> None:
    for table in ("entities", "quotes", "event_sources", "events", "report_events", "reports"):
        op.drop_table(table)
