"""Dialect-aware INSERT ... ON CONFLICT, the single write primitive of the storage layer."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def _insert_for(session: Session, table: Table) -> Any:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise ValueError(f"unsupported dialect {dialect}")


def upsert(
    session: Session,
    table: Table,
    values: Mapping[str, Any],
    *,
    conflict: Sequence[str],
    update: Iterable[str] | None = None,
    returning: str | None = "id",
) -> Any:
    """Insert `values`, or update the `update` columns of the row that has the same `conflict` key.

    With `update` empty the existing row is left alone (insert-or-ignore). Returns the
    `returning` column of the inserted or existing row.
    """
    stmt = _insert_for(session, table).values(**values)
    update_cols = [c for c in (update if update is not None else values) if c not in conflict]
    if update_cols:
        stmt = stmt.on_conflict_do_update(
            index_elements=list(conflict), set_={c: stmt.excluded[c] for c in update_cols}
        )
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(conflict))
    if returning is None:
        session.execute(stmt)
        return None
    row = session.execute(stmt.returning(table.c[returning])).first()
    if row is not None:
        return row[0]
    # Conflict with nothing to update: read the existing row's key.
    where = [table.c[c] == values[c] for c in conflict]
    return session.execute(table.select().with_only_columns(table.c[returning]).where(*where)).scalar_one()
