"""The fingerprint of the config's people and sources as last synced, one row for each.

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-20

Append-only: never edit a migration once it is on main; add the next one instead.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "synced_config",
        sa.Column("part", sa.String(32), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("part", name="pk_synced_config"),
    )


def downgrade() -> None:
    op.drop_table("synced_config")
