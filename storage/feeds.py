"""Feeds of a source and the entries seen in them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.base import Base, UTCDateTime, utcnow
from storage.pages import FAILED, Page
from storage.upsert import upsert


class Feed(Base):
    """An RSS, Atom, RDF or JSON feed, with what the last poll learned about it."""

    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    format: Mapped[str | None] = mapped_column(String(32))
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    body_hash: Mapped[str | None] = mapped_column(String(64))
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_poll_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    consecutive_errors: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    entries_seen: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FeedEntry(Base):
    """One entry of a feed, identified by its key (GUID, else link, else content hash)."""

    __tablename__ = "feed_entries"
    __table_args__ = (UniqueConstraint("feed_id", "entry_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"))
    entry_key: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text, index=True)  # the entry's link, normalised
    link: Mapped[str | None] = mapped_column(Text)  # the link as the feed gives it
    title: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(Text)
    updated: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def upsert_feed(session: Session, *, source_id: int, url: str) -> int:
    """Register a feed of a source (a feed URL belongs to one source). Returns its id."""
    return int(
        upsert(
            session,
            Feed.__table__,  # type: ignore[arg-type]
            {"source_id": source_id, "url": url, "consecutive_errors": 0, "entries_seen": 0,
             "created_at": utcnow()},
            conflict=["url"],
            update=["source_id"],
        )
    )


def feeds_of(session: Session, source_id: int) -> list[Feed]:
    """The feeds of a source, by URL."""
    return list(session.scalars(select(Feed).where(Feed.source_id == source_id).order_by(Feed.url)))


def feed_by_url(session: Session, url: str) -> Feed | None:
    """The feed at `url`, if registered."""
    return session.scalars(select(Feed).where(Feed.url == url)).first()


def record_feed_poll(
    session: Session,
    *,
    feed_id: int,
    status: int,
    format: str | None,
    etag: str | None,
    last_modified: str | None,
    body_hash: str | None,
    next_poll_at: datetime,
    note: str | None = None,
) -> None:
    """Store what a successful poll learned (a 304 keeps the stored validators); clears the error streak.

    `note`: what went wrong inside an answer that was read (entries skipped, with their reasons),
    kept as the feed's last error without counting as a failed poll.
    """
    values: dict[str, Any] = {
        "last_status": status, "last_polled_at": utcnow(), "next_poll_at": next_poll_at,
        "consecutive_errors": 0, "last_error": note,
    }
    if status != 304:
        values.update(etag=etag, last_modified=last_modified, body_hash=body_hash)
        if format:
            values["format"] = format
    session.execute(update(Feed).where(Feed.id == feed_id).values(**values))


def record_feed_error(session: Session, *, feed_id: int, status: int | None, error: str) -> int:
    """Store a failed poll: its status (if any), its reason, one more consecutive error.

    Returns the number of consecutive errors, this one included.
    """
    session.execute(
        update(Feed)
        .where(Feed.id == feed_id)
        .values(
            last_status=status,
            last_polled_at=utcnow(),
            consecutive_errors=Feed.consecutive_errors + 1,
            last_error=error,
        )
    )
    return int(session.scalar(select(Feed.consecutive_errors).where(Feed.id == feed_id)) or 1)


def set_next_poll(session: Session, *, feed_id: int, next_poll_at: datetime) -> None:
    """Schedule the feed's next poll."""
    session.execute(update(Feed).where(Feed.id == feed_id).values(next_poll_at=next_poll_at))


def seen_entries(session: Session, *, feed_id: int) -> dict[str, tuple[str | None, str | None]]:
    """Every entry already stored for a feed: key -> (updated, content hash)."""
    stmt = select(FeedEntry.entry_key, FeedEntry.updated, FeedEntry.content_hash).where(FeedEntry.feed_id == feed_id)
    return {key: (updated, content_hash) for key, updated, content_hash in session.execute(stmt)}


def recent_entry_times(session: Session, *, feed_id: int, limit: int = 20) -> list[datetime]:
    """Publication (else update) times of the feed's stored entries, most recent first."""
    stmt = select(FeedEntry.published, FeedEntry.updated).where(FeedEntry.feed_id == feed_id)
    times = []
    for published, updated in session.execute(stmt):
        value = published or updated
        if value:
            try:
                times.append(datetime.fromisoformat(value))
            except ValueError:
                continue
    return sorted(times, reverse=True)[:limit]


def list_feeds(session: Session) -> list[tuple[Feed, str]]:
    """Every feed with its source's host, by host then URL."""
    from storage.sources import Source

    stmt = select(Feed, Source.host).join(Source, Source.id == Feed.source_id).order_by(Source.host, Feed.url)
    return [(feed, host) for feed, host in session.execute(stmt)]


ENTRY_FIELDS = ("url", "link", "title", "author", "published", "updated", "content_hash")


def record_entries(session: Session, *, feed_id: int, entries: list[dict[str, Any]]) -> list[str]:
    """Upsert a feed's entries (dicts with `key` and ENTRY_FIELDS); return the keys not seen before."""
    keys = [e["key"] for e in entries]
    known: set[str] = set()
    for start in range(0, len(keys), 500):
        known.update(session.scalars(select(FeedEntry.entry_key).where(
            FeedEntry.feed_id == feed_id, FeedEntry.entry_key.in_(keys[start : start + 500]))))
    now = utcnow()
    for entry in entries:
        values = {"feed_id": feed_id, "entry_key": entry["key"], "first_seen": now, "last_seen": now}
        values.update({name: entry.get(name) for name in ENTRY_FIELDS})
        upsert(
            session,
            FeedEntry.__table__,  # type: ignore[arg-type]
            values,
            conflict=["feed_id", "entry_key"],
            update=[*ENTRY_FIELDS, "last_seen"],
            returning=None,
        )
    total = session.scalar(select(func.count()).select_from(FeedEntry).where(FeedEntry.feed_id == feed_id))
    session.execute(update(Feed).where(Feed.id == feed_id).values(entries_seen=total))
    return [key for key in keys if key not in known]


def entries_for_urls(session: Session, urls: list[str]) -> dict[str, list[FeedEntry]]:
    """Feed entries whose link leads to each of these (normalised) URLs."""
    out: dict[str, list[FeedEntry]] = {}
    for start in range(0, len(urls), 500):
        stmt = select(FeedEntry).where(FeedEntry.url.in_(urls[start : start + 500])).order_by(FeedEntry.id)
        for entry in session.scalars(stmt):
            out.setdefault(str(entry.url), []).append(entry)
    return out


def pending_entry_urls(session: Session, feed_ids: list[int]) -> list[str]:
    """Links (normalised) of these feeds' entries whose page is still due, oldest entry first.

    An entry stays due until its page is stored with a body, or its fetch ended with an answer
    that will not change by asking again (a 4xx other than 408 and 429: gone or forbidden; a 200
    that is not HTML). A page never reached (a crawl killed between storing the feed and fetching
    its pages, a 304 since) and a passing failure (a 5xx, a 408 or 429, a timeout, a reset,
    robots.txt unreadable: no status) keep it due, on every later poll or crawl.
    """
    if not feed_ids:
        return []
    gone_for_good = (Page.status < 500) & Page.status.not_in((408, 429))
    stored = (Page.body.is_not(None) & (Page.state != FAILED)) | ((Page.state == FAILED) & gone_for_good)
    found: dict[str, None] = {}
    for start in range(0, len(feed_ids), 500):
        stmt = (
            select(FeedEntry.url)
            .outerjoin(Page, Page.url == FeedEntry.url)
            .where(FeedEntry.feed_id.in_(feed_ids[start : start + 500]), FeedEntry.url.is_not(None))
            .where(Page.id.is_(None) | ~stored)
            .order_by(FeedEntry.first_seen, FeedEntry.id)
        )
        found.update(dict.fromkeys(str(url) for url in session.scalars(stmt)))
    return list(found)
