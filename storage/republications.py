"""Republications: copies of canonical articles found on other sites, matched or provisional."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from aggregator.urls import url_match_key
from storage.articles import Article, Republication, UrlAlias
from storage.base import utcnow
from storage.sources import Source
from storage.upsert import upsert


def upsert_republication(
    session: Session,
    *,
    page_id: int | None,
    source_id: int | None,
    url: str,
    site: str,
    title: str | None,
    author: str | None,
    published: datetime | None,
    language: str | None,
    text: str,
    match_text: str,
    text_hash: str,
    claims: list[dict[str, Any]],
    credit_lines: list[str],
    claimed_source_host: str | None,
    claimed_source_url: str | None,
    claimed_author: str | None,
) -> int:
    """Store what a republisher's page says; it waits for matching (matched_at cleared).

    Its current match, if any, is kept until matching decides again, so readers never see a
    republication vanish between two runs.
    """
    values: dict[str, Any] = {
        "page_id": page_id, "source_id": source_id, "url": url, "url_key": url_match_key(url), "site": site,
        "title": title, "author": author, "published": published, "language": language, "text": text,
        "match_text": match_text, "text_hash": text_hash, "claims": claims, "credit_lines": credit_lines,
        "claimed_source_host": claimed_source_host, "claimed_source_url": claimed_source_url,
        "claimed_author": claimed_author, "first_seen": utcnow(), "matched_at": None,
    }
    update_cols = [c for c in values if c != "first_seen"]
    return int(upsert(session, Republication.__table__, values, conflict=["url"], update=update_cols))  # type: ignore[arg-type]


def republication_ids_to_match(session: Session) -> list[int]:
    """Republications never matched since they changed, and provisional ones (no original yet)."""
    stmt = select(Republication.id).where(
        or_(Republication.matched_at.is_(None), Republication.article_id.is_(None))
    ).order_by(Republication.id)
    return list(session.scalars(stmt))


def get_republications(session: Session, ids: Sequence[int]) -> list[Republication]:
    """The republications of `ids`, by id."""
    if not ids:
        return []
    return list(session.scalars(select(Republication).where(Republication.id.in_(ids)).order_by(Republication.id)))


def set_match(
    session: Session,
    *,
    republication_id: int,
    article_id: int | None,
    kind: str | None,
    containment: float | None,
    coverage: float | None,
) -> None:
    """Attach a republication to its canonical article (or leave it provisional with None)."""
    values: dict[str, Any] = {
        "article_id": article_id, "kind": kind, "containment": containment, "coverage": coverage,
        "matched_at": utcnow(),
    }
    if article_id is None:
        values.update(attribution=None, via=None)
    session.execute(update(Republication).where(Republication.id == republication_id).values(**values))


def set_verdict(session: Session, *, republication_id: int, attribution: str, via: str | None) -> None:
    """Record the attribution verdict of a matched republication."""
    session.execute(
        update(Republication).where(Republication.id == republication_id).values(attribution=attribution, via=via)
    )


def republications_of(session: Session, article_ids: Sequence[int]) -> list[Republication]:
    """Every republication attached to these articles, by URL."""
    if not article_ids:
        return []
    stmt = select(Republication).where(Republication.article_id.in_(article_ids)).order_by(Republication.url)
    return list(session.scalars(stmt))


def articles_with_text_hash(session: Session, text_hash: str) -> list[int]:
    """Articles whose normalised text is exactly this one."""
    return list(session.scalars(select(Article.id).where(Article.text_hash == text_hash).order_by(Article.id)))


def article_for_url(session: Session, url: str) -> int | None:
    """The canonical article at this address: its own URL or an alias, spelled any usual way."""
    found = session.scalar(select(Article.id).where(Article.url == url))
    if found is None:
        found = session.scalar(select(UrlAlias.article_id).where(UrlAlias.url == url))
    if found is None:
        key = url_match_key(url)
        found = session.scalar(select(Article.id).where(Article.url_key == key).order_by(Article.id).limit(1))
        if found is None:
            found = session.scalar(
                select(UrlAlias.article_id).where(UrlAlias.url_key == key).order_by(UrlAlias.id).limit(1)
            )
    return found


def article_texts(session: Session, ids: Sequence[int]) -> dict[int, tuple[str | None, str, str]]:
    """(title, text, source host) of each article of `ids`."""
    if not ids:
        return {}
    stmt = (
        select(Article.id, Article.title, Article.text, Source.host)
        .join(Source, Source.id == Article.source_id)
        .where(Article.id.in_(ids))
    )
    return {row.id: (row.title, row.text, row.host) for row in session.execute(stmt)}


def republication_for_url(session: Session, url: str) -> Republication | None:
    """The republication stored at this address (matched or provisional), spelled any usual way."""
    found = session.scalars(select(Republication).where(Republication.url == url)).first()
    if found is None:
        found = session.scalars(
            select(Republication).where(Republication.url_key == url_match_key(url)).order_by(Republication.id)
        ).first()
    return found


def article_summary(session: Session, article_id: int) -> tuple[str, str | None, str, str] | None:
    """(url, title, source host, public id) of an article."""
    row = session.execute(
        select(Article.url, Article.title, Source.host, Article.public_id)
        .join(Source, Source.id == Article.source_id)
        .where(Article.id == article_id)
    ).first()
    return (row.url, row.title, row.host, row.public_id) if row else None


def set_text(session: Session, *, republication_id: int, text: str) -> None:
    """Replace the clean text of a republication."""
    session.execute(update(Republication).where(Republication.id == republication_id).values(text=text))


def requeue_for_matching(session: Session, ids: Sequence[int]) -> None:
    """Send these republications back to matching (their candidates changed)."""
    for start in range(0, len(ids), 500):
        session.execute(
            update(Republication).where(Republication.id.in_(ids[start : start + 500])).values(matched_at=None)
        )
