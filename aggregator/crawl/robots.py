"""robots.txt as RFC 9309 reads it (section 2.3.1): what the site's answer means for the crawl.

- 2xx: the rules it gives;
- 4xx ("unavailable"): no rules, everything is allowed;
- 5xx or no answer at all ("unreachable"): assume complete disallow. Nothing of the host is
  fetched during this crawl, each request it skips is recorded with the reason, and the next
  crawl asks for robots.txt again.

Scrapy's own middleware treats every answer as a robots.txt body (a 503 error page becomes
"no rules": allow all) and a network failure as "allow all"; this subclass fixes both.
"""

from __future__ import annotations

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from aggregator.crawl.failures import FetchRefused, describe_failure


class Unreadable:
    """A robots.txt that could not be read: disallows everything, and says why."""

    def __init__(self, reason: str):
        self.reason = reason
        self.sitemaps: list[str] = []

    def allowed(self, url: str | bytes, user_agent: str | bytes) -> bool:
        """Nothing is allowed while robots.txt cannot be read."""
        return False


class Rfc9309RobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware with RFC 9309's answers to 4xx, 5xx and unreachable."""

    def process_request_2(self, rp: object, request: Request) -> None:
        if isinstance(rp, Unreadable):
            self._stats.inc_value("robotstxt/forbidden")
            self._stats.inc_value("robotstxt/unreadable_forbidden")
            raise FetchRefused(rp.reason)
        super().process_request_2(rp, request)  # type: ignore[arg-type]

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        status = response.status
        if status >= 500:
            self._stats.inc_value("robotstxt/response_count")
            self._stats.inc_value(f"robotstxt/response_status_count/{status}")
            self._settle(netloc, Unreadable(
                f"robots.txt answered HTTP {status}: nothing of {netloc} is fetched until it can be read "
                "(RFC 9309); asked again on the next crawl"))
            return
        if 400 <= status < 500:
            # "Unavailable": the crawler may access any resource; the error page is no rule set.
            response = response.replace(body=b"")
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        if isinstance(exc, IgnoreRequest):  # not asked at all (another component refused it)
            super()._robots_error(exc, netloc)
            return
        key = f"robotstxt/exception_count/{type(exc)}"
        self._stats.inc_value(key)
        _status, why, _headers = describe_failure(Failure(exc))
        self._settle(netloc, Unreadable(
            f"robots.txt could not be fetched ({why}): nothing of {netloc} is fetched until it can be read "
            "(RFC 9309); asked again on the next crawl"))

    def _settle(self, netloc: str, parser: Unreadable) -> None:
        waiting = self._parsers[netloc]
        self._parsers[netloc] = parser  # type: ignore[assignment]
        if isinstance(waiting, Deferred):
            waiting.callback(parser)  # type: ignore[arg-type]


def is_robots_refusal(reason: str) -> bool:
    """Whether a recorded reason is a request held back because robots.txt could not be read."""
    return reason.startswith("robots.txt ")

