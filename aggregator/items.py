"""What spiders hand to the pipeline: plain dataclasses, one per kind of outcome."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class FetchedPage:
    """An article candidate page that answered 200, with its raw body."""

    url: str
    final_url: str
    source_id: int | None
    status: int
    content_type: str | None
    etag: str | None
    last_modified: str | None
    body: bytes
    hints: dict[str, Any] = field(default_factory=dict)


@dataclass
class FailedFetch:
    """A request that did not give a usable answer: HTTP error, network error, bad body."""

    url: str
    source_id: int | None
    kind: str  # "page", "feed", "sitemap", "listing"
    status: int | None
    reason: str
    feed_id: int | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class UnchangedPage:
    """A page that answered 304 to a conditional request: nothing to store but the fact."""

    url: str


@dataclass
class PolledFeed:
    """A feed that answered and parsed: its validators and its entries."""

    feed_id: int
    url: str
    status: int
    format: str | None
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    not_modified: bool = False  # a 304, or the same bytes as last time
    headers: dict[str, str] = field(default_factory=dict)
    ttl_minutes: int | None = None
    # one dict per entry: key, url (normalised link), link, title, author, published, updated, content_hash
    entries: list[dict[str, Any]] = field(default_factory=list)
