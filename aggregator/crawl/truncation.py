"""A body that ended before its declared length is a fault with a size, not an empty message.

With DOWNLOAD_FAIL_ON_DATALOSS off, Scrapy hands over what arrived, flagged "dataloss"; this
middleware turns it into a retry and, when retries are spent, into a failure that says how much
came: "body truncated after 1,500 of 9,000 bytes". It sits before decompression, so both figures
are bytes on the wire.
"""

from __future__ import annotations

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.http import Request, Response

from aggregator.crawl.failures import FetchRefused


def truncation_reason(received: int, declared: str | None) -> str:
    """`body truncated after 1,500 of 9,000 bytes` (the declared length when known)."""
    if declared and declared.strip().isdigit():
        return f"body truncated after {received:,} of {int(declared):,} bytes"
    return f"body truncated after {received:,} bytes"


class TruncatedBodyMiddleware:
    """Retries a truncated answer; records it with its sizes when retries are spent."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TruncatedBodyMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None
                         ) -> Request | Response:
        if "dataloss" not in (response.flags or []):
            return response
        length = response.headers.get("Content-Length")
        reason = truncation_reason(len(response.body), length.decode("latin-1") if length else None)
        retry = get_retry_request(request, spider=self.crawler.spider, reason="truncated body")  # type: ignore[arg-type]
        if retry is not None:
            return retry
        raise FetchRefused(reason)
