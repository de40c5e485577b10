"""A fetched page, decoded and parsed once: the HTML text, one lxml tree and its JSON-LD.

Every reader of a page (content and metadata extraction, attribution) works on the same
`ParsedPage`, so a page is decoded once, parsed once and its structured data decoded once.

The tree is parsed with comments and processing instructions removed, as trafilatura's own
loader does: a comment inside a paragraph ("And <!-- -->winter") would otherwise split the text
node, and extractors that read `.text` lose what follows it.
"""

from __future__ import annotations

import codecs
import json
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from lxml import etree
from lxml import html as lxml_html
from w3lib.encoding import (
    html_body_declared_encoding,
    html_to_unicode,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

from aggregator.textutil import strip_controls

logger = logging.getLogger(__name__)

_PARSER = lxml_html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False, default_doctype=False)
_XML_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
_FEED_START_RE = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?<(?:rss|feed|item|entry|rdf:rdf|channel)\b", re.IGNORECASE)
_FEED_CONTENT_TAGS = frozenset({"encoded", "content", "description", "summary"})
_JSON_LD_WRAPPERS = (("<!--", "-->"), ("//<![CDATA[", "//]]>"), ("/*<![CDATA[*/", "/*]]>*/"), ("<![CDATA[", "]]>"))
_TRAILING_COMMA_RE = re.compile(r",\s*([}\]])")
# JSON-LD nests rarely deeper than a few levels; a hostile document may nest thousands.
MAX_JSON_LD_DEPTH = 12


@dataclass(frozen=True)
class ParsedPage:
    """One page, parsed once.

    `tree` is None when there is nothing to parse. `json_ld` holds each decoded
    `<script type="application/ld+json">` document, in page order (undecodable ones left out).
    """

    url: str
    html: str
    tree: lxml_html.HtmlElement | None
    json_ld: tuple[Any, ...] = field(default=())


def decode_html(body: bytes, content_type: str | None, *, url: str = "") -> str:
    """HTML bytes as text, control characters removed (see `html_encoding`)."""
    encoding = html_encoding(body, content_type, url=url)
    if encoding is None:
        _encoding, text = html_to_unicode(content_type or "", body)
    else:
        text = body.decode(encoding, errors="replace")
        if text.startswith("\ufeff"):
            text = text[1:]
    return strip_controls(text)


# Encodings of one byte per character for Latin scripts: what servers wrongly claim most often.
_SINGLE_BYTE_LATIN = ("latin", "iso8859", "cp125", "cp437", "cp850", "ascii", "mac_roman", "mac_latin2")
# Detection's guesses for other scripts, trusted as given; any other guess for bytes that are not
# UTF-8 is taken for windows-1252 (what browsers read "latin-1" as), when those bytes fit it.
_OTHER_SCRIPTS = ("cp1251", "koi8", "mac_cyrillic", "cp866", "cp1125", "iso8859_5", "iso8859_6", "iso8859_7",
                  "iso8859_8", "cp1253", "cp1255", "cp1256", "shift_jis", "cp932", "euc", "gb", "big5", "hz",
                  "cp949", "johab", "utf_16", "utf_32", "tis", "cp874", "iso2022", "cp1258", "ptcp154")


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(resolve_encoding(name) or name).name.replace("-", "_")
    except LookupError:
        return None


def _strict(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def html_encoding(body: bytes, content_type: str | None, *, url: str = "") -> str | None:
    """The encoding of an HTML body, decided from the bytes when the declarations contradict them.

    A BOM decides. Otherwise the HTTP charset, else the meta charset, is checked against the bytes:
    bytes declared Latin-1 or windows-1252 that are valid UTF-8 with multi-byte sequences are
    UTF-8 (a random Latin-1 text is practically never valid UTF-8); bytes declared UTF-8 (or not
    declared) that are not valid UTF-8 are detected (trafilatura's detection, windows-1252 for
    Latin scripts). A contradiction is logged. None: leave it to w3lib (nothing to correct).
    """
    if read_bom(body)[0]:
        return None
    declared = _codec(http_content_type_encoding(content_type or "")) or _codec(html_body_declared_encoding(body))
    if body.isascii():
        return None
    if _strict(body, "utf-8"):
        if declared is not None and declared != "utf_8" and declared.startswith(_SINGLE_BYTE_LATIN):
            logger.info("%s: declared %s, but the bytes are UTF-8: read as UTF-8", url or "page", declared)
            return "utf-8"
        return "utf-8" if declared in (None, "utf_8") else None
    if declared not in (None, "utf_8"):
        return None  # a non-UTF-8 charset the bytes do not contradict
    detected = detect_legacy_encoding(body)
    logger.info("%s: declared %s, but the bytes are not UTF-8: read as %s", url or "page",
                declared or "nothing", detected)
    return detected


def detect_legacy_encoding(body: bytes) -> str:
    """The encoding of bytes that are not UTF-8: trafilatura's detection, windows-1252 for Latin scripts."""
    from trafilatura.utils import detect_encoding

    guesses = [g for g in (_codec(name) for name in detect_encoding(body)) if g]
    if guesses and guesses[0].startswith(_OTHER_SCRIPTS) and _strict(body, guesses[0]):
        return guesses[0]
    if _strict(body, "cp1252"):
        return "cp1252"
    return next((g for g in guesses if _strict(body, g)), "cp1252")


def parse_page(html: str, url: str) -> ParsedPage:
    """Parse decoded HTML fetched at `url` into one tree, and read its JSON-LD.

    A feed item (`<item>`, `<entry>`...) given instead of a page becomes a document whose body is
    the item's content, with its `<source>` elements kept, so the same readers see its credit
    lines and its RSS source.
    """
    tree = _feed_item_document(html) if _FEED_START_RE.match(html[:500]) else _parse_html(html)
    if tree is None:
        return ParsedPage(url=url, html=html, tree=None)
    return ParsedPage(url=url, html=html, tree=tree, json_ld=tuple(_json_ld_documents(tree)))


def json_ld_nodes(
    documents: Sequence[Any], *, stop_at: Callable[[str], bool] | None = None
) -> Iterator[tuple[dict[str, Any], int]]:
    """Every JSON-LD object of the documents with its depth, depth first, in document order.

    Depth 0 is a top-level object (a document, an item of a top-level list or of an `@graph`):
    the things the page itself describes. Deeper objects are values of their properties (an
    author, a publisher, an `isBasedOn`...). The values of keys for which `stop_at(key)` is true
    are not walked into (their reader takes them whole). The walk stops at MAX_JSON_LD_DEPTH.
    """
    stack: list[tuple[Any, int]] = [(document, 0) for document in reversed(documents)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_JSON_LD_DEPTH:
            continue
        if isinstance(node, list):
            stack.extend((item, depth) for item in reversed(node))
        elif isinstance(node, dict):
            yield node, depth
            children: list[tuple[Any, int]] = []
            for key, value in node.items():
                if isinstance(value, dict | list) and not (stop_at and isinstance(key, str) and stop_at(key)):
                    # An @graph lists top-level things; any other property holds nested values.
                    children.append((value, depth if key == "@graph" else depth + 1))
            stack.extend(reversed(children))


def top_level_json_ld(page: ParsedPage) -> list[dict[str, Any]]:
    """The objects a page's JSON-LD describes at its top level (documents, lists, `@graph` items)."""
    return [node for node, depth in json_ld_nodes(page.json_ld) if depth == 0]


def load_json_ld(text: str) -> Any:
    """A JSON-LD script's content as JSON, tolerating what real pages wrap it in.

    HTML comments (`<!-- ... -->`), CDATA markers (`//<![CDATA[ ... //]]>`) and trailing commas
    are common; None when it still does not decode.
    """
    text = text.strip()
    for prefix, suffix in _JSON_LD_WRAPPERS:
        if text.startswith(prefix):
            text = text[len(prefix) :]
            if text.rstrip().endswith(suffix):
                text = text.rstrip()[: -len(suffix)]
            text = text.strip()
    try:
        return json.loads(text)
    except ValueError:
        try:
            return json.loads(_TRAILING_COMMA_RE.sub(r"\1", text))
        except ValueError:
            return None
    except RecursionError:
        return None


def _json_ld_documents(tree: lxml_html.HtmlElement) -> Iterator[Any]:
    for script in tree.iter("script"):
        if "ld+json" in (script.get("type") or "").lower() and script.text:
            document = load_json_ld(script.text)
            if document is not None:
                yield document


def _parse_html(html: str) -> lxml_html.HtmlElement | None:
    text = _XML_DECLARATION_RE.sub("", html, count=1)
    if not text.strip():
        return None
    try:
        return lxml_html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError):
        return None


def _local_name(tag: object) -> str:
    # "{http://www.w3.org/2005/Atom}link" -> "link"; a recovered, undeclared "media:content" -> "content".
    return str(tag).rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower() if isinstance(tag, str) else ""


def _feed_item_document(xml: str) -> lxml_html.HtmlElement | None:
    """A feed item as one HTML document: its content as body, its <source> elements kept."""
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(xml.encode("utf-8"), parser)
    except (etree.XMLSyntaxError, ValueError):
        root = None
    if root is None:
        return None
    parts: list[str] = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        local = _local_name(element.tag)
        if local in _FEED_CONTENT_TAGS and len(element):
            # Atom type="xhtml": the content is markup, not escaped text.
            parts.extend(etree.tostring(child, encoding="unicode") for child in element)
        elif local in _FEED_CONTENT_TAGS and element.text:
            parts.append(element.text)
        elif local == "source":
            url = element.get("url") or next(
                (link.get("href") for link in element if _local_name(link.tag) == "link"), None
            )
            if url:
                name = " ".join(element.itertext()).strip()
                parts.append(f'<source url="{escape(url)}">{escape(name)}</source>')
    return _parse_html("<html><body>" + "\n".join(parts) + "</body></html>")
