"""Run the spiders in this process, with the project's Scrapy settings."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings as ScrapySettings

from storage.engine import session_scope
from storage.runs import last_runs

# Fetch failures are recorded on their feed or page and counted in the run's summary; their
# tracebacks only bury that summary, so they are logged in one line unless asked (--verbose).
_FETCH_ERROR_LOGGERS = (
    "scrapy.downloadermiddlewares.robotstxt",
    "scrapy.downloadermiddlewares.retry",
    "scrapy.core.scraper",
)


class _OneLineErrors(logging.Filter):
    """Drops the traceback of a log record, keeping its message."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True


def scrapy_settings(database_url: str, *, log_level: str = "WARNING", **overrides: Any) -> ScrapySettings:
    """The project's Scrapy settings, aimed at `database_url`."""
    settings = ScrapySettings()
    settings.setmodule("aggregator.crawl.scrapy_settings", priority="project")
    settings.set("AGGREGATOR_DATABASE_URL", database_url, priority="cmdline")
    settings.set("LOG_LEVEL", log_level, priority="cmdline")
    for key, value in overrides.items():
        settings.set(key, value, priority="cmdline")
    return settings


def run_crawl(
    database_url: str,
    *,
    hosts: list[str] | None = None,
    due: bool = False,
    feeds_only: bool = False,
    log_level: str = "WARNING",
    jobs: int = 0,
) -> dict[str, Any]:
    """Crawl the sources (all, or those of `hosts`) and process what was fetched.

    `due`: poll only the feeds whose scheduled time has come; `feeds_only`: every feed, no
    listing pages or sitemaps.

    Blocks until the crawl ends; returns the run's summary (as stored in crawl_runs).
    The Twisted reactor cannot restart, so call this once per process.
    """
    settings = scrapy_settings(database_url, log_level=log_level, AGGREGATOR_PROCESS_JOBS=jobs)
    if log_level != "DEBUG" and log_level != "INFO":
        for name in _FETCH_ERROR_LOGGERS:
            logging.getLogger(name).addFilter(_OneLineErrors())
    process = CrawlerProcess(settings)
    process.crawl("sources", hosts=hosts or [], due=due, feeds_only=feeds_only)
    process.start()
    with session_scope(database_url) as session:
        runs = last_runs(session, limit=1)
        return dict(runs[0].stats) if runs else {}
