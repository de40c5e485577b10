"""Engine and session factory for SQLite and PostgreSQL."""

from __future__ import annotations

import os
import re
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker


def normalise_database_url(url: str) -> str:
    """Accept the usual spellings of a PostgreSQL URL and route them to psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def display_database_url(url: str) -> str:
    """The URL with its password hidden, fit for a message."""
    try:
        return make_url(normalise_database_url(url)).render_as_string(hide_password=True)
    except Exception:
        return url


def describe_database_error(exc: BaseException) -> str:
    """A database error in one line: the driver's own first line, without SQLAlchemy's wrapping
    (statement, background link) or the driver's hints on further lines."""
    original = getattr(exc, "orig", None) or exc
    text = str(original).strip() or type(original).__name__
    first = text.splitlines()[0].strip()
    if isinstance(original, ArgumentError) or "Could not parse SQLAlchemy URL" in first:
        return "not a database URL (expected sqlite:///PATH or postgresql://USER@HOST/NAME)"
    if first == "unable to open database file":
        return "unable to open the database file (does its folder exist, and may this user write there?)"
    return first


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers work beside the crawl's writer; a busy timeout waits for the lock
    # instead of failing when two processes write; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


# NUL and the other C0 controls but tab, newline and CR (and DEL): PostgreSQL refuses a NUL in text
# (the whole insert fails), and no stored text needs any of them. Callers clean at the edge; this
# is the net under every string that reaches a statement, whoever wrote it.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean_value(value: Any) -> Any:
    if isinstance(value, str) and _CONTROLS.search(value):
        return _CONTROLS.sub("", value)
    return value


def _clean_row(row: Any) -> Any:
    if isinstance(row, dict):
        if any(isinstance(v, str) and _CONTROLS.search(v) for v in row.values()):
            return {k: _clean_value(v) for k, v in row.items()}
        return row
    if isinstance(row, tuple | list):
        if any(isinstance(v, str) and _CONTROLS.search(v) for v in row):
            return type(row)(_clean_value(v) for v in row)
        return row
    return row


def _clean_parameters(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
                      executemany: bool) -> tuple[str, Any]:
    if executemany and isinstance(parameters, list | tuple):
        return statement, type(parameters)(_clean_row(row) for row in parameters)
    return statement, _clean_row(parameters)


_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()


def _forget_connections_in_child() -> None:
    # A forked child (an extraction worker) must never use, nor close, its parent's connections:
    # closing a PostgreSQL connection would end the parent's session. It opens its own if needed.
    for engine in list(_ENGINES):
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_forget_connections_in_child)


@lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    """One engine per database URL for the life of the process."""
    engine = _create_engine(normalise_database_url(url))
    _ENGINES.add(engine)
    return engine


def _create_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
    elif parsed.get_backend_name() == "postgresql":
        engine = create_engine(url, pool_pre_ping=True)
    else:
        raise ValueError(f"unsupported database {parsed.get_backend_name()!r}: use sqlite:// or postgresql://")
    event.listen(engine, "before_cursor_execute", _clean_parameters, retval=True)
    return engine


def session_factory(url: str) -> sessionmaker[Session]:
    """A session factory bound to the engine of `url`."""
    return sessionmaker(get_engine(url), expire_on_commit=False)


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    session = session_factory(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
