"""What a matched copy says about its original: its own claims, less what it copied, and verified.

Once matching knows which original a copy republishes, two things change what the copy's page
claims:

- a claim whose line the original's text contains is the original's text, not the copy's
  credit (a press release's "visit www.company.com", an original's own read-more line);
- the copy's stored credit positions can be searched for the original's source and author
  under every form they take (`aggregator.extract.attribution.verify`), which decides
  `correct` against `missing` where parsing found no claim or a weak one.

Pure: plain data in, plain data out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aggregator.extract.attribution.model import CLAIM_KINDS, Claim
from aggregator.extract.attribution.parse import resolve_claims, strongest_claim
from aggregator.extract.attribution.verify import Origin, PreparedOrigin, Verification, prepare_origin, verify_credit
from aggregator.match.verdicts import CORRECT, CopyFacts
from aggregator.urls import same_site


@dataclass(frozen=True)
class CheckedCredits:
    """A copy's claim about its original, once the original is known."""

    facts: CopyFacts
    """What the verdict is decided on: the claim without copied lines, and the verified credit."""
    source_host: str | None
    """The source its own claims name (lines it copied left out)."""
    source_url: str | None
    author: str | None
    """The author the page names: the original's author as the page writes it, else its byline."""
    verification: Verification


def claims_from_data(records: Sequence[Mapping[str, Any]]) -> list[Claim]:
    """Stored claim records (kind, host, url, author, line) as claims; unknown kinds are left out."""
    return [
        Claim(kind=str(r["kind"]), host=r.get("host"), url=r.get("url"), author=r.get("author"), line=r.get("line"))
        for r in records
        if r.get("kind") in CLAIM_KINDS
    ]


def check_credits(
    *,
    url: str,
    site: str,
    published: datetime | None,
    claims: Sequence[Mapping[str, Any]],
    positions: Sequence[Mapping[str, Any]],
    origin: Origin | PreparedOrigin,
    resolved: tuple[str | None, str | None, str | None] = (None, None, None),
) -> CheckedCredits:
    """The claim of the copy at `url` (on `site`) about `origin`, from its stored claims and credit
    positions. `resolved` (source host, URL, author) stands for the claims when none are stored.
    An original with many copies is best passed prepared (`prepare_origin`), once for all of them."""
    prepared = prepare_origin(origin)
    copied = prepared.copied
    own = [claim for claim in claims_from_data(claims) if not (claim.line and copied.has(claim.line))]
    host, claim_url, author = resolve_claims(own, site) if claims else resolved
    claim = strongest_claim(own, site) if claims else None
    if claim is None and host:
        claim = Claim(kind="claim", host=host, url=claim_url, author=author, line=None)
    verification = verify_credit(positions, page_url=url, origin=prepared)
    credited = verification.source.as_dict() if verification.source else None
    facts = CopyFacts(
        url=url, site=site, claimed_host=host, claimed_url=claim_url, published=published, credited=credited,
        claim={"what": "source", "how": claim.kind, "text": claim.host, "line": claim.line or "(structured data)",
               "where": "page"} if claim else None,
    )
    written_author = verification.author.text if verification.author else author
    return CheckedCredits(facts=facts, source_host=host, source_url=claim_url, author=written_author,
                          verification=verification)


def final_claim(checked: CheckedCredits, attribution: str, origin_host: str) -> tuple[str | None, str | None]:
    """The source a judged copy claims: its own claim, or the origin (under its registered host)
    when the copy is correct by crediting the origin without a claim naming its site."""
    host, url = checked.source_host, checked.source_url
    if attribution == CORRECT and not (host and same_site(host, origin_host)):
        return origin_host, None
    return host, url
