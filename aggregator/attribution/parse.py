"""parse_attribution: what a page claims about the origin of its article, and the origin it names."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from html import escape
from urllib.parse import urlsplit

from lxml import etree
from lxml import html as lxml_html

from aggregator.attribution.credits import LineReader
from aggregator.attribution.hosts import host_of_url, same_site
from aggregator.attribution.known import KnownSources
from aggregator.attribution.model import AUTHOR, EMPTY, HOST_PRIORITY, Attribution, Claim
from aggregator.attribution.page import Line, visible_lines
from aggregator.attribution.structured import structured_claims

# Lines after the last long paragraph count as the article's tail (credits, the republisher's notices).
MAX_TAIL_LINE_WORDS = 25
_FEED_START_RE = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?<(?:rss|feed|item|entry|rdf:rdf|channel)\b", re.IGNORECASE
)
_XML_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
_FEED_CONTENT_TAGS = frozenset({"encoded", "content", "description", "summary"})


def _parse_document(html: str) -> lxml_html.HtmlElement | None:
    try:
        return lxml_html.document_fromstring(_XML_DECLARATION_RE.sub("", html))
    except (etree.ParserError, ValueError):
        return None


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
        local = etree.QName(element).localname.lower()
        if local in _FEED_CONTENT_TAGS and element.text:
            parts.append(element.text)
        elif local == "source":
            url = element.get("url") or next(
                (link.get("href") for link in element if etree.QName(link).localname == "link"), None
            )
            if url:
                name = " ".join(element.itertext()).strip()
                parts.append(f'<source url="{escape(url)}">{escape(name)}</source>')
    return _parse_document("<html><body>" + "\n".join(parts) + "</body></html>")


def _tail_credit_lines(lines: Sequence[Line], credit_indexes: Sequence[int]) -> set[str]:
    # The republisher's notices that follow a credit line at the end of the article ("Rejoignez
    # PSST !", "DIRIGÉE PAR: ...") are part of the attribution footer, not of the article. Only
    # lines after the first credit line of the final run of short lines are taken, so short
    # article lines before the credit (a list, a signature) stay.
    tail_start = len(lines)
    while tail_start > 0 and len(lines[tail_start - 1].text.split()) <= MAX_TAIL_LINE_WORDS:
        tail_start -= 1
    first_credit = next((index for index in credit_indexes if index >= tail_start), None)
    if first_credit is None:
        return set()
    return {line.text for line in lines[first_credit:]}


def _is_foreign(claim: Claim, own_host: str | None) -> bool:
    return claim.host is not None and not same_site(claim.host, own_host)


def _resolve(claims: Sequence[Claim], own_host: str | None) -> tuple[str | None, str | None, str | None]:
    """The origin host, its best URL, and the origin's author, from the strongest claims."""
    rank = {kind: index for index, kind in enumerate(HOST_PRIORITY)}
    ranked = sorted(
        (claim for claim in claims if claim.kind in rank and _is_foreign(claim, own_host)),
        key=lambda claim: rank[claim.kind],  # stable: document order within a kind
    )
    winner = ranked[0] if ranked else None
    source_host = winner.host if winner else None
    source_url = None
    if winner:
        same_host = [claim.url for claim in ranked if claim.host == source_host and claim.url]
        # An article URL says more than the home page it lives on.
        source_url = next((url for url in same_host if urlsplit(url).path.strip("/")), None)
        source_url = source_url or (same_host[0] if same_host else None)
    author = winner.author if winner and winner.author else None
    if author is None:
        bylines = [claim.author for claim in claims if claim.kind == AUTHOR and claim.author]
        others = [claim.author for claim in ranked if claim.author]
        author = next(iter(bylines or others), None)
    return source_host, source_url, author


def parse_attribution(
    html: str, page_url: str, *, known_sources: Mapping[str, str] | None = None
) -> Attribution:
    """What the page at `page_url` claims about its article's origin.

    Reads the whole page once: visible credit lines anywhere outside the site's chrome (source,
    author, read-more, first-published and via lines, with the links inside them) and structured
    signals (cross-domain canonical and og:url, schema.org isBasedOn / sourceOrganization in
    JSON-LD or microdata, RSS <source>). `known_sources` maps a source's display name to its host,
    so "Source : Le blog d'USEO" names blog.useo.net. The resolved `source_host` is the strongest
    claim naming another site (never the page's own host or its www-equivalent); `author` is the
    person the credits name as the origin's author.
    """
    own = host_of_url(page_url)
    own_host = own[0] if own else None
    document = _feed_item_document(html) if _FEED_START_RE.match(html[:500]) else _parse_document(html)
    if document is None:
        return EMPTY
    known = KnownSources(known_sources)
    reader = LineReader(page_url, own_host, known)
    lines = visible_lines(document)
    line_claims: list[Claim] = []
    credit_indexes: list[int] = []
    for index, line in enumerate(lines):
        claim = reader.claim(line)
        if claim is not None:
            line_claims.append(claim)
            credit_indexes.append(index)
    claims = (*line_claims, *structured_claims(document, page_url, own_host, known))
    source_host, source_url, author = _resolve(claims, own_host)
    credit_lines = {claim.line for claim in line_claims if claim.line}
    credit_lines |= _tail_credit_lines(lines, credit_indexes)
    return Attribution(
        claims=claims,
        source_host=source_host,
        source_url=source_url,
        author=author,
        credit_lines=frozenset(credit_lines),
    )
