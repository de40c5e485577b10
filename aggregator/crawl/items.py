"""What spiders hand to the pipeline: plain dataclasses, one per kind of outcome."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any


def body_hash(body: bytes) -> str:
    """A hex SHA-256 of a response body: what identifies a stored page's bytes, and tells an
    unchanged feed when its server ignores ETags."""
    return hashlib.sha256(body).hexdigest()


def body_unchanged(body: bytes, previous_hash: str | None) -> bool:
    """True when `body` is byte for byte the one last seen: treat the poll as 304 Not Modified."""
    return previous_hash is not None and body_hash(body) == previous_hash


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
class ReadResource:
    """A sitemap or listing page that answered and was read: clears a failure recorded for it before."""

    url: str


@dataclass
class UnchangedPage:
    """A page that answered 304 to a conditional request: nothing to store but the fact."""

    url: str


@dataclass
class PolledFeed:
    """A feed that answered and parsed: its validators and its entries.

    `feed_id` is None for a feed found on a source's home page during the crawl: the pipeline
    registers it (by `url`, for `source_id`) before storing the poll.
    """

    feed_id: int | None
    url: str
    status: int
    format: str | None
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    not_modified: bool = False  # a 304, or the same bytes as last time
    headers: dict[str, str] = field(default_factory=dict)
    ttl_minutes: int | None = None
    source_id: int | None = None
    # one dict per entry: key, url (normalised link), link, title, author, published, updated, content_hash
    entries: list[dict[str, Any]] = field(default_factory=list)
    # entries (or links) of the answer that could not be read, each with its reason
    problems: list[str] = field(default_factory=list)


@dataclass
class SkippedItem:
    """One link or entry of a page, sitemap or feed that could not be read: counted, logged, skipped."""

    url: str
    kind: str
    reason: str
