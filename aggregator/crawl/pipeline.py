"""The item pipeline: every fetch outcome is written to the database as soon as it arrives.

Each item is committed on its own, so a crawl killed at any point keeps everything fetched
before the kill, and a re-run upserts over it without duplicating anything.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from scrapy.crawler import Crawler

from aggregator.crawl.items import FailedFetch, FetchedPage, PolledFeed, ReadResource, UnchangedPage, body_hash
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
from storage.pages import clear_page_failure, record_page_failure, store_fetched_page


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

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoragePipeline:
        return cls(crawler)

    def _inc(self, key: str, count: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"aggregator/{key}", count)

    def _append(self, key: str, value: str) -> None:
        assert self.crawler.stats is not None
        values = list(self.crawler.stats.get_value(f"aggregator/{key}", []))
        self.crawler.stats.set_value(f"aggregator/{key}", [*values, value])

    def process_item(self, item: Any) -> Any:
        if isinstance(item, FetchedPage):
            self._store_page(item)
        elif isinstance(item, PolledFeed):
            self._store_feed(item)
        elif isinstance(item, FailedFetch):
            self._store_failure(item)
        elif isinstance(item, UnchangedPage):
            self._inc("pages_not_modified")
        elif isinstance(item, ReadResource):
            with session_scope(self.database_url) as session:
                clear_page_failure(session, url=item.url)
        return item

    def _store_page(self, item: FetchedPage) -> None:
        with session_scope(self.database_url) as session:
            _page_id, changed = store_fetched_page(
                session,
                url=item.url,
                final_url=item.final_url,
                source_id=item.source_id,
                status=item.status,
                content_type=item.content_type,
                etag=item.etag,
                last_modified=item.last_modified,
                body=item.body,
                body_hash=body_hash(item.body),
                hints=item.hints,
            )
        self._inc("pages_fetched")
        if not changed:
            self._inc("pages_unchanged")

    def _store_feed(self, item: PolledFeed) -> None:
        with session_scope(self.database_url) as session:
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
            record_feed_poll(
                session, feed_id=feed_id, status=item.status, format=item.format, etag=item.etag,
                last_modified=item.last_modified, body_hash=item.body_hash, next_poll_at=when,
            )
        self._inc("feeds_polled")
        if item.not_modified:
            self._inc("feeds_not_modified")
        self._inc("feed_entries_new", len(new_keys))

    def _store_failure(self, item: FailedFetch) -> None:
        with session_scope(self.database_url) as session:
            feed_id = item.feed_id
            if feed_id is None and item.kind == "feed" and item.source_id is not None:
                # a feed found on the source's home page during this crawl, failing at once
                feed_id = upsert_feed(session, source_id=item.source_id, url=item.url)
            if feed_id is not None:
                errors = record_feed_error(session, feed_id=feed_id, status=item.status, error=item.reason)
                if is_failing(errors, self.policy) and not is_failing(errors - 1, self.policy):
                    self._append("feeds_turned_failing", item.url)
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
        self._inc("errors")
        self._inc(f"errors/{item.kind}")
        # By host and port as requested: the summary names the hosts that failed.
        self._inc(f"errors_by_host/{urlsplit(item.url).netloc}")
