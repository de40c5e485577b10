"""Fetched pages: the raw body, compressed, and the state of its processing.

Raw bodies are kept so that an extractor upgrade needs a reprocess, not a re-crawl.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    bindparam,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.base import Base, UTCDateTime, utcnow
from storage.upsert import upsert, upsert_statement

# Processing states of a page.
FETCHED = "fetched"  # body stored, not yet processed
PROCESSED = "processed"  # extracted and stored as an article or a republication candidate
SKIPPED = "skipped"  # not an article (no main text, a listing...), with the reason in `error`
FAILED = "failed"  # the fetch failed (HTTP error, network error), with the reason in `error`


class Page(Base):
    """A fetched URL: one row per normalised URL, whatever the number of fetches."""

    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    final_url: Mapped[str | None] = mapped_column(Text)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"), index=True)
    status: Mapped[int | None] = mapped_column(Integer)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    content_type: Mapped[str | None] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    body: Mapped[bytes | None] = mapped_column(LargeBinary)
    body_hash: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), index=True)
    error: Mapped[str | None] = mapped_column(Text)
    hints: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def raw_body(self) -> bytes:
        """The body as fetched (decompressed)."""
        return zlib.decompress(self.body) if self.body else b""


_PAGES = cast(Table, Page.__table__)
# Built once: executing a prebuilt statement skips building and keying a new one for every page.
_PREVIOUS_FETCH = select(_PAGES.c.id, _PAGES.c.body_hash, _PAGES.c.state).where(_PAGES.c.url == bindparam("url"))
_FETCH_COLUMNS = ("url", "final_url", "source_id", "status", "content_type", "etag", "last_modified", "body_hash")
_PREVIOUS_FETCHES = select(_PAGES.c.url, _PAGES.c.body_hash, _PAGES.c.state).where(
    _PAGES.c.url.in_(bindparam("urls", expanding=True))
)
_MARK = (
    update(_PAGES).where(_PAGES.c.id == bindparam("b_id"))
    .values(state=bindparam("b_state"), error=bindparam("b_error"), processed_at=bindparam("b_at"))
)


def store_fetched_page(
    session: Session,
    *,
    url: str,
    final_url: str,
    source_id: int | None,
    status: int,
    content_type: str | None,
    etag: str | None,
    last_modified: str | None,
    body: bytes,
    body_hash: str,
    hints: dict[str, Any] | None = None,
) -> tuple[int, bool]:
    """Store a fetched page body (`body_hash` identifies its bytes). Returns (page id, whether the
    body changed since the last fetch).

    An unchanged body keeps the page's processing state, so a re-crawl does not redo work.
    """
    [changed] = store_fetched_pages(session, [{
        "url": url, "final_url": final_url, "source_id": source_id, "status": status, "content_type": content_type,
        "etag": etag, "last_modified": last_modified, "body": body, "body_hash": body_hash, "hints": hints,
    }])
    page_id = session.connection().execute(_PREVIOUS_FETCH, {"url": url}).one().id
    return int(page_id), changed


def store_fetched_pages(session: Session, pages: Sequence[Mapping[str, Any]]) -> list[bool]:
    """`store_fetched_page` of several pages with distinct URLs (each given by that function's
    keyword arguments): one look-up of what is stored and one statement per kind of row (new or
    changed, unchanged) for the lot. Returns, in order, whether each page's body changed since
    its last fetch."""
    if len({page["url"] for page in pages}) != len(pages):
        raise ValueError("store_fetched_pages needs distinct URLs")
    previous = {row.url: row for row in session.connection().execute(_PREVIOUS_FETCHES,
                                                                     {"urls": [page["url"] for page in pages]})}
    now = utcnow()
    changed_rows: list[dict[str, Any]] = []
    same_rows: list[dict[str, Any]] = []
    changes = []
    for page in pages:
        before = previous.get(page["url"])
        changed = before is None or before.body_hash != page["body_hash"] or before.state == FAILED
        values = {
            **{column: page[column] for column in _FETCH_COLUMNS}, "fetched_at": now,
            "body": zlib.compress(page["body"], 6), "hints": page.get("hints") or {},
        }
        if changed:
            values.update(state=FETCHED, error=None, processed_at=None)
            changed_rows.append(values)
        else:
            values.update(state=before.state if before is not None else FETCHED)
            same_rows.append(values)
        changes.append(changed)
    dialect = session.get_bind().dialect.name
    for rows, kept in ((changed_rows, ()), (same_rows, ("state", "error", "processed_at"))):
        if rows:
            columns = tuple(sorted(rows[0]))
            update_cols = tuple(c for c in columns if c != "url" and c not in kept)
            session.execute(upsert_statement(dialect, _PAGES, columns, ("url",), update_cols, None), rows)
    return changes


def record_page_failure(
    session: Session, *, url: str, source_id: int | None, status: int | None, error: str
) -> int:
    """Record a failed fetch on its page, with the reason; a stored body is kept."""
    return int(
        upsert(
            session,
            Page.__table__,  # type: ignore[arg-type]
            {"url": url, "source_id": source_id, "status": status, "fetched_at": utcnow(),
             "state": FAILED, "error": error, "hints": {}},
            conflict=["url"],
            update=["status", "fetched_at", "state", "error"],
        )
    )


def clear_page_failure(session: Session, *, url: str) -> None:
    """Forget a failure recorded for `url` (a sitemap or listing page, stored without a body) now
    that it answered: a failed row stays only while the failure lasts."""
    session.execute(delete(Page).where(Page.url == url, Page.state == FAILED, Page.body.is_(None)))


def mark_page(session: Session, *, page_id: int, state: str, error: str | None = None) -> None:
    """Set the processing state of a page."""
    mark_pages(session, [(page_id, state, error)])


def mark_pages(session: Session, marks: Sequence[tuple[int, str, str | None]]) -> None:
    """Set the processing state of several pages: (page id, state, error) each, in one statement."""
    if not marks:
        return
    now = utcnow()
    session.connection().execute(
        _MARK, [{"b_id": page_id, "b_state": state, "b_error": error, "b_at": now}
                for page_id, state, error in sorted(marks)]
    )


def page_ids_to_process(session: Session, *, all_pages: bool = False, limit: int | None = None) -> list[int]:
    """Ids of pages waiting for processing (or of every page with a body, to reprocess), by id;
    the first `limit` of them when given."""
    stmt = select(Page.id).where(Page.body.is_not(None)).order_by(Page.id)
    if not all_pages:
        stmt = stmt.where(Page.state == FETCHED)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


def iter_pages(session: Session, ids: list[int]) -> Iterator[Page]:
    """The pages of `ids`, in id order."""
    for chunk_start in range(0, len(ids), 200):
        chunk = ids[chunk_start : chunk_start + 200]
        yield from session.scalars(select(Page).where(Page.id.in_(chunk)).order_by(Page.id))


def stored_validators(session: Session, urls: list[str]) -> dict[str, tuple[str | None, str | None]]:
    """(ETag, Last-Modified) of each of `urls` that is stored with a body; absent ones are left out."""
    found: dict[str, tuple[str | None, str | None]] = {}
    for start in range(0, len(urls), 500):
        stmt = select(Page.url, Page.etag, Page.last_modified).where(
            Page.url.in_(urls[start : start + 500]), Page.body.is_not(None), Page.state != FAILED
        )
        found.update({row.url: (row.etag, row.last_modified) for row in session.execute(stmt)})
    return found


def page_by_url(session: Session, url: str) -> Page | None:
    """The page stored for a normalised URL."""
    return session.scalars(select(Page).where(Page.url == url)).first()


def count_pages_by_state(session: Session) -> dict[str, int]:
    """How many pages are in each state."""
    return {state: count for state, count in session.execute(select(Page.state, func.count()).group_by(Page.state))}
