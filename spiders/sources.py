"""The `sources` spider: every known source's feeds, sitemaps and listing pages, in one crawl.

One spider (not one per strategy) so that one duplicate filter sees every request: an article
reached from a feed, a sitemap and a listing page is fetched once. Parsing is done by pure
functions in `aggregator`; this module only turns their results into requests and items.

Incremental by design: feeds are asked with their stored validators (ETag, Last-Modified), an
unchanged body counts as not modified, only new or changed entries lead to page fetches, and a
page already stored is not fetched again unless its feed entry changed (then conditionally).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from datetime import UTC, datetime
from functools import wraps
from typing import Any
from urllib.parse import urljoin

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from aggregator.crawl.failures import describe_failure, header, response_headers
from aggregator.crawl.feed_discovery import feed_links
from aggregator.crawl.feeds import ParsedEntry, SeenEntry, classify_entries, parse_feed
from aggregator.crawl.items import (
    FailedFetch,
    FetchedPage,
    PolledFeed,
    ReadResource,
    SkippedItem,
    UnchangedPage,
    body_hash,
    body_unchanged,
)
from aggregator.crawl.listing import parse_listing
from aggregator.crawl.sitemaps import parse_sitemap
from aggregator.extract.page import decode_html
from aggregator.urls import host_of, requestable_url, site_key, try_normalise_url
from storage.engine import session_scope
from storage.feeds import feeds_of, pending_entry_urls, seen_entries
from storage.pages import stored_validators
from storage.sources import list_sources

NOT_MODIFIED = [304]
Callback = Callable[..., Iterator[Any]]


def isolated(callback: Callback) -> Callback:
    """A callback whose failure is the response's recorded fault, not a lost crawl branch.

    What it yielded before failing goes on; the exception is logged and recorded as a failed
    fetch of the response's URL (with its kind and a reason), so `feeds list`, `explain` and the
    crawl's error count show it.
    """
    @wraps(callback)
    def guarded(self: SourcesSpider, response: Response) -> Iterator[Any]:
        try:
            yield from callback(self, response)
        except Exception as exc:
            meta = response.meta
            kind = meta.get("kind", "page")
            self.logger.error("could not read the %s %s: %s: %s", kind, response.url, type(exc).__name__, exc)
            source = self.sources.get(meta.get("source_host", ""))
            yield FailedFetch(url=meta.get("feed_url") or _first_url(response), source_id=source["id"] if source
                              else None, kind=kind, status=response.status,
                              reason=f"could not read the {kind}: {type(exc).__name__}: {exc}",
                              feed_id=meta.get("feed_id"))
    return guarded


def _first_url(response: Response) -> str:
    """The URL first asked for (before redirects)."""
    return str((response.meta.get("redirect_urls") or [response.url])[0])


def _text_of(response: Response) -> str | None:
    """An HTML answer as text, its charset decided from the bytes when the declarations lie; None
    for a body that is not text."""
    if not hasattr(response, "text"):
        return None
    return decode_html(response.body, header(response, "Content-Type"), url=response.url)


def _flag(value: Any) -> bool:
    """A spider argument as a boolean (`-a due=1` on the command line gives a string)."""
    return value is True or str(value).lower() in ("1", "true", "yes", "on")


class SourcesSpider(scrapy.Spider):
    """Crawl sources: `scrapy crawl sources [-a hosts=a.example,b.example] [-a due=1] [-a feeds_only=1]`.

    due: poll only the feeds whose scheduled time has come (and nothing else);
    feeds_only: poll every feed, but no home page, listing or sitemap.
    """

    name = "sources"

    def __init__(self, hosts: str | list[str] | None = None, due: Any = False, feeds_only: Any = False,
                 **kwargs: Any):
        super().__init__(**kwargs)
        if isinstance(hosts, str):
            hosts = [h.strip().lower() for h in hosts.split(",") if h.strip()]
        self.only_hosts: list[str] = list(hosts or [])
        self.due_only = _flag(due)
        self.feeds_only = self.due_only or _flag(feeds_only)
        self.sources: dict[str, dict[str, Any]] = {}  # host -> source facts
        self.by_site: dict[str, str] = {}  # site key -> host
        self._skipped: list[SkippedItem] = []  # bad links met while building requests, yielded as items

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
        now = datetime.now(UTC)
        with session_scope(self.database_url) as session:
            for source in list_sources(session, hosts=self.only_hosts or None):
                feeds = feeds_of(session, source.id)
                self.sources[source.host] = {
                    "id": source.id,
                    "home": source.home_url,
                    "sitemaps": list(source.sitemap_urls or []),
                    "feeds": [
                        {"id": f.id, "url": f.url, "etag": f.etag, "last_modified": f.last_modified,
                         "body_hash": f.body_hash}
                        for f in feeds
                        if not self.due_only or f.next_poll_at is None or f.next_poll_at <= now
                    ],
                    "has_feeds": bool(feeds),
                }
        # The source of a URL, by site: one look-up per URL, however many sources.
        self.by_site = {site_key(host): host for host in sorted(self.sources, reverse=True)}
        missing = sorted(set(self.only_hosts) - set(self.sources))
        if missing:
            self.logger.warning("no such source(s): %s", ", ".join(missing))

    async def start(self) -> AsyncIterator[Any]:
        self._load_sources()
        for host, source in sorted(self.sources.items()):
            if not self.feeds_only:
                yield Request(
                    source["home"], callback=self.parse_home, errback=self.failed,
                    meta={"source_host": host, "kind": "listing", "listing_depth": 0},
                )
                for url in source["sitemaps"]:
                    yield self.sitemap_request(host, url)
            for feed in source["feeds"]:
                yield self.feed_request(host, feed)
        for request in self.pending_entry_requests():
            yield request

    def pending_entry_requests(self) -> list[Request]:
        """Pages of feed entries seen in an earlier poll and still not stored (a crawl killed between
        storing a feed and fetching its pages; a passing failure): due on every crawl, whatever the
        mode and whether or not their feed is polled or answers 304 this time."""
        with session_scope(self.database_url) as session:
            feed_ids = [feed.id for source in self.sources.values() for feed in feeds_of(session, source["id"])]
            urls = pending_entry_urls(session, feed_ids)
        if urls:
            self.logger.info("%d feed entries still due from earlier polls", len(urls))
        return self.article_requests(urls)

    def robots_parsed(self, robotparser: Any, request: Request) -> None:
        """Sitemaps named in robots.txt; `/sitemap.xml` when a source names none anywhere."""
        host = host_of(request.url)
        source = self.sources.get(host)
        if self.feeds_only or source is None or source.get("robots_seen"):
            return
        source["robots_seen"] = True
        named = list(getattr(getattr(robotparser, "rp", None), "sitemaps", []) or [])
        guessed = not named and not source["sitemaps"]
        if guessed:  # a guess: its 404 is an answer, not a failure
            named = [urljoin(request.url, "/sitemap.xml")]
        assert self.crawler.engine is not None
        for url in named:
            if (normal := requestable_url(url)) and normal not in source["sitemaps"]:
                self.crawler.engine.crawl(self.sitemap_request(host, normal, probe=guessed))

    # -- requests --------------------------------------------------------------------------

    def feed_request(self, host: str, feed: dict[str, Any]) -> Request:
        headers = {}
        if feed.get("etag"):
            headers["If-None-Match"] = feed["etag"]
        if feed.get("last_modified"):
            headers["If-Modified-Since"] = feed["last_modified"]
        return Request(
            feed["url"], callback=self.parse_feed, errback=self.failed, headers=headers, priority=10,
            meta={"source_host": host, "kind": "feed", "feed_id": feed["id"], "feed_url": feed["url"],
                  "body_hash": feed.get("body_hash"), "handle_httpstatus_list": NOT_MODIFIED},
        )

    def sitemap_request(self, host: str, url: str, *, probe: bool = False) -> Request:
        return Request(url, callback=self.parse_sitemap, errback=self.failed, priority=5,
                       meta={"source_host": host, "kind": "sitemap", "probe": probe})

    def article_requests(self, urls: Iterable[str | None], *, refresh: bool = False) -> list[Request]:
        """Requests for the article candidates among `urls` that lie on a known source.

        A page already stored is not fetched again, unless `refresh` (its feed entry changed):
        then it is asked for conditionally, with the validators stored with it. One database
        query for the whole batch, however long the sitemap or feed.
        """
        wanted: dict[str, str] = {}  # normalised URL -> source host
        for url in urls:
            try:
                normal = try_normalise_url(url)
                if normal is None or normal in wanted:
                    continue
                host = host_of(normal)
                source_host = self.by_site.get(site_key(host))
                if source_host is None or normal.rstrip("/") == str(self.sources[source_host]["home"]).rstrip("/"):
                    continue
                wanted[normal] = source_host
            except Exception as exc:  # one bad link is skipped; its neighbours go on
                self._skip(str(url), "link", f"{type(exc).__name__}: {exc}")
        if not wanted:
            return []
        with session_scope(self.database_url) as session:
            stored = stored_validators(session, list(wanted))
        requests = []
        for normal, source_host in wanted.items():
            try:
                requests.append(self._article_request(normal, source_host, stored, refresh=refresh))
            except Exception as exc:
                self._skip(normal, "link", f"{type(exc).__name__}: {exc}")
        return [r for r in requests if r is not None]

    def _article_request(self, normal: str, source_host: str, stored: dict[str, tuple[str | None, str | None]],
                         *, refresh: bool) -> Request | None:
        headers: dict[str, str] = {}
        if normal in stored:
            if not refresh:
                return None
            etag, last_modified = stored[normal]
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
        return Request(
            normal, callback=self.parse_article, errback=self.failed, headers=headers,
            meta={"source_host": source_host, "kind": "page", "handle_httpstatus_list": NOT_MODIFIED},
        )

    def _skip(self, url: str, kind: str, reason: str) -> None:
        """A link or entry that cannot be used: logged and counted as an error; the rest goes on."""
        self.logger.warning("skipped a bad %s %r: %s", kind, url[:300], reason)
        self._skipped.append(SkippedItem(url=url[:2000], kind=kind, reason=reason))

    # -- callbacks -------------------------------------------------------------------------

    @isolated
    def parse_home(self, response: Response) -> Iterator[Any]:
        host = response.meta["source_host"]
        source = self.sources[host]
        text = _text_of(response)
        if not source["has_feeds"] and text is not None:
            for url in feed_links(text, response.url):
                if (normal := requestable_url(url)) is None:
                    continue
                # Registered by the pipeline when its poll (or failure) is stored.
                feed = {"id": None, "url": normal}
                source["feeds"].append(feed)
                yield self.feed_request(host, feed)
            source["has_feeds"] = bool(source["feeds"])
        yield from self._listing(response, text)

    @isolated
    def parse_listing(self, response: Response) -> Iterator[Any]:
        yield from self._listing(response, _text_of(response))

    def _listing(self, response: Response, text: str | None) -> Iterator[Any]:
        yield from _read(response)
        if text is None:
            return
        listing = parse_listing(text, response.url)
        yield from self.article_requests(listing.article_urls)
        yield from self._drain_skipped()
        depth = int(response.meta.get("listing_depth", 0))
        if depth < int(self.settings.getint("AGGREGATOR_MAX_LISTING_PAGES")):
            for url in listing.next_pages:
                # A next page is a guess from the page's links: its 404 is no failure of the site.
                yield Request(url, callback=self.parse_listing, errback=self.failed,
                              meta={"source_host": response.meta["source_host"], "kind": "listing",
                                    "listing_depth": depth + 1, "probe": True})

    def _drain_skipped(self) -> Iterator[SkippedItem]:
        skipped, self._skipped = self._skipped, []
        yield from skipped

    @isolated
    def parse_feed(self, response: Response) -> Iterator[Any]:
        meta = response.meta
        source_id = self.sources[meta["source_host"]]["id"]
        headers = response_headers(response)
        common = {"feed_id": meta["feed_id"], "url": meta["feed_url"], "source_id": source_id,
                  "status": response.status, "etag": header(response, "ETag"),
                  "last_modified": header(response, "Last-Modified"), "headers": headers}
        # A 304, or the very bytes of last time from a server that ignores validators.
        if response.status == 304 or body_unchanged(response.body, meta.get("body_hash")):
            yield PolledFeed(**common, format=None, body_hash=meta.get("body_hash"), not_modified=True)
            return
        parsed = parse_feed(response.body, url=response.url, content_type=header(response, "Content-Type"))
        if not parsed.ok:
            yield FailedFetch(url=meta["feed_url"], source_id=source_id, kind="feed", status=response.status,
                              reason=parsed.error or "unusable feed", feed_id=meta["feed_id"], headers=headers)
            return
        seen: dict[str, SeenEntry] = {}
        if meta["feed_id"] is not None:
            with session_scope(self.database_url) as session:
                seen = {key: SeenEntry(updated, content_hash)
                        for key, (updated, content_hash) in seen_entries(session, feed_id=meta["feed_id"]).items()}
        problems = list(parsed.skipped)
        records = []
        good: list[ParsedEntry] = []
        for entry in parsed.entries:
            try:
                records.append(_entry_record(entry))
                good.append(entry)
            except Exception as exc:  # one bad entry is skipped; its neighbours are stored
                problems.append(f"entry {entry.key[:200]!r} skipped: {type(exc).__name__}: {exc}")
        changes = classify_entries(good, seen)
        # The requests first: a bad link found while building them is one more problem of the poll.
        requests = [
            # New entries, and unchanged ones whose page is not stored yet: `article_requests` skips stored pages.
            *self.article_requests(entry.link for entry in (*changes.new, *changes.unchanged)),
            # A changed entry refreshes its article: the page is asked for again, conditionally.
            *self.article_requests((entry.link for entry in changes.changed), refresh=True),
        ]
        problems += [f"link {item.url[:200]!r} skipped: {item.reason}" for item in self._drain_skipped()]
        for problem in problems:
            self.logger.warning("feed %s: %s", meta["feed_url"], problem)
        yield PolledFeed(**common, format=parsed.format, body_hash=body_hash(response.body),
                         ttl_minutes=parsed.ttl_minutes, entries=records, problems=problems)
        yield from requests

    @isolated
    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        meta = response.meta
        yield from _read(response)
        sitemap = parse_sitemap(response.body)
        if sitemap.error:
            # A partly readable sitemap is recorded as an error and still used for what it gives.
            yield FailedFetch(url=response.url, source_id=self.sources[meta["source_host"]]["id"],
                              kind="sitemap", status=response.status, reason=sitemap.error)
        for child in sitemap.sitemaps:
            if (normal := requestable_url(child.loc, response.url)) is not None:
                yield self.sitemap_request(meta["source_host"], normal)
        yield from self.article_requests(page.loc for page in sitemap.pages)
        yield from self._drain_skipped()

    @isolated
    def parse_article(self, response: Response) -> Iterator[Any]:
        meta = response.meta
        url = str(meta.get("redirect_urls", [response.request.url])[0]) if response.request else response.url
        if response.status == 304:
            yield UnchangedPage(url=url)
            return
        content_type = header(response, "Content-Type")
        source_id = self.sources[meta["source_host"]]["id"]
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
        status, reason, headers = describe_failure(failure)
        if meta.get("probe") and status in (404, 410):
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("aggregator/probes_missing")
            return
        source = self.sources.get(meta.get("source_host", ""))
        # A page is recorded under the URL first asked for (a redirect loop is the fault of that URL).
        url = meta.get("feed_url") or str((meta.get("redirect_urls") or [request.url])[0])
        yield FailedFetch(url=url, source_id=source["id"] if source else None,
                          kind=meta.get("kind", "page"), status=status, reason=reason,
                          feed_id=meta.get("feed_id"), headers=headers)


def _read(response: Response) -> Iterator[ReadResource]:
    """The sitemap or listing page was read: a failure recorded for it earlier is over."""
    for url in dict.fromkeys([*response.meta.get("redirect_urls", []), response.url]):
        yield ReadResource(url=url)


def _entry_record(entry: ParsedEntry) -> dict[str, Any]:
    """A feed entry as storage keeps it."""
    return {
        "key": entry.key, "url": try_normalise_url(entry.link) if entry.link else None, "link": entry.link,
        "title": entry.title, "author": entry.author,
        "published": entry.published.isoformat() if entry.published else None,
        "updated": entry.updated_iso, "content_hash": entry.content_hash,
    }
