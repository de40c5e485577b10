"""The canonical graph's verdicts: is a republication's attribution correct, missing, wrong,
or does it name an intermediary that copied the original first?

Pure functions over plain data. The verdict of one copy depends on the other copies of the
same article (an intermediary is a site that itself carried the article), so verdicts are
recomputed for all of an article's copies together, whatever order they arrived in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

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
    credited: Mapping[str, Any] | None = None
    """Where the page credits the origin, found by verifying its credit positions (see
    `aggregator.extract.attribution.verify`), as `CreditFound.as_dict()`; None when it does not."""
    claim: Mapping[str, Any] | None = None
    """The claim `claimed_host` comes from (kind, host, line), for the verdict's evidence."""


@dataclass(frozen=True)
class Verdict:
    """The attribution verdict of a copy, the intermediary page it names, if any, why, and the
    mention that decided it (None for a copy that names nothing)."""

    attribution: str
    via: str | None
    reason: str
    evidence: Mapping[str, Any] | None = None


def _key(url: str | None) -> str | None:
    normal = try_normalise_url(url)
    return url_match_key(normal) if normal else None


def attribution_verdict(origin_site: str, copy: CopyFacts, others: Sequence[CopyFacts]) -> Verdict:
    """Judge what `copy` says about its source, given the origin's site and the other copies.

    - intermediary: its claim names a site that itself carried the article, not later than this
      copy (`via` is that site's copy: the one the claim links to, else the earliest), even when
      it credits the origin too (a copy of a copy that kept the first copier's credit line);
    - correct: its claim names the origin's site, or it credits the origin in a credit position
      (verification: the source's name, an alias, its host, a link to it);
    - wrong: it names any other site, and does not credit the origin;
    - missing: it names no source.
    """
    claimed = copy.claimed_host
    claim_evidence = {"decided_by": "claim", **copy.claim} if copy.claim else None
    credit_evidence = {"decided_by": "verification", **copy.credited} if copy.credited else None
    if not claimed:
        if credit_evidence:
            return Verdict(CORRECT, None, f"the page credits the origin ({_quote(copy.credited)})",
                           credit_evidence)
        return Verdict(MISSING, None, "the page names no source")
    if same_site(claimed, origin_site):
        return Verdict(CORRECT, None, f"the page names {claimed}, the origin's site", claim_evidence)
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
            f"the page names {claimed}, which republished the original itself ({chosen.url})", claim_evidence,
        )
    if credit_evidence:
        return Verdict(CORRECT, None, f"the page credits the origin ({_quote(copy.credited)}), "
                                      f"though it also names {claimed}", credit_evidence)
    return Verdict(WRONG, None, f"the page names {claimed}, which is not the origin ({origin_site}) "
                                "and carried no copy of it", claim_evidence)


def _quote(found: Mapping[str, Any] | None) -> str:
    if not found:
        return ""
    return f"{found.get('how')} {found.get('text')!r} in {found.get('where')} line {found.get('line')!r}"


def verdicts_for_article(origin_site: str, copies: Sequence[CopyFacts]) -> dict[str, Verdict]:
    """The verdict of every copy of one article, keyed by the copy's URL."""
    return {copy.url: attribution_verdict(origin_site, copy, copies) for copy in copies}
