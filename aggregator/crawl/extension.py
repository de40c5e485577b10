"""Scrapy extension: record each crawl run, and process what it fetches while it fetches.

When the spider opens, a processing process starts beside the crawl (`aggregator.crawl.processing.
ProcessingDriver`): it extracts and stores pages as the pipeline stores them, on the other
cores. When the spider closes, processing finishes what is left and the run is recorded with
both sides' counts. This runs for `scrapy crawl` as for `aggregator crawl`, so both leave the
database in the same state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from twisted.internet import task

from storage.engine import session_scope
from storage.runs import finish_run, start_run

if TYPE_CHECKING:
    from aggregator.crawl.processing import ProcessingDriver

# Extraction (aggregator.process, trafilatura) is never loaded in the crawl's process when
# processing runs beside it; only a crawl processing after fetching loads it, at the end.


class ProcessWhileCrawling:
    """Opens a crawl-run record, processes fetched pages while the crawl runs, closes the record."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.database_url: str = crawler.settings["AGGREGATOR_DATABASE_URL"]
        self.jobs: int = crawler.settings.getint("AGGREGATOR_PROCESS_JOBS")
        self.stream: bool = crawler.settings.getbool("AGGREGATOR_PROCESS_WHILE_CRAWLING")
        self.process: bool = crawler.settings.getbool("AGGREGATOR_PROCESS", True)
        self.run_id: int | None = None
        self.driver: ProcessingDriver | None = None
        self._live: task.LoopingCall | None = None
        self.summary: dict[str, Any] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProcessWhileCrawling:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        with session_scope(self.database_url) as session:
            self.run_id = start_run(session, spider=spider.name)
        if self.stream and self.process:
            from aggregator.crawl.processing import ProcessingDriver

            self.driver = ProcessingDriver(self.database_url, jobs=self.jobs)
            self._live = task.LoopingCall(self._count_processed)
            self._live.start(1.0, now=False)

    def _count_processed(self) -> None:
        # What processing has done so far, for the crawl's progress display.
        if self.driver is not None and self.crawler.stats is not None:
            self.crawler.stats.set_value("aggregator/pages_processed_so_far", self.driver.pages_processed())

    def _finish_processing(self, spider: Spider) -> tuple[dict[str, Any] | None, str | None]:
        """The processing counts (`ProcessingStats.as_dict`) and error, once every page is processed."""
        if not self.process:  # a fetch job: processing jobs take the pages (aggregator.crawl.queue)
            return None, None

        reporter = self.crawler.settings.get("AGGREGATOR_PROGRESS")
        if self._live is not None and self._live.running:
            self._live.stop()
        if self.driver is not None:
            total = int(self.crawler.stats.get_value("aggregator/pages_fetched", 0)) if self.crawler.stats else 0
            processed, error = self.driver.finish(
                progress=(lambda done: reporter.processing(min(done, total), total)) if reporter is not None else None
            )
            if error:
                spider.logger.error("processing failed: %s", error)
            return processed, error
        from aggregator.process import process_pages

        try:
            progress = reporter.processing if reporter is not None else None
            return process_pages(self.database_url, jobs=self.jobs, progress=progress).as_dict(), None
        except Exception as exc:  # recorded on the run; the fetched pages stay for `reprocess`
            spider.logger.exception("processing failed")
            return {}, f"{type(exc).__name__}: {exc}"

    def spider_closed(self, spider: Spider, reason: str) -> None:
        stats = self.crawler.stats
        assert stats is not None
        processed, processing_error = self._finish_processing(spider)
        counts: dict[str, Any] = processed or {}
        raw = stats.get_stats()
        summary: dict[str, Any] = {
            "finish_reason": reason,
            "requests": raw.get("downloader/request_count", 0),
            "robots_forbidden": raw.get("robotstxt/forbidden", 0),
            "pages_fetched": raw.get("aggregator/pages_fetched", 0),
            "pages_unchanged": raw.get("aggregator/pages_unchanged", 0),
            "pages_not_modified": raw.get("aggregator/pages_not_modified", 0),
            "feeds_polled": raw.get("aggregator/feeds_polled", 0),
            "feeds_not_modified": raw.get("aggregator/feeds_not_modified", 0),
            "feed_entries_new": raw.get("aggregator/feed_entries_new", 0),
            "errors": raw.get("aggregator/errors", 0),
            "errors_by_kind": {k.rsplit("/", 1)[1]: v for k, v in raw.items()
                               if k.startswith("aggregator/errors/")},
            # Most errors first, then by host.
            "errors_by_host": dict(sorted(
                ((k.removeprefix("aggregator/errors_by_host/"), v) for k, v in raw.items()
                 if k.startswith("aggregator/errors_by_host/")),
                key=lambda kv: (-kv[1], kv[0]),
            )),
            "feeds_turned_failing": list(raw.get("aggregator/feeds_turned_failing", [])),
            "probes_missing": raw.get("aggregator/probes_missing", 0),
            **counts,
        }
        if processing_error:
            summary["processing_error"] = processing_error
        self.summary = summary
        for key, value in counts.items():
            stats.set_value(f"aggregator/{key}", value)
        if self.run_id is not None:
            with session_scope(self.database_url) as session:
                finish_run(session, run_id=self.run_id, stats=summary)
