"""Sitemaps: reading a sitemap (urlset or index, gzipped or not, or a plain list of URLs) and
the `Sitemap:` lines of a robots.txt."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

from lxml import etree

from aggregator.urls import absolute_http_url

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


def sitemaps_from_robots(robots_txt: str, base_url: str) -> list[str]:
    """The `Sitemap:` URLs of a robots.txt (anywhere in the file, any case), absolute, deduplicated."""
    found: list[str] = []
    for line in robots_txt.splitlines():
        field, sep, value = line.split("#", 1)[0].partition(":")
        if not sep or field.strip().lower() != "sitemap":
            continue
        url = absolute_http_url(value.strip(), base_url)
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


# --- helpers ----------------------------------------------------------------------------------


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
