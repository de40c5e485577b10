"""Crawl runs: when a spider ran and what it counted."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.base import Base, UTCDateTime, utcnow


class CrawlRun(Base):
    """One run of a spider, with its final stats."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    spider: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stats: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


def start_run(session: Session, *, spider: str) -> int:
    """Open a run record; returns its id."""
    run = CrawlRun(spider=spider, started_at=utcnow(), stats={})
    session.add(run)
    session.flush()
    return run.id


def finish_run(session: Session, *, run_id: int, stats: dict[str, Any]) -> None:
    """Close a run with its stats."""
    session.execute(update(CrawlRun).where(CrawlRun.id == run_id).values(finished_at=utcnow(), stats=stats))


def last_runs(session: Session, limit: int = 10) -> list[CrawlRun]:
    """The most recent runs first."""
    return list(session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc()).limit(limit)))
