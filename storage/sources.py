"""Sources: the sites we crawl, partner blogs and republishers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Integer, String, Text, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.base import Base, UTCDateTime, utcnow
from storage.upsert import upsert

PARTNER = "partner"
"""A site whose own articles are the originals."""
REPUBLISHER = "republisher"
"""A site that republishes articles of others."""
ROLES = (PARTNER, REPUBLISHER)
"""The roles a source can have: the only definition, which the schema's check constraint repeats."""


class Source(Base):
    """A site: its host is its identity."""

    __tablename__ = "sources"
    __table_args__ = (CheckConstraint("role IN ('partner', 'republisher')", name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    host: Mapped[str] = mapped_column(String(255), unique=True)
    name: Mapped[str] = mapped_column(Text)
    home_url: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16))
    language: Mapped[str | None] = mapped_column(String(16))
    sitemap_urls: Mapped[list[str]] = mapped_column(JSON, default=list)
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    """Other names the source is known by, besides `name` (recognised in credit lines)."""
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


def upsert_source(
    session: Session,
    *,
    host: str,
    name: str,
    home_url: str,
    role: str,
    language: str | None,
    sitemap_urls: list[str],
    aliases: list[str] | None = None,
) -> int:
    """Create the source of `host`, or update it in place. Returns its id.

    `aliases` None leaves a source's aliases as they are (a new source gets none).
    """
    now = utcnow()
    update = ["name", "home_url", "role", "language", "sitemap_urls", "updated_at"]
    if aliases is not None:
        update.append("aliases")
    return int(
        upsert(
            session,
            Source.__table__,  # type: ignore[arg-type]
            {
                "host": host,
                "name": name,
                "home_url": home_url,
                "role": role,
                "language": language,
                "sitemap_urls": sitemap_urls,
                "aliases": list(aliases or []),
                "settings": {},
                "created_at": now,
                "updated_at": now,
            },
            conflict=["host"],
            update=update,
        )
    )


def list_sources(session: Session, *, hosts: list[str] | None = None) -> list[Source]:
    """All sources (or those of `hosts`), ordered by host."""
    stmt = select(Source).order_by(Source.host)
    if hosts:
        stmt = stmt.where(Source.host.in_(hosts))
    return list(session.scalars(stmt))


def source_by_host(session: Session, host: str) -> Source | None:
    """The source whose host is `host`."""
    return session.scalars(select(Source).where(Source.host == host)).first()


def sources_by_host(session: Session) -> dict[str, Source]:
    """Every source, keyed by host."""
    return {s.host: s for s in session.scalars(select(Source))}
