"""Loading the page once with lxml: an HTML document, or a feed item turned into one."""

from __future__ import annotations

import re
from html import escape

from lxml import etree
from lxml import html as lxml_html

_FEED_START_RE = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?<(?:rss|feed|item|entry|rdf:rdf|channel)\b", re.IGNORECASE
)
_XML_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
_FEED_CONTENT_TAGS = frozenset({"encoded", "content", "description", "summary"})


def _parse_html(html: str) -> lxml_html.HtmlElement | None:
    try:
        return lxml_html.document_fromstring(_XML_DECLARATION_RE.sub("", html))
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


def load_document(html: str) -> lxml_html.HtmlElement | None:
    """The page as an lxml HTML document, or None when there is nothing to parse.

    A feed item (<item>, <entry>) becomes a document whose body is the item's content, with its
    <source> elements kept, so the same readers see its credit lines and its RSS source.
    """
    return _feed_item_document(html) if _FEED_START_RE.match(html[:500]) else _parse_html(html)
