"""Read queries of the downstream API: pages of canonical articles, look-ups and counts.

Pages are newest first, ordered by (published DESC, id DESC) with undated articles last, and
paginated by keyset (the last row's key), never by offset: a page boundary stays where it
was when articles are inserted, and a deep page costs the same as the first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import CompoundSelect, Integer, Select, bindparam, case, func, literal, select, tuple_, union_all
from sqlalchemy.orm import Session

from storage.articles import Article, Republication, UrlAlias
from storage.search import match_count_statement, matching_article_ids, search_parameters, search_terms
from storage.sources import Source

EXCERPT_CHARS = 300

# A SELECT of any number of columns.
AnySelect = Select[*tuple[Any, ...]]


@dataclass(frozen=True)
class ArticleFilters:
    """Which canonical articles a page holds; None means "any"."""

    source_host: str | None = None
    author: str | None = None
    language: str | None = None
    published_since: datetime | None = None
    published_until: datetime | None = None
    query: str | None = None


@dataclass(frozen=True)
class ArticleKey:
    """The sort key of an article in newest-first order: where the next page starts."""

    published: datetime | None
    id: int


@dataclass(frozen=True)
class ArticleRow:
    """A canonical article as the API lists it (an excerpt, not the whole text)."""

    id: int
    public_id: str
    url: str
    source_host: str
    title: str | None
    author: str | None
    language: str | None
    published: datetime | None
    updated: datetime | None
    first_seen: datetime
    excerpt: str

    @property
    def key(self) -> ArticleKey:
        """This row's position in newest-first order."""
        return ArticleKey(self.published, self.id)


@dataclass(frozen=True)
class RepublicationRow:
    """A page elsewhere that republishes an article."""

    id: int
    url: str
    site: str
    title: str | None
    published: datetime | None
    kind: str | None
    attribution: str | None
    claimed_source_host: str | None
    claimed_author: str | None
    via: str | None
    containment: float | None
    first_seen: datetime


@dataclass(frozen=True)
class UrlMatch:
    """What a URL is to the database: the article it belongs to and its role."""

    url: str
    role: str  # "canonical", "alias" or "republication"
    article: ArticleRow
    republication: RepublicationRow | None = None  # the copy, when the URL is one


@dataclass(frozen=True)
class SourceStats:
    """A source with the counts downstream sites ask about."""

    host: str
    name: str
    home_url: str
    role: str
    language: str | None
    articles: int
    republications: int
    unattributed: int
    wrongly_attributed: int
    via_intermediary: int

    @property
    def by_verdict(self) -> dict[str, int]:
        """The republications by attribution verdict."""
        uncredited = self.unattributed + self.wrongly_attributed + self.via_intermediary
        return {"missing": self.unattributed, "wrong": self.wrongly_attributed,
                "intermediary": self.via_intermediary, "correct": self.republications - uncredited}


def _article_columns() -> AnySelect:
    stmt: AnySelect = select(
        Article.id,
        Article.public_id,
        Article.url,
        Source.host.label("source_host"),
        Article.title,
        Article.author,
        Article.language,
        Article.published,
        Article.updated,
        Article.created_at.label("first_seen"),
        func.substr(Article.text, 1, EXCERPT_CHARS).label("excerpt"),
    ).join(Source, Source.id == Article.source_id)
    return stmt


def _article_row(row: Any) -> ArticleRow:
    return ArticleRow(**row._mapping)


@dataclass(frozen=True)
class _PageShape:
    """What a page query looks like, apart from its parameter values: the key of its statement."""

    dialect: str
    source: bool
    author: bool
    language: bool
    since: bool
    until: bool
    terms: int  # number of search terms; 0 for no search
    walk: bool  # for a search: walk the newest-first index, testing matches (see _walk_index)
    dated: bool  # the dated segment (published DESC, id DESC) or the undated one (id DESC)
    after: bool


def _search_condition(dialect: str, term_count: int, *, walk: bool) -> Any:
    """The WHERE condition of a search, spelled so that each engine takes the plan we chose.

    Sort plan: find the matches first, then read and sort them. Walk plan: walk the newest-first
    index and test each row against the set of matches, built once.
    """
    matches = matching_article_ids(dialect, term_count)
    if dialect == "postgresql":
        if walk:
            # A sublink under IS TRUE is not turned into a join: it becomes a hashed SubPlan
            # tested row by row, instead of one probe of the search table per row walked.
            return Article.id.in_(matches).is_(True)
        # A materialised CTE is computed first; PostgreSQL's estimate of how many articles
        # a term matches is too coarse to rely on for this choice.
        found = matches.cte("matches").prefix_with("MATERIALIZED")
        return Article.id.in_(select(found.c.article_id))
    # SQLite: `id + 0` is the same value, but the planner can no longer look rows up by it,
    # so it walks the date index instead.
    return (Article.id + 0 if walk else Article.id).in_(matches)


@lru_cache(maxsize=256)
def _page_statement(shape: _PageShape) -> AnySelect:
    """The SELECT of one page segment, with every value a bind parameter; built once per shape.

    Building a statement costs more than executing a cached one, and the API builds the same
    few shapes over and over.
    """
    # The page's keys are chosen first, on (published, id) alone, so a search sorts narrow
    # rows and the date index can answer without reading the table; then only the page's
    # rows are read whole.
    keys = select(Article.id, Article.published)
    if shape.source:
        # A scalar subquery, not a join on host: the planner then walks the
        # (source_id, published, id) index in order.
        source_id = select(Source.id).where(Source.host == bindparam("source_host")).scalar_subquery()
        keys = keys.where(Article.source_id == source_id)
    if shape.author:
        keys = keys.where(Article.author == bindparam("author"))
    if shape.language:
        keys = keys.where(Article.language == bindparam("language"))
    if shape.since:
        keys = keys.where(Article.published >= bindparam("since"))
    if shape.until:
        keys = keys.where(Article.published <= bindparam("until"))
    if shape.terms:
        keys = keys.where(_search_condition(shape.dialect, shape.terms, walk=shape.walk))
    after_id = bindparam("after_id", type_=Integer)
    if shape.dated:
        keys = keys.where(Article.published.is_not(None))
        if shape.after:
            after_published = bindparam("after_published", type_=Article.published.type)
            keys = keys.where(tuple_(Article.published, Article.id) < tuple_(after_published, after_id))
        keys = keys.order_by(Article.published.desc(), Article.id.desc())
    else:
        keys = keys.where(Article.published.is_(None))
        if shape.after:
            keys = keys.where(Article.id < after_id)
        keys = keys.order_by(Article.id.desc())
    page = keys.limit(bindparam("limit", type_=Integer)).subquery("page")
    stmt = _article_columns().join(page, page.c.id == Article.id)
    if shape.dated:
        return stmt.order_by(page.c.published.desc(), page.c.id.desc())
    return stmt.order_by(page.c.id.desc())


# Measured at 1M articles on SQLite (warm cache): fetching and sorting every match costs about
# 3 µs a match; walking the newest-first index costs about 1 µs a row, and a page of 21 needs
# 21 * articles / matches rows. Walking wins when matches**2 > 7 * articles.
WALK_FACTOR = 7


def _walk_index(session: Session, dialect: str, terms: list[str]) -> bool:
    """Whether a search is common enough that walking the date index beats sorting its matches."""
    largest_id = session.execute(select(func.max(Article.id))).scalar() or 0
    cap = math.isqrt(WALK_FACTOR * largest_id) + 1
    params = {"cap": cap, **search_parameters(dialect, terms)}
    matches = session.execute(_match_count_statement(dialect, len(terms)), params).scalar_one()
    return bool(matches >= cap)


@lru_cache(maxsize=64)
def _match_count_statement(dialect: str, term_count: int) -> Any:
    return match_count_statement(dialect, term_count)


def list_article_page(
    session: Session, *, filters: ArticleFilters, after: ArticleKey | None, limit: int
) -> list[ArticleRow]:
    """Up to `limit` canonical articles matching `filters`, newest first, after the key `after`.

    Dated articles come first, then undated ones by descending id. The two segments are read
    by separate index-friendly queries rather than one OR, so each is an index range scan.
    """
    dialect = session.get_bind().dialect.name
    terms = search_terms(filters.query) if filters.query is not None else []
    if filters.query is not None and not terms:
        return []  # a query without a single word matches nothing
    params: dict[str, Any] = {
        "source_host": filters.source_host,
        "author": filters.author,
        "language": filters.language,
        "since": filters.published_since,
        "until": filters.published_until,
        **(search_parameters(dialect, terms) if terms else {}),
    }

    walk = bool(terms) and _walk_index(session, dialect, terms)

    def shape(*, dated: bool, after: bool) -> _PageShape:
        return _PageShape(
            dialect=dialect, source=filters.source_host is not None, author=filters.author is not None,
            language=filters.language is not None, since=filters.published_since is not None,
            until=filters.published_until is not None, terms=len(terms), walk=walk, dated=dated, after=after,
        )

    def fetch(segment: _PageShape, **values: Any) -> list[ArticleRow]:
        # Parameters the statement does not use are ignored.
        return [_article_row(r) for r in session.execute(_page_statement(segment), {**params, **values})]

    rows: list[ArticleRow] = []
    if after is None or after.published is not None:
        cursor = {"after_published": after.published, "after_id": after.id} if after else {}
        rows += fetch(shape(dated=True, after=after is not None), limit=limit, **cursor)
    # A date range never matches an undated article.
    if len(rows) < limit and not (filters.published_since or filters.published_until):
        resume = after is not None and after.published is None
        cursor = {"after_id": after.id} if resume and after else {}
        rows += fetch(shape(dated=False, after=resume), limit=limit - len(rows), **cursor)
    return rows


@lru_cache(maxsize=1)
def _statements() -> dict[str, Any]:
    """The fixed-shape statements of the read path, built once (their values are bind parameters)."""
    by_public_id = Article.public_id == bindparam("public_id")
    copy_columns = select(
        Republication.id,
        Republication.url,
        Republication.site,
        Republication.title,
        Republication.published,
        Republication.kind,
        Republication.attribution,
        Republication.claimed_source_host,
        Republication.claimed_author,
        Republication.via,
        Republication.containment,
        Republication.first_seen,
    )
    republication_columns = copy_columns.where(Republication.article_id == bindparam("article_id"))
    limit = bindparam("limit", type_=Integer)
    return {
        "article": _article_columns().where(by_public_id),
        "article_by_id": _article_columns().where(Article.id == bindparam("id")),
        "article_with_text": _article_columns().add_columns(Article.text.label("full_text")).where(by_public_id),
        "aliases": select(UrlAlias.url).where(UrlAlias.article_id == bindparam("article_id")).order_by(UrlAlias.url),
        "republication_count": select(func.count())
        .select_from(Republication)
        .where(Republication.article_id == bindparam("article_id")),
        "republications": republication_columns.order_by(Republication.id).limit(limit),
        "republications_after": republication_columns.where(Republication.id > bindparam("after_id", type_=Integer))
        .order_by(Republication.id)
        .limit(limit),
        "republication_by_url": copy_columns.where(Republication.url == bindparam("url")),
        "urls_exact": _known_urls(lambda model: model.url.in_(bindparam("urls", expanding=True))),
        "urls_by_key": _known_urls(lambda model: model.url_key == bindparam("key")),
    }


def get_article(session: Session, *, public_id: str) -> ArticleRow | None:
    """The canonical article whose public id is `public_id`."""
    row = session.execute(_statements()["article"], {"public_id": public_id}).first()
    return _article_row(row) if row is not None else None


def get_article_with_text(session: Session, *, public_id: str) -> tuple[ArticleRow, str] | None:
    """The canonical article whose public id is `public_id`, and its full extracted text."""
    row = session.execute(_statements()["article_with_text"], {"public_id": public_id}).first()
    if row is None:
        return None
    mapping = dict(row._mapping)
    text = mapping.pop("full_text")
    return ArticleRow(**mapping), text


def article_aliases(session: Session, *, article_id: int) -> list[str]:
    """The alias URLs of an article, sorted."""
    return list(session.scalars(_statements()["aliases"], {"article_id": article_id}))


def count_republications(session: Session, *, article_id: int) -> int:
    """How many republications an article has."""
    return int(session.execute(_statements()["republication_count"], {"article_id": article_id}).scalar_one())


def list_republications(
    session: Session, *, article_id: int, after_id: int | None, limit: int
) -> list[RepublicationRow]:
    """Up to `limit` republications of an article in the order they were stored, after `after_id`."""
    if after_id is None:
        rows = session.execute(_statements()["republications"], {"article_id": article_id, "limit": limit})
    else:
        params = {"article_id": article_id, "after_id": after_id, "limit": limit}
        rows = session.execute(_statements()["republications_after"], params)
    return [RepublicationRow(**r._mapping) for r in rows]


def _known_urls(condition: Any) -> CompoundSelect[Any]:
    """Stored URLs of all three kinds (with role and article) whose url or url_key meets `condition`."""
    return union_all(
        select(Article.url, literal("canonical").label("role"), Article.id.label("article_id"))
        .where(condition(Article)),
        select(UrlAlias.url, literal("alias"), UrlAlias.article_id).where(condition(UrlAlias)),
        # A provisional republication (original not seen yet) belongs to no article so far.
        select(Republication.url, literal("republication"), Republication.article_id)
        .where(condition(Republication), Republication.article_id.is_not(None)),
    )


def find_url(session: Session, *, candidates: list[str], match_key: str | None = None) -> UrlMatch | None:
    """The canonical article behind a URL, and the URL's role.

    `candidates` are exact spellings, most specific first; all three unique URL indexes are
    probed in one round trip. When none matches, `match_key` (the lossy key of
    aggregator.urls.url_match_key: no scheme, no www., no trailing slash) is tried the same way.
    """
    spellings = list(dict.fromkeys(candidates))
    found: dict[str, tuple[str, int]] = {}
    if spellings:
        rows = session.execute(_statements()["urls_exact"], {"urls": spellings})
        found = {row.url: (row.role, row.article_id) for row in rows}
    match = next(((url, *found[url]) for url in spellings if url in found), None)
    if match is None and match_key is not None:
        rows = session.execute(_statements()["urls_by_key"], {"key": match_key})
        # Several stored spellings can share a key: prefer the canonical URL, then the oldest.
        ranked = sorted(rows, key=lambda r: (_ROLE_ORDER[r.role], r.article_id, r.url))
        match = (ranked[0].url, ranked[0].role, ranked[0].article_id) if ranked else None
    if match is None:
        return None
    url, role, article_id = match
    row = session.execute(_statements()["article_by_id"], {"id": article_id}).one()
    copy = None
    if role == "republication":
        found_copy = session.execute(_statements()["republication_by_url"], {"url": url}).one()
        copy = RepublicationRow(**found_copy._mapping)
    return UrlMatch(url=url, role=role, article=_article_row(row), republication=copy)


_ROLE_ORDER = {"canonical": 0, "alias": 1, "republication": 2}


def source_stats(session: Session, *, host: str | None = None) -> list[SourceStats]:
    """Every source (or the one of `host`) with its article and republication counts, by host.

    A partner's republications are the copies of its articles elsewhere; a republisher's are the
    copies found on its own site. Both with their counts by verdict.
    """
    article_counts = (
        select(Article.source_id, func.count().label("n"))
        .group_by(Article.source_id)
        .subquery("article_counts")
    )
    republication_counts = (
        select(
            Article.source_id,
            func.count().label("n"),
            func.sum(case((Republication.attribution == "missing", 1), else_=0)).label("missing"),
            func.sum(case((Republication.attribution == "wrong", 1), else_=0)).label("wrong"),
            func.sum(case((Republication.attribution == "intermediary", 1), else_=0)).label("intermediary"),
        )
        .join(Article, Article.id == Republication.article_id)
        .group_by(Article.source_id)
    )
    copies_made = (
        select(
            Republication.source_id,
            func.count().label("n"),
            func.sum(case((Republication.attribution == "missing", 1), else_=0)).label("missing"),
            func.sum(case((Republication.attribution == "wrong", 1), else_=0)).label("wrong"),
            func.sum(case((Republication.attribution == "intermediary", 1), else_=0)).label("intermediary"),
        )
        .where(Republication.article_id.is_not(None))
        .group_by(Republication.source_id)
    )
    sources = select(Source.id).order_by(Source.host)
    if host is not None:
        source_id = session.scalar(select(Source.id).where(Source.host == host))
        if source_id is None:
            return []
        # Restrict the aggregates too: one source's counts must not cost a whole-table scan.
        article_counts = (
            select(Article.source_id, func.count().label("n"))
            .where(Article.source_id == source_id)
            .group_by(Article.source_id)
            .subquery("article_counts")
        )
        republication_counts = republication_counts.where(Article.source_id == source_id)
        copies_made = copies_made.where(Republication.source_id == source_id)
        sources = sources.where(Source.id == source_id)
    of_articles = republication_counts.subquery("republication_counts")
    on_site = copies_made.subquery("copies_made")
    republisher = Source.role == "republisher"

    def count(column: str) -> Any:
        return func.coalesce(case((republisher, on_site.c[column]), else_=of_articles.c[column]), 0)

    stmt = (
        select(
            Source.host,
            Source.name,
            Source.home_url,
            Source.role,
            Source.language,
            func.coalesce(article_counts.c.n, 0).label("articles"),
            count("n").label("republications"),
            count("missing").label("unattributed"),
            count("wrong").label("wrongly_attributed"),
            count("intermediary").label("via_intermediary"),
        )
        .outerjoin(article_counts, article_counts.c.source_id == Source.id)
        .outerjoin(of_articles, of_articles.c.source_id == Source.id)
        .outerjoin(on_site, on_site.c.source_id == Source.id)
        .where(Source.id.in_(sources))
        .order_by(Source.host)
    )
    return [
        SourceStats(
            host=r.host,
            name=r.name,
            home_url=r.home_url,
            role=r.role,
            language=r.language,
            articles=int(r.articles),
            republications=int(r.republications),
            unattributed=int(r.unattributed),
            wrongly_attributed=int(r.wrongly_attributed),
            via_intermediary=int(r.via_intermediary),
        )
        for r in session.execute(stmt)
    ]


def source_exists(session: Session, *, host: str) -> bool:
    """Whether a source with this host exists."""
    return session.scalar(select(Source.id).where(Source.host == host)) is not None
