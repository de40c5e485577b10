"""Finding a site's feeds and sitemaps: <link rel=alternate>, common paths, robots.txt, sitemap XML."""

from __future__ import annotations

import codecs
import re
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from lxml import etree

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

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit, uncompressed; also a gzip-bomb guard


@dataclass(frozen=True)
class SitemapUrl:
    """One <url> or <sitemap> of a sitemap: its location and last modification, if given."""

    loc: str
    lastmod: datetime | None = None


@dataclass(frozen=True)
class Sitemap:
    """A parsed sitemap: page URLs (urlset) and child sitemaps (sitemapindex), or why it failed."""

    kind: str | None  # "urlset", "sitemapindex", "text", or None when unreadable
    pages: tuple[SitemapUrl, ...] = ()
    sitemaps: tuple[SitemapUrl, ...] = ()
    error: str | None = None  # set when the document was unreadable or only partly readable


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
        url = _absolute_http(href, base)
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


def sitemaps_from_robots(robots_txt: str, base_url: str) -> list[str]:
    """The `Sitemap:` URLs of a robots.txt (anywhere in the file, any case), absolute, deduplicated."""
    found: list[str] = []
    for line in robots_txt.splitlines():
        field, sep, value = line.split("#", 1)[0].partition(":")
        if not sep or field.strip().lower() != "sitemap":
            continue
        url = _absolute_http(value.strip(), base_url)
        if url and url not in found:
            found.append(url)
    return found


def parse_sitemap(xml: bytes) -> Sitemap:
    """Read a sitemap (urlset or sitemapindex, gzipped or not, or a plain-text list of URLs).

    Never raises on bad input: broken XML gives whatever could be salvaged plus `error`.
    """
    try:
        data = _gunzip(xml) if xml[:2] == b"\x1f\x8b" else xml
    except (OSError, EOFError, zlib.error) as exc:
        return Sitemap(kind=None, error=f"gzip error: {exc}")
    except _TooLarge:
        return Sitemap(kind=None, error=f"sitemap larger than {MAX_SITEMAP_BYTES} bytes uncompressed")
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        return Sitemap(kind=None, error="empty body")
    if not stripped.startswith(b"<"):
        return _text_sitemap(stripped)
    error = None
    try:
        root = etree.fromstring(data, _strict_parser())
    except etree.XMLSyntaxError as exc:
        error = f"XML syntax error at line {exc.lineno}: {exc.msg}"
        try:
            root = etree.fromstring(data, _recovering_parser())
        except etree.XMLSyntaxError:
            root = None
    if root is None:
        return Sitemap(kind=None, error=error or "not XML")
    kind = etree.QName(root).localname if isinstance(root.tag, str) else ""
    if kind not in ("urlset", "sitemapindex"):
        return Sitemap(kind=None, error=error or f"not a sitemap: root element <{kind}>")
    entries = tuple(_sitemap_entries(root, "url" if kind == "urlset" else "sitemap"))
    if kind == "urlset":
        return Sitemap(kind=kind, pages=entries, error=error)
    return Sitemap(kind=kind, sitemaps=entries, error=error)


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


def _absolute_http(href: str, base: str) -> str | None:
    if not href:
        return None
    try:
        url = urljoin(base, href)
    except ValueError:
        return None
    return url if url.lower().startswith(("http://", "https://")) else None


class _TooLarge(Exception):
    pass


def _gunzip(data: bytes) -> bytes:
    """Decompress gzip, refusing to inflate past MAX_SITEMAP_BYTES (a gzip bomb stops early)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = inflater.decompress(data, MAX_SITEMAP_BYTES + 1)
    if len(out) > MAX_SITEMAP_BYTES:
        raise _TooLarge
    if not inflater.eof:
        raise EOFError("compressed sitemap is truncated")
    return out


def _strict_parser() -> etree.XMLParser:
    # No entities, no network, no DTD: a sitemap is plain data from a stranger.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _recovering_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, recover=True)


def _sitemap_entries(root: etree._Element, element: str) -> list[SitemapUrl]:
    """The <loc>/<lastmod> of each `element` child, whatever namespace the sitemap used."""
    entries = []
    for node in root:
        if not isinstance(node.tag, str) or etree.QName(node).localname != element:
            continue
        loc = lastmod = None
        for child in node:
            if not isinstance(child.tag, str):
                continue
            name = etree.QName(child).localname
            if name == "loc":
                loc = (child.text or "").strip()
            elif name == "lastmod":
                lastmod = _w3c_datetime(child.text or "")
        if loc:
            entries.append(SitemapUrl(loc=loc, lastmod=lastmod))
    return entries


def _text_sitemap(data: bytes) -> Sitemap:
    """A sitemap given as one URL per line (allowed by sitemaps.org)."""
    lines = [line.strip() for line in data.decode("utf-8", "replace").splitlines() if line.strip()]
    urls = [line for line in lines if line.lower().startswith(("http://", "https://"))]
    if not urls:
        return Sitemap(kind=None, error="not a sitemap: neither XML nor a list of URLs")
    error = None if len(urls) == len(lines) else f"{len(lines) - len(urls)} lines are not URLs"
    return Sitemap(kind="text", pages=tuple(SitemapUrl(loc=url) for url in urls), error=error)


def _w3c_datetime(text: str) -> datetime | None:
    """A sitemap <lastmod> (W3C datetime: a date, or a date and time with offset) in UTC."""
    text = text.strip()
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


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

