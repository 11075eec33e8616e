"""Merged events carry status, background, ACLED codes and place precision as columns, for the filters.

Stored events are merged again from their stored mentions (which kept every extracted field), so their data gains
the fields the merged event now carries (status, background, trigger, occurrences, attributed_to, hedges) and the
new columns are filled from it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
COLUMNS = ("status", "background", "place_precision", "acled_event_type", "acled_sub_event_type")
BATCH = 500  # merged events re-merged per round trip
_events = sa.table("events", sa.column("id", sa.String), sa.column("data", JSON), *(sa.column(c) for c in COLUMNS))
_mentions = sa.table(
    "report_events",
    *(sa.column(c) for c in ("key", "report_id", "event_id", "outlet", "published", "url", "title")),
    sa.column("data", JSON),
)


def upgrade() -> None:
    op.add_column("events", sa.Column("status", sa.String(16), nullable=False, server_default="occurred"))
    op.add_column("events", sa.Column("background", sa.Boolean, nullable=False, server_default=sa.false()))
    op.add_column("events", sa.Column("place_precision", sa.String(16)))
    op.add_column("events", sa.Column("acled_event_type", sa.Text))
    op.add_column("events", sa.Column("acled_sub_event_type", sa.Text))
    _remerge(op.get_bind())


def _remerge(conn: sa.Connection) -> None:
    """Rewrite every stored event from its mentions; the ids stay, as they come from the member keys."""
    from dateline.merge import merge_event

    last = ""
    while (
        ids := conn.execute(sa.select(_events.c.id).where(_events.c.id > last).order_by(_events.c.id).limit(BATCH))
        .scalars()
        .all()
    ):
        members: dict[str, list[dict]] = {}
        for row in conn.execute(sa.select(_mentions).where(_mentions.c.event_id.in_(ids))):
            members.setdefault(row.event_id, []).append({**row._asdict(), "event": row.data})
        for event_id, group in members.items():
            merged = {**merge_event(group), "id": event_id}
            conn.execute(sa.update(_events).where(_events.c.id == event_id).values(**_columns(merged)))
        last = ids[-1]


def _columns(merged: dict) -> dict:
    acled = merged.get("acled") or {}
    return {
        "data": merged,
        "status": merged["status"],
        "background": merged["background"],
        "place_precision": (merged.get("location") or {}).get("precision"),
        "acled_event_type": acled.get("event_type"),
        "acled_sub_event_type": acled.get("sub_event_type"),
    }


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        for column in COLUMNS:
            batch.drop_column(column)
