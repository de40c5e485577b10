"""The canonical graph: attach waiting republications to their originals, read → decide → write.

`resolve_pending` takes the republications waiting for a decision (new, changed, provisional,
or sent back because an original they may copy arrived or changed) in batches. For each batch
it reads everything the decision needs in one pass (`load_batch`), decides with a pure function
(`aggregator.match.decide.decide`), and writes the decisions in one pass. Nothing it writes is
read again in the same batch.

The rule that sends copies back to matching lives here too (`requeue_after_original_changed`):
processing calls it when it stores a new original, or an original whose text changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row
from sqlalchemy.orm import Session

from aggregator.extract.attribution.verify import origin_names
from aggregator.match.boilerplate import MIN_PAGES_FOR_BOILERPLATE, paragraph_keys
from aggregator.match.crediting import CheckedCredits, check_credits
from aggregator.match.decide import CopyRecord, MatchBatch, MatchDecision, Original, claimed_urls, decide, evaluate
from aggregator.match.keys import original_keys
from aggregator.match.verdicts import Verdict
from aggregator.textutil import split_paragraphs
from aggregator.urls import url_match_key
from storage.articles import Republication
from storage.base import utcnow
from storage.boilerplate import (
    change_site_paragraphs,
    pages_sharing_paragraphs,
    paragraph_page_counts,
    recorded_paragraphs,
)
from storage.fingerprints import find_candidates, lookup_hashes, republications_looking_up
from storage.republications import (
    article_texts,
    articles_at,
    articles_with_text_hashes,
    republication_ids_of,
    republication_ids_to_match,
    republication_rows,
    republication_rows_of,
    requeue_for_matching,
    write_decisions,
)

MAX_INDEX_CANDIDATES = 8
"""Candidates taken from the fingerprint index per republication (most shared fingerprints first)."""
BATCH_SIZE = 200
"""Republications decided per read → decide → write pass (one transaction each)."""


@dataclass
class GraphStats:
    """What a pass over the waiting republications did."""

    republications_examined: int = 0
    articles_judged: int = 0


def copy_record(republication: Republication | Row[Any]) -> CopyRecord:
    """The plain facts matching uses about a stored republication (an ORM object, or a row of
    every column).

    Its own claim is the one processing resolved from its page (kept in `credit_evidence`); the
    claimed_* columns hold what matching last made of it.
    """
    evidence = republication.credit_evidence or {}
    stored = (republication.claimed_source_host, republication.claimed_source_url, republication.claimed_author)
    own = evidence.get("claimed") or dict(zip(("source_host", "source_url", "author"), stored, strict=True))
    return CopyRecord(
        id=republication.id,
        url=republication.url,
        site=republication.site,
        source_id=republication.source_id,
        title=republication.title,
        match_text=republication.match_text,
        text_hash=republication.text_hash,
        claimed_host=own.get("source_host"),
        claimed_url=own.get("source_url"),
        claim_urls=tuple(str(c["url"]) for c in republication.claims or [] if c.get("url")),
        credit_lines=tuple(republication.credit_lines or ()),
        published=republication.published,
        article_id=republication.article_id,
        attribution=republication.attribution,
        via=republication.via,
        text=republication.text or "",
        claimed_author=own.get("author"),
        claims=tuple(republication.claims or ()),
        positions=tuple(evidence.get("positions") or ()),
        stored_claim=stored,
        evidence=republication.attribution_evidence,
    )


def candidates_for(
    session: Session, copy: CopyRecord, *, lookups: Sequence[int], same_text: Sequence[int],
    at_addresses: Mapping[str, int] | None = None,
) -> tuple[list[int], frozenset[int]]:
    """The articles a copy may republish, in a stable order, and those its claims point to.

    Three sources: the addresses its claims give (an article's URL or alias, spelled any usual
    way), the articles with exactly its text (`same_text`), and the fingerprint index (the
    MAX_INDEX_CANDIDATES articles sharing most of its rare `lookups`). `at_addresses` is the
    article at each claimed address (`claimed_addresses`), when read already.
    """
    urls = claimed_urls(copy)
    if at_addresses is None:
        at_addresses = articles_at(session, claimed_addresses([copy]))
    by_claim = {at_addresses[url] for url in urls if url in at_addresses}
    found = [*sorted(by_claim), *same_text]
    found += [aid for aid, _shared in find_candidates(session, hashes=lookups, limit=MAX_INDEX_CANDIDATES)]
    return list(dict.fromkeys(found)), frozenset(by_claim)


def find_original(session: Session, copy: CopyRecord, *, lookups: Sequence[int] | None = None) -> MatchDecision:
    """Look up and verify one copy's original, as matching does for every waiting republication.

    Candidates come from `candidates_for` (`lookups`: the fingerprints and exact keys the copy
    looks up; by default those stored for it), and each is verified on the exact texts
    (`aggregator.match.decide.evaluate`). Writes nothing.
    """
    if lookups is None:
        lookups = lookup_hashes(session, [copy.id]).get(copy.id, [])
    same_text = articles_with_text_hashes(session, [copy.text_hash]).get(copy.text_hash, []) if copy.text_hash else []
    ids, named = candidates_for(session, copy, lookups=lookups, same_text=same_text)
    return evaluate(copy, ids, named, load_originals(session, ids))


def load_originals(session: Session, ids: Iterable[int]) -> dict[int, Original]:
    """The canonical articles of `ids` as matching compares and credits them."""
    return {
        article_id: Original(article_id, row["title"], row["text"], row["host"], url=row["url"],
                             author=row["author"], names=origin_names(row["name"], row["aliases"]))
        for article_id, row in article_texts(session, ids).items()
    }


def claimed_addresses(copies: Iterable[CopyRecord]) -> set[tuple[str, str]]:
    """The addresses the copies' claims give, with their match keys (for `articles_at`)."""
    return {(url, url_match_key(url)) for copy in copies for url in claimed_urls(copy)}


def load_batch(session: Session, pending_ids: Sequence[int]) -> MatchBatch:
    """Read everything needed to decide on these republications, in one pass."""
    pending = [copy_record(r) for r in republication_rows(session, pending_ids)]
    pending_set = {c.id for c in pending}
    lookups = lookup_hashes(session, pending_set)
    exact = articles_with_text_hashes(session, (c.text_hash for c in pending if c.text_hash))
    at_addresses = articles_at(session, claimed_addresses(pending))
    candidates: dict[int, list[int]] = {}
    named: dict[int, frozenset[int]] = {}
    for copy in pending:
        candidates[copy.id], named[copy.id] = candidates_for(
            session, copy, lookups=lookups.get(copy.id, []), same_text=exact.get(copy.text_hash or "", []),
            at_addresses=at_addresses,
        )

    # How many pages of its site carry each of a pending page's paragraphs (its boilerplate).
    keys_by_source: dict[int, set[int]] = {}
    for copy in pending:
        if copy.source_id is not None:
            keys_by_source.setdefault(copy.source_id, set()).update(paragraph_keys(split_paragraphs(copy.match_text)))
    counts = {
        source_id: paragraph_page_counts(session, source_id=source_id, keys=sorted(keys))
        for source_id, keys in keys_by_source.items()
    }

    concerned = {aid for ids in candidates.values() for aid in ids}
    concerned |= {c.article_id for c in pending if c.article_id is not None}
    others = [copy_record(r) for r in republication_rows_of(session, concerned) if r.id not in pending_set]
    originals = load_originals(session, concerned)
    return MatchBatch(pending=pending, candidates=candidates, named=named, originals=originals,
                      others=others, paragraph_counts=counts)


def resolve_batch(session: Session, pending_ids: Sequence[int]) -> GraphStats:
    """Read, decide and write the decisions for these republications (in the caller's transaction)."""
    batch = load_batch(session, pending_ids)
    outcome = decide(batch)
    now = utcnow()
    decided = {copy.id for copy in batch.pending}
    write_decisions(session, [{**row, "matched_at": now} if row["id"] in decided else row for row in outcome.rows])
    return GraphStats(republications_examined=len(batch.pending), articles_judged=outcome.articles_judged)


def resolve_pending(session: Session, *, batch_size: int = BATCH_SIZE) -> GraphStats:
    """Match every waiting republication, batch after batch in id order, committing each batch.

    The walk moves on by id, so each republication waiting when the call starts is decided once,
    and one sent back meanwhile (below the walk) waits for the next call.
    """
    total = GraphStats()
    after = 0
    while ids := republication_ids_to_match(session, after_id=after, limit=batch_size):
        stats = resolve_batch(session, ids)
        session.commit()
        after = ids[-1]
        total.republications_examined += stats.republications_examined
        total.articles_judged += stats.articles_judged
        if len(ids) < batch_size:
            # None waited above these: deciding sends none back, and the caller holds the
            # matching lock (nothing else stores meanwhile). Saves a scan for nothing.
            break
    return total


@dataclass(frozen=True)
class MatchExplanation:
    """How one republication is matched and judged now (what `explain` shows)."""

    decision: MatchDecision
    verdict: Verdict | None
    credits: CheckedCredits | None
    """Its claim about its original once the original is known, and what verification found."""


def explain_match(session: Session, republication: Republication) -> MatchExplanation:
    """How one republication compares with its candidates and how its attribution is judged, as
    matching would decide it now; writes nothing."""
    batch = load_batch(session, [republication.id])
    copy = batch.pending[0]
    decision = evaluate(copy, batch.candidates[copy.id], batch.named[copy.id], batch.originals)
    outcome = decide(batch)
    verdict = outcome.verdicts.get(copy.id)
    original = batch.originals.get(decision.article_id) if decision.article_id is not None else None
    credits = check_credits(
        url=copy.url, site=copy.site, published=copy.published, claims=copy.claims, positions=copy.positions,
        origin=original.origin, resolved=(copy.claimed_host, copy.claimed_url, copy.claimed_author),
    ) if original else None
    return MatchExplanation(decision=decision, verdict=verdict, credits=credits)


def requeue_after_site_paragraphs_changed(
    session: Session, *, source_id: int, republication_id: int, added: Iterable[int], removed: Iterable[int]
) -> None:
    """Send back to matching the site's pages whose boilerplate changed with this page's paragraphs.

    A paragraph is the site's boilerplate from MIN_PAGES_FOR_BOILERPLATE pages on: when this
    page's arrival (`added` keys) or change (`removed` keys) makes a paragraph cross that line,
    the other pages carrying it get a new clean text. Counts are read after the page's own
    paragraphs were stored.
    """
    added, removed = set(added), set(removed)
    counts = paragraph_page_counts(session, source_id=source_id, keys=sorted(added | removed))
    crossed = {key for key in added if counts.get(key, 0) == MIN_PAGES_FOR_BOILERPLATE}
    crossed |= {key for key in removed if counts.get(key, 0) == MIN_PAGES_FOR_BOILERPLATE - 1}
    if crossed:
        pages = pages_sharing_paragraphs(session, source_id=source_id, keys=sorted(crossed))
        requeue_for_matching(session, pages - {republication_id})


def store_site_paragraphs(session: Session, pages: Sequence[tuple[int, int, Sequence[int]]]) -> None:
    """For each (republication id, source id, paragraph keys) in turn: make the keys the page's
    recorded paragraphs (`storage.boilerplate.replace_site_paragraphs`) and send back to matching
    the site's pages whose boilerplate that changed (`requeue_after_site_paragraphs_changed`).

    Equivalent to those two calls page after page, in a handful of statements for the lot: the
    page counts each call would read are those read before the first, updated page after page;
    and the pages sharing a crossing paragraph are looked up once all are stored. The pages of the
    list are not sent back: the caller has just stored them, and they wait for matching already.
    """
    if not pages:
        return
    recorded = recorded_paragraphs(session, (rid for rid, _, _ in pages))
    before = {(rid, key, source) for rid, keys in recorded.items() for key, source in keys.items()}
    changes = []  # (source id, keys added, keys removed with the source they were recorded under)
    for republication_id, source_id, keys in pages:
        current = recorded[republication_id]
        wanted = set(keys)
        added = wanted - current.keys()
        removed = {key: current.pop(key) for key in sorted(set(current) - wanted)}
        current.update(dict.fromkeys(added, source_id))
        changes.append((source_id, added, removed))

    touched = {key for _, added, removed in changes for key in (*added, *removed)}
    sources = {source_id for source_id, _, _ in changes} | {s for _, _, removed in changes for s in removed.values()}
    # The counts as they were before this batch, then as each page's call would have read them.
    counts = {(source_id, key): n for source_id in sorted(sources)
              for key, n in paragraph_page_counts(session, source_id=source_id, keys=sorted(touched)).items()}
    after = {(rid, key, source) for rid, keys in recorded.items() for key, source in keys.items()}
    change_site_paragraphs(session, removed=sorted((rid, key) for rid, key, _ in before - after),
                           added=sorted((source, key, rid) for rid, key, source in after - before))
    crossed: dict[int, set[int]] = {}
    for source_id, added, removed in changes:
        for key, recorded_source in removed.items():
            counts[recorded_source, key] = counts.get((recorded_source, key), 0) - 1
        for key in added:
            counts[source_id, key] = counts.get((source_id, key), 0) + 1
        crossed.setdefault(source_id, set()).update(
            {key for key in added if counts.get((source_id, key), 0) == MIN_PAGES_FOR_BOILERPLATE}
            | {key for key in removed if counts.get((source_id, key), 0) == MIN_PAGES_FOR_BOILERPLATE - 1}
        )
    stored = {rid for rid, _, _ in pages}
    requeue: set[int] = set()
    for source_id, crossing in crossed.items():
        if crossing:
            requeue |= pages_sharing_paragraphs(session, source_id=source_id, keys=sorted(crossing)) - stored
    requeue_for_matching(session, requeue)


def requeue_after_original_changed(
    session: Session, *, article_id: int, fingerprints: Iterable[int], text_hash: str, urls: Iterable[str]
) -> None:
    """Send back to matching the copies a new or changed original may concern.

    Its current copies (their kind, or even their original, may change with its text), and every
    republication that could now find it as a candidate (it may be their original, or a better
    one): through one of its fingerprints, its text, or one of its addresses (`urls`: its URL
    and aliases). So the graph does not depend on the order pages arrived in.
    """
    requeue_after_originals_changed(session, [OriginalChange(article_id, tuple(fingerprints), text_hash, tuple(urls))])


@dataclass(frozen=True)
class OriginalChange:
    """A new original, or one whose text changed: what `requeue_after_originals_changed` needs of it."""

    article_id: int
    fingerprints: tuple[int, ...]
    text_hash: str
    urls: tuple[str, ...]


def requeue_after_originals_changed(session: Session, changes: Sequence[OriginalChange]) -> None:
    """`requeue_after_original_changed` for several originals at once (a processing batch): one
    look-up for all of them instead of one each."""
    if not changes:
        return
    hashes = sorted({h for change in changes for h in change.fingerprints})
    keys = sorted({key for change in changes for key in original_keys(text_hash=change.text_hash, urls=change.urls)})
    ids = set(republications_looking_up(session, hashes=hashes, keys=keys))
    ids |= set(republication_ids_of(session, [change.article_id for change in changes]))
    requeue_for_matching(session, ids)
