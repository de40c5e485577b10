"""provisional copies wait for their original's arrival, not for every matching pass

A republication whose original is not known yet used to be matched again on every pass. It now
waits until an original it could match arrives (by fingerprint, by exact text, or by an address
its claims give): copies look up exact keys for their text and claimed addresses beside their
shingle fingerprints. Copies stored before this revision have no such keys yet, so their pages
are processed again (which stores the keys) and they are matched again once.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 23:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "UPDATE pages SET state = 'fetched', processed_at = NULL "
        "WHERE state = 'processed' AND id IN "
        "(SELECT page_id FROM republications WHERE article_id IS NULL AND page_id IS NOT NULL)"
    )
    op.execute("UPDATE republications SET matched_at = NULL WHERE article_id IS NULL")


def downgrade() -> None:
    # Nothing to undo: the previous revision matched provisional copies on every pass anyway.
    pass
