"""Processing: stored raw pages become canonical articles (or republications waiting for matching).

Fetching and processing are separate steps. Extraction, the costly part, is a pure function run
in a pool of processes over every core; all writes happen in the calling process, one commit
per batch, so an interrupted run resumes where it stopped (unprocessed pages keep their state).
Matching (`aggregator.match.graph`) then decides on every waiting republication.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session
from w3lib.url import safe_url_string

from aggregator.extract import PageReading, article_text, decode_html, read_page
from aggregator.extract.attribution import Attribution, strip_attribution
from aggregator.match.boilerplate import paragraph_keys
from aggregator.match.fingerprints import article_fingerprints, lookup_fingerprints, text_hash
from aggregator.match.graph import requeue_after_original_changed, resolve_pending
from aggregator.textutil import split_paragraphs
from aggregator.urls import declared_canonical, host_of, normalise_url, same_site, try_normalise_url, url_match_key
from storage.articles import add_alias, upsert_article
from storage.boilerplate import replace_site_paragraphs
from storage.engine import session_scope
from storage.feeds import FeedEntry, entries_for_urls
from storage.fingerprints import replace_fingerprints, replace_republication_fingerprints
from storage.pages import PROCESSED, SKIPPED, Page, iter_pages, mark_page, page_ids_to_process
from storage.republications import upsert_republication
from storage.sources import PARTNER, Source
from storage.sources import sources_by_host as load_sources_by_host

BATCH_SIZE = 64
# Below this many pages a process pool costs more than it saves.
MIN_PAGES_FOR_POOL = 24


@dataclass
class ProcessingStats:
    """What a processing run did."""

    pages: int = 0
    articles_new: int = 0
    articles_updated: int = 0
    republisher_pages: int = 0
    skipped: int = 0
    republications_examined: int = 0
    articles_judged: int = 0

    def as_dict(self) -> dict[str, Any]:
        """The counts as the crawl's summary reports them."""
        return {
            "pages_processed": self.pages,
            "articles_new": self.articles_new,
            "articles_updated": self.articles_updated,
            "republisher_pages": self.republisher_pages,
            "pages_skipped": self.skipped,
            "republications_examined": self.republications_examined,
        }


@dataclass(frozen=True)
class ExtractionJob:
    """Everything extraction needs about one page, picklable for a worker process."""

    page_id: int
    url: str
    body: bytes
    content_type: str | None
    hints: dict[str, Any]
    default_language: str | None
    known_sources: dict[str, str]


def run_extraction(job: ExtractionJob) -> tuple[int, PageReading | None, str | None]:
    """Extract one page and read its claims (runs in a worker process): (page id, reading, error)."""
    try:
        html = decode_html(job.body, job.content_type)
        reading = read_page(html, job.url, hints=job.hints, default_language=job.default_language,
                            known_sources=job.known_sources)
        return job.page_id, reading, None
    except Exception as exc:  # one bad page must never stop the run
        return job.page_id, None, f"extraction failed: {type(exc).__name__}: {exc}"


def entry_hints(entries: list[FeedEntry]) -> dict[str, Any]:
    """What the feed entries leading to a page say about it (the first entry to say a thing wins)."""
    hints: dict[str, Any] = {}
    for entry in entries:
        for name in ("title", "author", "published", "updated"):
            if hints.get(name) is None and getattr(entry, name):
                hints[name] = getattr(entry, name)
    return hints


def _jobs_for(
    pages: Iterable[Page], sources: dict[int, Source], entries: dict[str, list[FeedEntry]]
) -> Iterator[ExtractionJob]:
    known = known_names(sources.values())
    for page in pages:
        source = sources.get(page.source_id) if page.source_id is not None else None
        yield ExtractionJob(
            page_id=page.id,
            url=page.final_url or page.url,
            body=page.raw_body(),
            content_type=page.content_type,
            hints={**entry_hints(entries.get(page.url, [])), **(page.hints or {})},
            default_language=source.language if source else None,
            known_sources=known,
        )


def known_names(sources: Iterable[Source]) -> dict[str, str]:
    """Every name a source is known by (its name and its aliases), mapped to its host."""
    known: dict[str, str] = {}
    for source in sorted(sources, key=lambda s: s.id):
        for name in (source.name, *(source.aliases or ())):
            if name:
                known.setdefault(name, source.host)
    return known


def _worker_count(jobs: int) -> int:
    return jobs if jobs > 0 else (os.cpu_count() or 1)


def _aliases(page: Page, canonical: str, entries: list[FeedEntry]) -> set[str]:
    """Other addresses of the article: the requested URL, the links feeds gave, GUIDs that are URLs."""
    candidates = [page.url, page.final_url]
    for entry in entries:
        candidates += [entry.link, entry.entry_key]
    out = set()
    for raw in candidates:
        if not raw or not isinstance(raw, str):
            continue
        url = safe_url_string(raw.strip())
        if try_normalise_url(url) is None or not same_site(host_of(url), host_of(canonical)):
            continue
        if url != canonical:
            out.add(url)
    return out


def claims_as_data(attribution: Attribution) -> list[dict[str, Any]]:
    """The page's claims as plain JSON-able records."""
    return [
        {"kind": c.kind, "host": c.host, "url": c.url, "author": c.author, "line": c.line}
        for c in attribution.claims
    ]


def credit_evidence(attribution: Attribution) -> dict[str, Any]:
    """What matching needs to verify a page's credits once it knows the original: the page's own
    resolved claim and its credit positions."""
    return {
        "claimed": {"source_host": attribution.source_host, "source_url": attribution.source_url,
                    "author": attribution.author},
        "positions": list(attribution.positions),
    }


def _store_republication(session: Session, page: Page, source: Source | None, reading: PageReading) -> None:
    # Republished copies never become canonical articles: matching attaches them, and writes
    # the clean text readers see. Matching reads the whole extracted text (the check tolerates
    # boilerplate around the copy).
    extracted, attribution = reading.extracted, reading.attribution
    address = normalise_url(page.final_url or page.url)
    republication_id = upsert_republication(
        session, page_id=page.id, source_id=source.id if source else None, url=address,
        url_key=url_match_key(address), site=host_of(address), title=extracted.title, author=extracted.author,
        published=extracted.published, language=extracted.language, match_text=extracted.text,
        # The exact-copy key: the text without its credit lines, as an original's is kept.
        text_hash=text_hash(strip_attribution(extracted.text, attribution)), claims=claims_as_data(attribution),
        credit_lines=sorted(attribution.credit_lines), claimed_source_host=attribution.source_host,
        claimed_source_url=attribution.source_url, claimed_author=attribution.author,
        credit_evidence=credit_evidence(attribution),
    )
    replace_republication_fingerprints(session, republication_id=republication_id,
                                       hashes=lookup_fingerprints(extracted.paragraphs))
    if source is not None:
        replace_site_paragraphs(session, republication_id=republication_id, source_id=source.id,
                                keys=paragraph_keys(extracted.paragraphs))


def _store_article(
    session: Session, page: Page, source: Source, reading: PageReading, entries: list[FeedEntry]
) -> bool:
    """Store a partner's page as its canonical article; returns whether the article is new."""
    extracted = reading.extracted
    text = article_text(reading)
    address = page.final_url or page.url
    canonical = declared_canonical(address, extracted.canonical_url, extracted.og_url) or normalise_url(address)
    article_id, created, text_changed = upsert_article(
        session, url=canonical, url_key=url_match_key(canonical), source_id=source.id, page_id=page.id,
        title=extracted.title, author=extracted.author, published=extracted.published, updated=extracted.updated,
        language=extracted.language, text=text, text_hash=text_hash(text),
    )
    fingerprints = article_fingerprints(split_paragraphs(text))
    replace_fingerprints(session, article_id=article_id, hashes=fingerprints)
    if text_changed:
        requeue_after_original_changed(session, article_id=article_id, fingerprints=fingerprints)
    for alias in _aliases(page, canonical, entries):
        add_alias(session, url=alias, url_key=url_match_key(alias), article_id=article_id)
    return created


def _store(
    session: Session,
    page: Page,
    source: Source | None,
    reading: PageReading,
    entries: list[FeedEntry],
    stats: ProcessingStats,
) -> None:
    if not reading.extracted.is_article:
        mark_page(session, page_id=page.id, state=SKIPPED, error=reading.extracted.reason)
        stats.skipped += 1
        return
    if source is None or source.role != PARTNER:
        _store_republication(session, page, source, reading)
        stats.republisher_pages += 1
    elif _store_article(session, page, source, reading, entries):
        stats.articles_new += 1
    else:
        stats.articles_updated += 1
    mark_page(session, page_id=page.id, state=PROCESSED, error=None)


def process_pages(
    database_url: str,
    *,
    jobs: int = 0,
    reprocess_all: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ProcessingStats:
    """Extract and store every page waiting for processing (or every stored page), then match.

    `jobs` worker processes extract in parallel (0: one per core). `progress(done, total)` is
    called after each batch.
    """
    stats = ProcessingStats()
    with session_scope(database_url) as session:
        ids = page_ids_to_process(session, all_pages=reprocess_all)
        sources = {s.id: s for s in load_sources_by_host(session).values()}
    total = len(ids)
    workers = _worker_count(jobs)
    pool = ProcessPoolExecutor(max_workers=workers) if workers > 1 and total >= MIN_PAGES_FOR_POOL else None
    try:
        for start in range(0, total, BATCH_SIZE):
            batch_ids = ids[start : start + BATCH_SIZE]
            with session_scope(database_url) as session:
                pages = {p.id: p for p in iter_pages(session, batch_ids)}
                entries = entries_for_urls(session, [p.url for p in pages.values()])
                job_list = list(_jobs_for(pages.values(), sources, entries))
                results = pool.map(run_extraction, job_list, chunksize=4) if pool else map(run_extraction, job_list)
                for page_id, reading, error in results:
                    page = pages[page_id]
                    stats.pages += 1
                    if reading is None:
                        mark_page(session, page_id=page_id, state=SKIPPED, error=error)
                        stats.skipped += 1
                        continue
                    source = sources.get(page.source_id) if page.source_id is not None else None
                    _store(session, page, source, reading, entries.get(page.url, []), stats)
            if progress:
                progress(min(start + BATCH_SIZE, total), total)
    finally:
        if pool:
            pool.shutdown()
    # Matching runs once the pages are stored, over every waiting republication, so a copy
    # seen before its original is attached as soon as the original arrives.
    with session_scope(database_url) as session:
        graph = resolve_pending(session)
    stats.republications_examined, stats.articles_judged = graph.republications_examined, graph.articles_judged
    return stats
