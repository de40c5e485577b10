"""job queue: procrastinate's tables, functions and triggers, on PostgreSQL only

Workers on several machines share the database and take their jobs from procrastinate's
tables (`aggregator enqueue`, `aggregator worker`). The schema is procrastinate's own
(`SchemaManager.get_schema()` of the installed release), applied once here so that the queue
is versioned with ours: a later procrastinate release that changes its schema comes with a
migration of ours that applies its migration files. SQLite has no queue: nothing to do there.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 23:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    from storage.queue import install_queue_schema

    install_queue_schema(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    from storage.queue import drop_queue_schema

    drop_queue_schema(bind)
