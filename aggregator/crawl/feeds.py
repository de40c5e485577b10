"""Feed parsing: RSS, Atom and RDF through feedparser (called lean), JSON Feed by hand.

`parse_feed` turns the bytes of one fetched feed into a `ParsedFeed`: plain, frozen data with one
`ParsedEntry` per entry that feedparser finds, each with a stable identity key. Nothing here raises
on bad input: a document that is not a usable feed comes back with `error` set to a human reason.

Speed. feedparser's defaults do work the project throws away, and its SAX glue hands it text in
tiny pieces. We keep feedparser as the parser but call it the lean way:

* `sanitize_html=False` and `resolve_relative_uris=False`: the raw HTML is stored and cleaned by
  the extraction step; sanitizing every summary and content element is most of feedparser's time.
* expat with `buffer_text=True`: without it expat reports character data at every newline and
  entity, and feedparser's per-call bookkeeping (`handle_data`, `FeedParserDict.get`) dominates.
  Buffered, each text node arrives in one call; feedparser concatenates the pieces anyway, so the
  result is identical.
* the response's Content-Type goes in as a header (the charset decides the encoding) and the feed
  URL as Content-Location (feedparser resolves entry links against it, honouring xml:base).

The glue below mirrors `feedparser.api.parse` step for step (encoding, doctype, strict SAX parse,
loose fallback), so the entries are those `feedparser.parse` finds for the same bytes.
"""

from __future__ import annotations

import calendar
import hashlib
import io
import json
import re
import xml.sax
import xml.sax.expatreader
import xml.sax.handler
import xml.sax.xmlreader
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from feedparser import api as feedparser_api
from feedparser.encodings import convert_to_utf8
from feedparser.exceptions import NonXMLContentType
from feedparser.sanitizer import replace_doctype
from feedparser.util import FeedParserDict

from aggregator.textutil import strip_controls
from aggregator.urls import absolute_http_url

# feedparser's version names, folded where the project does not care about the difference.
_FORMAT_BY_VERSION = {
    "rss090": "rss09x",
    "rss091n": "rss09x",
    "rss091u": "rss09x",
    "rss092": "rss09x",
    "rss093": "rss09x",
    "rss094": "rss09x",
}
_JSON_FEED_VERSION_PREFIX = "https://jsonfeed.org/version/"
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])",
                         re.IGNORECASE | re.DOTALL)
_HTML_CONTENT_TYPES = ("application/xhtml+xml", "text/html", "application/x-html")
_BOM_AND_SPACE = b"\xef\xbb\xbf \t\r\n"
_OTHER_XML_STARTS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff", b"\x00<", b"<\x00", b"\x00\x00\x00<",
                     b"\x4c\x6f\xa7\x94")


@dataclass(frozen=True)
class ParsedEntry:
    """One entry of a feed, as given, with the key that identifies it across polls."""

    key: str
    link: str | None
    title: str | None
    author: str | None
    published: datetime | None
    updated: datetime | None
    content_hash: str
    summary_html: str | None
    content_html: str | None

    @property
    def updated_iso(self) -> str | None:
        """The entry's `updated` date as ISO 8601 (`datetime.isoformat`), the form storage keeps."""
        return self.updated.isoformat() if self.updated else None


@dataclass(frozen=True)
class ParsedFeed:
    """What one feed document holds, or why it is not a usable feed (`error`)."""

    format: str | None
    title: str | None
    link: str | None
    entries: tuple[ParsedEntry, ...]
    ttl_minutes: int | None
    error: str | None = None
    warning: str | None = None  # the document had a flaw the parser worked around
    skipped: tuple[str, ...] = ()  # entries that could not be read, each with its reason

    @property
    def ok(self) -> bool:
        """True when the document is a usable feed (possibly with no entries)."""
        return self.error is None

    @property
    def entry_times(self) -> tuple[datetime, ...]:
        """Each entry's publication time (else its update time), for the polling schedule."""
        times = (entry.published or entry.updated for entry in self.entries)
        return tuple(t for t in times if t is not None)


@dataclass(frozen=True)
class SeenEntry:
    """What storage remembers of an entry: its `updated_iso` and `content_hash`."""

    updated: str | None
    content_hash: str | None


@dataclass(frozen=True)
class EntryChanges:
    """The entries of one poll split by what storage already knew of them."""

    new: tuple[ParsedEntry, ...]
    changed: tuple[ParsedEntry, ...]
    unchanged: tuple[ParsedEntry, ...]


def classify_entries(entries: Iterable[ParsedEntry], seen: Mapping[str, SeenEntry]) -> EntryChanges:
    """Split entries into new ones, changed ones (new updated date or content) and unchanged ones."""
    new: list[ParsedEntry] = []
    changed: list[ParsedEntry] = []
    unchanged: list[ParsedEntry] = []
    for entry in entries:
        before = seen.get(entry.key)
        if before is None:
            new.append(entry)
        elif before.content_hash != entry.content_hash or before.updated != entry.updated_iso:
            changed.append(entry)
        else:
            unchanged.append(entry)
    return EntryChanges(tuple(new), tuple(changed), tuple(unchanged))


def parse_feed(body: bytes, *, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse one feed document fetched from `url`; never raises on bad input.

    RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and CDF go through feedparser, JSON Feed through `json`.
    Entry links come back absolute (resolved against `url` and xml:base). A document that is not
    a usable feed (empty, HTML, broken XML without entries, JSON that is not a JSON Feed) comes
    back with no entries and `error` set to a human reason.
    """
    if not body.strip(_BOM_AND_SPACE):
        return _failed("empty body")
    content_type = _charset_checked(body, content_type)
    try:
        if _is_json(body):
            return _parse_json_feed(body, url)
        return _from_feedparser(_run_feedparser(body, url, content_type), body, url, content_type)
    except RecursionError:
        return _failed("not a feed: nested too deeply")
    except Exception as exc:  # feedparser's loose parser has rare crashes on hostile markup
        return _failed(f"feed parser failed: {type(exc).__name__}: {exc}")


def _charset_checked(body: bytes, content_type: str | None) -> str | None:
    """The Content-Type, its charset dropped when the bytes contradict it (UTF-8 bytes declared
    Latin-1 or windows-1252): feedparser then reads the XML declaration or the bytes themselves."""
    if not content_type or "charset" not in content_type.lower() or body.isascii():
        return content_type
    from aggregator.extract.page import html_encoding

    if html_encoding(body, content_type) == "utf-8":
        return content_type.split(";", 1)[0].strip() + "; charset=utf-8"
    return content_type


# --- feedparser, called lean ---------------------------------------------------------------


class _BufferedExpatReader(xml.sax.expatreader.ExpatParser):
    """The standard SAX expat reader, but reporting each text node in one `characters` call."""

    def reset(self) -> None:
        super().reset()
        expat: Any = getattr(self, "_parser")  # noqa: B009  (private in typeshed, set by reset())
        expat.buffer_text = True
        expat.buffer_size = 1 << 16


def _run_feedparser(body: bytes, url: str, content_type: str | None) -> Any:
    """`feedparser.parse(body)` minus the work we throw away; returns its result dict."""
    result = FeedParserDict(bozo=False, entries=[], feed=FeedParserDict(), headers={})
    result["headers"]["content-location"] = url
    if content_type:
        result["headers"]["content-type"] = content_type
    data = convert_to_utf8(result["headers"], body, result)
    use_strict_parser = bool(result["encoding"])
    result["version"], data, entities = replace_doctype(data)
    base_uri = url if url.startswith(("http://", "https://")) else ""
    parser: Any = None
    if use_strict_parser:
        parser = feedparser_api.StrictFeedParser(base_uri, None, "utf-8")
        parser.resolve_relative_uris = False
        parser.sanitize_html = False
        reader = _BufferedExpatReader()
        reader.setFeature(xml.sax.handler.feature_namespaces, 1)
        reader.setFeature(xml.sax.handler.feature_external_ges, 0)
        reader.setContentHandler(parser)
        reader.setErrorHandler(parser)
        source = xml.sax.xmlreader.InputSource()
        source.setByteStream(io.BytesIO(data))
        try:
            reader.parse(source)
        except xml.sax.SAXException as exc:
            result["bozo"] = 1
            result["bozo_exception"] = parser.exc or exc
            use_strict_parser = False
    if not use_strict_parser:
        parser = feedparser_api.LooseFeedParser(base_uri, None, "utf-8", entities)
        parser.resolve_relative_uris = False
        parser.sanitize_html = False
        parser.feed(data.decode("utf-8", "replace"))
    result["feed"] = parser.feeddata
    result["entries"] = parser.entries
    result["version"] = result["version"] or parser.version
    return result


def _from_feedparser(result: Any, body: bytes, url: str, content_type: str | None) -> ParsedFeed:
    """Turn feedparser's result into a ParsedFeed, deciding whether it is a usable feed."""
    version: str = result.get("version") or ""
    raw_entries: list[Any] = result["entries"]
    problem = _bozo_reason(result)
    syntax_error = isinstance(result.get("bozo_exception"), xml.sax.SAXParseException)
    if not raw_entries and (not version or syntax_error):
        if _looks_like_html(body, content_type):
            return _failed("not a feed: HTML page")
        if not _starts_like_xml(body):
            return _failed("not a feed: neither XML nor JSON")
        return _failed(problem or "not a feed: no RSS, Atom or RDF root element")
    feed = result["feed"]
    entries, skipped = _each_entry(raw_entries, lambda raw: _entry_fields(raw, url))
    return ParsedFeed(
        format=_FORMAT_BY_VERSION.get(version, version) or None,
        title=_clean(dict.get(feed, "title")),
        link=absolute_http_url(dict.get(feed, "link"), url),
        entries=_with_unique_keys(entries),
        ttl_minutes=_positive_int(dict.get(feed, "ttl")),
        warning=problem,
        skipped=skipped,
    )


def _each_entry(raws: Iterable[Any], read: Any) -> tuple[list[dict[str, Any]], tuple[str, ...]]:
    """Each entry read on its own: one that cannot be read is left out with a reason, the others kept."""
    entries: list[dict[str, Any]] = []
    skipped: list[str] = []
    for rank, raw in enumerate(raws, 1):
        try:
            entries.append(read(raw))
        except Exception as exc:  # one hostile entry must not cost its neighbours
            skipped.append(f"entry {rank} skipped: {type(exc).__name__}: {exc}")
    return entries, tuple(skipped)


def _bozo_reason(result: Any) -> str | None:
    """A human reason for feedparser's bozo flag, with the line number of XML syntax errors."""
    if not result.get("bozo"):
        return None
    exc = result.get("bozo_exception")
    if isinstance(exc, NonXMLContentType):
        return None  # says only that the server's Content-Type (if any) was not an XML type
    if isinstance(exc, xml.sax.SAXParseException):
        return f"XML syntax error at line {exc.getLineNumber()}: {exc.getMessage()}"
    return f"{type(exc).__name__}: {exc}" if exc is not None else "ill-formed document"


def _entry_fields(raw: Any, url: str) -> dict[str, Any]:
    """The fields of one feedparser entry (read with dict.get: FeedParserDict.get is slow and warns)."""
    title = _clean(dict.get(raw, "title"))
    summary = dict.get(raw, "summary")
    content = _first_content(dict.get(raw, "content"))
    guid = _clean(dict.get(raw, "id"))
    return {
        "guid": guid,
        "link": absolute_http_url(dict.get(raw, "link"), url),
        "title": title,
        "author": _author(raw),
        "published": _utc(dict.get(raw, "published_parsed")),
        "updated": _utc(dict.get(raw, "updated_parsed")),
        "content_hash": _content_hash(title, content or summary),
        "summary_html": summary or None,
        "content_html": content,
    }


def _first_content(contents: Any) -> str | None:
    """The first HTML content element of an entry, else its first content element."""
    if not contents:
        return None
    for item in contents:
        if "html" in (dict.get(item, "type") or ""):
            return dict.get(item, "value") or None
    return dict.get(contents[0], "value") or None


def _author(raw: Any) -> str | None:
    detail = dict.get(raw, "author_detail")
    name = dict.get(detail, "name") if isinstance(detail, dict) else None
    return _clean(name) or _clean(dict.get(raw, "author"))


def _utc(parsed: Any) -> datetime | None:
    """feedparser's UTC struct_time as an aware datetime; None when absent or out of range."""
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    except (OverflowError, ValueError, OSError, TypeError):
        return None


# --- JSON Feed (feedparser 6.0 does not read it) ----------------------------------------------


def _is_json(body: bytes) -> bool:
    # Sniffed from the body: servers often send feeds under a wrong Content-Type.
    return body.lstrip(_BOM_AND_SPACE)[:1] == b"{"


def _parse_json_feed(body: bytes, url: str) -> ParsedFeed:
    """Read a JSON Feed 1.0/1.1 document; https://www.jsonfeed.org/version/1.1/."""
    try:
        document = json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        return _failed(f"JSON Feed is not UTF-8: {exc}")
    except json.JSONDecodeError as exc:
        return _failed(f"JSON syntax error at line {exc.lineno}: {exc.msg}")
    version = document.get("version") if isinstance(document, dict) else None
    if not isinstance(version, str) or not version.startswith(_JSON_FEED_VERSION_PREFIX):
        return _failed("not a feed: JSON document without a JSON Feed version")
    items = document.get("items")
    entries, skipped = _each_entry([item for item in items if isinstance(item, dict)] if isinstance(items, list)
                                   else [], lambda item: _json_item_fields(item, url))
    return ParsedFeed(
        format="json",
        title=_clean(_text(document.get("title"))),
        link=absolute_http_url(_text(document.get("home_page_url")), url),
        entries=_with_unique_keys(entries),
        ttl_minutes=None,
        warning=None if isinstance(items, list) else "JSON Feed without an items list",
        skipped=skipped,
    )


def _json_item_fields(item: Mapping[str, Any], url: str) -> dict[str, Any]:
    title = _clean(_text(item.get("title")))
    content = _text(item.get("content_html"))
    if content is None and (plain := _text(item.get("content_text"))) is not None:
        content = _plain_text_as_html(plain)
    summary = _text(item.get("summary"))
    item_id = item.get("id")
    # JSON Feed 1.0 allowed numeric ids; both spellings identify the same item.
    guid = _clean(str(item_id)) if isinstance(item_id, str | int) and not isinstance(item_id, bool) else None
    return {
        "guid": guid,
        "link": absolute_http_url(_text(item.get("url")) or _text(item.get("external_url")), url),
        "title": title,
        "author": _json_author(item),
        "published": _iso_datetime(item.get("date_published")),
        "updated": _iso_datetime(item.get("date_modified")),
        "content_hash": _content_hash(title, content or summary),
        "summary_html": summary,
        "content_html": content,
    }


def _json_author(item: Mapping[str, Any]) -> str | None:
    authors = item.get("authors")
    candidates = authors if isinstance(authors, list) else [item.get("author")]
    names = [_clean(_text(a.get("name"))) for a in candidates if isinstance(a, dict)]
    named = [n for n in names if n]
    return ", ".join(named) if named else None


def _iso_datetime(value: Any) -> datetime | None:
    """An RFC 3339 date as an aware UTC datetime (naive ones are taken as UTC)."""
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _plain_text_as_html(text: str) -> str:
    import html

    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


# --- keys and small helpers -------------------------------------------------------------------


def _with_unique_keys(entries: list[dict[str, Any]]) -> tuple[ParsedEntry, ...]:
    """FeedEntries with keys that are unique within the feed and stable across polls.

    The key is the GUID, else the link, else the content hash. Some feeds give one GUID (or one
    link) to several different entries; those entries are told apart by their link, else their
    content hash, and exact duplicates by their rank among equals, so that every entry feedparser
    finds is kept and the same document always yields the same keys.
    """
    natural = [e["guid"] or e["link"] or f"sha256:{e['content_hash']}" for e in entries]
    shared = {key for key, count in Counter(natural).items() if count > 1}
    used: set[str] = set()
    result = []
    for fields, key in zip(entries, natural, strict=True):
        if key in shared:
            link = fields["link"]
            key = f"{key}#{link if link and link != key else fields['content_hash'][:16]}"
        candidate, rank = key, 1
        while candidate in used:
            rank += 1
            candidate = f"{key}#{rank}"
        used.add(candidate)
        fields = {name: value for name, value in fields.items() if name != "guid"}
        result.append(ParsedEntry(key=candidate, **fields))
    return tuple(result)


def _content_hash(title: str | None, content: str | None) -> str:
    """SHA-256 of title and content, to notice an entry whose text changed."""
    return hashlib.sha256(f"{title or ''}\x00{content or ''}".encode("utf-8", "surrogatepass")).hexdigest()


def _clean(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = strip_controls(value).strip()
    return value or None


def _positive_int(value: Any) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _looks_like_html(body: bytes, content_type: str | None) -> bool:
    if content_type and content_type.split(";")[0].strip().lower() in _HTML_CONTENT_TYPES:
        return True
    return bool(_HTML_START.match(body[:4096].lstrip(b"\xef\xbb\xbf")))


def _starts_like_xml(body: bytes) -> bool:
    # "<" in UTF-8/ASCII, or the byte-order marks and first bytes of UTF-16, UTF-32 and EBCDIC XML.
    return body.lstrip(_BOM_AND_SPACE).startswith(b"<") or body.startswith(_OTHER_XML_STARTS)


def _failed(reason: str) -> ParsedFeed:
    return ParsedFeed(format=None, title=None, link=None, entries=(), ttl_minutes=None, error=reason)
