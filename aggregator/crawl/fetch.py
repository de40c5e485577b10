"""One-off fetches for operator commands (`sources add`, `explain`), outside a Scrapy crawl.

Same user agent, same proxies (the standard environment variables), robots.txt obeyed, a size
cap and a timeout. Crawls go through Scrapy; this is for a handful of requests.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

from aggregator.settings import Settings


class FetchError(Exception):
    """A fetch that did not give a usable answer; the message says why."""


@dataclass(frozen=True)
class Fetched:
    """A fetched response."""

    url: str  # after redirects
    status: int
    content_type: str | None
    body: bytes


def fetch(url: str, settings: Settings, *, max_bytes: int | None = None) -> Fetched:
    """GET `url`; raises FetchError on a network error, an HTTP error or a body over the limit."""
    limit = max_bytes or settings.max_body_size
    request = urllib.request.Request(url, headers={"User-Agent": settings.user_agent})
    try:
        with urllib.request.urlopen(request, timeout=settings.download_timeout) as response:
            body = response.read(limit + 1)
            if len(body) > limit:
                raise FetchError(f"{url}: body larger than {limit} bytes")
            return Fetched(response.geturl(), response.status, response.headers.get("Content-Type"), body)
    except urllib.error.HTTPError as exc:
        raise FetchError(f"{url}: HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise FetchError(f"{url}: {getattr(exc, 'reason', exc)}") from exc


class RobotsRules:
    """robots.txt of the sites asked about, fetched once per site."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._rules: dict[str, Protego | None] = {}
        self.texts: dict[str, str] = {}

    def robots_txt(self, url: str) -> str:
        """The robots.txt text of the site of `url` ('' when it has none)."""
        self._load(url)
        return self.texts.get(self._site(url), "")

    def allowed(self, url: str) -> bool:
        """Whether our user agent may fetch `url`. No robots.txt allows all; an unreadable one allows none."""
        rules = self._load(url)
        return True if rules is None else bool(rules.can_fetch(url, self.settings.user_agent))

    @staticmethod
    def _site(url: str) -> str:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}"

    def _load(self, url: str) -> Protego | None:
        site = self._site(url)
        if site not in self._rules:
            try:
                text = fetch(f"{site}/robots.txt", self.settings, max_bytes=512 * 1024).body.decode("utf-8", "replace")
                self.texts[site] = text
                self._rules[site] = Protego.parse(text)
            except FetchError as exc:
                # RFC 9309: a 4xx ("unavailable") allows everything; a 5xx or no answer at all
                # ("unreachable") is taken as a complete disallow.
                missing = bool(re.search(r"HTTP 4\d\d$", str(exc)))
                self._rules[site] = None if missing else Protego.parse("User-agent: *\nDisallow: /")
        return self._rules[site]
