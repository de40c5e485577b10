"""Processing: stored raw pages become canonical articles (or republications waiting for matching).

Fetching and processing are separate steps, which a crawl runs side by side: while the spider
stores raw pages, a processing process (`stream_pages`, started by `aggregator.crawl.processing`)
takes them as they arrive. Extraction, the costly part, is a pure function run in a pool of
processes over every core (at a lower priority than the storing process, see WORKER_NICENESS),
and computes everything derived from the page's text there too (hashes, fingerprints,
paragraph keys); the calling process only writes, one commit per batch, so an interrupted run
resumes where it stopped (unprocessed pages keep their state). After each batch, matching
(`aggregator.match.graph`) decides on the republications waiting for it.

`process_pages` runs the same loop over the pages already stored (`aggregator reprocess`).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import time
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.synchronize import Event
from typing import Any

from sqlalchemy.orm import Session
from w3lib.url import safe_url_string

from aggregator.extract import PageReading, article_text, decode_html, read_page, warm_up
from aggregator.extract.attribution import Attribution, strip_attribution
from aggregator.match.boilerplate import paragraph_keys
from aggregator.match.fingerprints import article_fingerprints, lookup_fingerprints, text_hash
from aggregator.match.graph import (
    OriginalChange,
    requeue_after_originals_changed,
    resolve_pending,
    store_site_paragraphs,
)
from aggregator.match.keys import copy_keys
from aggregator.textutil import split_paragraphs
from aggregator.urls import declared_canonical, host_of, normalise_url, same_site, try_normalise_url, url_match_key
from storage.articles import add_aliases, upsert_articles
from storage.engine import session_scope
from storage.feeds import FeedEntry, entries_for_urls
from storage.fingerprints import replace_fingerprints_of, replace_republication_fingerprints_of
from storage.locks import MatchingLock
from storage.pages import PROCESSED, SKIPPED, Page, iter_pages, mark_pages, page_ids_to_process
from storage.republications import upsert_republications
from storage.sources import PARTNER, Source
from storage.sources import sources_by_host as load_sources_by_host

log = logging.getLogger(__name__)

BATCH_SIZE = 64
"""Pages stored per commit."""
CHUNK_SIZE = 4
"""Pages handed to a worker process at a time."""
# Below this many pages a process pool costs more than it saves (batch mode).
MIN_PAGES_FOR_POOL = 24
MAX_BATCHES_IN_FLIGHT = 3
"""Batches handed to the workers and not stored yet: while this process stores one, the workers
extract the next ones (with one only, they would wait for each store)."""
IDLE_POLL_SECONDS = 0.2
"""How often the streaming loop looks for new pages when it has nothing to do."""


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
    partner: bool
    """Whether the page is on a partner's site (its article is an original)."""
    addresses: tuple[str, ...] = ()
    """Other addresses that led to the page: as requested, and the links and ids of feed entries."""
    body_compressed: bool = False
    """Whether `body` is zlib-compressed as stored (the worker decompresses it: a quarter of the
    bytes through the pipe, and the work off the process that stores)."""


@dataclass(frozen=True)
class ProcessedPage:
    """What a worker derived from one page: the reading, and the keys computed from its text.

    For a partner's page: the article text (credit lines naming another source removed), its
    hash and its index fingerprints. For any other page: the whole extracted text (matching
    reads it), the hash of that text without its credit lines (the exact-copy key), the
    fingerprints and exact keys it looks up, and its paragraph keys (the site's boilerplate).
    """

    reading: PageReading
    text: str
    text_hash: str
    fingerprints: list[int]
    url: str
    """Where the article or copy lives: an article's declared canonical URL on its own site, else
    the page's address; normalised."""
    url_key: str
    aliases: tuple[tuple[str, str], ...] = ()
    """An article's other addresses, with their match keys."""
    paragraph_keys: list[int] = field(default_factory=list)


def derive(reading: PageReading, *, partner: bool, url: str, addresses: Sequence[str] = ()) -> ProcessedPage:
    """The keys of a page's text and its addresses (see `ProcessedPage`); pure.

    `url` is the page's final address; `addresses` other ones that led to it.
    """
    extracted, attribution = reading.extracted, reading.attribution
    if partner:
        text = article_text(reading)
        canonical = declared_canonical(url, extracted.canonical_url, extracted.og_url) or normalise_url(url)
        aliases = tuple((alias, url_match_key(alias)) for alias in sorted(_aliases(canonical, [url, *addresses])))
        return ProcessedPage(reading, text, text_hash(text), article_fingerprints(split_paragraphs(text)), canonical,
                             url_match_key(canonical), aliases)
    address = normalise_url(url)
    copy_hash = text_hash(strip_attribution(extracted.text, attribution))
    claims = [attribution.source_url, *(claim.url for claim in attribution.claims)]
    lookups = lookup_fingerprints(extracted.paragraphs)
    lookups += copy_keys(site=host_of(address), text_hash=copy_hash, claim_urls=claims)
    return ProcessedPage(reading, extracted.text, copy_hash, sorted(set(lookups)), address, url_match_key(address),
                         paragraph_keys=paragraph_keys(extracted.paragraphs))


def run_extraction(job: ExtractionJob) -> tuple[int, ProcessedPage | None, str | None]:
    """Extract one page, read its claims and derive its keys (runs in a worker process):
    (page id, processed page, error)."""
    try:
        body = zlib.decompress(job.body) if job.body_compressed and job.body else job.body
        html = decode_html(body, job.content_type)
        reading = read_page(html, job.url, hints=job.hints, default_language=job.default_language,
                            known_sources=job.known_sources)
        return job.page_id, derive(reading, partner=job.partner, url=job.url, addresses=job.addresses), None
    except Exception as exc:  # one bad page must never stop the run
        return job.page_id, None, f"extraction failed: {type(exc).__name__}: {exc}"


def run_extractions(jobs: Sequence[ExtractionJob]) -> list[tuple[int, ProcessedPage | None, str | None]]:
    """`run_extraction` of several pages: one round trip to a worker process for a chunk."""
    return [run_extraction(job) for job in jobs]


def entry_hints(entries: list[FeedEntry]) -> dict[str, Any]:
    """What the feed entries leading to a page say about it (the first entry to say a thing wins)."""
    hints: dict[str, Any] = {}
    for entry in entries:
        for name in ("title", "author", "published", "updated"):
            if hints.get(name) is None and getattr(entry, name):
                hints[name] = getattr(entry, name)
    return hints


def known_names(sources: Iterable[Source]) -> dict[str, str]:
    """Every name a source is known by (its name and its aliases), mapped to its host."""
    known: dict[str, str] = {}
    for source in sorted(sources, key=lambda s: s.id):
        for name in (source.name, *(source.aliases or ())):
            if name:
                known.setdefault(name, source.host)
    return known


def credit_evidence(attribution: Attribution) -> dict[str, Any]:
    """What matching needs to verify a page's credits once it knows the original: the page's own
    resolved claim and its credit positions."""
    return {
        "claimed": {"source_host": attribution.source_host, "source_url": attribution.source_url,
                    "author": attribution.author},
        "positions": list(attribution.positions),
    }


WORKER_NICENESS = 10
"""How much lower than the storing process the extraction workers run. Storing and matching are
serial (one process, under the matching lock) while extraction is spread over the workers: when
the cores are busy, a fair share would slow the serial step to the pace of one worker among
several, and every worker would then wait for it."""


def _yield_to_storing() -> None:
    """Initializer of an extraction worker (see WORKER_NICENESS)."""
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)


def _worker_count(jobs: int) -> int:
    return jobs if jobs > 0 else (os.cpu_count() or 1)


def _aliases(canonical: str, candidates: Sequence[str | None]) -> set[str]:
    """Other addresses of the article, among the requested URL, the links feeds gave and GUIDs
    that are URLs: those on its site, as written (escaped)."""
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


def _republication_values(page: Page, source: Source | None, processed: ProcessedPage) -> dict[str, Any]:
    # Republished copies never become canonical articles: matching attaches them, and writes
    # the clean text readers see. Matching reads the whole extracted text (the check tolerates
    # boilerplate around the copy).
    extracted, attribution = processed.reading.extracted, processed.reading.attribution
    return {
        "page_id": page.id, "source_id": source.id if source else None, "url": processed.url,
        "url_key": processed.url_key, "site": host_of(processed.url), "title": extracted.title,
        "author": extracted.author, "published": extracted.published, "language": extracted.language,
        "match_text": processed.text, "text_hash": processed.text_hash, "claims": claims_as_data(attribution),
        "credit_lines": sorted(attribution.credit_lines), "claimed_source_host": attribution.source_host,
        "claimed_source_url": attribution.source_url, "claimed_author": attribution.author,
        "credit_evidence": credit_evidence(attribution),
    }


def _store_republications(session: Session, copies: Sequence[tuple[Page, Source | None, ProcessedPage]]) -> None:
    """Store republishers' pages, in order: each as a republication waiting for matching, with
    the fingerprints it looks up and, on a known site, its paragraphs (the site's boilerplate)."""
    ids = upsert_republications(session, [_republication_values(page, source, processed)
                                          for page, source, processed in copies])
    replace_republication_fingerprints_of(
        session, {rid: processed.fingerprints for rid, (_, _, processed) in zip(ids, copies, strict=True)}
    )
    store_site_paragraphs(session, [(rid, source.id, processed.paragraph_keys)
                                    for rid, (_, source, processed) in zip(ids, copies, strict=True)
                                    if source is not None])


def _store_articles(
    session: Session, originals: Sequence[tuple[Page, Source, ProcessedPage]], changed: list[OriginalChange]
) -> int:
    """Store partners' pages as their canonical articles, in order; returns how many are new.

    A new article, or one whose text changed, is added to `changed`: the copies it may concern
    go back to matching, once per batch (`requeue_after_originals_changed`)."""
    outcome = upsert_articles(session, [
        {"url": processed.url, "url_key": processed.url_key, "source_id": source.id, "page_id": page.id,
         "title": processed.reading.extracted.title, "author": processed.reading.extracted.author,
         "published": processed.reading.extracted.published, "updated": processed.reading.extracted.updated,
         "language": processed.reading.extracted.language, "text": processed.text, "text_hash": processed.text_hash}
        for page, source, processed in originals
    ])
    stored = [(article_id, text_changed, processed)
              for (article_id, _, text_changed), (_, _, processed) in zip(outcome, originals, strict=True)]
    replace_fingerprints_of(session, {article_id: processed.fingerprints for article_id, _, processed in stored})
    add_aliases(session, [(alias, alias_key, article_id) for article_id, _, processed in stored
                          for alias, alias_key in processed.aliases])
    for article_id, text_changed, processed in stored:
        if text_changed:
            changed.append(OriginalChange(article_id, tuple(processed.fingerprints), processed.text_hash,
                                          (processed.url, *(alias for alias, _ in processed.aliases))))
    return sum(created for _, created, _ in outcome)


def _store(
    session: Session, stored: Sequence[tuple[Page, Source | None, ProcessedPage]], stats: ProcessingStats,
    changed: list[OriginalChange],
) -> list[tuple[int, str, str | None]]:
    """Store what was read from pages (a batch: a few statements for all); their new processing
    states and errors, as (page id, state, error)."""
    marks: list[tuple[int, str, str | None]] = []
    originals: list[tuple[Page, Source, ProcessedPage]] = []
    copies: list[tuple[Page, Source | None, ProcessedPage]] = []
    for page, source, processed in stored:
        extracted = processed.reading.extracted
        if not extracted.is_article:
            stats.skipped += 1
            marks.append((page.id, SKIPPED, extracted.reason))
            continue
        if source is None or source.role != PARTNER:
            copies.append((page, source, processed))
            stats.republisher_pages += 1
        else:
            originals.append((page, source, processed))
        marks.append((page.id, PROCESSED, None))
    # Articles and republications touch different tables: storing each kind apart, in page
    # order, leaves the database as storing the pages one by one would.
    created = _store_articles(session, originals, changed)
    stats.articles_new += created
    stats.articles_updated += len(originals) - created
    _store_republications(session, copies)
    return marks


@dataclass
class _Batch:
    """Pages handed to extraction, waiting for their results to be stored."""

    pages: dict[int, Page]
    entries: dict[str, list[FeedEntry]]
    results: list[Future[list[tuple[int, ProcessedPage | None, str | None]]]] | None = None
    done: list[tuple[int, ProcessedPage | None, str | None]] | None = None


class PageProcessor:
    """Extracts pages in a pool of processes and stores the results, batch after batch.

    Up to MAX_BATCHES_IN_FLIGHT batches are in the pool at once, so the workers extract the next
    ones while this process stores the oldest and runs matching.
    """

    def __init__(self, database_url: str, *, jobs: int = 0, use_pool: bool = True) -> None:
        self.database_url = database_url
        workers = _worker_count(jobs)
        self.pool: ProcessPoolExecutor | None = None
        if use_pool and workers > 1:
            # Workers are forked once extraction's modules and models are loaded: they start at
            # once and share those pages with this process.
            warm_up()
            self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                                            initializer=_yield_to_storing)
        self.stats = ProcessingStats()
        self.in_flight: deque[_Batch] = deque()
        with session_scope(database_url) as session:
            self.sources = {s.id: s for s in load_sources_by_host(session).values()}
        self.known = known_names(self.sources.values())
        # Storing and matching hold the matching lock: several processors (workers on other
        # machines) may run at once on one PostgreSQL database.
        self.lock = MatchingLock(database_url)

    def close(self) -> None:
        """Stop the worker processes and release the lock's connection."""
        if self.pool is not None:
            self.pool.shutdown()
        self.lock.close()

    def submit(self, ids: Sequence[int]) -> None:
        """Read these pages and hand them to extraction."""
        with session_scope(self.database_url) as session:
            pages = {p.id: p for p in iter_pages(session, list(ids))}
            entries = entries_for_urls(session, [p.url for p in pages.values()])
        batch = _Batch(pages, entries)
        jobs = list(self._jobs_for(pages.values(), entries))
        if self.pool is None:
            batch.done = run_extractions(jobs)
        else:
            batch.results = [self.pool.submit(run_extractions, jobs[i : i + CHUNK_SIZE])
                             for i in range(0, len(jobs), CHUNK_SIZE)]
        self.in_flight.append(batch)

    def in_flight_ids(self) -> set[int]:
        """Pages handed to extraction and not stored yet."""
        return {page_id for batch in self.in_flight for page_id in batch.pages}

    def store_oldest(self) -> int:
        """Wait for the oldest batch's extraction, store it (one commit) and run matching.

        Returns how many pages were stored.
        """
        batch = self.in_flight.popleft()
        results = batch.done if batch.done is not None else [
            result for future in batch.results or [] for result in future.result()
        ]
        marks: list[tuple[int, str, str | None]] = []
        stored: list[tuple[Page, Source | None, ProcessedPage]] = []
        changed: list[OriginalChange] = []
        for page_id, processed, error in results:
            page = batch.pages[page_id]
            self.stats.pages += 1
            if processed is None:
                marks.append((page_id, SKIPPED, error))
                self.stats.skipped += 1
                continue
            stored.append((page, self.sources.get(page.source_id) if page.source_id is not None else None, processed))
        with self.lock.hold():
            with session_scope(self.database_url) as session:
                marks += _store(session, stored, self.stats, changed)
                requeue_after_originals_changed(session, changed)
                mark_pages(session, marks)
            self._match()
        return len(results)

    def match(self) -> None:
        """Decide on every republication waiting for matching (under the matching lock)."""
        with self.lock.hold():
            self._match()

    def _match(self) -> None:
        with session_scope(self.database_url) as session:
            graph = resolve_pending(session)
        self.stats.republications_examined += graph.republications_examined
        self.stats.articles_judged += graph.articles_judged

    def _jobs_for(self, pages: Iterable[Page], entries: dict[str, list[FeedEntry]]) -> Iterator[ExtractionJob]:
        for page in pages:
            source = self.sources.get(page.source_id) if page.source_id is not None else None
            led_here = entries.get(page.url, [])
            yield ExtractionJob(
                page_id=page.id,
                url=page.final_url or page.url,
                body=page.body or b"",
                body_compressed=bool(page.body),
                content_type=page.content_type,
                hints={**entry_hints(led_here), **(page.hints or {})},
                default_language=source.language if source else None,
                known_sources=self.known,
                partner=source is not None and source.role == PARTNER,
                addresses=tuple(a for a in (page.url, *(e.link for e in led_here), *(e.entry_key for e in led_here))
                                if a),
            )


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
    with session_scope(database_url) as session:
        ids = page_ids_to_process(session, all_pages=reprocess_all)
    total = len(ids)
    processor = PageProcessor(database_url, jobs=jobs, use_pool=total >= MIN_PAGES_FOR_POOL)
    try:
        done = 0
        for start in range(0, total, BATCH_SIZE):
            processor.submit(ids[start : start + BATCH_SIZE])
            if len(processor.in_flight) > 1:
                done += processor.store_oldest()
                if progress:
                    progress(done, total)
        while processor.in_flight:
            done += processor.store_oldest()
            if progress:
                progress(done, total)
        processor.match()  # nothing stored (an empty run) still settles what waits
    finally:
        processor.close()
    return processor.stats


def stream_pages(
    database_url: str, *, jobs: int, stop: Event, parent_pid: int | None = None, counter: Any = None
) -> ProcessingStats:
    """Process pages as the crawl stores them, until `stop` is set and every page is processed.

    Looks for unprocessed pages continually (every IDLE_POLL_SECONDS when there is nothing to do).
    Stops early, after the batch in hand, when the process `parent_pid` has gone (a crawl killed
    outright): what is stored is committed, and the next run processes the rest. `counter` (a
    shared multiprocessing value) follows how many pages were processed.
    """
    processor = PageProcessor(database_url, jobs=jobs)
    try:
        while True:
            stopping = stop.is_set()
            busy = processor.in_flight_ids()
            with session_scope(database_url) as session:
                waiting = [i for i in page_ids_to_process(session, limit=BATCH_SIZE + len(busy)) if i not in busy]
            if waiting and len(processor.in_flight) < MAX_BATCHES_IN_FLIGHT:
                processor.submit(waiting[:BATCH_SIZE])
            elif processor.in_flight:
                stored = processor.store_oldest()
                if counter is not None:
                    counter.value += stored
            elif stopping:
                break  # stop was set before this look found nothing: every page is processed
            else:
                time.sleep(IDLE_POLL_SECONDS)
            if parent_pid is not None and os.getppid() != parent_pid:
                log.warning("the crawl has gone: processing stops; the next run processes the rest")
                while processor.in_flight:
                    processor.store_oldest()
                break
        processor.match()
    finally:
        processor.close()
    return processor.stats
