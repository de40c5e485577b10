"""Read queries for operators: each source's crawl health and copy counts, and whole-database counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from storage.articles import Article, Republication
from storage.feeds import Feed
from storage.pages import FAILED, Page
from storage.runs import CrawlRun
from storage.sources import PARTNER, Source


@dataclass
class SourceHealth:
    """How a source's crawling goes, and how its copies are credited.

    For a partner, `copies` counts the copies of its articles elsewhere; for a republisher, the
    copies found on its own site. Both by verdict (correct, missing, wrong, intermediary).
    """

    host: str
    name: str
    role: str
    home_url: str
    feeds: int = 0
    feeds_in_error: int = 0  # last poll failed
    failing_feeds: int = 0  # failed `failing_after` times in a row or more
    failed_sitemaps: int = 0
    failed_listings: int = 0
    last_success: datetime | None = None
    next_poll: datetime | None = None
    articles: int = 0
    copies: dict[str, int] = field(default_factory=dict)

    @property
    def copy_count(self) -> int:
        """Every copy, whatever its verdict."""
        return sum(self.copies.values())

    @property
    def uncredited(self) -> int:
        """Copies whose verdict is not `correct`."""
        return self.copy_count - self.copies.get("correct", 0)


def source_health(session: Session, *, failing_after: int) -> list[SourceHealth]:
    """Every source by host, with its crawl health and copy counts.

    A feed counts as failing from `failing_after` consecutive errors on. Failed sitemaps and
    listing pages are those whose last fetch failed (a later success clears the failure).
    """
    found = {
        s.id: SourceHealth(host=s.host, name=s.name, role=s.role, home_url=s.home_url)
        for s in session.scalars(select(Source).order_by(Source.host))
    }
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
        if (health := found.get(source_id)) is not None:
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
        if source_id is not None and (health := found.get(source_id)) is not None:
            health.failed_sitemaps, health.failed_listings = int(sitemaps or 0), int(listings or 0)
    last_fetch = session.execute(
        select(Page.source_id, func.max(Page.fetched_at)).where(Page.state != FAILED).group_by(Page.source_id)
    )
    for source_id, fetched_at in last_fetch:
        health = found.get(source_id) if source_id is not None else None
        moment = _as_utc(fetched_at)
        if health is not None and moment and (health.last_success is None or moment > health.last_success):
            health.last_success = moment
    for source_id, count in session.execute(select(Article.source_id, func.count()).group_by(Article.source_id)):
        if (health := found.get(source_id)) is not None:
            health.articles = int(count)
    matched = Republication.article_id.is_not(None)
    of_partner = session.execute(
        select(Article.source_id, Republication.attribution, func.count())
        .join(Article, Article.id == Republication.article_id)
        .group_by(Article.source_id, Republication.attribution)
    )
    on_republisher = session.execute(
        select(Republication.source_id, Republication.attribution, func.count())
        .where(matched).group_by(Republication.source_id, Republication.attribution)
    )
    for rows, role_is_partner in ((of_partner, True), (on_republisher, False)):
        for source_id, attribution, count in rows:
            health = found.get(source_id) if source_id is not None else None
            if health is not None and (health.role == PARTNER) == role_is_partner and attribution:
                health.copies[attribution] = int(count)
    return list(found.values())


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
