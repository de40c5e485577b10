"""Scrapy components for the transport: connection reuse through a proxy, and proxy selection
decided once per host.

- Scrapy's HTTP/1.1 handler keeps at most CONCURRENT_REQUESTS_PER_DOMAIN idle connections per
  connection key. Through an HTTP proxy every host shares one key (the proxy), so all but two
  connections were closed after each response and opened again for the next: a TCP handshake
  per request. `PooledHTTPDownloadHandler` keeps as many as requests may run at once.
- Scrapy's proxy middleware asks `urllib.request.proxy_bypass` for every request, which reads
  the whole environment each time. `CachingHttpProxyMiddleware` decides once per host (the
  environment does not change during a crawl).
"""

from __future__ import annotations

from functools import lru_cache
from urllib.request import proxy_bypass

from scrapy import Request, Spider
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.httpproxy import HttpProxyMiddleware
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached


class PooledHTTPDownloadHandler(HTTP11DownloadHandler):
    """The HTTP/1.1 handler, keeping up to CONCURRENT_REQUESTS idle connections per key."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        self._pool.maxPersistentPerHost = max(
            settings.getint("CONCURRENT_REQUESTS"), settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
        )


@lru_cache(maxsize=4096)
def _bypassed(host: str) -> bool:
    return bool(proxy_bypass(host))


class CachingHttpProxyMiddleware(HttpProxyMiddleware):
    """Scrapy's proxy middleware (http_proxy, https_proxy, no_proxy), deciding no_proxy once per host."""

    def process_request(self, request: Request, spider: Spider | None = None) -> Request | Response | None:
        if "proxy" not in request.meta and self.proxies:
            parsed = urlparse_cached(request)
            scheme = parsed.scheme
            if scheme in self.proxies and not (parsed.hostname and _bypassed(parsed.hostname)):
                creds, proxy_url = self.proxies[scheme]
                self._set_proxy_and_creds(request, proxy_url, creds, scheme)
            else:
                self._set_proxy_and_creds(request, None, None, None)
            return None
        return super().process_request(request)
