"""parse_attribution: what a page claims about the origin of its article, and the origin it names."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

from aggregator.extract.attribution.clauses import MAX_CREDIT_LINE_WORDS
from aggregator.extract.attribution.credits import LineReader, is_long
from aggregator.extract.attribution.hosts import host_of_url
from aggregator.extract.attribution.known import KnownSources
from aggregator.extract.attribution.known import known_sources as cached_known_sources
from aggregator.extract.attribution.lines import Line, visible_lines, word_count
from aggregator.extract.attribution.model import AUTHOR, EMPTY, HOST_PRIORITY, Attribution, Claim
from aggregator.extract.attribution.structured import structured_claims
from aggregator.extract.attribution.verify import credit_positions
from aggregator.extract.page import ParsedPage, parse_page
from aggregator.urls import same_site

# At most this many lines, from the first credit to the end, make the attribution footer.
MAX_TAIL_NOTICE_LINES = 15


def _tail_credit_lines(lines: Sequence[Line], credits: Sequence[tuple[int, int, Claim]]) -> set[str]:
    """The republisher's notices that follow a credit line at the end of the article.

    "Rejoignez PSST !" or "DIRIGÉE PAR: ..." after "SOURCE : ..." belong to the attribution
    footer, not to the article. Only lines from the first credit naming a site in the final run
    of short lines are taken, so short article lines before it (a list, a signature) stay; and
    only in the second half of the page, so a byline above a short article never takes it all.
    """
    tail_start = len(lines)
    while tail_start > 0 and not is_long(lines[tail_start - 1]):
        tail_start -= 1
    first = next(
        (start for start, _, claim in credits if start >= tail_start and claim.kind != AUTHOR and claim.host),
        None,
    )
    if first is None or first < len(lines) // 2 or len(lines) - first > MAX_TAIL_NOTICE_LINES:
        return set()
    return {line.text for line in lines[first:]}


def _is_foreign(claim: Claim, own_host: str | None) -> bool:
    return claim.host is not None and not same_site(claim.host, own_host)


def strongest_claim(claims: Sequence[Claim], own_host: str | None) -> Claim | None:
    """The claim that decides the origin: the strongest kind naming another site, first on the page."""
    rank = {kind: index for index, kind in enumerate(HOST_PRIORITY)}
    ranked = sorted(
        ((rank[claim.kind], position, claim) for position, claim in enumerate(claims)
         if claim.kind in rank and _is_foreign(claim, own_host)),
        key=lambda item: item[:2],
    )
    return ranked[0][2] if ranked else None


def resolve_claims(
    claims: Sequence[Claim], own_host: str | None, weak: Sequence[bool] | None = None
) -> tuple[str | None, str | None, str | None]:
    """The origin host, its best URL, and the origin's author, from the strongest claims.

    `weak[i]` marks a credit line standing between the article's paragraphs (a chart's "Source:"),
    which counts after every claim at the head or tail of the article or in the markup.
    """
    weak = weak if weak is not None else [False] * len(claims)
    rank = {kind: index for index, kind in enumerate(HOST_PRIORITY)}
    ranked = [
        claim
        for _, _, claim in sorted(
            (weak[position] * len(rank) + rank[claim.kind], position, claim)
            for position, claim in enumerate(claims)
            if claim.kind in rank and _is_foreign(claim, own_host)
        )
    ]
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


def _title(page: ParsedPage, lines: Sequence[Line]) -> str | None:
    heading = next((line.text for line in lines if line.heading), None)
    if heading:
        return heading
    title = page.tree.find(".//title") if page.tree is not None else None
    return title.text_content().strip() if title is not None else None


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
    return read_attribution(parse_page(html, page_url), cached_known_sources(known_sources))


def read_attribution(page: ParsedPage, known: KnownSources) -> Attribution:
    """`parse_attribution` of a page already parsed (see `aggregator.extract.page`)."""
    own = host_of_url(page.url)
    own_host = own[0] if own else None
    if page.tree is None:
        return EMPTY
    lines = visible_lines(page.tree)
    reader = LineReader(page.url, own_host, known, _title(page, lines))
    credits = reader.read(lines)
    long_lines = [index for index, line in enumerate(lines) if is_long(line)]
    # A credit line between the article's long paragraphs (a chart's "Source:") is a weaker claim.
    weak = [bool(long_lines) and long_lines[0] < start < long_lines[-1] for start, _, _ in credits]
    structured = structured_claims(page, own_host, known)
    claims = (*(claim for _, _, claim in credits), *structured)
    source_host, source_url, author = resolve_claims(claims, own_host, [*weak, *[False] * len(structured)])
    # A paragraph of article text that opens with a dateline ("PanARMENIAN.Net - Verified video
    # ...") makes a claim, but stays text: only short lines are credit lines.
    credit_lines = {line.text for start, end, _ in credits for line in lines[start:end]
                    if word_count(line.text) <= MAX_CREDIT_LINE_WORDS}
    credit_lines |= {claim.line for _, _, claim in credits
                     if claim.line and word_count(claim.line) <= MAX_CREDIT_LINE_WORDS}
    credit_lines |= _tail_credit_lines(lines, credits)
    return Attribution(
        claims=claims,
        source_host=source_host,
        source_url=source_url,
        author=author,
        credit_lines=frozenset(credit_lines),
        positions=tuple(credit_positions(lines)),
    )
