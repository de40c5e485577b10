"""One crawl at a time per database: a PostgreSQL advisory lock, or a lock file beside SQLite.

Both are released by the operating system or the server when their holder dies, so a killed
crawl never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from storage.engine import normalise_database_url

# The advisory lock's key: "aggreg" in ASCII, as one bigint (pg_locks shows it as classid 0x6167,
# objid 0x67726567).
CRAWL_LOCK_KEY = 0x616767726567


class LockHeld(Exception):
    """Another process holds the lock; the message says who, as far as it can be known."""


def lock_file_path(database_url: str) -> Path | None:
    """Where the crawl lock of a SQLite database lives (None for an in-memory database)."""
    url = make_url(normalise_database_url(database_url))
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    database = Path(url.database)
    return database.with_name(database.name + ".crawl-lock")


@contextmanager
def crawl_lock(database_url: str, *, holder: str, wait: bool = False) -> Iterator[None]:
    """Hold the database's crawl lock for the duration of the block.

    `holder` describes this process (shown to whoever finds the lock taken). Raises LockHeld when
    another process holds it, unless `wait`: then blocks until it is free.
    """
    url = make_url(normalise_database_url(database_url))
    if url.get_backend_name() == "postgresql":
        with _advisory_lock(database_url, holder=holder, wait=wait):
            yield
        return
    path = lock_file_path(database_url)
    if path is None:
        yield
        return
    with _file_lock(path, holder=holder, wait=wait):
        yield


@contextmanager
def _file_lock(path: Path, *, holder: str, wait: bool) -> Iterator[None]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            who = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip() or "another process"
            raise LockHeld(f"{who} (lock file {path})") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, holder.encode("utf-8"), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)  # the file stays: removing it would race with the next holder
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextmanager
def _advisory_lock(database_url: str, *, holder: str, wait: bool) -> Iterator[None]:
    # A connection of its own, outside the pool, in autocommit: it holds the session-level lock
    # without keeping a transaction open for the whole crawl.
    engine = create_engine(normalise_database_url(database_url), poolclass=NullPool,
                           isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT set_config('application_name', :name, false)"), {"name": holder[:63]})
            got = conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": CRAWL_LOCK_KEY}).scalar()
            if not got:
                if not wait:
                    raise LockHeld(_advisory_holder(conn))
                conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": CRAWL_LOCK_KEY})
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": CRAWL_LOCK_KEY})
    finally:
        engine.dispose()


def _advisory_holder(conn: object) -> str:
    row = conn.execute(  # type: ignore[attr-defined]
        text(
            "SELECT a.application_name, a.client_addr, a.backend_start, a.pid"
            " FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
            " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = :hi AND l.objid = :lo"
            # Advisory locks belong to one database; another database's crawl is not the holder.
            " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        ),
        {"hi": CRAWL_LOCK_KEY >> 32, "lo": CRAWL_LOCK_KEY & 0xFFFFFFFF},
    ).first()
    if row is None:
        return "another process"
    where = f" from {row.client_addr}" if row.client_addr else ""
    name = row.application_name or "a client"
    return f"{name} (server pid {row.pid}{where}, connected since {row.backend_start:%Y-%m-%d %H:%M:%S %Z})"


# The matching lock's key: the crawl lock's plus one.
MATCHING_LOCK_KEY = CRAWL_LOCK_KEY + 1


class MatchingLock:
    """One writer of articles and matching at a time across processes and machines (PostgreSQL).

    Processing stores a batch and runs matching while holding it: two workers storing and
    matching at once could each miss what the other is committing (a copy matched before its
    original is visible, and the original's arrival not seeing the copy yet). Extraction, the
    costly part, runs outside it. A session-level advisory lock on a connection of its own,
    kept for the holder's lifetime; the server releases it when the holder dies. On SQLite
    (one writer at a time anyway, one crawl at a time by the crawl lock) it does nothing.
    """

    def __init__(self, database_url: str) -> None:
        url = make_url(normalise_database_url(database_url))
        self._engine = (create_engine(normalise_database_url(database_url), poolclass=NullPool,
                                      isolation_level="AUTOCOMMIT")
                        if url.get_backend_name() == "postgresql" else None)
        self._conn: Any = None
        self.waited = 0.0
        """Seconds spent waiting for the lock."""
        self.held = 0.0
        """Seconds the lock was held."""

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Hold the lock for the duration of the block (waits for it)."""
        if self._engine is None:
            yield
            return
        if self._conn is None:
            self._conn = self._engine.connect()
        asked = time.monotonic()
        self._conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MATCHING_LOCK_KEY})
        got = time.monotonic()
        self.waited += got - asked
        try:
            yield
        finally:
            self._conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MATCHING_LOCK_KEY})
            self.held += time.monotonic() - got

    def close(self) -> None:
        """Close the lock's connection."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._engine is not None:
            self._engine.dispose()
