"""Canonical articles, their URL aliases and their republications elsewhere."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Integer, String, Table, Text, bindparam, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.base import Base, UTCDateTime, utcnow
from storage.upsert import upsert, upsert_statement

KINDS = ("full", "excerpt", "edited")
ATTRIBUTIONS = ("correct", "missing", "wrong", "intermediary")


class Article(Base):
    """The canonical article: the original of a story, on its partner blog."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    url_key: Mapped[str] = mapped_column(Text, index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id", ondelete="SET NULL"), unique=True)
    title: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)
    published: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    updated: Mapped[datetime | None] = mapped_column(UTCDateTime)
    language: Mapped[str | None] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    text_hash: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class UrlAlias(Base):
    """Another URL of a canonical article: a short link, a URL with tracking parameters..."""

    __tablename__ = "url_aliases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    url_key: Mapped[str] = mapped_column(Text, index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Republication(Base):
    """A page elsewhere that republishes a canonical article, and what it claims about its source.

    A republication whose original has not been seen yet is provisional: `article_id`, `kind`
    and `attribution` stay empty until matching attaches it to its canonical article.
    """

    __tablename__ = "republications"
    __table_args__ = (
        CheckConstraint("kind IN ('full', 'excerpt', 'edited')", name="kind"),
        CheckConstraint("attribution IN ('correct', 'missing', 'wrong', 'intermediary')", name="attribution"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"), index=True)
    page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id", ondelete="SET NULL"), unique=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    url_key: Mapped[str] = mapped_column(Text, index=True)
    site: Mapped[str] = mapped_column(String(255), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)
    published: Mapped[datetime | None] = mapped_column(UTCDateTime)
    language: Mapped[str | None] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text, default="")
    match_text: Mapped[str] = mapped_column(Text, default="")
    text_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    claims: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    credit_lines: Mapped[list[str]] = mapped_column(JSON, default=list)
    claimed_source_host: Mapped[str | None] = mapped_column(String(255))
    claimed_source_url: Mapped[str | None] = mapped_column(Text)
    claimed_author: Mapped[str | None] = mapped_column(Text)
    credit_evidence: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """What processing kept for verification: the page's own resolved claim (`claimed`: source_host,
    source_url, author) and its credit positions (`positions`). The claimed_* columns hold the
    final claim, which matching refines once it knows the original."""
    attribution_evidence: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """The mention that decided the verdict (what, how, text, line, where), when one did."""
    kind: Mapped[str | None] = mapped_column(String(16))
    attribution: Mapped[str | None] = mapped_column(String(16))
    via: Mapped[str | None] = mapped_column(Text)
    containment: Mapped[float | None] = mapped_column(Float)
    coverage: Mapped[float | None] = mapped_column(Float)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    matched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def public_article_id(url: str) -> str:
    """A stable public id for the article first stored at `url`: the same on every database."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


_EXISTING_ARTICLE = select(Article.id, Article.text_hash).where(Article.url == bindparam("url"))
_ARTICLES_AT = select(Article.url, Article.id, Article.text_hash).where(
    Article.url.in_(bindparam("urls", expanding=True))
)
_ARTICLE_UPDATED = ("source_id", "page_id", "title", "author", "published", "updated", "language", "text", "text_hash",
                    "updated_at")


def upsert_article(
    session: Session,
    *,
    url: str,
    url_key: str,
    source_id: int,
    page_id: int | None,
    title: str | None,
    author: str | None,
    published: datetime | None,
    updated: datetime | None,
    language: str | None,
    text: str,
    text_hash: str,
) -> tuple[int, bool, bool]:
    """Create or refresh the canonical article at `url` (`url_key`: its lossy match key).

    Returns (id, created, text changed): a new article counts as changed.
    """
    existing = session.connection().execute(_EXISTING_ARTICLE, {"url": url}).first()
    now = utcnow()
    article_id = upsert(
        session,
        Article.__table__,  # type: ignore[arg-type]
        {
            "public_id": public_article_id(url),
            "url": url,
            "url_key": url_key,
            "source_id": source_id,
            "page_id": page_id,
            "title": title,
            "author": author,
            "published": published,
            "updated": updated,
            "language": language,
            "text": text,
            "text_hash": text_hash,
            "created_at": now,
            "updated_at": now,
        },
        conflict=["url"],
        update=["source_id", "page_id", "title", "author", "published", "updated", "language", "text",
                "text_hash", "updated_at"],
    )
    return int(article_id), existing is None, existing is None or existing.text_hash != text_hash


def upsert_articles(session: Session, articles: Sequence[Mapping[str, Any]]) -> list[tuple[int, bool, bool]]:
    """`upsert_article` of several articles (each a mapping of its keyword arguments), in order, as
    one statement: (id, created, text changed) of each.

    The rows are executed in turn (executemany, not one multi-row VALUES), so an address twice in
    the list is created by the first and refreshed by the second, as two calls would do.
    """
    if not articles:
        return []
    connection = session.connection()
    urls = sorted({a["url"] for a in articles})
    hashes = {row.url: row.text_hash for row in connection.execute(_ARTICLES_AT, {"urls": urls})}
    now = utcnow()
    rows, outcome = [], []
    for article in articles:
        url = article["url"]
        before = hashes.get(url)
        outcome.append((url, before is None, before is None or before != article["text_hash"]))
        hashes[url] = article["text_hash"]
        rows.append({**{c: article[c] for c in _ARTICLE_COLUMNS}, "public_id": public_article_id(url),
                     "created_at": now, "updated_at": now})
    table = cast(Table, Article.__table__)
    connection.execute(upsert_statement(connection.dialect.name, table, tuple(sorted(rows[0])), ("url",),
                                        _ARTICLE_UPDATED, None), rows)
    ids = {row.url: row.id for row in connection.execute(_ARTICLES_AT, {"urls": urls})}
    return [(int(ids[url]), created, changed) for url, created, changed in outcome]


_ARTICLE_COLUMNS = ("url", "url_key", "source_id", "page_id", "title", "author", "published", "updated", "language",
                    "text", "text_hash")


def add_alias(session: Session, *, url: str, url_key: str, article_id: int) -> None:
    """Record `url` (lossy match key `url_key`) as another address of an article (idempotent)."""
    upsert(
        session,
        UrlAlias.__table__,  # type: ignore[arg-type]
        {"url": url, "url_key": url_key, "article_id": article_id, "created_at": utcnow()},
        conflict=["url"],
        update=["article_id"],
        returning=None,
    )


def add_aliases(session: Session, aliases: Sequence[tuple[str, str, int]]) -> None:
    """`add_alias` of several (url, url_key, article_id), in order, as one statement (executemany)."""
    if not aliases:
        return
    connection = session.connection()
    now = utcnow()
    connection.execute(
        upsert_statement(connection.dialect.name, cast(Table, UrlAlias.__table__),
                         ("article_id", "created_at", "url", "url_key"), ("url",), ("article_id",), None),
        [{"url": url, "url_key": url_key, "article_id": article_id, "created_at": now}
         for url, url_key, article_id in aliases],
    )


def list_articles(session: Session) -> list[Article]:
    """Every canonical article, newest first, then by URL (a stable order)."""
    return list(session.scalars(select(Article).order_by(Article.published.desc(), Article.url)))


def aliases_by_article(session: Session) -> dict[int, list[str]]:
    """Alias URLs of every article, sorted."""
    out: dict[int, list[str]] = {}
    for url, article_id in session.execute(select(UrlAlias.url, UrlAlias.article_id).order_by(UrlAlias.url)):
        out.setdefault(article_id, []).append(url)
    return out


def republications_by_article(session: Session) -> dict[int, list[Republication]]:
    """Republications of every article, by URL."""
    out: dict[int, list[Republication]] = {}
    stmt = select(Republication).where(Republication.article_id.is_not(None)).order_by(Republication.url)
    for rep in session.scalars(stmt):
        assert rep.article_id is not None
        out.setdefault(rep.article_id, []).append(rep)
    return out
