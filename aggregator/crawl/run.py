"""Run the spiders in this process, with the project's Scrapy settings."""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings as ScrapySettings

from aggregator.crawl.extension import ProcessWhileCrawling
from aggregator.crawl.progress import ProgressReporter
from aggregator.settings import Settings
from storage.engine import session_scope
from storage.locks import crawl_lock
from storage.runs import last_runs


def scrapy_settings(database_url: str, *, log_level: str = "WARNING", **overrides: Any) -> ScrapySettings:
    """The project's Scrapy settings, aimed at `database_url`."""
    settings = ScrapySettings()
    settings.setmodule("aggregator.crawl.scrapy_settings", priority="project")
    settings.set("AGGREGATOR_DATABASE_URL", database_url, priority="cmdline")
    # Read now, not when the settings module was first imported: the environment may have changed.
    settings.set("AGGREGATOR_ALLOW_PRIVATE_NETWORKS", Settings.from_env().allow_private_networks, priority="project")
    settings.set("LOG_LEVEL", log_level, priority="cmdline")
    for key, value in overrides.items():
        settings.set(key, value, priority="cmdline")
    return settings


def lock_holder() -> str:
    """How this process names itself to a crawl that finds the lock taken."""
    return (f"aggregator crawl, pid {os.getpid()} on {socket.gethostname()}, "
            f"started {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC")


def run_crawl(
    database_url: str,
    *,
    hosts: list[str] | None = None,
    due: bool = False,
    feeds_only: bool = False,
    jobs: int = 0,
    progress: ProgressReporter | None = None,
    wait: bool = False,
    allow_private_networks: str | None = None,
) -> dict[str, Any]:
    """Crawl the sources (all, or those of `hosts`) and process what was fetched.

    `due`: poll only the feeds whose scheduled time has come; `feeds_only`: every feed, no
    listing pages or sitemaps. One crawl at a time per database: raises storage.locks.LockHeld
    when another one runs, unless `wait` (then waits for it to end). `progress` is told how the
    crawl goes. `allow_private_networks` replaces AGGREGATOR_ALLOW_PRIVATE_NETWORKS (see
    aggregator.crawl.netguard). Logging is the caller's (see aggregator.crawl.logs).

    Blocks until the crawl ends; returns the run's summary (as stored in crawl_runs).
    The Twisted reactor cannot restart, so call this once per process.
    """
    settings = scrapy_settings(database_url, AGGREGATOR_PROCESS_JOBS=jobs, AGGREGATOR_PROGRESS=progress,
                               LOG_INSTALL_ROOT_HANDLER=False)
    if allow_private_networks is not None:
        settings.set("AGGREGATOR_ALLOW_PRIVATE_NETWORKS", allow_private_networks, priority="cmdline")
    with crawl_lock(database_url, holder=lock_holder(), wait=wait):
        try:
            process = CrawlerProcess(settings)
            process.crawl("sources", hosts=hosts or [], due=due, feeds_only=feeds_only)
            process.start()
        finally:
            if progress is not None:
                progress.close()
        with session_scope(database_url) as session:
            runs = last_runs(session, limit=1)
            return dict(runs[0].stats) if runs else {}


def run_fetch(database_url: str, *, hosts: list[str], due: bool = False, feeds_only: bool = False) -> dict[str, Any]:
    """Fetch the sources of `hosts` and store what they give, without processing it (a fetch job).

    The same crawl as `run_crawl`, but without the database's crawl lock: fetch jobs of several
    workers run side by side, each on hosts of its own (the job queue's host lock keeps two jobs
    off one host), and leave the pages to processing jobs. Returns the run's summary.
    Call once per process (the Twisted reactor cannot restart).
    """
    if not hosts:
        raise ValueError("a fetch needs its hosts (none would mean every source)")
    settings = scrapy_settings(database_url, AGGREGATOR_PROCESS=False, LOG_INSTALL_ROOT_HANDLER=False)
    process = CrawlerProcess(settings)
    crawler = process.create_crawler("sources")
    process.crawl(crawler, hosts=hosts, due=due, feeds_only=feeds_only)
    process.start()
    # This run's own summary: the last run recorded may be another job's.
    extensions = crawler.extensions.middlewares if crawler.extensions is not None else []
    return next((dict(e.summary) for e in extensions if isinstance(e, ProcessWhileCrawling)), {})
