"""The `sources` spider: every known source's feeds, sitemaps and listing pages, in one crawl.

One spider (not one per strategy) so that one duplicate filter sees every request: an article
reached from a feed, a sitemap and a listing page is fetched once. Parsing is done by pure
functions in `aggregator`; this module only turns their results into requests and items.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from aggregator.discovery import feed_links, parse_sitemap
from aggregator.feeds import parse_feed
from aggregator.items import FailedFetch, FetchedPage, PolledFeed
from aggregator.listing import parse_listing
from aggregator.spider_support import describe_failure, header
from aggregator.urls import host_of, same_site, try_normalise_url
from storage.engine import session_scope
from storage.feeds import feeds_of, upsert_feed
from storage.sources import list_sources

FEED_STATUSES = [304]


class SourcesSpider(scrapy.Spider):
    """Crawl sources: `scrapy crawl sources [-a hosts=a.example,b.example]`."""

    name = "sources"

    def __init__(self, hosts: str | list[str] | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        if isinstance(hosts, str):
            hosts = [h.strip().lower() for h in hosts.split(",") if h.strip()]
        self.only_hosts: list[str] = list(hosts or [])
        self.sources: dict[str, dict[str, Any]] = {}  # host -> source facts

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> SourcesSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.robots_parsed, signal=signals.robots_parsed)
        return spider

    @property
    def database_url(self) -> str:
        return str(self.settings["AGGREGATOR_DATABASE_URL"])

    # -- start ----------------------------------------------------------------------------

    def _load_sources(self) -> None:
        with session_scope(self.database_url) as session:
            for source in list_sources(session, hosts=self.only_hosts or None):
                self.sources[source.host] = {
                    "id": source.id,
                    "home": source.home_url,
                    "role": source.role,
                    "language": source.language,
                    "sitemaps": list(source.sitemap_urls or []),
                    "feeds": [(f.id, f.url, f.etag, f.last_modified) for f in feeds_of(session, source.id)],
                }
        missing = sorted(set(self.only_hosts) - set(self.sources))
        if missing:
            self.logger.warning("no such source(s): %s", ", ".join(missing))

    async def start(self) -> AsyncIterator[Any]:
        self._load_sources()
        for host, source in sorted(self.sources.items()):
            yield Request(
                source["home"], callback=self.parse_home, errback=self.failed,
                meta={"source_host": host, "kind": "listing", "listing_depth": 0},
            )
            for feed_id, url, etag, last_modified in source["feeds"]:
                yield self.feed_request(host, feed_id, url, etag, last_modified)
            for url in source["sitemaps"]:
                yield self.sitemap_request(host, url)

    def robots_parsed(self, robotparser: Any, request: Request) -> None:
        """Sitemaps named in robots.txt; `/sitemap.xml` when a source names none anywhere."""
        host = host_of(request.url)
        source = self.sources.get(host)
        if source is None or source.get("robots_seen"):
            return
        source["robots_seen"] = True
        named = list(getattr(getattr(robotparser, "rp", None), "sitemaps", []) or [])
        if not named and not source["sitemaps"]:
            named = [f"{request.url.split('://')[0]}://{host}/sitemap.xml"]
        assert self.crawler.engine is not None
        for url in named:
            if (normal := try_normalise_url(url)) and normal not in source["sitemaps"]:
                self.crawler.engine.crawl(self.sitemap_request(host, normal))

    # -- requests --------------------------------------------------------------------------

    def feed_request(self, host: str, feed_id: int, url: str, etag: str | None, last_modified: str | None
                     ) -> Request:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return Request(
            url, callback=self.parse_feed, errback=self.failed, headers=headers, priority=10,
            meta={"source_host": host, "kind": "feed", "feed_id": feed_id, "handle_httpstatus_list": FEED_STATUSES},
        )

    def sitemap_request(self, host: str, url: str) -> Request:
        return Request(url, callback=self.parse_sitemap, errback=self.failed, priority=5,
                       meta={"source_host": host, "kind": "sitemap"})

    def article_request(self, url: str) -> Request | None:
        """A request for an article candidate on a known source, or None for anything else."""
        normal = try_normalise_url(url)
        if normal is None:
            return None
        host = host_of(normal)
        source_host = next((h for h in self.sources if same_site(h, host)), None)
        if source_host is None:
            return None
        if normal.rstrip("/") == str(self.sources[source_host]["home"]).rstrip("/"):
            return None
        return Request(normal, callback=self.parse_article, errback=self.failed,
                       meta={"source_host": source_host, "kind": "page"})

    # -- callbacks -------------------------------------------------------------------------

    def parse_home(self, response: Response) -> Iterator[Any]:
        host = response.meta["source_host"]
        source = self.sources[host]
        if not source["feeds"] and hasattr(response, "text"):
            for url in feed_links(response.text, response.url):
                if (normal := try_normalise_url(url)) is None:
                    continue
                with session_scope(self.database_url) as session:
                    feed_id = upsert_feed(session, source_id=source["id"], url=normal)
                source["feeds"].append((feed_id, normal, None, None))
                yield self.feed_request(host, feed_id, normal, None, None)
        yield from self.parse_listing(response)

    def parse_listing(self, response: Response) -> Iterator[Any]:
        if not hasattr(response, "text"):
            return
        listing = parse_listing(response.text, response.url)
        for url in listing.article_urls:
            if (request := self.article_request(url)) is not None:
                yield request
        depth = int(response.meta.get("listing_depth", 0))
        if depth < int(self.settings.getint("AGGREGATOR_MAX_LISTING_PAGES")):
            for url in listing.next_pages:
                yield Request(url, callback=self.parse_listing, errback=self.failed,
                              meta={**_carry(response.meta), "kind": "listing", "listing_depth": depth + 1})

    def parse_feed(self, response: Response) -> Iterator[Any]:
        meta = response.meta
        if response.status == 304:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("aggregator/feeds_not_modified")
            return
        parsed = parse_feed(response.body, url=response.url, content_type=header(response, "Content-Type"))
        if not parsed.ok:
            yield FailedFetch(url=response.url, source_id=self.sources[meta["source_host"]]["id"], kind="feed",
                              status=response.status, reason=parsed.error or "unusable feed",
                              feed_id=meta["feed_id"])
            return
        entries = [
            {
                "key": e.key, "url": try_normalise_url(e.link) if e.link else None, "link": e.link,
                "title": e.title, "author": e.author,
                "published": e.published.isoformat() if e.published else None,
                "updated": e.updated.isoformat() if e.updated else None, "content_hash": e.content_hash,
            }
            for e in parsed.entries
        ]
        yield PolledFeed(
            feed_id=meta["feed_id"], url=response.url, status=response.status, format=parsed.format,
            etag=header(response, "ETag"), last_modified=header(response, "Last-Modified"),
            body_hash=hashlib.sha256(response.body).hexdigest(), entries=entries,
        )
        for entry in parsed.entries:
            # What the entry says about the page (title, author, dates) reaches processing through
            # the stored feed entries, whichever request for the page was made first.
            if entry.link and (request := self.article_request(entry.link)) is not None:
                yield request

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        meta = response.meta
        sitemap = parse_sitemap(response.body)
        if sitemap.error:
            # A partly readable sitemap is recorded as an error and still used for what it gives.
            yield FailedFetch(url=response.url, source_id=self.sources[meta["source_host"]]["id"],
                              kind="sitemap", status=response.status, reason=sitemap.error)
        for child in sitemap.sitemaps:
            if (normal := try_normalise_url(child.loc, response.url)) is not None:
                yield self.sitemap_request(meta["source_host"], normal)
        for page in sitemap.pages:
            if (request := self.article_request(page.loc)) is not None:
                yield request

    def parse_article(self, response: Response) -> Iterator[Any]:
        meta = response.meta
        content_type = header(response, "Content-Type")
        source_id = self.sources[meta["source_host"]]["id"]
        url = str(meta.get("redirect_urls", [response.request.url])[0]) if response.request else response.url
        if content_type and "html" not in content_type.lower():
            yield FailedFetch(url=url, source_id=source_id, kind="page", status=response.status,
                              reason=f"not an HTML page ({content_type})")
            return
        yield FetchedPage(
            url=url, final_url=response.url, source_id=source_id, status=response.status,
            content_type=content_type, etag=header(response, "ETag"),
            last_modified=header(response, "Last-Modified"), body=response.body,
        )

    def failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        meta = request.meta
        status, reason = describe_failure(failure)
        source = self.sources.get(meta.get("source_host", ""))
        yield FailedFetch(url=request.url, source_id=source["id"] if source else None,
                          kind=meta.get("kind", "page"), status=status, reason=reason,
                          feed_id=meta.get("feed_id"))


def _carry(meta: dict[str, Any]) -> dict[str, Any]:
    return {k: meta[k] for k in ("source_host",) if k in meta}
