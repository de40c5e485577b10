"""Finding a site's feeds: <link rel=alternate> on its pages, the usual paths, and whether a
document is a feed at all (judged by its first bytes)."""

from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from aggregator.urls import absolute_http_url

# Where feeds usually live when a page does not announce them (WordPress, Blogger, Ghost, Hugo,
# Jekyll, Movable Type, JSON Feed generators), most likely first. Paths from the site's root.
COMMON_FEED_PATHS: tuple[str, ...] = (
    "/feed/",
    "/rss/",
    "/atom.xml",
    "/rss.xml",
    "/feed.xml",
    "/index.xml",
    "/feed.json",
    "/index.rdf",
    "/atom/",
    "/feeds/posts/default",
    "/?feed=rss2",
    "/blog/feed/",
)

# MIME types that <link rel="alternate"> uses for feeds.
FEED_LINK_TYPES = frozenset({
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/feed+json",
    "application/x.atom+xml",
    "application/x-atom+xml",
    "application/x-rss+xml",
    "text/rss+xml",
    "text/atom+xml",
})
# JSON Feed 1.0 advertised itself as plain application/json, which sites also use for API
# documents (WordPress's /wp-json/ alternates); such a link counts only if its path names a feed.
_JSON_FEED_PATH = re.compile(r"feed[^/]*$|/feeds?/", re.IGNORECASE)

def feed_links(html: str, base_url: str) -> list[str]:
    """Feed URLs a page announces with <link rel="alternate" type="...feed type...">.

    In page order, deduplicated, absolute (resolved against <base href> and `base_url`); only
    http(s) URLs.
    """
    finder = _FeedLinkFinder()
    try:
        finder.feed(html)
        finder.close()
    except (AssertionError, ValueError):  # html.parser on pathological markup; keep what was found
        pass
    base = urljoin(base_url, finder.base_href) if finder.base_href else base_url
    found: list[str] = []
    for href in finder.hrefs:
        url = absolute_http_url(href, base)
        if url and url not in found:
            found.append(url)
    return found


def common_feed_urls(base_url: str) -> list[str]:
    """The COMMON_FEED_PATHS as absolute URLs on the site of `base_url`, in order of likelihood."""
    return [urljoin(base_url, path) for path in COMMON_FEED_PATHS]


def feed_candidates(html: str, base_url: str) -> list[str]:
    """Feed URLs to try for a site, best first: those its page announces, then the common paths."""
    announced = feed_links(html, base_url)
    return announced + [url for url in common_feed_urls(base_url) if url not in announced]


def looks_like_feed(body: bytes, content_type: str | None) -> bool:
    """True when `body` is an RSS, Atom, RDF or JSON Feed document, judged by its first bytes.

    The body decides (servers label feeds text/html and pages application/rss+xml); the content
    type only breaks the tie when the start of an XML document holds no element yet.
    """
    head = _utf8_head(body[:4096]).lstrip(b" \t\r\n")
    if head.startswith(b"{"):
        return b"jsonfeed.org" in head
    if not head.startswith(b"<"):
        return False
    match = _FIRST_ELEMENT.match(head)
    if match is None:
        media_type = (content_type or "").split(";")[0].strip().lower()
        return media_type in FEED_LINK_TYPES
    local = match.group(1).decode("ascii", "replace").split(":")[-1].lower()
    if local == "rdf":
        return b"purl.org/rss/" in head or b"my.netscape.com/rdf" in head
    return local in ("rss", "feed", "channel")


# --- helpers ----------------------------------------------------------------------------------


class _FeedLinkFinder(HTMLParser):
    """Collects <base href> and the hrefs of feed <link rel=alternate> elements, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base_href: str | None = None
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name.lower(): (value or "") for name, value in attrs}
        href = attributes.get("href", "").strip()
        if tag == "base" and href and self.base_href is None:
            self.base_href = href
        elif tag == "link" and href and _is_feed_link(attributes, href):
            self.hrefs.append(href)

    handle_startendtag = handle_starttag


def _is_feed_link(attributes: dict[str, str], href: str) -> bool:
    rels = attributes.get("rel", "").lower().split()
    if "alternate" not in rels:
        return False
    media_type = attributes.get("type", "").split(";")[0].strip().lower()
    if media_type in FEED_LINK_TYPES:
        return True
    return media_type == "application/json" and bool(_JSON_FEED_PATH.search(urlsplit(href).path))


_FIRST_ELEMENT = re.compile(rb"(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)*<([A-Za-z_][\w:.-]*)",
                            re.DOTALL | re.IGNORECASE)


def _utf8_head(head: bytes) -> bytes:
    """The start of a document as UTF-8 bytes, decoding UTF-16/32 announced by a byte-order mark."""
    for bom, encoding in ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
                          (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
                          (codecs.BOM_UTF8, "utf-8")):
        if head.startswith(bom):
            return head[len(bom):].decode(encoding, "ignore").encode("utf-8")
    return head
