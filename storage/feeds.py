"""Feeds of a source and the entries seen in them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.base import Base, UTCDateTime, utcnow
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
    url: Mapped[str | None] = mapped_column(Text)
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


def record_feed_success(
    session: Session,
    *,
    feed_id: int,
    status: int,
    format: str | None,
    etag: str | None,
    last_modified: str | None,
    body_hash: str | None,
) -> None:
    """Store what a successful poll learned; clears the error streak."""
    session.execute(
        update(Feed)
        .where(Feed.id == feed_id)
        .values(
            last_status=status,
            format=format,
            etag=etag,
            last_modified=last_modified,
            body_hash=body_hash,
            last_polled_at=utcnow(),
            consecutive_errors=0,
            last_error=None,
        )
    )


def record_feed_error(session: Session, *, feed_id: int, status: int | None, error: str) -> None:
    """Store a failed poll: its status (if any), its reason, one more consecutive error."""
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


def record_entries(session: Session, *, feed_id: int, entries: list[tuple[str, str | None, str | None,
                   str | None]]) -> list[str]:
    """Upsert entries given as (key, url, updated, content_hash); return the keys not seen before."""
    known = set(
        session.scalars(
            select(FeedEntry.entry_key).where(
                FeedEntry.feed_id == feed_id, FeedEntry.entry_key.in_([e[0] for e in entries])
            )
        )
    )
    now = utcnow()
    for key, url, updated, content_hash in entries:
        upsert(
            session,
            FeedEntry.__table__,  # type: ignore[arg-type]
            {"feed_id": feed_id, "entry_key": key, "url": url, "updated": updated,
             "content_hash": content_hash, "first_seen": now, "last_seen": now},
            conflict=["feed_id", "entry_key"],
            update=["url", "updated", "content_hash", "last_seen"],
            returning=None,
        )
    total = session.scalar(select(func.count()).select_from(FeedEntry).where(FeedEntry.feed_id == feed_id))
    session.execute(update(Feed).where(Feed.id == feed_id).values(entries_seen=total))
    return [e[0] for e in entries if e[0] not in known]
