"""Read queries of the per-partner report: a source's articles and every copy of them elsewhere."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from storage.articles import Article, Republication


@dataclass(frozen=True)
class CopyRow:
    """A copy of one of a source's articles on another site, with its verdict."""

    id: int
    url: str
    site: str
    title: str | None
    article_id: str  # the article's public id
    article_url: str
    article_title: str | None
    kind: str | None
    attribution: str | None
    claimed_source_host: str | None
    claimed_author: str | None
    via: str | None
    containment: float | None
    first_seen: datetime


@dataclass(frozen=True)
class ArticleCopies:
    """One of a source's articles and how many copies of it were found."""

    id: str  # public id
    url: str
    title: str | None
    author: str | None
    published: datetime | None
    first_seen: datetime
    copies: int
    uncredited: int  # copies whose verdict is not `correct`


def copies_of_source(
    session: Session,
    *,
    source_id: int,
    republisher: bool = False,
    since: datetime | None = None,
    attribution: str | None = None,
    site: str | None = None,
    after_id: int | None = None,
    limit: int | None = None,
) -> list[CopyRow]:
    """Copies of the articles of `source_id` found elsewhere, by id (the order they were found);
    with `republisher`, the copies found on the site of `source_id` instead.

    `since`: first seen at or after; `attribution`, `site`: only that verdict, that republishing
    host; `after_id`, `limit`: a keyset page. Provisional copies (original not matched yet) are
    not listed: they belong to no article so far.
    """
    stmt = (
        select(
            Republication.id,
            Republication.url,
            Republication.site,
            Republication.title,
            Article.public_id.label("article_id"),
            Article.url.label("article_url"),
            Article.title.label("article_title"),
            Republication.kind,
            Republication.attribution,
            Republication.claimed_source_host,
            Republication.claimed_author,
            Republication.via,
            Republication.containment,
            Republication.first_seen,
        )
        .join(Article, Article.id == Republication.article_id)
        .where((Republication.source_id if republisher else Article.source_id) == source_id)
        .order_by(Republication.id)
    )
    if since is not None:
        stmt = stmt.where(Republication.first_seen >= since)
    if attribution is not None:
        stmt = stmt.where(Republication.attribution == attribution)
    if site is not None:
        stmt = stmt.where(Republication.site == site)
    if after_id is not None:
        stmt = stmt.where(Republication.id > after_id)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [CopyRow(**row._mapping) for row in session.execute(stmt)]


def articles_of_source(session: Session, *, source_id: int, since: datetime | None = None) -> list[ArticleCopies]:
    """The articles of `source_id` with their copy counts, newest first (undated last).

    With `since`: the articles published or first stored at or after it, and those with a copy
    first seen at or after it; copies are counted in that window only.
    """
    in_window = [Article.source_id == source_id]
    if since is not None:
        in_window.append(Republication.first_seen >= since)
    counts = (
        select(
            Republication.article_id,
            func.count().label("copies"),
            func.sum(case((Republication.attribution == "correct", 0), else_=1)).label("uncredited"),
        )
        .join(Article, Article.id == Republication.article_id)
        .where(*in_window)
        .group_by(Republication.article_id)
        .subquery("counts")
    )
    stmt = (
        select(
            Article.public_id.label("id"),
            Article.url,
            Article.title,
            Article.author,
            Article.published,
            Article.created_at.label("first_seen"),
            func.coalesce(counts.c.copies, 0).label("copies"),
            func.coalesce(counts.c.uncredited, 0).label("uncredited"),
        )
        .outerjoin(counts, counts.c.article_id == Article.id)
        .where(Article.source_id == source_id)
        .order_by(Article.published.desc().nulls_last(), Article.id.desc())
    )
    if since is not None:
        stmt = stmt.where(or_(Article.published >= since, Article.created_at >= since, counts.c.copies > 0))
    return [
        ArticleCopies(**{**row._mapping, "copies": int(row.copies), "uncredited": int(row.uncredited)})
        for row in session.execute(stmt)
    ]
