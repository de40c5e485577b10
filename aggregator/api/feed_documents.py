"""Outgoing feeds of canonical articles: Atom 1.0 (RFC 4287) and JSON Feed 1.1.

Pure rendering: a `FeedSpec` and article rows in, a document out. Each entry carries an id (the
canonical URL, which never changes for an article), a title, a link, updated and published
dates, an author and a summary (the excerpt).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree

from storage.queries import ArticleRow

ATOM_NS = "http://www.w3.org/2005/Atom"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
GENERATOR = "syndication-aggregator"
UNTITLED = "(untitled)"

# Characters XML 1.0 forbids; extracted text can contain them (form feeds, stray controls).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class FeedSpec:
    """What a feed is about and where it lives."""

    title: str
    feed_url: str  # this document's own absolute URL
    home_url: str  # the page the feed is about
    author: str  # used for entries without an author of their own


def _xml_text(value: str) -> str:
    return _XML_ILLEGAL.sub("", value)


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _entry_updated(row: ArticleRow) -> datetime:
    return row.updated or row.published or row.first_seen


def _feed_updated(rows: list[ArticleRow]) -> datetime:
    # An empty feed still needs an <updated>: the epoch says "nothing yet" and stays stable.
    return max((_entry_updated(r) for r in rows), default=datetime(1970, 1, 1, tzinfo=UTC))


def render_atom(spec: FeedSpec, rows: list[ArticleRow]) -> bytes:
    """An Atom 1.0 document of `rows`, UTF-8 encoded."""
    ElementTree.register_namespace("", ATOM_NS)

    def sub(parent: ElementTree.Element, tag: str, text: str | None = None, **attrs: str) -> ElementTree.Element:
        element = ElementTree.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        if text is not None:
            element.text = _xml_text(text)
        return element

    feed = ElementTree.Element(f"{{{ATOM_NS}}}feed")
    sub(feed, "id", spec.feed_url)
    sub(feed, "title", spec.title)
    sub(feed, "updated", _rfc3339(_feed_updated(rows)))
    sub(feed, "link", rel="self", type="application/atom+xml", href=spec.feed_url)
    sub(feed, "link", rel="alternate", href=spec.home_url)
    sub(sub(feed, "author"), "name", spec.author)
    sub(feed, "generator", GENERATOR)
    for row in rows:
        entry = sub(feed, "entry")
        sub(entry, "id", row.url)
        sub(entry, "title", row.title or UNTITLED)
        sub(entry, "link", rel="alternate", href=row.url)
        sub(entry, "updated", _rfc3339(_entry_updated(row)))
        if row.published is not None:
            sub(entry, "published", _rfc3339(row.published))
        sub(sub(entry, "author"), "name", row.author or row.source_host)
        if row.excerpt:
            sub(entry, "summary", row.excerpt, type="text")
    body: bytes = ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)
    return body


def render_json_feed(spec: FeedSpec, rows: list[ArticleRow]) -> dict[str, Any]:
    """A JSON Feed 1.1 document of `rows`, as a JSON-ready dict."""
    items = []
    for row in rows:
        item: dict[str, Any] = {
            "id": row.url,
            "url": row.url,
            "title": row.title or UNTITLED,
            "content_text": row.excerpt,
            "summary": row.excerpt,
            "date_modified": _rfc3339(_entry_updated(row)),
            "authors": [{"name": row.author or row.source_host}],
        }
        if row.published is not None:
            item["date_published"] = _rfc3339(row.published)
        if row.language:
            item["language"] = row.language
        items.append(item)
    return {
        "version": JSON_FEED_VERSION,
        "title": spec.title,
        "home_page_url": spec.home_url,
        "feed_url": spec.feed_url,
        "authors": [{"name": spec.author}],
        "items": items,
    }
