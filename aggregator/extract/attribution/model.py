"""The attribution parser's results: what a page claims about the origin of its article."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# The kinds of claim, from the strongest statement of origin to the weakest.
SOURCE = "source"
FIRST_PUBLISHED = "first_published"
PUBLISHED_IN = "published_in"
"""A piece said to have appeared in an outlet: "Article paru dans OUTLET", "Articolo tratto da OUTLET"."""
READ_MORE = "read_more"
BYLINE = "byline"
"""A person and the outlet they wrote for: "Un article de NAME pour OUTLET", "NAME, OUTLET"."""
IS_BASED_ON = "is_based_on"
SOURCE_ORGANIZATION = "source_organization"
RSS_SOURCE = "rss_source"
CANONICAL = "canonical"
OG_URL = "og_url"
VIA = "via"
AUTHOR = "author"
OUTLET = "outlet"
"""A short credit-shaped line that names an outlet without a cue: "OUTLET, 12/03/2021", "(OUTLET)",
"TITLE – OUTLET", "OUTLET: ...", a host written alone."""
DATELINE = "dateline"
"""A wire dateline: "SEATTLE (AP) —", "(AFP) -"."""

# Order in which claims decide the origin host; "author" lines name a person, never a host.
HOST_PRIORITY: tuple[str, ...] = (
    SOURCE, FIRST_PUBLISHED, PUBLISHED_IN, READ_MORE, BYLINE, IS_BASED_ON, SOURCE_ORGANIZATION, RSS_SOURCE,
    CANONICAL, OG_URL, DATELINE, OUTLET, VIA,
)
CLAIM_KINDS: frozenset[str] = frozenset((*HOST_PRIORITY, AUTHOR))


@dataclass(frozen=True, slots=True)
class Claim:
    """One statement on a page about where its article comes from.

    `host` is lower-cased and otherwise as written ("www.psst.fr" stays so), and never the page's
    own site: a credit line naming only its own site keeps host None. `url` is absolute when the
    page gives one; `line` is the normalised visible text of the credit line, None for structured
    data (canonical link, og:url, JSON-LD, RSS <source>).
    """

    kind: str
    host: str | None
    url: str | None
    author: str | None
    line: str | None


@dataclass(frozen=True, slots=True)
class Attribution:
    """Everything a page claims, and the origin those claims resolve to.

    `source_host` is never the page's own host (nor a www-equivalent of it). `credit_lines`
    holds the normalised text of every credit line (and of the republisher's notice lines that
    follow a credit line at the end of the article), for `strip_attribution`. `positions` are
    the page's credit positions as plain data (`verify.credit_positions`), kept so that matching
    can verify a copy's credits without parsing its page again.
    """

    claims: tuple[Claim, ...]
    source_host: str | None
    source_url: str | None
    author: str | None
    credit_lines: frozenset[str]
    positions: tuple[dict[str, Any], ...] = ()


EMPTY = Attribution(claims=(), source_host=None, source_url=None, author=None, credit_lines=frozenset())
