"""Matching decisions, as pure functions over plain data: no database, no I/O.

`aggregator.match.graph` reads a batch (the republications waiting for a decision, their
candidate originals and texts, the other copies of those originals, the republisher pages
that share paragraphs with them, and how many pages of each site carry each paragraph);
`decide` turns that batch into the rows to write:

- which original each waiting republication copies (or none yet: provisional), and how
  (`full`, `excerpt`, `edited`, with containment and coverage);
- the attribution verdict of every copy of every original concerned (a verdict depends on
  the other copies of the same original: an intermediary is a site that carried it too);
- each waiting republication's clean text: its text without credit lines and without its
  site's recurring paragraphs (unless the original has them too). When a paragraph starts or
  stops recurring on a site, processing sends the site's pages that carry it back to matching
  (`aggregator.match.graph.requeue_after_site_paragraphs_changed`).

Every candidate must pass the text check on exact shingle sets (`aggregator.match.similarity`);
claims only lower its threshold. The best passing candidate wins (highest containment, then
coverage, then the oldest article id), which depends only on the texts, not on the order pages
arrived in.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from typing import Any, Generic, TypeVar

from aggregator.extract.attribution import strip_attribution
from aggregator.extract.attribution.model import EMPTY as NO_CLAIMS
from aggregator.extract.attribution.verify import Origin, PreparedOrigin, prepare_origin
from aggregator.match.boilerplate import MIN_PAGES_FOR_BOILERPLATE, paragraph_keys, without_boilerplate
from aggregator.match.crediting import CheckedCredits, check_credits, final_claim
from aggregator.match.keys import off_site_urls
from aggregator.match.similarity import Comparison, compare, is_match
from aggregator.match.verdicts import CopyFacts, Verdict, verdicts_for_article
from aggregator.textutil import join_paragraphs, split_paragraphs
from aggregator.urls import same_site


@dataclass(frozen=True)
class CopyRecord:
    """What matching knows of one republication (a page of a republisher or of an unknown site)."""

    id: int
    url: str
    site: str
    source_id: int | None
    title: str | None
    match_text: str
    text_hash: str | None
    claimed_host: str | None
    """The source the page's own claims resolve to (before matching knew its original)."""
    claimed_url: str | None
    claim_urls: tuple[str, ...]
    """Every URL the page's claims give (credit-line links, canonical, isBasedOn...), as written."""
    credit_lines: tuple[str, ...]
    published: datetime | None
    article_id: int | None
    """Its current original (None: provisional)."""
    attribution: str | None = None
    via: str | None = None
    text: str = ""
    """Its current clean text."""
    claimed_author: str | None = None
    """The author the page's own claims name."""
    claims: tuple[Mapping[str, Any], ...] = ()
    """The page's claims as stored (kind, host, url, author, line)."""
    positions: tuple[Mapping[str, Any], ...] = ()
    """The page's credit positions (see `aggregator.extract.attribution.verify.credit_positions`)."""
    stored_claim: tuple[str | None, str | None, str | None] = (None, None, None)
    """The claim currently stored for it (source host, source URL, author), as matching last decided it."""
    evidence: Mapping[str, Any] | None = None
    """The stored evidence of its current verdict."""

    @property
    def facts(self) -> CopyFacts:
        """The facts its attribution verdict is decided on."""
        return CopyFacts(url=self.url, site=self.site, claimed_host=self.claimed_host,
                         claimed_url=self.claimed_url, published=self.published)


@dataclass(frozen=True)
class Original:
    """A canonical article as matching compares and verifies it: its title, text and site, its
    address and author, and the names its source is known by."""

    id: int
    title: str | None
    text: str
    site: str
    url: str | None = None
    author: str | None = None
    names: tuple[str, ...] = ()

    @property
    def origin(self) -> Origin:
        """What verification looks for in a copy's credits."""
        return Origin(host=self.site, names=self.names, url=self.url, author=self.author, text=self.text)


@dataclass(frozen=True)
class Candidate:
    """One article a republication may copy, with how it was proposed and how it compares."""

    article_id: int
    site: str
    title: str | None
    comparison: Comparison
    named_by_claim: bool
    matched: bool


@dataclass(frozen=True)
class MatchDecision:
    """The outcome of matching one republication: the chosen article (or None) and every candidate."""

    republication_id: int
    article_id: int | None
    candidates: tuple[Candidate, ...]

    @property
    def chosen(self) -> Candidate | None:
        """The candidate that won, if any."""
        return next((c for c in self.candidates if c.article_id == self.article_id), None)


@dataclass(frozen=True)
class MatchBatch:
    """Everything `decide` needs, read in one go."""

    pending: Sequence[CopyRecord]
    """The republications waiting for a decision."""
    candidates: Mapping[int, Sequence[int]]
    """Candidate article ids of each pending republication, in a stable order."""
    named: Mapping[int, frozenset[int]]
    """Those of its candidates the page's claims point to (by URL)."""
    originals: Mapping[int, Original]
    """Every article concerned: the candidates and the current originals of pending copies."""
    others: Sequence[CopyRecord] = ()
    """The other copies of the articles concerned (for their verdicts)."""
    paragraph_counts: Mapping[int, Mapping[int, int]] = field(default_factory=dict)
    """Per source id: how many of its pages carry each paragraph key."""


@dataclass
class Outcome:
    """What `decide` decided: rows for `storage.republications.write_decisions`, and counts."""

    rows: list[dict[str, Any]]
    decisions: dict[int, MatchDecision]
    verdicts: dict[int, Verdict]
    articles_judged: int


def claimed_urls(copy: CopyRecord) -> list[str]:
    """URLs the page gives for its original (normalised; none on the page's own site)."""
    return off_site_urls(copy.site, (copy.claimed_url, *copy.claim_urls))


def evaluate(
    copy: CopyRecord, candidate_ids: Iterable[int], named: frozenset[int], originals: Mapping[int, Original]
) -> MatchDecision:
    """Compare a republication with each candidate article; pick the best that matches."""
    candidates = []
    copy_digest = _digest(copy.match_text)
    for article_id in candidate_ids:
        original = originals.get(article_id)
        if original is None:
            continue
        comparison = _compared(copy.match_text, copy_digest, copy.title, original.text, original.title)
        by_claim = article_id in named or same_site(copy.claimed_host, original.site)
        candidates.append(Candidate(article_id, original.site, original.title, comparison, by_claim,
                                    is_match(comparison, strong_evidence=by_claim)))
    passing = [c for c in candidates if c.matched]
    best = min(passing, key=lambda c: (-c.comparison.containment, -c.comparison.coverage, c.article_id),
               default=None)
    return MatchDecision(copy.id, best.article_id if best else None, tuple(candidates))


K = TypeVar("K")
V = TypeVar("V")


class BoundedMemo(Generic[K, V]):
    """The results of a pure function by key, the least recently used dropped past `size`; safe
    to share between threads (the API may explain matches from several at once)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K, compute: Callable[[], V]) -> V:
        """The value remembered for `key`, or `compute()`'s, then remembered."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = compute()  # outside the lock: another thread may compute the same, harmlessly
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value


_COMPARISONS = 32768
"""Comparisons remembered. A copy waits for matching again each time an original it may copy
arrives or changes (one that shares a single sentence with it is enough), and is then compared
again with every candidate it had: over a crawl of 10,000 pages a copy is examined about four
times against about five candidates. Kept by digests of the texts, a few hundred bytes each."""

_comparisons: BoundedMemo[tuple[bytes, str | None, bytes, str | None], Comparison] = BoundedMemo(_COMPARISONS)


def _compared(copy_text: str, copy_digest: bytes, copy_title: str | None, original_text: str,
              original_title: str | None) -> Comparison:
    """`compare` of two texts (a pure function), remembered by their digests (`copy_digest` is
    the copy text's, computed once for all its candidates)."""
    return _comparisons.get(
        (copy_digest, copy_title, _digest(original_text), original_title),
        lambda: compare(split_paragraphs(copy_text), split_paragraphs(original_text), copy_title=copy_title,
                        original_title=original_title),
    )


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def clean_text(
    copy: CopyRecord, paragraph_counts: Mapping[int, int], original: Original | None
) -> str:
    """The text readers see for a republication: its paragraphs without its site's recurring ones
    (on MIN_PAGES_FOR_BOILERPLATE pages or more) unless the original has them too, and without its
    credit lines."""
    paragraphs = split_paragraphs(copy.match_text)
    recurring = {key for key, pages in paragraph_counts.items() if pages >= MIN_PAGES_FOR_BOILERPLATE}
    if recurring:
        original_keys = set(paragraph_keys(split_paragraphs(original.text))) if original else set()
        kept = without_boilerplate(paragraphs, recurring, original_keys)
    else:  # nothing recurs on the site: every paragraph is kept, whatever the original has
        kept = list(paragraphs)
    return strip_attribution(join_paragraphs(kept), replace(NO_CLAIMS, credit_lines=frozenset(copy.credit_lines)))


# An original and its copies are judged again in each batch that concerns them (a new copy, a
# changed one): what verification derives from them is kept for the next batches. Both are pure
# functions of their arguments; the caches are bounded (an original's preparation holds its text).
_PREPARED_ORIGINS = 256
_CHECKED_CREDITS = 1024


@lru_cache(maxsize=_PREPARED_ORIGINS)
def _prepared(origin: Origin) -> PreparedOrigin:
    return prepare_origin(origin)


_checked: BoundedMemo[tuple[Any, ...], CheckedCredits] = BoundedMemo(_CHECKED_CREDITS)


def _checked_credits(copy: CopyRecord, origin: PreparedOrigin) -> CheckedCredits:
    """`check_credits` of a copy against a prepared original, remembered by value."""
    resolved = (copy.claimed_host, copy.claimed_url, copy.claimed_author)
    key = (copy.url, copy.site, copy.published, resolved, origin.origin,
           json.dumps([copy.claims, copy.positions], sort_keys=True, default=str))
    return _checked.get(key, lambda: check_credits(url=copy.url, site=copy.site, published=copy.published,
                                                   claims=copy.claims, positions=copy.positions, origin=origin,
                                                   resolved=resolved))


def decide(batch: MatchBatch) -> Outcome:
    """Decide matches, verdicts and clean texts for a batch; return the rows to write.

    Rows for copies that were not waiting are only written when their verdict changes.
    """
    decisions = {
        copy.id: evaluate(copy, batch.candidates.get(copy.id, ()), batch.named.get(copy.id, frozenset()),
                          batch.originals)
        for copy in batch.pending
    }
    pending_ids = set(decisions)
    article_of = {c.id: c.article_id for c in batch.others}
    article_of.update({rid: d.article_id for rid, d in decisions.items()})

    # Verdicts: every copy of every article a pending copy left or joined.
    affected = {a for a in (c.article_id for c in batch.pending) if a is not None}
    affected |= {d.article_id for d in decisions.values() if d.article_id is not None}
    by_article: dict[int, dict[int, CopyRecord]] = {}
    for copy in (*batch.pending, *batch.others):
        article_id = article_of.get(copy.id)
        if article_id is not None and article_id in affected:
            by_article.setdefault(article_id, {}).setdefault(copy.id, copy)
    verdicts: dict[int, Verdict] = {}
    claimed: dict[int, tuple[str | None, str | None, str | None]] = {}
    for article_id, copies in by_article.items():
        original = batch.originals.get(article_id)
        if original is None:
            continue
        origin = _prepared(original.origin)  # once for all its copies
        checked = {c.id: _checked_credits(c, origin) for c in copies.values()}
        by_url = verdicts_for_article(original.site, [checked[c.id].facts for c in copies.values()])
        for c in copies.values():
            verdicts[c.id] = by_url[c.url]
            claimed[c.id] = (*final_claim(checked[c.id], by_url[c.url].attribution, original.site),
                             checked[c.id].author)

    rows: dict[int, dict[str, Any]] = {}
    for copy in batch.pending:
        decision = decisions[copy.id]
        chosen = decision.chosen
        verdict = verdicts.get(copy.id) if decision.article_id is not None else None
        # Unmatched, a copy keeps the claim its page makes, for when its original arrives.
        own = (copy.claimed_host, copy.claimed_url, copy.claimed_author)
        host, url, author = claimed.get(copy.id, own) if verdict else own
        rows[copy.id] = {
            "id": copy.id,
            "article_id": decision.article_id,
            "kind": chosen.comparison.kind if chosen else None,
            "containment": round(chosen.comparison.containment, 4) if chosen else None,
            "coverage": round(chosen.comparison.coverage, 4) if chosen else None,
            "attribution": verdict.attribution if verdict else None,
            "via": verdict.via if verdict else None,
            "claimed_source_host": host,
            "claimed_source_url": url,
            "claimed_author": author,
            "attribution_evidence": dict(verdict.evidence) if verdict and verdict.evidence else None,
        }
    for copy in batch.others:
        other = verdicts.get(copy.id)
        if copy.id in pending_ids or other is None:
            continue
        evidence = dict(other.evidence) if other.evidence else None
        now = (other.attribution, other.via, claimed[copy.id], evidence)
        if now != (copy.attribution, copy.via, copy.stored_claim, copy.evidence):
            host, url, author = claimed[copy.id]
            rows[copy.id] = {"id": copy.id, "attribution": other.attribution, "via": other.via,
                             "claimed_source_host": host, "claimed_source_url": url, "claimed_author": author,
                             "attribution_evidence": evidence}

    # Clean texts of the pending pages.
    for copy in batch.pending:
        counts = batch.paragraph_counts.get(copy.source_id, {}) if copy.source_id is not None else {}
        article_id = article_of.get(copy.id)
        original = batch.originals.get(article_id) if article_id is not None else None
        rows[copy.id]["text"] = clean_text(copy, counts, original)
    return Outcome(rows=list(rows.values()), decisions=decisions, verdicts=verdicts, articles_judged=len(by_article))
