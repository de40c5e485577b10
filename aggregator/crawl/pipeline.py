"""The item pipeline: every fetch outcome is written to the database as it arrives.

Items go to a writer thread (`BatchWriter`), which commits them in small batches (those that
arrive within a fraction of a second), so the crawl never waits on the database. A crawl killed
at any point keeps everything committed before the kill, loses at most the batch in hand (which
the next run fetches again), and a re-run upserts over it without duplicating anything.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from scrapy.crawler import Crawler
from scrapy.utils.defer import maybe_deferred_to_future
from sqlalchemy.orm import Session

from aggregator.crawl.batch_writer import BatchWriter
from aggregator.crawl.items import (
    FailedFetch,
    FetchedPage,
    PolledFeed,
    ReadResource,
    SkippedItem,
    UnchangedPage,
    body_hash,
)
from aggregator.crawl.schedule import SchedulePolicy, is_failing, next_poll
from storage.base import utcnow
from storage.engine import session_scope
from storage.feeds import (
    recent_entry_times,
    record_entries,
    record_feed_error,
    record_feed_poll,
    set_next_poll,
    upsert_feed,
)
from storage.pages import clear_page_failure, record_page_failure, store_fetched_pages

Counts = dict[str, Any]
"""What writing an item adds to the crawl's stats: a number to add, or names to list."""


class StoragePipeline:
    """Stores fetched pages, feed polls and failures; counts them in the crawl stats."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.database_url: str = crawler.settings["AGGREGATOR_DATABASE_URL"]
        self.policy = SchedulePolicy(
            min_interval=timedelta(minutes=crawler.settings.getfloat("AGGREGATOR_MIN_POLL_MINUTES")),
            max_interval=timedelta(hours=crawler.settings.getfloat("AGGREGATOR_MAX_POLL_HOURS")),
            max_backoff=timedelta(hours=crawler.settings.getfloat("AGGREGATOR_MAX_BACKOFF_HOURS")),
        )
        self.rng = random.Random()

        self.writer: BatchWriter[Any, Counts] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoragePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.writer = BatchWriter(self._write, name="aggregator-storage")

    async def close_spider(self) -> None:
        """Write what is still queued before the crawl closes (processing needs every page)."""
        if self.writer is not None:
            await maybe_deferred_to_future(self.writer.close())

    async def process_item(self, item: Any) -> Any:
        if isinstance(item, UnchangedPage):
            self._count({"pages_not_modified": 1})
            return item
        if isinstance(item, SkippedItem):  # nothing to write: an error of the crawl, counted
            self._count(_error_counts(item.kind, item.url))
            return item
        if self.writer is None:  # used outside a crawl: write at once
            self._count(self._write([item])[0])
            return item
        self._count(await maybe_deferred_to_future(self.writer.submit(item)))
        return item

    def _count(self, counts: Counts) -> None:
        stats = self.crawler.stats
        assert stats is not None
        for key, value in counts.items():
            if isinstance(value, list):  # names to list (feeds that turned failing)
                stats.set_value(f"aggregator/{key}", [*stats.get_value(f"aggregator/{key}", []), *value])
            elif value:
                stats.inc_value(f"aggregator/{key}", value)

    def _write(self, items: Sequence[Any]) -> list[Counts]:
        """Write items in one transaction (runs in the writer thread); their stat counts.

        The batch's fetched pages are written together first (one look-up and one statement for
        the lot: they are the bulk of a crawl's writes), then the other items in order.
        """
        with session_scope(self.database_url) as session:
            counts: dict[int, Counts] = {}
            pages = [(i, item) for i, item in enumerate(items) if isinstance(item, FetchedPage)]
            urls = {item.url for _, item in pages}
            others = {getattr(item, "url", None) for item in items if not isinstance(item, FetchedPage)}
            # A URL written twice in the batch (a page and its failure...) is written in order instead.
            if len(urls) == len(pages) and not urls & others:
                counts = dict(zip([i for i, _ in pages], self._store_pages(session, [p for _, p in pages]),
                                  strict=True))
            return [counts[i] if i in counts else self._write_one(session, item) for i, item in enumerate(items)]

    def _write_one(self, session: Session, item: Any) -> Counts:
        if isinstance(item, FetchedPage):
            return self._store_page(session, item)
        if isinstance(item, PolledFeed):
            return self._store_feed(session, item)
        if isinstance(item, FailedFetch):
            return self._store_failure(session, item)
        if isinstance(item, ReadResource):  # a sitemap or listing page answered again
            clear_page_failure(session, url=item.url)
        return {}

    def _store_page(self, session: Session, item: FetchedPage) -> Counts:
        return self._store_pages(session, [item])[0]

    def _store_pages(self, session: Session, items: Sequence[FetchedPage]) -> list[Counts]:
        if not items:
            return []
        changes = store_fetched_pages(session, [{**vars(item), "body_hash": body_hash(item.body)} for item in items])
        return [{"pages_fetched": 1, "pages_unchanged": int(not changed)} for changed in changes]

    def _store_feed(self, session: Session, item: PolledFeed) -> Counts:
        feed_id = item.feed_id
        if feed_id is None:  # found on the source's home page during this crawl
            assert item.source_id is not None
            feed_id = upsert_feed(session, source_id=item.source_id, url=item.url)
        new_keys = [] if item.not_modified else record_entries(session, feed_id=feed_id, entries=item.entries)
        now = utcnow()
        when = next_poll(
            now=now, entry_times=recent_entry_times(session, feed_id=feed_id), headers=item.headers,
            ttl_minutes=item.ttl_minutes, status=item.status, consecutive_errors=0, policy=self.policy,
            rng=self.rng,
        )
        note = _note(item.problems)
        record_feed_poll(
            session, feed_id=feed_id, status=item.status, format=item.format, etag=item.etag,
            last_modified=item.last_modified, body_hash=item.body_hash, next_poll_at=when, note=note,
        )
        counts: Counts = {"feeds_polled": 1, "feeds_not_modified": int(item.not_modified),
                          "feed_entries_new": len(new_keys)}
        if item.problems:
            for key, value in _error_counts("entry", item.url).items():
                counts[key] = value * len(item.problems)
        return counts

    def _store_failure(self, session: Session, item: FailedFetch) -> Counts:
        feed_id = item.feed_id
        if feed_id is None and item.kind == "feed" and item.source_id is not None:
            # a feed found on the source's home page during this crawl, failing at once
            feed_id = upsert_feed(session, source_id=item.source_id, url=item.url)
        counts = _error_counts(item.kind, item.url)
        if feed_id is not None:
            errors = record_feed_error(session, feed_id=feed_id, status=item.status, error=item.reason)
            if is_failing(errors, self.policy) and not is_failing(errors - 1, self.policy):
                counts["feeds_turned_failing"] = [item.url]
            # Back off exponentially, honouring Retry-After; a failing feed is never dropped.
            when = next_poll(
                now=utcnow(), entry_times=[], headers=item.headers, ttl_minutes=None, status=item.status,
                consecutive_errors=errors, policy=self.policy, rng=self.rng,
            )
            set_next_poll(session, feed_id=feed_id, next_poll_at=when)
        else:
            record_page_failure(
                session, url=item.url, source_id=item.source_id, status=item.status,
                error=f"{item.kind}: {item.reason}",
            )
        return counts


def _error_counts(kind: str, url: str) -> Counts:
    """One error of `kind` at `url`: the total, by kind, and by host and port as requested (the
    summary names the hosts that failed)."""
    try:
        netloc = urlsplit(url).netloc
    except ValueError:
        netloc = "?"
    return {"errors": 1, f"errors/{kind}": 1, f"errors_by_host/{netloc}": 1}


MAX_NOTE_CHARS = 2000


def _note(problems: list[str]) -> str | None:
    """What went wrong inside a feed that was read, for `feeds list` (bounded: a feed may be hostile)."""
    if not problems:
        return None
    text = f"{len(problems)} entr{'y' if len(problems) == 1 else 'ies'} skipped: " + "; ".join(problems)
    return text if len(text) <= MAX_NOTE_CHARS else text[: MAX_NOTE_CHARS - 1] + "…"
