"""Response bodies of the read API: the public shape of the data, independent of the tables."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from storage.queries import ArticleRow, RepublicationRow, SourceStats
from storage.reports import CopyRow


class ErrorBody(BaseModel):
    """Every error: a machine-readable code, a sentence for humans, and details when useful."""

    error: str = Field(description="A short code: not_found, invalid_parameter, unauthorized...")
    message: str = Field(description="What went wrong, in a sentence.")
    details: list[dict[str, object]] | None = Field(
        default=None, description="Per-parameter problems of a 422 response."
    )


class ArticleSummary(BaseModel):
    """A canonical article as listed: an excerpt of its text."""

    id: str = Field(description="The article's public id, stable across databases.")
    url: str = Field(description="The canonical URL, on the partner's site.")
    source: str = Field(description="Host of the source that published the original.")
    title: str | None
    author: str | None
    language: str | None
    published: datetime | None
    updated: datetime | None
    first_seen: datetime = Field(description="When the aggregator first stored the article.")
    excerpt: str = Field(description="The first characters of the text.")

    @classmethod
    def from_row(cls, row: ArticleRow) -> ArticleSummary:
        """The public view of a stored article row."""
        return cls(
            id=row.public_id,
            url=row.url,
            source=row.source_host,
            title=row.title,
            author=row.author,
            language=row.language,
            published=row.published,
            updated=row.updated,
            first_seen=row.first_seen,
            excerpt=row.excerpt,
        )


class Republication(BaseModel):
    """A page elsewhere that republishes an article, and what it says about its origin."""

    url: str
    site: str = Field(description="Host of the republishing site.")
    title: str | None
    published: datetime | None
    kind: Literal["full", "excerpt", "edited"] | None
    attribution: Literal["correct", "missing", "wrong", "intermediary"] | None = Field(
        description="Whether the page credits the original: missing = unattributed, wrong = "
        "credits someone else, intermediary = credits a site that itself copied the original."
    )
    claimed_source_host: str | None
    claimed_author: str | None
    via: str | None = Field(description="The intermediary the page credits, if any.")
    containment: float | None = Field(description="Share of the page's text found in the original.")
    first_seen: datetime

    @classmethod
    def from_row(cls, row: RepublicationRow) -> Republication:
        """The public view of a stored republication row."""
        return cls(
            url=row.url,
            site=row.site,
            title=row.title,
            published=row.published,
            kind=row.kind,  # type: ignore[arg-type]
            attribution=row.attribution,  # type: ignore[arg-type]
            claimed_source_host=row.claimed_source_host,
            claimed_author=row.claimed_author,
            via=row.via,
            containment=row.containment,
            first_seen=row.first_seen,
        )


class ArticleDetail(ArticleSummary):
    """One article with its full text, its other URLs and where it was republished."""

    text: str
    aliases: list[str] = Field(description="Other URLs of the same article.")
    republication_count: int
    republications: list[Republication] = Field(
        description="The first republications (at most 100); page through all of them at "
        "/articles/{id}/republications."
    )


class ArticlePage(BaseModel):
    """A page of articles and the cursor of the next one (null on the last page)."""

    items: list[ArticleSummary]
    next_cursor: str | None


class RepublicationPage(BaseModel):
    """A page of an article's republications and the cursor of the next one."""

    article_id: str
    items: list[Republication]
    next_cursor: str | None


class Lookup(BaseModel):
    """What a URL is: the canonical article it belongs to and the URL's role; for a copy, its
    kind and attribution verdict."""

    url: str = Field(description="The URL as asked.")
    matched_url: str = Field(description="The stored spelling that matched (normalised).")
    role: Literal["canonical", "alias", "republication"]
    kind: Literal["full", "excerpt", "edited"] | None = Field(
        default=None, description="For a republication: a full copy, an excerpt or an edited copy.")
    attribution: Literal["correct", "missing", "wrong", "intermediary"] | None = Field(
        default=None, description="For a republication: whether it credits the original (see Republication).")
    republication: Republication | None = Field(
        default=None, description="For a republication: the copy, with what it claims about its source.")
    article: ArticleSummary


class SourceCounts(BaseModel):
    """How much a source published, and its republications: for a partner, the copies of its
    articles on other sites; for a republisher, the copies found on its own site."""

    articles: int
    republications: int = Field(description="A partner: copies of its articles elsewhere. A republisher: "
                                "copies of others' articles on its site.")
    unattributed: int = Field(description="Of those, the copies that credit no source.")
    wrongly_attributed: int = Field(description="Of those, the copies that credit the wrong source.")
    via_intermediary: int = Field(description="Of those, the copies that credit a site that copied the original.")


class SourceOut(BaseModel):
    """A crawled site and its counts."""

    host: str
    name: str
    home_url: str
    role: Literal["partner", "republisher"]
    language: str | None
    counts: SourceCounts

    @classmethod
    def from_stats(cls, stats: SourceStats) -> SourceOut:
        """The public view of a source's stats."""
        return cls(
            host=stats.host,
            name=stats.name,
            home_url=stats.home_url,
            role=stats.role,  # type: ignore[arg-type]
            language=stats.language,
            counts=SourceCounts(
                articles=stats.articles,
                republications=stats.republications,
                unattributed=stats.unattributed,
                wrongly_attributed=stats.wrongly_attributed,
                via_intermediary=stats.via_intermediary,
            ),
        )


class SourceList(BaseModel):
    """Every source, by host."""

    items: list[SourceOut]


class Health(BaseModel):
    """The service is up and its database answers."""

    status: Literal["ok"]
    database: str = Field(description="The database engine: sqlite or postgresql.")


class JsonFeedAuthor(BaseModel):
    """A JSON Feed author."""

    name: str


class JsonFeedItem(BaseModel):
    """A JSON Feed 1.1 item: one canonical article."""

    id: str
    url: str
    title: str
    content_text: str
    summary: str
    date_published: datetime | None = None
    date_modified: datetime
    authors: list[JsonFeedAuthor]
    language: str | None = None


class JsonFeed(BaseModel):
    """A JSON Feed 1.1 document (https://jsonfeed.org/version/1.1)."""

    version: Literal["https://jsonfeed.org/version/1.1"]
    title: str
    home_page_url: str
    feed_url: str
    authors: list[JsonFeedAuthor]
    items: list[JsonFeedItem]


class Copy(BaseModel):
    """A copy of one of a source's articles on another site, with its verdict."""

    url: str
    site: str = Field(description="Host of the republishing site.")
    title: str | None
    article_id: str = Field(description="Public id of the original article.")
    article_url: str
    article_title: str | None
    kind: Literal["full", "excerpt", "edited"] | None
    attribution: Literal["correct", "missing", "wrong", "intermediary"] | None
    claimed_source_host: str | None
    claimed_author: str | None
    via: str | None
    containment: float | None
    first_seen: datetime

    @classmethod
    def from_row(cls, row: CopyRow) -> Copy:
        """The public view of a stored copy row."""
        return cls(**{name: getattr(row, name) for name in cls.model_fields})


class CopyPage(BaseModel):
    """A page of a source's copies elsewhere, in the order they were found, and the next cursor."""

    source: str
    items: list[Copy]
    next_cursor: str | None
