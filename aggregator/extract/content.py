"""Main text and metadata of an article page, with trafilatura.

Pure: HTML in, an `Extracted` record out. trafilatura finds the main text; the metadata it
misses or truncates (a full publication timestamp, the page's declared language) is read from
the page's own structured data, and hints from the feed entry that led to the page fill the gaps.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from copy import copy
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import lxml.html
import trafilatura
from dateutil import parser as dateparser
from htmldate import find_date
from trafilatura.metadata import (
    examine_meta,
    extract_author,
    extract_meta_json,
    extract_metadata,
    extract_title,
    extract_url,
)
from trafilatura.settings import Extractor, set_date_params

from aggregator.extract.authors import person_name, site_names
from aggregator.extract.head import read_head
from aggregator.extract.page import ParsedPage, parse_page, top_level_json_ld
from aggregator.textutil import clean_line, join_paragraphs

# trafilatura without its fallback extractors (readability, jusText): on the article-extraction
# benchmark the fallbacks change nothing for this project's text (see docs/benchmarks.md) and
# cost about a quarter of trafilatura's time.
TRAFILATURA_FAST = True
# Minimum main text for a page to count as an article rather than a listing or a stub.
MIN_ARTICLE_CHARS = 200
MIN_LANGUAGE_DETECTION_CHARS = 120
# The language is detected on the text's start: more text barely changes the answer but costs time
# (the detector walks the text byte by byte in Python). On the article-extraction benchmark and a
# generated web of 1,700 pages, the first 500 characters give the language of the whole text on
# every page (the first 300 differ on one page in 1,800).
LANGUAGE_SAMPLE_CHARS = 500
# The page's declared language stands unless this much text says otherwise, this surely: short or
# placeholder text ("Lorem ipsum", a caption) is detected as anything.
MIN_LANGUAGE_OVERRIDE_CHARS = 600
MIN_LANGUAGE_OVERRIDE_CONFIDENCE = 0.95
PLACEHOLDER_LANGUAGES = frozenset({"la"})
MIN_YEAR = 1990


@dataclass(frozen=True)
class Extracted:
    """What extraction found on one page."""

    title: str | None
    author: str | None
    published: datetime | None
    updated: datetime | None
    language: str | None
    text: str
    canonical_url: str | None
    og_url: str | None
    page_type: str | None
    is_article: bool
    reason: str | None = None

    @property
    def paragraphs(self) -> list[str]:
        """The text's paragraphs."""
        return [p for p in self.text.split("\n\n") if p]


def parse_datetime(value: Any) -> datetime | None:
    """An aware datetime from an ISO 8601 or RFC 822 string, in the offset the page gives (naive
    means UTC), so its calendar date is the page's own; None for anything else, and for dates
    before MIN_YEAR or more than a day ahead (placeholders such as "0001-01-01")."""
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            dt = datetime.fromisoformat(text)  # the usual form, and much faster than dateutil
        except ValueError:
            try:
                parsed = dateparser.parse(text)
            except (ValueError, OverflowError, TypeError):
                return None
            if parsed is None:
                return None
            dt = parsed
    else:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    if dt.year < MIN_YEAR or dt > datetime.now(UTC) + timedelta(days=1):
        return None
    return dt


def _first(values: list[Any]) -> str | None:
    for value in values:
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _meta(doc: lxml.html.HtmlElement, *names: str) -> str | None:
    """The first non-empty content of a `<meta>` whose property, name or itemprop is one of
    `names`, the earlier names first."""
    index = _meta_index(doc)
    for name in names:
        value = _first(index.get(name) or [])
        if value:
            return value
    return None


def _meta_index(doc: lxml.html.HtmlElement) -> dict[str, list[str]]:
    """The contents of the page's `<meta>` elements by property, name and itemprop, in document
    order; one walk per page instead of one search per name asked (the last page's is kept)."""
    if _META_INDEX[0] is doc:
        return _META_INDEX[1]
    index: dict[str, list[str]] = {}
    for element in doc.iter("meta"):
        content = element.get("content")
        if content is None:
            continue
        for key in {element.get("property"), element.get("name"), element.get("itemprop")} - {None}:
            index.setdefault(str(key), []).append(content)
    _META_INDEX[:] = [doc, index]
    return index


_META_INDEX: list[Any] = [None, {}]


def _structured_dates(doc: lxml.html.HtmlElement, ld: list[dict[str, Any]]) -> tuple[str | None, str | None]:
    """Publication and modification timestamps declared by the page, most explicit first."""
    published = _first([o.get("datePublished") for o in ld]) or _meta(
        doc, "article:published_time", "og:published_time", "datePublished", "date", "dc.date",
        "DC.date.issued", "dcterms.created", "pubdate", "publish-date", "sailthru.date", "parsely-pub-date",
    )
    if not published:
        published = _first(
            doc.xpath(
                "(//article//time[@datetime] | //main//time[@datetime] | //time[@datetime])[1]/@datetime"
                " | //abbr[contains(concat(' ', normalize-space(@class), ' '), ' published ')]/@title"
            )
        )
    modified = _first([o.get("dateModified") for o in ld]) or _meta(
        doc, "article:modified_time", "og:updated_time", "dateModified", "dcterms.modified"
    )
    return published, modified


def _ld_author(ld: list[dict[str, Any]]) -> str | None:
    """The people named as authors in the page's JSON-LD, joined ("A, B and C"); an Organization
    is no author."""
    for obj in ld:
        authors = obj.get("author")
        people: list[str] = []
        for author in authors if isinstance(authors, list) else [authors]:
            if isinstance(author, dict):
                kind = author.get("@type")
                kinds = kind if isinstance(kind, list) else [kind]
                if any(isinstance(k, str) and k.rsplit("/", 1)[-1] in _ORGANISATION_TYPES for k in kinds):
                    continue
                author = author.get("name")
            if isinstance(author, str) and author.strip() and author.strip() not in people:
                people.append(author.strip())
        if people:
            return "; ".join(people)
    return None


_ORGANISATION_TYPES = frozenset({"Organization", "NewsMediaOrganization", "Corporation", "WebSite", "Brand"})


def _ld_publisher(ld: list[dict[str, Any]]) -> str | None:
    for obj in ld:
        publisher = obj.get("publisher")
        if isinstance(publisher, list) and publisher:
            publisher = publisher[0]
        if isinstance(publisher, dict):
            publisher = publisher.get("name")
        if isinstance(publisher, str) and publisher.strip():
            return publisher.strip()
    return None


# Microformat and schema.org markup that names an article's headline or author explicitly.
def _has_class(name: str) -> str:
    """XPath test for an element of class `name`; the plain substring test first, as most
    elements fail it and it is much cheaper than normalising the attribute."""
    return f"(contains(@class, '{name}') and contains(concat(' ', normalize-space(@class), ' '), ' {name} '))"


_TITLE_XPATH = f"//*[{_has_class('entry-title')} or {_has_class('post-title')} or @itemprop='headline']"
_AUTHOR_XPATH = (
    "//*[@itemprop='author'] | //a[@rel='author']"
    f" | //*[{_has_class('vcard')}]//*[{_has_class('fn')}]"
    f" | //*[{_has_class('hentry')}]//*[{_has_class('fn')}]"
)
# A byline: a short element that starts with a "by" word and a name ("By Jane Doe — 3 May 2020").
_BYLINE_RE = re.compile(
    r"^\s*(?:by|written by|posted by|par|publié par|von|por|di|door|auteur\s*:|author\s*:)\s+"
    r"(?P<name>[^\W\d_][\w.'’-]*(?:\s+[^\W\d_][\w.'’-]*){0,3})\s*(?:$|[—–|·,(]|\s-\s|\s+on\s|\s+le\s)",
    re.IGNORECASE,
)
_BYLINE_SCOPE = "//article//*[self::p or self::span or self::div or self::i or self::em]"


def _explicit_title(doc: lxml.html.HtmlElement) -> str | None:
    for element in doc.xpath(_TITLE_XPATH):
        text = clean_line(element.text_content())
        if text:
            return text
    return None


def _on_local_date(moment: datetime | None, local_date: Callable[[], datetime | None]) -> datetime | None:
    """A UTC timestamp shown in the offset that puts it on the page's own calendar day.

    "2019-11-19T07:03Z" on a page dated 18 November (its URL, its visible date, as trafilatura
    reads them) is 23:03 on the 18th where it was published; the instant stays the same.
    `local_date` gives the page's own date; it is only called for a UTC timestamp.
    """
    if moment is None or moment.utcoffset() != timedelta(0):
        return moment
    local = local_date()
    if local is None:
        return moment
    day = local.date()
    if abs((day - moment.date()).days) != 1:
        return moment
    for hours in range(1, 15):
        for offset in (timedelta(hours=-hours), timedelta(hours=hours)):
            shifted = moment.astimezone(timezone(offset))
            if shifted.date() == day:
                return shifted
    return moment


def _best_title(headline: str | None, others: Sequence[Callable[[], str | None]]) -> str | None:
    """The structured headline, unless another title is that headline in full: a headline cut
    short ("The council approved the new budget…") or reduced to the site's name loses to it.

    `others` give the other titles, most explicit first; each is asked for only when needed.
    """
    candidates = (clean_line(t) for other in others if (t := other()) and clean_line(t))
    if not headline or not clean_line(headline):
        return next(candidates, None)
    short = clean_line(headline).rstrip(".…").rstrip().casefold()
    for candidate in candidates:
        if len(candidate) > len(short) + 3 and candidate.casefold().startswith(short):
            return candidate
    return headline


def _explicit_author(doc: lxml.html.HtmlElement) -> str | None:
    for element in doc.xpath(_AUTHOR_XPATH):
        # Comment authors are not the article's author; a vcard in a table or an infobox is the
        # card of what the article is about (a person, a company), not of its author.
        if element.xpath("ancestor::*[contains(@class, 'comment') or @id='comments']"):
            continue
        if element.xpath("ancestor-or-self::*[self::table or contains(@class, 'infobox')]"):
            continue
        text = clean_line(element.text_content())
        if text and len(text) <= 80:
            return text
    return None


def _byline_author(doc: lxml.html.HtmlElement) -> str | None:
    scopes = doc.xpath(_BYLINE_SCOPE) or doc.xpath("//body//*[self::p or self::span or self::div]")
    for element in scopes[:200]:
        text = clean_line(element.text_content())
        if not text or len(text) > 120:
            continue
        # The byline pattern first: it rules out nearly every element, and costs less than the search.
        match = _BYLINE_RE.match(text)
        if match and not element.xpath("ancestor::*[contains(@class, 'comment') or @id='comments' or self::footer]"):
            return match.group("name").strip()
    return None


def _language(text: str, declared: str | None, fallback: str | None) -> str | None:
    """The page's language: the one it declares, unless enough of its text says surely otherwise
    (a template's `lang` is often one per site); detected when it declares none."""
    declared_code = declared.split("-")[0].split("_")[0].lower() if declared else ""
    if declared_code and len(text) < MIN_LANGUAGE_OVERRIDE_CHARS:
        return declared_code
    if len(text) >= MIN_LANGUAGE_DETECTION_CHARS:
        detected, confidence = _detect_language(text[:LANGUAGE_SAMPLE_CHARS])
        # "Lorem ipsum" is detected as Latin: placeholder text, not the page's language.
        surely = confidence >= MIN_LANGUAGE_OVERRIDE_CONFIDENCE and detected not in PLACEHOLDER_LANGUAGES
        if detected and (not declared_code or surely):
            return detected
    return declared_code or fallback


def _detect_language(text: str) -> tuple[str | None, float]:
    """The language py3langid detects in `text`, with its probability."""
    detected, confidence = language_identifier().classify(text)
    return (str(detected) if detected else None), float(confidence)


def language_identifier() -> Any:
    """py3langid's identifier, loaded on first use (its model takes a second or two to load)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    global _IDENTIFIER
    if _IDENTIFIER is None:
        _IDENTIFIER = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return _IDENTIFIER


_IDENTIFIER: Any = None


class _LazyMetadata:
    """trafilatura's metadata guesses (title, author, date...) for a page, each computed on first use.

    Gives what `trafilatura.metadata.extract_metadata` (and so `bare_extraction(with_metadata=True)`)
    would, field by field: most pages need one or two fields, if any, their explicit metadata
    being enough, and the whole pass (site name, categories, tags, license) costs several times
    the title, the author and the date together. The tree is read, never changed.
    """

    def __init__(self, tree: lxml.html.HtmlElement, url: str) -> None:
        self._tree = tree
        self._url = url
        self._values: dict[str, Any] = {}
        self._head: Any = None
        self._complete = False

    def get(self, name: str) -> Any:
        """The value trafilatura found for `name`, or None."""
        if name not in self._values and not self._complete:
            try:
                if name in ("title", "author", "date"):
                    self._values[name] = self._field(name)
                else:
                    self._values = self._whole()
                    self._complete = True
            except Exception:  # a guess that fails is no guess; the explicit metadata stands
                self._values[name] = None
        return self._values.get(name)

    def date(self, *, extensive: bool = True) -> str | None:
        """trafilatura's date for the page; `extensive=False` leaves out htmldate's free-text search
        (dateparser over every language: about a hundred milliseconds a call), keeping the URL,
        the markup, the date elements and the date patterns."""
        if extensive or "date" in self._values:
            return self.get("date")
        key = "date, fast"
        if key not in self._values:
            try:
                self._values[key] = self._find_date(extensive=False)
            except Exception:
                self._values[key] = None
        return self._values[key]

    def _field(self, name: str) -> Any:
        # The steps of trafilatura's extract_metadata that give one field, in its order.
        head = self._meta_head()
        if name == "title":
            return head.title or extract_title(self._tree)
        if name == "author":
            return head.author or extract_author(self._tree)
        return self._find_date(extensive=True)

    def _meta_head(self) -> Any:
        if self._head is None:
            metadata = examine_meta(self._tree)
            if metadata.author and " " not in metadata.author:
                metadata.author = None
            self._head = extract_meta_json(self._tree, metadata)
        return self._head

    def _find_date(self, *, extensive: bool) -> str | None:
        head = self._meta_head()
        # The settings trafilatura's extract_metadata gives htmldate (today's date as the latest).
        params: dict[str, Any] = set_date_params(extensive)
        params["url"] = head.url or extract_url(self._tree, self._url)
        found = find_date(self._tree, **params)
        return str(found) if found else None

    def _whole(self) -> dict[str, Any]:
        options = Extractor(with_metadata=True, url=self._url)
        document = extract_metadata(self._tree, self._url, options.date_params, options.fast, options.author_blacklist)
        return dict(document.as_dict())


def _extractor(url: str) -> Extractor:
    """trafilatura's options for one page: `bare_extraction(url=url, with_metadata=False,
    include_comments=False, include_tables=True, fast=TRAFILATURA_FAST)` would build the same,
    reading its configuration anew for every page; this copies options built once."""
    options = copy(_EXTRACTOR)
    options.url = url
    options.source = url.encode("utf-8", "replace").decode("utf-8")  # as trafilatura sets it
    return options


_EXTRACTOR = Extractor(output_format="python", fast=TRAFILATURA_FAST, comments=False, tables=True, with_metadata=False)


# trafilatura's XML: text blocks and the containers that hold them.
_TEXT_BLOCKS = frozenset({"p", "head", "quote", "code", "item"})
_CONTAINERS = frozenset({"list", "table", "row", "cell", "div", "main"})


def _block_text(element: Any) -> str:
    parts: list[str] = []

    def walk(node: Any) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            if child.tag == "lb":
                parts.append(" ")
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(element)
    return clean_line(" ".join("".join(parts).split()))


def _collect_blocks(element: Any, out: list[str]) -> None:
    """Paragraphs in document order, descending through lists and (layout) tables."""
    if element.tag in _TEXT_BLOCKS and not any(child.tag in _CONTAINERS for child in element):
        text = _block_text(element)
        if text:
            out.append(text)
        return
    own = clean_line(element.text or "")
    if own:
        out.append(own)
    for child in element:
        _collect_blocks(child, out)
        tail = clean_line(child.tail or "")
        if tail:
            out.append(tail)


def _paragraphs_from_body(body: Any) -> list[str]:
    if body is None:
        return []
    paragraphs: list[str] = []
    own = clean_line(body.text or "")
    if own:
        paragraphs.append(own)
    for child in body:
        _collect_blocks(child, paragraphs)
        # Text after an element, the body's last one included, is text too.
        tail = clean_line(child.tail or "")
        if tail:
            paragraphs.append(tail)
    return paragraphs


def _after_headline(paragraphs: list[str], title: str | None, link_texts: set[str]) -> list[str]:
    """Drop the headline and the navigation lines before it (layout tables bring them in).

    Lines before the headline are navigation when each is short or is the text of a link on the
    page (a "Recent posts" column lists whole article titles)."""
    if not title:
        return paragraphs
    wanted = clean_line(title).casefold()
    for index, paragraph in enumerate(paragraphs[:MAX_LINES_BEFORE_HEADLINE]):
        if paragraph.casefold() == wanted:
            if all(len(p) <= MAX_NAVIGATION_CHARS or p.casefold() in link_texts for p in paragraphs[:index]):
                return paragraphs[index + 1 :]
            break
    return paragraphs


# A paragraph that is nothing but one short link ("← back to the front page", "Next post →")
# at either end of the text is navigation that the extractor kept, not article text.
MAX_NAVIGATION_CHARS = 80
# A list of article titles (a "Recent posts" column) may stand before the headline: its lines are
# links, and a title can be long.
MAX_LINK_TEXT_CHARS = 300
MAX_LINES_BEFORE_HEADLINE = 16


def _link_texts(doc: lxml.html.HtmlElement) -> set[str]:
    """The visible texts of the page's links (casefolded), up to MAX_LINK_TEXT_CHARS."""
    return {
        text.casefold()
        for anchor in doc.iter("a")
        if (text := clean_line(anchor.text_content())) and len(text) <= MAX_LINK_TEXT_CHARS
    }


def _without_edge_links(paragraphs: list[str], link_texts: set[str]) -> list[str]:
    if not paragraphs:
        return paragraphs
    start, end = 0, len(paragraphs)
    while start < end and _is_navigation(paragraphs[start], link_texts):
        start += 1
    while end > start and _is_navigation(paragraphs[end - 1], link_texts):
        end -= 1
    return paragraphs[start:end]


def _is_navigation(paragraph: str, link_texts: set[str]) -> bool:
    return len(paragraph) <= MAX_NAVIGATION_CHARS and paragraph.casefold() in link_texts


def extract_page(
    html: str,
    url: str,
    *,
    hints: Mapping[str, Any] | None = None,
    default_language: str | None = None,
) -> Extracted:
    """Extract an article's main text and metadata from `html` fetched at `url`.

    `hints` (title, author, published, updated from a feed entry) fill what the page lacks.
    Paragraphs in the returned text are separated by a blank line.
    """
    return extract_content(parse_page(html, url), hints=hints, default_language=default_language)


def extract_content(
    page: ParsedPage,
    *,
    hints: Mapping[str, Any] | None = None,
    default_language: str | None = None,
) -> Extracted:
    """`extract_page` of a page already parsed (see `aggregator.extract.page`)."""
    hints = hints or {}
    doc = page.tree
    if doc is None:
        return Extracted(None, None, None, None, None, "", None, None, None, False, "unparsable HTML")
    url = page.url
    ld = top_level_json_ld(page)
    # One trafilatura pass over the shared tree (trafilatura works on its own copy) for the
    # cleaned body tree; its metadata guesses are only computed when the page's explicit
    # metadata leaves a field empty (they come last in every chain below).
    document = trafilatura.bare_extraction(doc, options=_extractor(url))
    body = document.body if document is not None and not isinstance(document, dict) else None
    data = _LazyMetadata(doc, url)
    paragraphs = _paragraphs_from_body(body)
    link_texts = _link_texts(doc)
    # The microformat title is asked for by the headline check and by the title chain: one search.
    explicit_title: list[str | None] = []

    def page_title() -> str | None:
        if not explicit_title:
            explicit_title.append(_explicit_title(doc))
        return explicit_title[0]

    paragraphs = _after_headline(paragraphs, hints.get("title") or _first([o.get("headline") for o in ld])
                                 or _meta(doc, "og:title") or page_title() or data.get("title"), link_texts)
    paragraphs = _without_edge_links(paragraphs, link_texts)
    # A byline ("By Jane Doe — 3 May 2020") at the head is metadata, not article text.
    while paragraphs and len(paragraphs[0]) <= 120 and _BYLINE_RE.match(paragraphs[0]):
        paragraphs = paragraphs[1:]
    text = join_paragraphs(paragraphs)

    head = read_head(page)
    published_raw, modified_raw = _structured_dates(doc, ld)
    # The page's own date (declared, from its feed entry, written above its text) before
    # trafilatura's, which may come from a date the text mentions.
    published = (parse_datetime(published_raw) or parse_datetime(hints.get("published"))
                 or head.published or parse_datetime(data.get("date")))
    # The page's own calendar day is only asked for a UTC timestamp, and from the page's URL,
    # markup and date patterns (not htmldate's free-text search, which costs more than the rest
    # of the page's metadata).
    published = _on_local_date(published, lambda: parse_datetime(data.date(extensive=False)))
    updated = parse_datetime(modified_raw) or parse_datetime(hints.get("updated"))
    # Explicit metadata first (structured data, microformats, the feed entry), then
    # trafilatura's guesses, then a visible byline.
    title = _best_title(
        _first([o.get("headline") for o in ld]),
        [lambda: _meta(doc, "og:title"), page_title, lambda: hints.get("title"),
         lambda: data.get("title")],
    )
    # The first source that names a person: accounts, placeholders, organisations and the site's
    # own name ("admin", "FAIL", "BBC News") make way for the next. Each is computed only while no
    # earlier one gave a name (trafilatura's guess is the costly one).
    names = site_names(url, _meta(doc, "og:site_name", "application-name"), _ld_publisher(ld))
    author_candidates: tuple[Callable[[], str | None], ...] = (
        lambda: _ld_author(ld),
        lambda: _meta(doc, "author", "article:author", "dc.creator", "DC.creator"),
        lambda: hints.get("author"),
        lambda: _explicit_author(doc),
        lambda: data.get("author"),
        lambda: head.author,
        lambda: _byline_author(doc),
    )
    author = next(
        (found for candidate in author_candidates
         if (found := person_name(candidate(), site_names=names, bylines=head.bylines))),
        None,
    )
    canonical = _first(doc.xpath('//link[@rel="canonical"]/@href'))
    og_url = _meta(doc, "og:url")
    page_type = _meta(doc, "og:type")
    declared_lang = _first(doc.xpath("/html/@lang")) or _meta(doc, "og:locale", "content-language")
    language = _language(text, declared_lang, default_language)
    is_article = len(text) >= MIN_ARTICLE_CHARS and page_type not in ("website", "profile")
    reason = None if is_article else ("no main text" if not text else f"not an article (type {page_type})"
                                      if page_type in ("website", "profile") else "main text too short")
    return Extracted(
        title=clean_line(title) if title else None,
        author=clean_line(author) if author else None,
        published=published,
        updated=updated,
        language=language,
        text=text,
        canonical_url=canonical,
        og_url=og_url,
        page_type=page_type,
        is_article=is_article,
        reason=reason,
    )
