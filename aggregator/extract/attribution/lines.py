"""The visible lines of a page's article, with their links, leaving out the site's chrome.

Navigation, sidebars, comment sections, "related posts", share bars, cookie notices and the
site's own header and footer are left out: text and links there are not claims about the
article. A header or footer inside the article (or inside <main>) is kept, since that is where
bylines and credit lines live.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from lxml import html as lxml_html

from aggregator.extract.attribution.text import normalise_line, repair_split_entities

BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog", "div",
        "dl", "dt", "fieldset", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
        "header", "hr", "html", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table",
        "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }
)
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Never visible text, or never article text. (Not <form>: some frameworks wrap the whole page in one.)
SKIP_TAGS = frozenset(
    {
        "head", "title", "script", "style", "noscript", "template", "svg", "button", "select", "option",
        "textarea", "iframe", "input", "label", "figcaption", "nav", "aside", "object", "canvas",
    }
)
# Elements whose inside is the article (or the page's main content).
CONTENT_TAGS = frozenset({"article", "main"})
# Class or id words that mark chrome wherever it sits.
CHROME_WORDS = frozenset(
    {
        "nav", "navbar", "navigation", "menu", "sidebar", "widget", "widgets", "breadcrumb", "breadcrumbs",
        "cookie", "cookies", "consent", "gdpr", "newsletter", "subscribe", "subscription", "share", "sharing",
        "sharedaddy", "social", "comment", "comments", "commentlist", "respond", "disqus", "related",
        "recommended", "recirculation", "popular", "trending", "outbrain", "taboola", "advert",
        "advertisement", "ads", "promo", "pagination", "pager", "postnav", "caption", "wp-caption",
        "screen-reader-text", "sr-only", "visually-hidden", "search", "searchform", "commentform",
    }
)
CHROME_PREFIXES = ("comments", "commentlist", "related", "share", "social", "sidebar", "widget", "breadcrumb")
# Class or id words that mark the site's header or footer, when outside the article.
SITE_FRAME_WORDS = frozenset({"header", "footer", "masthead", "banner", "colophon", "topbar", "site-header"})
# Class words that make a header or footer the article's own ("entry-header", "post-footer"), wherever it is.
ARTICLE_FRAME_WORDS = frozenset({"entry", "post", "article", "story", "byline", "hentry"})
CHROME_ROLES = frozenset({"navigation", "complementary", "search", "dialog", "alert"})
SITE_FRAME_ROLES = frozenset({"banner", "contentinfo"})
_WORD_SPLIT_RE = re.compile(r"[\s_\-]+")
_TRAILING_PARTIAL_ENTITY_RE = re.compile(r"&[#0-9A-Za-z]{0,10}$")
_LEADING_ENTITY_REST_RE = re.compile(r"^[#0-9A-Za-z]{1,32};")


@dataclass(frozen=True, slots=True)
class Link:
    """A link inside a line: where it points and its visible text."""

    href: str
    text: str


@dataclass(slots=True)
class Line:
    """One visible line: its normalised text and the links inside it, in order."""

    text: str
    links: list[Link] = field(default_factory=list)
    heading: bool = False
    """The line is (in) a heading: h1-h6, the article's title or a section's."""


@lru_cache(maxsize=4096)
def word_count(text: str) -> int:
    """How many words (runs of non-space) a line has: asked of each line by every reader of the page."""
    return len(text.split())


@lru_cache(maxsize=4096)
def _class_marks(class_: str, id_: str) -> tuple[bool, bool, bool]:
    """Whether class and id words mark chrome, the article's own frame, the site's frame (a
    site's pages repeat the same few class names)."""
    names = f"{class_} {id_}".lower()
    words = set(_WORD_SPLIT_RE.split(names))
    words.update(names.split())
    words.discard("")
    chrome = bool(words & CHROME_WORDS) or any(word.startswith(CHROME_PREFIXES) for word in words)
    return chrome, bool(words & ARTICLE_FRAME_WORDS), bool(words & SITE_FRAME_WORDS)


def is_chrome(element: lxml_html.HtmlElement, tag: str, in_content: bool) -> bool:
    """Whether an element is site chrome (navigation, comments, widgets...) rather than article."""
    attributes = element.attrib
    if not attributes:  # most elements: decide on the tag alone
        return not in_content and tag in ("header", "footer")
    if "hidden" in attributes or "display:none" in attributes.get("style", "").replace(" ", ""):
        return True
    role = attributes.get("role", "").lower()
    if role in CHROME_ROLES or (not in_content and role in SITE_FRAME_ROLES):
        return True
    if "class" in attributes or "id" in attributes:
        chrome, article_frame, site_frame = _class_marks(attributes.get("class", ""), attributes.get("id", ""))
    else:
        chrome = article_frame = site_frame = False
    if chrome:
        return True
    if in_content or article_frame:
        return False
    return tag in ("header", "footer") or site_frame


def _starts_content(element: lxml_html.HtmlElement, tag: str) -> bool:
    if tag in CONTENT_TAGS or (element.get("role") or "").lower() == "main":
        return True
    return "articleBody" in (element.get("itemprop") or "")


class _LineCollector:
    def __init__(self) -> None:
        self.lines: list[Line] = []
        self._pieces: list[str] = []
        self._links: list[Link] = []
        self._heading = 0

    def text(self, text: str | None) -> None:
        if text:
            self._pieces.append(text)

    def flush(self) -> None:
        if self._pieces or self._links:
            text = normalise_line("".join(self._pieces))
            if text:
                self.lines.append(Line(text=text, links=self._links, heading=self._heading > 0))
            self._pieces, self._links = [], []

    def walk(self, element: lxml_html.HtmlElement, in_content: bool) -> None:
        # Recursive: lxml's HTML parser caps nesting at 256 levels, well inside Python's stack.
        for child in element:
            tag = child.tag
            if not isinstance(tag, str):  # comment or processing instruction
                if child.tail:
                    self._pieces.append(child.tail)
                continue
            tag = tag.lower()
            block = tag in BLOCK_TAGS or tag == "br"
            if block:
                self.flush()
            if tag not in SKIP_TAGS and tag != "br" and not is_chrome(child, tag, in_content):
                href = child.get("href") if tag == "a" else None
                if href:
                    self._links.append(Link(href=href, text=normalise_line(child.text_content())))
                heading = tag in HEADING_TAGS
                self._heading += heading
                if child.text:
                    self._pieces.append(child.text)
                if len(child):  # (an element without children has nothing more to walk)
                    self.walk(child, in_content or _starts_content(child, tag))
                if block:
                    self.flush()
                self._heading -= heading
            if child.tail:
                self._pieces.append(child.tail)


def _merge_split_entities(lines: Iterable[Line]) -> list[Line]:
    # A block or <br> boundary may fall inside an entity ("PLATEFORME:&" <br> "#0160;PSST.FR").
    merged: list[Line] = []
    for line in lines:
        if (
            merged
            and _TRAILING_PARTIAL_ENTITY_RE.search(merged[-1].text)
            and _LEADING_ENTITY_REST_RE.match(line.text)
        ):
            joined = repair_split_entities(merged[-1].text + "\n" + line.text)
            if "\n" not in joined:
                merged[-1] = Line(text=normalise_line(joined), links=merged[-1].links + line.links)
                continue
        merged.append(line)
    return merged


def visible_lines(document: lxml_html.HtmlElement) -> list[Line]:
    """The page's visible lines in document order, chrome left out, split entities repaired.

    The lines of the last tree read are kept: a page's content, head and attribution readers all
    ask for the lines of the same tree in a row.
    """
    if _LAST[0] is document:
        return list(_LAST[1])
    lines = _read_lines(document)
    _LAST[:] = [document, lines]
    return list(lines)


_LAST: list[Any] = [None, []]


def _read_lines(document: lxml_html.HtmlElement) -> list[Line]:
    collector = _LineCollector()
    root = document.find("body")
    if root is None:
        root = document
    collector.text(root.text)
    collector.walk(root, in_content=_starts_content(root, str(root.tag)))
    collector.flush()
    return _merge_split_entities(collector.lines)
