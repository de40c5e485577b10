"""Progress of a crawl while it runs: a live line on a terminal (rich), plain lines otherwise.

The `CrawlProgressExtension` samples the crawl's counters every `interval` seconds and hands a
`Snapshot` to the reporter named by the AGGREGATOR_PROGRESS setting (absent: no progress).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import IO, Any, Protocol

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task


@dataclass(frozen=True)
class Snapshot:
    """The crawl's counters at one moment, and the hosts being fetched from."""

    requests: int = 0
    pages_fetched: int = 0
    pages_processed: int = 0
    feeds_polled: int = 0
    errors: int = 0
    hosts: tuple[str, ...] = field(default_factory=tuple)

    def describe(self) -> str:
        """The counters in words."""
        text = (f"{self.requests} requests, {self.pages_fetched} pages fetched, {self.pages_processed} processed, "
                f"{self.feeds_polled} feeds polled, {self.errors} errors")
        if self.hosts:
            more = f" and {len(self.hosts) - 5} more" if len(self.hosts) > 5 else ""
            text += f"; fetching from {', '.join(self.hosts[:5])}{more}"
        return text


class ProgressReporter(Protocol):
    """Receives the crawl's progress, then the processing's."""

    interval: float

    def crawling(self, snapshot: Snapshot) -> None:
        """The crawl's counters so far."""

    def processing(self, done: int, total: int) -> None:
        """`done` of `total` fetched pages processed."""

    def close(self) -> None:
        """The run is over: clear what is on screen."""


class _SharedReporter:
    """A reporter travels in Scrapy's settings, which are deep-copied: every copy is this one."""

    def __deepcopy__(self, memo: dict[int, Any]) -> _SharedReporter:
        return self


class LineProgress(_SharedReporter):
    """Plain lines on a stream, at most one every `interval` seconds (for logs and pipes)."""

    def __init__(self, stream: IO[str], interval: float = 30.0) -> None:
        self.stream = stream
        self.interval = interval
        self._last_processing = 0.0

    def crawling(self, snapshot: Snapshot) -> None:
        """Write the counters as one line."""
        self._write(f"crawling: {snapshot.describe()}")

    def processing(self, done: int, total: int) -> None:
        """Write a line when processing starts, ends, and at most every `interval` in between."""
        now = time.monotonic()
        if done in (0, total) or now - self._last_processing >= self.interval:
            self._last_processing = now
            self._write(f"processing: {done}/{total} pages")

    def close(self) -> None:
        """Nothing to clear."""

    def _write(self, line: str) -> None:
        self.stream.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {line}\n")
        self.stream.flush()


class RichProgress(_SharedReporter):
    """A live status on a terminal: what the crawl has done, then a bar for processing."""

    interval = 0.5

    def __init__(self, stream: IO[str]) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

        self._progress = Progress(
            SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            console=Console(file=stream), transient=True,
        )
        self._crawl = self._progress.add_task("crawling", total=None)
        self._process: Any = None
        self._progress.start()

    def crawling(self, snapshot: Snapshot) -> None:
        """Show the counters and the hosts being fetched from."""
        self._progress.update(self._crawl, description=f"crawling: {snapshot.describe()}")

    def processing(self, done: int, total: int) -> None:
        """Show a bar of processed pages."""
        if self._process is None:
            self._progress.update(self._crawl, visible=False)
            self._process = self._progress.add_task("processing pages", total=total)
        self._progress.update(self._process, completed=done, total=total)

    def close(self) -> None:
        """Take the live display off the screen."""
        self._progress.stop()


def reporter_for(stream: IO[str]) -> ProgressReporter:
    """A live display when `stream` is a terminal, plain lines otherwise."""
    return RichProgress(stream) if stream.isatty() else LineProgress(stream)


class CrawlProgressExtension:
    """Hands the crawl's counters to the AGGREGATOR_PROGRESS reporter while the spider runs."""

    def __init__(self, crawler: Crawler, reporter: ProgressReporter) -> None:
        self.crawler = crawler
        self.reporter = reporter
        self._loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlProgressExtension:
        reporter = crawler.settings.get("AGGREGATOR_PROGRESS")
        if reporter is None:
            # Without a message Scrapy notes this at debug level, not as a warning on every run.
            raise NotConfigured
        ext = cls(crawler, reporter)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        self._loop = task.LoopingCall(self.report)
        self._loop.start(self.reporter.interval, now=False)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()

    def report(self) -> None:
        """Sample the counters and the active download slots."""
        assert self.crawler.stats is not None
        stats = self.crawler.stats.get_stats()
        engine = self.crawler.engine
        slots = getattr(getattr(engine, "downloader", None), "slots", {}) if engine else {}
        hosts = tuple(sorted(key for key, slot in slots.items() if getattr(slot, "active", None)))
        self.reporter.crawling(Snapshot(
            requests=int(stats.get("downloader/request_count", 0)),
            pages_fetched=int(stats.get("aggregator/pages_fetched", 0)),
            pages_processed=int(stats.get("aggregator/pages_processed_so_far", 0)),
            feeds_polled=int(stats.get("aggregator/feeds_polled", 0)),
            errors=int(stats.get("aggregator/errors", 0)),
            hosts=hosts,
        ))
