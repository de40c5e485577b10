"""A scheduler that keeps waiting requests on disk, in a folder of its own for one crawl.

A sitemap of fifty thousand URLs becomes fifty thousand requests waiting at once; in memory
they make the crawl's size grow with the web's. Scrapy's disk queues keep them in files instead,
but only under a JOBDIR, which also makes a crawl resume the last one: here every crawl gets a
fresh temporary folder for its queue (nothing else), removed when the crawl closes.

The first AGGREGATOR_QUEUE_IN_MEMORY waiting requests stay in memory, and only those beyond go to
disk: a request written to disk costs a pickling and file work at each end, while a crawl's
queue is short most of the time (its sitemaps' bursts aside).
"""

from __future__ import annotations

import shutil
import tempfile
from typing import Any

from scrapy import Request
from scrapy.core.scheduler import Scheduler
from scrapy.crawler import Crawler
from scrapy.utils.misc import build_from_crawler, load_object
from twisted.internet.defer import Deferred


class DiskQueueScheduler(Scheduler):
    """Scrapy's scheduler with its request queue in a temporary folder (see the module)."""

    _queue_folder = ""
    _in_memory_limit = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DiskQueueScheduler:
        settings = crawler.settings
        folder = tempfile.mkdtemp(prefix="aggregator-queue-")
        scheduler = cls(
            dupefilter=build_from_crawler(load_object(settings["DUPEFILTER_CLASS"]), crawler),
            jobdir=folder,
            dqclass=load_object(settings["SCHEDULER_DISK_QUEUE"]),
            mqclass=load_object(settings["SCHEDULER_MEMORY_QUEUE"]),
            logunser=settings.getbool("SCHEDULER_DEBUG"),
            stats=crawler.stats,
            pqclass=load_object(settings["SCHEDULER_PRIORITY_QUEUE"]),
            crawler=crawler,
        )
        scheduler._queue_folder = folder
        scheduler._in_memory_limit = settings.getint("AGGREGATOR_QUEUE_IN_MEMORY")
        return scheduler

    def _dqpush(self, request: Request) -> bool:
        # False: the scheduler keeps the request in its memory queue.
        if self._in_memory_limit and len(self.mqs) < self._in_memory_limit:
            return False
        return super()._dqpush(request)

    def close(self, reason: str) -> Deferred[None] | None:
        result: Any = super().close(reason)
        if self._queue_folder:
            shutil.rmtree(self._queue_folder, ignore_errors=True)
        return result
