"""The canonical graph's verdicts: is a republication's attribution correct, missing, wrong,
or does it name an intermediary that copied the original first?

Pure functions over plain data. The verdict of one copy depends on the other copies of the
same article (an intermediary is a site that itself carried the article), so verdicts are
recomputed for all of an article's copies together, whatever order they arrived in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from aggregator.urls import same_site, try_normalise_url, url_match_key

CORRECT = "correct"
MISSING = "missing"
WRONG = "wrong"
INTERMEDIARY = "intermediary"


@dataclass(frozen=True)
class CopyFacts:
    """What the verdict needs to know about one republication."""

    url: str
    site: str
    claimed_host: str | None
    claimed_url: str | None
    published: datetime | None


@dataclass(frozen=True)
class Verdict:
    """The attribution verdict of a copy, and the intermediary page it names, if any."""

    attribution: str
    via: str | None
    reason: str


def _key(url: str | None) -> str | None:
    normal = try_normalise_url(url)
    return url_match_key(normal) if normal else None


def attribution_verdict(origin_site: str, copy: CopyFacts, others: Sequence[CopyFacts]) -> Verdict:
    """Judge what `copy` says about its source, given the origin's site and the other copies.

    - missing: the page names no source;
    - correct: it names the origin's site;
    - intermediary: it names a site that itself carried the article, not later than this copy
      (`via` is that site's copy: the one the claim links to, else the earliest);
    - wrong: it names any other site.
    """
    claimed = copy.claimed_host
    if not claimed:
        return Verdict(MISSING, None, "the page names no source")
    if same_site(claimed, origin_site):
        return Verdict(CORRECT, None, f"the page names {claimed}, the origin's site")
    carriers = [
        other for other in others
        if other.url != copy.url and same_site(other.site, claimed)
        and not (other.published and copy.published and other.published > copy.published)
    ]
    if carriers:
        linked_key = _key(copy.claimed_url)
        linked = [c for c in carriers if linked_key and _key(c.url) == linked_key]
        chosen = linked[0] if linked else min(
            carriers, key=lambda c: (c.published is None, c.published or datetime.max, c.url)
        )
        return Verdict(
            INTERMEDIARY, chosen.url,
            f"the page names {claimed}, which republished the original itself ({chosen.url})",
        )
    return Verdict(WRONG, None, f"the page names {claimed}, which is not the origin ({origin_site}) "
                                "and carried no copy of it")


def verdicts_for_article(origin_site: str, copies: Sequence[CopyFacts]) -> dict[str, Verdict]:
    """The verdict of every copy of one article, keyed by the copy's URL."""
    return {copy.url: attribution_verdict(origin_site, copy, copies) for copy in copies}
