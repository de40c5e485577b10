"""The read API's endpoints: articles, URL look-up, sources, outgoing feeds and health."""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, BeforeValidator
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from aggregator.api import cursors
from aggregator.api.feed_documents import FeedSpec, render_atom, render_json_feed
from aggregator.api.schemas import (
    ArticleDetail,
    ArticlePage,
    ArticleSummary,
    Copy,
    CopyPage,
    Health,
    JsonFeed,
    Lookup,
    Republication,
    RepublicationPage,
    SourceList,
    SourceOut,
)
from aggregator.report import CopyRecord, copies_csv
from storage import queries
from storage.reports import CopyRow, copies_of_source
from storage.sources import REPUBLISHER, source_by_host

MAX_LIMIT = 100
DEFAULT_LIMIT = 20
DEFAULT_FEED_LIMIT = 50
DETAIL_REPUBLICATIONS = 100
SOURCE_LIST_TTL = 60.0  # seconds


class AtomResponse(Response):
    """An Atom document."""

    media_type = "application/atom+xml"


class ModelResponse(Response):
    """A JSON response rendered straight from a pydantic model.

    Endpoints return it instead of the model: FastAPI would otherwise validate the model again
    and serialise it in a second trip to the thread pool. The route's `response_model` still
    documents the body.
    """

    media_type = "application/json"

    def __init__(self, model: BaseModel, status_code: int = 200) -> None:
        super().__init__(model.model_dump_json().encode("utf-8"), status_code=status_code)


class JsonFeedResponse(JSONResponse):
    """A JSON Feed document."""

    media_type = "application/feed+json"


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A read session for one request, from the app's session factory.

    Async on purpose: a sync generator dependency costs two trips to the thread pool per
    request. Opening a Session touches no connection; the endpoint (run in the thread pool)
    checks one out on its first query, and closing returns it to the pool.
    """
    factory: sessionmaker[Session] = request.app.state.sessions
    session = factory()
    try:
        yield session
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_session)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Page size, at most {MAX_LIMIT}.")]
Host = Annotated[str, Path(max_length=255, description="The source's host, e.g. blog.example.org.")]


def _searchable(*values: str | None) -> bool:
    # No stored value contains NUL (PostgreSQL cannot even compare against one): such a
    # filter matches nothing, and must not reach the driver.
    return not any(v is not None and "\x00" in v for v in values)


def _utc(moment: datetime | None) -> datetime | None:
    """A datetime in UTC; a naive one is taken as UTC, one beyond the calendar is clamped."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        return (datetime.min if moment.year == 1 else datetime.max).replace(tzinfo=UTC)


_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}(:?\d{2})?)?")


def _iso_datetime_only(value: object) -> object:
    """Refuse what pydantic would otherwise take for a date: a number (a Unix timestamp)."""
    if isinstance(value, str) and not _ISO_DATETIME.fullmatch(value.strip()):
        raise ValueError("expected an ISO 8601 date-time such as 2026-03-01T12:00:00Z")
    return value


def _not_found(what: str) -> HTTPException:
    return HTTPException(status_code=404, detail=what)


def _page(session: Session, filters: queries.ArticleFilters, cursor: str | None, limit: int) -> ArticlePage:
    after = cursors.decode_article_cursor(cursor) if cursor else None
    # One row more than asked tells whether a next page exists without a count.
    rows = queries.list_article_page(session, filters=filters, after=after, limit=limit + 1)
    next_cursor = cursors.encode_article_cursor(rows[limit - 1].key) if len(rows) > limit else None
    return ArticlePage(items=[ArticleSummary.from_row(r) for r in rows[:limit]], next_cursor=next_cursor)


router = APIRouter()


@router.get("/articles", response_model=ArticlePage, tags=["articles"])
def list_articles(
    session: SessionDep,
    source: Annotated[str | None, Query(max_length=255, description="Host of the original's source.")] = None,
    author: Annotated[str | None, Query(max_length=500, description="Exact author name.")] = None,
    language: Annotated[str | None, Query(max_length=16, description="Language code, e.g. fr.")] = None,
    since: Annotated[
        datetime | None, BeforeValidator(_iso_datetime_only),
        Query(description="Published at or after this ISO 8601 date-time (UTC if no zone)."),
    ] = None,
    until: Annotated[
        datetime | None, BeforeValidator(_iso_datetime_only),
        Query(description="Published at or before this ISO 8601 date-time (UTC if no zone)."),
    ] = None,
    q: Annotated[
        str | None,
        Query(min_length=1, max_length=500, description='Full-text query: every word or "quoted phrase" must '
              "appear in the title, text or author."),
    ] = None,
    cursor: Annotated[
        str | None,
        Query(pattern=cursors.ARTICLE_CURSOR_PATTERN, description="The next_cursor of the previous page."),
    ] = None,
    limit: Limit = DEFAULT_LIMIT,
) -> ModelResponse:
    """Canonical articles, newest first (undated last), filtered, one page at a time."""
    if not _searchable(source, author, language, q):
        return ModelResponse(ArticlePage(items=[], next_cursor=None))
    filters = queries.ArticleFilters(
        source_host=source, author=author, language=language,
        published_since=_utc(since), published_until=_utc(until), query=q,
    )
    return ModelResponse(_page(session, filters, cursor, limit))


def _article_or_404(session: Session, article_id: str) -> queries.ArticleRow:
    row = queries.get_article(session, public_id=article_id) if _searchable(article_id) else None
    if row is None:
        raise _not_found(f"no article with id {article_id!r}")
    return row


ArticleId = Annotated[str, Path(max_length=64, description="The article's public id.")]


@router.get("/articles/{article_id}", response_model=ArticleDetail, tags=["articles"])
def get_article(session: SessionDep, article_id: ArticleId) -> ModelResponse:
    """One canonical article with its full text, aliases and first republications."""
    found = queries.get_article_with_text(session, public_id=article_id) if _searchable(article_id) else None
    if found is None:
        raise _not_found(f"no article with id {article_id!r}")
    row, text = found
    republications = queries.list_republications(
        session, article_id=row.id, after_id=None, limit=DETAIL_REPUBLICATIONS
    )
    count = len(republications)
    if count == DETAIL_REPUBLICATIONS:  # only then can there be more than we fetched
        count = queries.count_republications(session, article_id=row.id)
    summary = ArticleSummary.from_row(row)
    return ModelResponse(ArticleDetail(
        **summary.model_dump(),
        text=text,
        aliases=queries.article_aliases(session, article_id=row.id),
        republication_count=count,
        republications=[Republication.from_row(r) for r in republications],
    ))


@router.get("/articles/{article_id}/republications", response_model=RepublicationPage, tags=["articles"])
def list_republications(
    session: SessionDep,
    article_id: ArticleId,
    cursor: Annotated[
        str | None,
        Query(pattern=cursors.REPUBLICATION_CURSOR_PATTERN, description="The next_cursor of the previous page."),
    ] = None,
    limit: Limit = DEFAULT_LIMIT,
) -> ModelResponse:
    """Every republication of an article, in the order they were found, one page at a time."""
    row = _article_or_404(session, article_id)
    after_id = cursors.decode_id(cursor) if cursor else None
    reps = queries.list_republications(session, article_id=row.id, after_id=after_id, limit=limit + 1)
    next_cursor = str(reps[limit - 1].id) if len(reps) > limit else None
    return ModelResponse(RepublicationPage(
        article_id=row.public_id, items=[Republication.from_row(r) for r in reps[:limit]], next_cursor=next_cursor
    ))


def url_spellings(url: str) -> tuple[list[str], str]:
    """The exact spellings of `url` to look up (normalised first, then as given) and its match key.

    Raises ValueError for a string that is not an http(s) URL.
    """
    from aggregator.urls import normalise_url, url_match_key  # URL rules belong to the domain

    return list(dict.fromkeys([normalise_url(url), url.strip()])), url_match_key(url)


# What is not even shaped like an http(s) URL is refused (422) by validation; the rest is looked up.
HTTP_URL_PATTERN = r"^\s*[Hh][Tt][Tt][Pp][Ss]?://[^/?#\s]"


@router.get("/lookup", response_model=Lookup, tags=["articles"])
def lookup(
    session: SessionDep,
    url: Annotated[str, Query(min_length=1, max_length=4096, pattern=HTTP_URL_PATTERN,
                              description="Any http(s) URL: canonical, alias or republication, with or without "
                              "tracking parameters.")],
) -> ModelResponse:
    """The canonical article a URL belongs to, and the URL's role; for a copy, its kind and verdict."""
    match = None
    if _searchable(url):
        with contextlib.suppress(ValueError):  # shaped like a URL, yet unreadable: no article there
            spellings, key = url_spellings(url)
            match = queries.find_url(session, candidates=spellings, match_key=key)
    if match is None:
        raise _not_found(f"no article is known at {url!r}")
    copy = Republication.from_row(match.republication) if match.republication else None
    return ModelResponse(Lookup(url=url, matched_url=match.url, role=match.role,  # type: ignore[arg-type]
                                kind=copy.kind if copy else None, attribution=copy.attribution if copy else None,
                                republication=copy, article=ArticleSummary.from_row(match.article)))


class SourceListCache:
    """The list of sources with their counts, recomputed at most every `ttl` seconds.

    Counting every source's republications reads the whole republication index (seconds at
    millions of rows), too slow to repeat for every request; counts a minute old are fine.
    """

    def __init__(self, ttl: float = SOURCE_LIST_TTL) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._value: SourceList | None = None
        self._expires = 0.0

    def get(self, session: Session) -> SourceList:
        """The cached list, recomputed first when it is older than the TTL."""
        with self._lock:  # one recomputation at a time; the others wait for its result
            if self._value is None or time.monotonic() >= self._expires:
                self._value = SourceList(items=[SourceOut.from_stats(s) for s in queries.source_stats(session)])
                self._expires = time.monotonic() + self.ttl
            return self._value


@router.get("/sources", response_model=SourceList, tags=["sources"])
def list_sources(session: SessionDep, request: Request) -> ModelResponse:
    """Every source with its counts of articles and of republications elsewhere (at most a minute old)."""
    cache: SourceListCache = request.app.state.source_list
    return ModelResponse(cache.get(session))


Attribution = Literal["correct", "missing", "wrong", "intermediary"]


def _copies(session: Session, host: str, attribution: str | None, site: str | None,
            after_id: int | None, limit: int | None) -> list[CopyRow]:
    """A partner's copies elsewhere; a republisher's copies of others' articles (as in the report)."""
    source = source_by_host(session, host) if _searchable(host, site) else None
    if source is None:
        raise _not_found(f"no source with host {host!r}")
    return copies_of_source(session, source_id=source.id, republisher=source.role == REPUBLISHER,
                            attribution=attribution, site=site, after_id=after_id, limit=limit)


AttributionFilter = Annotated[Attribution | None,
                              Query(description="Only copies with this verdict (missing: no credit at all).")]
SiteFilter = Annotated[str | None, Query(max_length=255, description="Only copies on this republishing host.")]


@router.get("/sources/{host}/republications", response_model=CopyPage, tags=["sources"])
def list_source_copies(
    session: SessionDep,
    host: Host,
    attribution: AttributionFilter = None,
    site: SiteFilter = None,
    cursor: Annotated[
        str | None,
        Query(pattern=cursors.REPUBLICATION_CURSOR_PATTERN, description="The next_cursor of the previous page."),
    ] = None,
    limit: Limit = DEFAULT_LIMIT,
) -> ModelResponse:
    """Every copy of the source's articles on other sites, in the order they were found, one page at a time
    (for a republisher: the copies of others' articles found on its site)."""
    after_id = cursors.decode_id(cursor) if cursor else None
    rows = _copies(session, host, attribution, site, after_id, limit + 1)
    next_cursor = str(rows[limit - 1].id) if len(rows) > limit else None
    return ModelResponse(CopyPage(source=host, items=[Copy.from_row(r) for r in rows[:limit]],
                                  next_cursor=next_cursor))


CSV_DOC: dict[int | str, dict[str, Any]] = {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}


@router.get("/sources/{host}/republications.csv", response_class=Response, responses=CSV_DOC, tags=["sources"])
def download_source_copies(
    session: SessionDep,
    host: Host,
    attribution: AttributionFilter = None,
    site: SiteFilter = None,
) -> Response:
    """The source's copies as CSV for a spreadsheet: the columns of `aggregator report --format csv`, one row
    per copy, copies without credit first."""
    copies = sorted((CopyRecord(row) for row in _copies(session, host, attribution, site, None, None)),
                    key=CopyRecord.sort_key)
    filename = f"{host}-republications.csv"
    return Response(copies_csv(copies), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/sources/{host}", response_model=SourceOut, tags=["sources"])
def get_source(session: SessionDep, host: Host) -> ModelResponse:
    """One source with its counts."""
    stats = queries.source_stats(session, host=host) if _searchable(host) else []
    if not stats:
        raise _not_found(f"no source with host {host!r}")
    return ModelResponse(SourceOut.from_stats(stats[0]))


FeedLimit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Entries, at most {MAX_LIMIT}.")]


def _feed_rows(
    session: Session, request: Request, host: str | None, limit: int
) -> tuple[FeedSpec, list[queries.ArticleRow]]:
    if host is not None and not (_searchable(host) and queries.source_exists(session, host=host)):
        raise _not_found(f"no source with host {host!r}")
    filters = queries.ArticleFilters(source_host=host)
    rows = queries.list_article_page(session, filters=filters, after=None, limit=limit)
    base = str(request.base_url).rstrip("/")
    spec = FeedSpec(
        title=f"Articles from {host}" if host else "Canonical articles",
        feed_url=str(request.url),
        home_url=f"{base}/articles?source={host}" if host else f"{base}/articles",
        author=host or "syndication-aggregator",
    )
    return spec, rows


ATOM_DOC: dict[int | str, dict[str, Any]] = {200: {"content": {"application/atom+xml": {"schema": {"type": "string"}}}}}


@router.get("/feeds/articles.atom", response_class=AtomResponse, responses=ATOM_DOC, tags=["feeds"])
def atom_feed(session: SessionDep, request: Request, limit: FeedLimit = DEFAULT_FEED_LIMIT) -> AtomResponse:
    """The newest canonical articles as an Atom 1.0 feed."""
    return AtomResponse(render_atom(*_feed_rows(session, request, None, limit)))


@router.get("/feeds/articles.json", response_model=JsonFeed, response_class=JsonFeedResponse, tags=["feeds"])
def json_feed(session: SessionDep, request: Request, limit: FeedLimit = DEFAULT_FEED_LIMIT) -> JsonFeedResponse:
    """The newest canonical articles as a JSON Feed 1.1."""
    return JsonFeedResponse(render_json_feed(*_feed_rows(session, request, None, limit)))


@router.get("/feeds/sources/{host}.atom", response_class=AtomResponse, responses=ATOM_DOC, tags=["feeds"])
def source_atom_feed(
    session: SessionDep, request: Request, host: Host, limit: FeedLimit = DEFAULT_FEED_LIMIT
) -> AtomResponse:
    """The newest canonical articles of one source as an Atom 1.0 feed."""
    return AtomResponse(render_atom(*_feed_rows(session, request, host, limit)))


@router.get("/feeds/sources/{host}.json", response_model=JsonFeed, response_class=JsonFeedResponse,
            tags=["feeds"])
def source_json_feed(
    session: SessionDep, request: Request, host: Host, limit: FeedLimit = DEFAULT_FEED_LIMIT
) -> JsonFeedResponse:
    """The newest canonical articles of one source as a JSON Feed 1.1."""
    return JsonFeedResponse(render_json_feed(*_feed_rows(session, request, host, limit)))


health_router = APIRouter()


@health_router.get("/healthz", response_model=Health, tags=["health"])
def healthz(session: SessionDep) -> ModelResponse:
    """Whether the service runs and its database answers a query."""
    session.execute(text("SELECT 1"))
    return ModelResponse(Health(status="ok", database=session.get_bind().dialect.name))
