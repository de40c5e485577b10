"""Read queries for operators: each source's crawl health, and what the whole database holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from storage.articles import Article, Republication
from storage.feeds import Feed
from storage.pages import FAILED, Page
from storage.runs import CrawlRun
from storage.sources import Source


@dataclass
class CrawlHealth:
    """How a source's crawling goes: its feeds, its failed sitemaps and listing pages, its last
    success and next poll."""

    feeds: int = 0
    feeds_in_error: int = 0  # last poll failed
    failing_feeds: int = 0  # failed `failing_after` times in a row or more
    failed_sitemaps: int = 0
    failed_listings: int = 0
    last_success: datetime | None = None
    next_poll: datetime | None = None


def crawl_health(session: Session, *, failing_after: int) -> dict[str, CrawlHealth]:
    """The crawl health of every source, by host.

    A feed counts as failing from `failing_after` consecutive errors on. Failed sitemaps and
    listing pages are those whose last fetch failed (a later success clears the failure). The
    last success is the latest good feed poll or page fetch.
    """
    hosts = {source_id: host for source_id, host in session.execute(select(Source.id, Source.host))}
    found = {host: CrawlHealth() for host in hosts.values()}

    def health_of(source_id: int | None) -> CrawlHealth | None:
        return found[hosts[source_id]] if source_id in hosts else None

    feed_rows = session.execute(
        select(
            Feed.source_id,
            func.count(),
            func.sum(case((Feed.consecutive_errors > 0, 1), else_=0)),
            func.sum(case((Feed.consecutive_errors >= failing_after, 1), else_=0)),
            func.max(case((Feed.consecutive_errors == 0, Feed.last_polled_at))),
            func.min(Feed.next_poll_at),
        ).group_by(Feed.source_id)
    )
    for source_id, count, in_error, failing, last_ok, next_poll in feed_rows:
        if (health := health_of(source_id)) is not None:
            health.feeds, health.feeds_in_error, health.failing_feeds = count, int(in_error or 0), int(failing or 0)
            health.last_success, health.next_poll = _as_utc(last_ok), _as_utc(next_poll)
    page_rows = session.execute(
        select(
            Page.source_id,
            func.sum(case((Page.error.like("sitemap:%"), 1), else_=0)),
            func.sum(case((Page.error.like("listing:%"), 1), else_=0)),
        ).where(Page.state == FAILED).group_by(Page.source_id)
    )
    for source_id, sitemaps, listings in page_rows:
        if (health := health_of(source_id)) is not None:
            health.failed_sitemaps, health.failed_listings = int(sitemaps or 0), int(listings or 0)
    last_fetch = session.execute(
        select(Page.source_id, func.max(Page.fetched_at)).where(Page.state != FAILED).group_by(Page.source_id)
    )
    for source_id, fetched_at in last_fetch:
        health, moment = health_of(source_id), _as_utc(fetched_at)
        if health is not None and moment and (health.last_success is None or moment > health.last_success):
            health.last_success = moment
    return found


def database_counts(session: Session, *, failing_after: int) -> dict[str, Any]:
    """What the database holds: sources by role, articles, copies by verdict and kind, pages by
    state, feeds by health, copies waiting for their original, and crawl runs."""
    feeds = session.execute(
        select(
            func.count(),
            func.sum(case((Feed.consecutive_errors > 0, 1), else_=0)),
            func.sum(case((Feed.consecutive_errors >= failing_after, 1), else_=0)),
        )
    ).one()
    return {
        "sources": _grouped(session, Source.role),
        "articles": session.scalar(select(func.count()).select_from(Article)) or 0,
        "copies": _grouped(session, Republication.attribution, Republication.article_id.is_not(None)),
        "copies_by_kind": _grouped(session, Republication.kind, Republication.article_id.is_not(None)),
        "provisional_copies": session.scalar(
            select(func.count()).select_from(Republication).where(Republication.article_id.is_(None))
        ) or 0,
        "copies_waiting_for_matching": session.scalar(
            select(func.count()).select_from(Republication).where(Republication.matched_at.is_(None))
        ) or 0,
        "pages": _grouped(session, Page.state),
        "feeds": {"total": int(feeds[0] or 0), "in_error": int(feeds[1] or 0), "failing": int(feeds[2] or 0)},
        "crawl_runs": session.scalar(select(func.count()).select_from(CrawlRun)) or 0,
    }


def _grouped(session: Session, column: Any, *where: Any) -> dict[str, int]:
    stmt = select(column, func.count()).group_by(column)
    if where:
        stmt = stmt.where(*where)
    return {str(key): int(count) for key, count in session.execute(stmt) if key is not None}


def _as_utc(value: datetime | None) -> datetime | None:
    # An aggregate over a CASE can lose the column's type on SQLite: text or a naive datetime.
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
