"""Processing: stored raw pages become canonical articles (or republication candidates).

Fetching and processing are separate steps. Extraction, the costly part, is a pure function run
in a pool of processes over every core; all writes happen in the calling process, one commit
per batch, so an interrupted run resumes where it stopped (unprocessed pages keep their state).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from w3lib.encoding import html_to_unicode
from w3lib.url import safe_url_string

from aggregator.extraction import Extracted, extract_page
from aggregator.textutil import text_hash
from aggregator.urls import host_of, normalise_url, same_site, try_normalise_url
from storage.articles import add_alias, upsert_article
from storage.engine import session_scope
from storage.pages import PROCESSED, SKIPPED, Page, iter_pages, mark_page, page_ids_to_process
from storage.sources import Source
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
    reasons: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "pages_processed": self.pages,
            "articles_new": self.articles_new,
            "articles_updated": self.articles_updated,
            "republisher_pages": self.republisher_pages,
            "pages_skipped": self.skipped,
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


def decode_html(body: bytes, content_type: str | None) -> str:
    """HTML bytes as text, by the HTTP charset, the BOM, the meta charset, or detection."""
    _encoding, text = html_to_unicode(content_type or "", body)
    return text


def run_extraction(job: ExtractionJob) -> tuple[int, Extracted | None, str | None]:
    """Extract one page (runs in a worker process): (page id, result, error)."""
    try:
        html = decode_html(job.body, job.content_type)
        return job.page_id, extract_page(html, job.url, hints=job.hints, default_language=job.default_language), None
    except Exception as exc:  # one bad page must never stop the run
        return job.page_id, None, f"extraction failed: {type(exc).__name__}: {exc}"


def _jobs_for(pages: Iterable[Page], sources: dict[int, Source]) -> Iterator[ExtractionJob]:
    for page in pages:
        source = sources.get(page.source_id) if page.source_id is not None else None
        yield ExtractionJob(
            page_id=page.id,
            url=page.final_url or page.url,
            body=page.raw_body(),
            content_type=page.content_type,
            hints=dict(page.hints or {}),
            default_language=source.language if source else None,
        )


def _worker_count(jobs: int) -> int:
    return jobs if jobs > 0 else (os.cpu_count() or 1)


def canonical_url_for(page: Page, extracted: Extracted) -> str:
    """The article's own URL: its declared canonical on the same site, else where it was found."""
    address = page.final_url or page.url
    declared = try_normalise_url(extracted.canonical_url, address) or try_normalise_url(extracted.og_url, address)
    if declared and same_site(host_of(declared), host_of(address)):
        return declared
    return normalise_url(address)


def _aliases(page: Page, canonical: str) -> set[str]:
    """Other addresses of the article: the requested URL, the link as the feed gave it, a GUID URL."""
    hints = page.hints or {}
    candidates = [page.url, page.final_url, hints.get("seen_as"), hints.get("guid")]
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


def _store(session: Any, page: Page, source: Source | None, extracted: Extracted, stats: ProcessingStats) -> None:
    if not extracted.is_article:
        mark_page(session, page_id=page.id, state=SKIPPED, error=extracted.reason)
        stats.skipped += 1
        return
    if source is None or source.role != "partner":
        # Republished copies wait for the matching step; they never become canonical articles.
        mark_page(session, page_id=page.id, state=PROCESSED, error=None)
        stats.republisher_pages += 1
        return
    canonical = canonical_url_for(page, extracted)
    article_id, created = upsert_article(
        session,
        url=canonical,
        source_id=source.id,
        page_id=page.id,
        title=extracted.title,
        author=extracted.author,
        published=extracted.published,
        updated=extracted.updated,
        language=extracted.language,
        text=extracted.text,
        text_hash=text_hash(extracted.text),
    )
    for alias in _aliases(page, canonical):
        add_alias(session, url=alias, article_id=article_id)
    mark_page(session, page_id=page.id, state=PROCESSED, error=None)
    if created:
        stats.articles_new += 1
    else:
        stats.articles_updated += 1


def process_pages(
    database_url: str,
    *,
    jobs: int = 0,
    reprocess_all: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ProcessingStats:
    """Extract and store every page waiting for processing (or every stored page).

    `jobs` worker processes extract in parallel (0: one per core). `progress(done, total)` is
    called after each batch.
    """
    stats = ProcessingStats()
    with session_scope(database_url) as session:
        ids = page_ids_to_process(session, all_pages=reprocess_all)
        sources = {s.id: s for s in load_sources_by_host(session).values()}
    total = len(ids)
    if not total:
        return stats
    workers = _worker_count(jobs)
    pool = ProcessPoolExecutor(max_workers=workers) if workers > 1 and total >= MIN_PAGES_FOR_POOL else None
    try:
        for start in range(0, total, BATCH_SIZE):
            batch_ids = ids[start : start + BATCH_SIZE]
            with session_scope(database_url) as session:
                pages = {p.id: p for p in iter_pages(session, batch_ids)}
                job_list = list(_jobs_for(pages.values(), sources))
                results = pool.map(run_extraction, job_list, chunksize=4) if pool else map(run_extraction, job_list)
                for page_id, extracted, error in results:
                    page = pages[page_id]
                    stats.pages += 1
                    if extracted is None:
                        mark_page(session, page_id=page_id, state=SKIPPED, error=error)
                        stats.skipped += 1
                        continue
                    source = sources.get(page.source_id) if page.source_id is not None else None
                    _store(session, page, source, extracted, stats)
            if progress:
                progress(min(start + BATCH_SIZE, total), total)
    finally:
        if pool:
            pool.shutdown()
    return stats
