"""Logging of the long-running commands (crawl, serve): one handler on stderr, text or JSON lines.

A fetch failure is recorded on its feed or page, counted, and named in the crawl's summary; the
lines Scrapy logs for it (robots.txt, retries, download errors) only bury that summary, so they
are shown from level INFO on. `requests=True` (`crawl -v`) logs every response and every failed
request, with its traceback.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import IO

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
FORMATS = ("text", "json")
# Loggers whose records repeat a failure the crawl records and counts anyway.
FETCH_ERROR_LOGGERS = (
    "scrapy.downloadermiddlewares.robotstxt",
    "scrapy.downloadermiddlewares.retry",
    "scrapy.core.scraper",
)
# Scrapy logs each response ("Crawled (200) <GET ...>") here, at DEBUG.
REQUEST_LOGGER = "scrapy.core.engine"
TEXT_FORMAT = "%(asctime)s [%(name)s] %(levelname)s: %(message)s"


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC, ISO 8601), level, logger, message, and the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        for key in ("client", "method", "path", "status", "duration_ms"):  # access log fields
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        return json.dumps(entry, ensure_ascii=False)


class _Threshold(logging.Filter):
    """Lets a record through at `level` or above; per-request lines too when `requests`."""

    def __init__(self, level: int, *, requests: bool) -> None:
        super().__init__()
        self.level = level
        self.requests = requests

    def filter(self, record: logging.LogRecord) -> bool:
        if self.requests and record.name.startswith((REQUEST_LOGGER, *FETCH_ERROR_LOGGERS)):
            return True
        if record.name.startswith(FETCH_ERROR_LOGGERS) and self.level > logging.INFO:
            return False
        if record.levelno < self.level:
            return False
        if self.level > logging.DEBUG and not self.requests:
            record.exc_info = None  # one line per failure; tracebacks from DEBUG or -v on
            record.exc_text = None
        return True


_handler: logging.Handler | None = None


def configure_logging(
    level: str = "WARNING", log_format: str = "text", *, requests: bool = False, stream: IO[str] | None = None
) -> None:
    """Send log records to stderr (or `stream`) as text or JSON lines, from `level` on.

    Replaces the handler an earlier call installed, so it can be called again.
    """
    global _handler
    root = logging.getLogger()
    if _handler is not None:
        root.removeHandler(_handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    numeric = logging.getLevelName(level.upper())
    handler.addFilter(_Threshold(numeric, requests=requests))
    root.addHandler(handler)
    root.setLevel(min(numeric, logging.DEBUG if requests else numeric))
    if requests:
        logging.getLogger(REQUEST_LOGGER).setLevel(logging.DEBUG)
    _handler = handler
