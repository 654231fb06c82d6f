"""The initial schema: people and their roles, sources, items, changes, the outbox, mutes.

Revision ID: 0001
Revises:
Create Date: 2025-01-06

Append-only: never edit a migration once it is on main; add the next one instead.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    _people()
    _sources()
    _items()
    _changes()
    _outbox()


def downgrade() -> None:
    for table in (
        "mutes", "outbox", "change_urls", "changes", "mentions", "items", "sources", "roles",
        "people",
    ):  # fmt: skip
        op.drop_table(table)


def _people() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("roles_fingerprint", sa.String(64), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_people"),
        sa.UniqueConstraint("name", name="uq_people_name"),
    )
    op.create_table(
        "roles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("org", sa.String(300), nullable=False),
        sa.Column("title", sa.String(300), nullable=True),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_roles"),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name="fk_roles_person_id_people", ondelete="CASCADE"
        ),
        sa.CheckConstraint("origin IN ('config', 'confirmed')", name="ck_roles_origin"),
    )
    op.create_index("ix_roles_person_id", "roles", ["person_id"])
    op.create_table(
        "mutes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("until", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_mutes"),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name="fk_mutes_person_id_people", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("chat_id", "person_id", name="uq_mutes_chat_id_person_id"),
    )


def _sources() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("interval_seconds", sa.Integer(), nullable=False),
        sa.Column("etag", sa.String(500), nullable=True),
        sa.Column("last_modified", sa.String(100), nullable=True),
        sa.Column("error_count", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.Column("next_check_at", UTC_DATETIME, nullable=False),
        sa.Column("checked_at", UTC_DATETIME, nullable=True),
        sa.Column("claimed_until", UTC_DATETIME, nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sources"),
        sa.UniqueConstraint("url", name="uq_sources_url"),
    )
    op.create_index("ix_sources_due", "sources", ["active", "next_check_at"])


def _items() -> None:
    op.create_table(
        "items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(1000), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("published_at", UTC_DATETIME, nullable=True),
        sa.Column("seen_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_items"),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name="fk_items_source_id_sources", ondelete="SET NULL"
        ),
        sa.UniqueConstraint("key", name="uq_items_key"),
    )
    op.create_index("ix_items_seen_at", "items", ["seen_at"])
    op.create_table(
        "mentions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("item_key", sa.String(1000), nullable=False),
        sa.Column("seen_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_mentions"),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name="fk_mentions_person_id_people", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("person_id", "item_key", name="uq_mentions_person_id_item_key"),
    )
    op.create_index("ix_mentions_seen_at", "mentions", ["seen_at"])


def _changes() -> None:
    op.create_table(
        "changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", sa.String(200), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("org", sa.String(300), nullable=True),
        sa.Column("title", sa.String(300), nullable=True),
        sa.Column("before_org", sa.String(300), nullable=True),
        sa.Column("before_title", sa.String(300), nullable=True),
        sa.Column("before_current", sa.Boolean(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("is_rumour", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_changes"),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name="fk_changes_person_id_people", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("dedupe_key", name="uq_changes_dedupe_key"),
        sa.CheckConstraint(
            "kind IN ('joined', 'left', 'founded', 'role_changed')", name="ck_changes_kind"
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'confirmed', 'dismissed')", name="ck_changes_status"
        ),
    )
    op.create_index("ix_changes_person_id", "changes", ["person_id"])
    op.create_index("ix_changes_created_at", "changes", ["created_at"])
    op.create_table(
        "change_urls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_change_urls"),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["changes.id"],
            name="fk_change_urls_change_id_changes",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("change_id", "url", name="uq_change_urls_change_id_url"),
    )


def _outbox() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=True),
        sa.Column("html", sa.Text(), nullable=True),
        sa.Column("dedupe_key", sa.String(200), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("available_at", UTC_DATETIME, nullable=False),
        sa.Column("claimed_until", UTC_DATETIME, nullable=True),
        sa.Column("sent_at", UTC_DATETIME, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.ForeignKeyConstraint(
            ["change_id"], ["changes.id"], name="fk_outbox_change_id_changes", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("change_id", "chat_id", name="uq_outbox_change_id_chat_id"),
        sa.UniqueConstraint("dedupe_key", "chat_id", name="uq_outbox_dedupe_key_chat_id"),
        sa.CheckConstraint("status IN ('pending', 'sent', 'dead')", name="ck_outbox_status"),
        sa.CheckConstraint(
            "(change_id IS NULL) <> (html IS NULL)", name="ck_outbox_change_or_html"
        ),
    )
    op.create_index("ix_outbox_due", "outbox", ["status", "available_at"])
