"""Dialect-aware INSERT ... ON CONFLICT, the single write primitive of the storage layer."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

_INSERTS: dict[str, Any] = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


@lru_cache(maxsize=256)
def upsert_statement(
    dialect: str, table: Table, columns: tuple[str, ...], conflict: tuple[str, ...], update: tuple[str, ...],
    returning: str | None,
) -> Any:
    """The upsert statement for one shape of call, built once.

    Values are bound at execution, so the compiled form is cached too: building the ON CONFLICT
    clause (its `excluded` alias of the whole table) costs far more than executing it.
    """
    if dialect not in _INSERTS:
        raise ValueError(f"unsupported dialect {dialect}")
    stmt: Any = _INSERTS[dialect](table)
    if update:
        excluded = stmt.excluded
        stmt = stmt.on_conflict_do_update(index_elements=list(conflict), set_={c: excluded[c] for c in update})
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(conflict))
    if returning is not None:
        stmt = stmt.returning(table.c[returning])
    return stmt


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
    update_cols = tuple(c for c in (update if update is not None else values) if c not in conflict)
    stmt = upsert_statement(session.get_bind().dialect.name, table, tuple(sorted(values)), tuple(conflict), update_cols,
                      returning)
    if returning is None:
        session.execute(stmt, dict(values))
        return None
    row = session.execute(stmt, dict(values)).first()
    if row is not None:
        return row[0]
    # Conflict with nothing to update: read the existing row's key.
    where = [table.c[c] == values[c] for c in conflict]
    return session.execute(table.select().with_only_columns(table.c[returning]).where(*where)).scalar_one()
