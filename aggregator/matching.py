"""Matching: attach each republication to the canonical article it copies, and judge its credit.

For every republication waiting for a decision (new, changed, or provisional because its
original was not known yet), candidates come from the claims on the page (a linked original,
a canonical link), the exact text hash, and the fingerprint index (one indexed query). Every
candidate must pass the text check on exact shingle sets (`aggregator.similarity`); claims
only lower its threshold. The best passing candidate wins (highest containment, then coverage,
then the oldest article id), which depends only on the texts, not on the order pages arrived.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from aggregator.attribution import strip_attribution
from aggregator.attribution.model import EMPTY as EMPTY_ATTRIBUTION
from aggregator.boilerplate import MIN_PAGES_FOR_BOILERPLATE, paragraph_keys, without_boilerplate
from aggregator.canonical import CopyFacts, Verdict, verdicts_for_article
from aggregator.fingerprints import query_fingerprints, words
from aggregator.similarity import Comparison, compare, is_match
from aggregator.textutil import join_paragraphs, split_paragraphs
from aggregator.urls import host_of, same_site, try_normalise_url
from storage.articles import Republication
from storage.boilerplate import recurring_keys, republications_sharing
from storage.fingerprints import find_candidates
from storage.republications import (
    article_for_url,
    article_texts,
    articles_with_text_hash,
    get_republications,
    republication_ids_to_match,
    republications_of,
    set_match,
    set_text,
    set_verdict,
)

MAX_INDEX_CANDIDATES = 8


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
    """The outcome of matching one republication."""

    republication_id: int
    article_id: int | None
    candidates: tuple[Candidate, ...]


def claimed_urls(republication: Republication) -> list[str]:
    """URLs the page gives for its original (credit-line links, canonical, isBasedOn...)."""
    urls = [republication.claimed_source_url]
    urls += [c.get("url") for c in republication.claims or []]
    out = []
    for url in urls:
        normal = try_normalise_url(url) if isinstance(url, str) else None
        if normal and not same_site(host_of(normal), republication.site) and normal not in out:
            out.append(normal)
    return out


def candidate_ids(session: Session, republication: Republication) -> tuple[list[int], set[int]]:
    """Candidate article ids (in a stable order), and those the page's claims point to."""
    named = {aid for url in claimed_urls(republication) if (aid := article_for_url(session, url)) is not None}
    found: list[int] = sorted(named)
    if republication.text_hash:
        found += articles_with_text_hash(session, republication.text_hash)
    hashes = query_fingerprints(words(republication.match_text))
    found += [aid for aid, _shared in find_candidates(session, hashes=hashes, limit=MAX_INDEX_CANDIDATES)]
    return list(dict.fromkeys(found)), named


def evaluate(session: Session, republication: Republication) -> MatchDecision:
    """Compare a republication with each candidate article; pick the best that matches."""
    ids, named = candidate_ids(session, republication)
    texts = article_texts(session, ids)
    copy_paragraphs = split_paragraphs(republication.match_text)
    candidates = []
    for article_id in ids:
        if article_id not in texts:
            continue
        title, text, site = texts[article_id]
        comparison = compare(copy_paragraphs, split_paragraphs(text), copy_title=republication.title,
                             original_title=title)
        by_claim = article_id in named or bool(
            republication.claimed_source_host and same_site(republication.claimed_source_host, site)
        )
        candidates.append(Candidate(article_id, site, title, comparison, by_claim,
                                    is_match(comparison, strong_evidence=by_claim)))
    passing = [c for c in candidates if c.matched]
    best = min(passing, key=lambda c: (-c.comparison.containment, -c.comparison.coverage, c.article_id),
               default=None)
    return MatchDecision(republication.id, best.article_id if best else None, tuple(candidates))


def match_pending(session: Session, ids: Iterable[int] | None = None) -> set[int]:
    """Match the given republications (default: every one waiting); return the affected articles."""
    pending = list(ids) if ids is not None else republication_ids_to_match(session)
    affected: set[int] = set()
    for republication in get_republications(session, pending):
        previous = republication.article_id
        decision = evaluate(session, republication)
        chosen = next((c for c in decision.candidates if c.article_id == decision.article_id), None)
        set_match(
            session,
            republication_id=republication.id,
            article_id=decision.article_id,
            kind=chosen.comparison.kind if chosen else None,
            containment=round(chosen.comparison.containment, 4) if chosen else None,
            coverage=round(chosen.comparison.coverage, 4) if chosen else None,
        )
        affected.update(a for a in (previous, decision.article_id) if a is not None)
    return affected


def copy_facts(republication: Republication) -> CopyFacts:
    """The facts a verdict is decided on."""
    return CopyFacts(
        url=republication.url, site=republication.site, claimed_host=republication.claimed_source_host,
        claimed_url=republication.claimed_source_url, published=republication.published,
    )


def judge_articles(session: Session, article_ids: Iterable[int]) -> dict[str, Verdict]:
    """Recompute the attribution verdict of every copy of these articles."""
    ids = sorted(set(article_ids))
    texts = article_texts(session, ids)
    by_article: dict[int, list[Republication]] = {}
    for republication in republications_of(session, ids):
        assert republication.article_id is not None
        by_article.setdefault(republication.article_id, []).append(republication)
    decided: dict[str, Verdict] = {}
    for article_id, copies in by_article.items():
        origin_site = texts[article_id][2]
        verdicts = verdicts_for_article(origin_site, [copy_facts(r) for r in copies])
        for republication in copies:
            verdict = verdicts[republication.url]
            set_verdict(session, republication_id=republication.id, attribution=verdict.attribution, via=verdict.via)
            decided[republication.url] = verdict
    return decided


def refresh_texts(session: Session, republication_ids: Iterable[int]) -> int:
    """Recompute the clean text of these republications and of every page of the same site that
    shares a paragraph with them (a paragraph becomes the site's boilerplate once it recurs).

    Clean text: the page's text without its credit lines, and without the site's recurring
    paragraphs unless the original article has them too. Returns how many texts were refreshed.
    """
    seeds = get_republications(session, sorted(set(republication_ids)))
    scope: set[int] = {r.id for r in seeds}
    for republication in seeds:
        if republication.source_id is not None:
            keys = paragraph_keys(split_paragraphs(republication.match_text))
            scope |= republications_sharing(session, source_id=republication.source_id, keys=keys)
    republications = get_republications(session, sorted(scope))
    originals = article_texts(session, sorted({r.article_id for r in republications if r.article_id}))
    for republication in republications:
        paragraphs = split_paragraphs(republication.match_text)
        recurring: set[int] = set()
        if republication.source_id is not None:
            recurring = recurring_keys(session, source_id=republication.source_id, keys=paragraph_keys(paragraphs),
                                       min_pages=MIN_PAGES_FOR_BOILERPLATE)
        original = originals.get(republication.article_id) if republication.article_id else None
        original_keys = set(paragraph_keys(split_paragraphs(original[1]))) if original else set()
        kept = without_boilerplate(paragraphs, recurring, original_keys)
        credits = replace(EMPTY_ATTRIBUTION, credit_lines=frozenset(republication.credit_lines or ()))
        set_text(session, republication_id=republication.id, text=strip_attribution(join_paragraphs(kept), credits))
    return len(republications)


def resolve_graph(session: Session) -> tuple[int, int]:
    """Match every waiting republication, re-judge the articles concerned, refresh clean texts.

    Returns (republications examined, articles re-judged).
    """
    pending = republication_ids_to_match(session)
    affected = match_pending(session, pending)
    judge_articles(session, affected)
    refresh_texts(session, pending)
    return len(pending), len(affected)

