"""credit verification: source aliases, a republication's credit positions and the evidence of its verdict

- `sources.aliases`: other names a source is known by (a list of strings), so that matching
  recognises it in credit lines under any of them.
- `republications.credit_evidence`: what processing kept about the page's credits for
  verification (its own resolved claim and its credit positions: head and tail lines, links).
- `republications.attribution_evidence`: the mention that decided the copy's verdict.

Republication pages stored before this revision have no credit positions: they are processed
again (from their stored bodies) by the next crawl or `aggregator reprocess`.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ADD/DROP COLUMN on both engines: SQLite supports them, and a batch copy of the tables
# would break the views that read them.


def upgrade() -> None:
    op.add_column("sources", sa.Column("aliases", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
    op.add_column("republications", sa.Column("credit_evidence", sa.JSON(), nullable=True))
    op.add_column("republications", sa.Column("attribution_evidence", sa.JSON(), nullable=True))
    op.execute(
        "UPDATE pages SET state = 'fetched', processed_at = NULL "
        "WHERE state = 'processed' AND id IN (SELECT page_id FROM republications WHERE page_id IS NOT NULL)"
    )


def downgrade() -> None:
    op.drop_column("republications", "attribution_evidence")
    op.drop_column("republications", "credit_evidence")
    op.drop_column("sources", "aliases")
