"""The network guard in a Scrapy crawl (see aggregator.crawl.netguard for what it refuses).

Two checks, because a request reaches a host in one of two ways:

- `NetworkGuardMiddleware`, a downloader middleware, judges every request before anything else
  sees it: a literal IP as it is, a name by what it resolves to here (a name that does not
  resolve here is left to the proxy that will resolve it). Redirects pass the downloader
  middlewares again, so each hop is judged; robots.txt requests too.
- `GuardedResolver`, the crawl's DNS resolver, judges the address a direct connection is about
  to use, so a name that resolved to a public address for the middleware and to a private one
  at connect time (DNS rebinding) is refused all the same. The configured proxies' own hosts are
  not judged: the operator chose them.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit
from urllib.request import getproxies

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.resolver import CachingThreadedResolver
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.base import ReactorBase
from twisted.internet.defer import Deferred
from twisted.internet.error import DNSLookupError
from twisted.internet.threads import deferToThread

from aggregator.crawl.netguard import ALLOW_SETTING, NetworkPolicy, parse_address, parse_allow_list

# Names the resolver refused in this process, with the reason: the connection failure that
# follows only says "no results for hostname lookup".
_refused_names: dict[str, str] = {}

K = TypeVar("K")
V = TypeVar("V")


class RefusedRequest(IgnoreRequest):
    """A request the network guard refused; the message is the operator's reason."""


def refusal_of_lookup(host: str | None) -> str | None:
    """The guard's reason when a lookup of `host` failed because the resolver refused its address."""
    return _refused_names.get(host.lower()) if host else None


def policy_of(crawler: Any) -> NetworkPolicy:
    """The crawl's policy, from its AGGREGATOR_ALLOW_PRIVATE_NETWORKS setting."""
    return parse_allow_list(crawler.settings.get(ALLOW_SETTING) or "")


def _proxy_hosts() -> set[str]:
    """The hosts of the proxies of the environment (http_proxy, https_proxy ...)."""
    hosts = set()
    for url in getproxies().values():
        host = urlsplit(url if "://" in url else f"http://{url}").hostname
        if host:
            hosts.add(host.lower())
    return hosts


def _resolved_refusal(host: str, port: int, policy: NetworkPolicy) -> str | None:
    """Resolve `host` here; the reason to refuse it when any of its addresses is refused."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return None  # does not resolve here: a proxy's business, or a DNS failure to come
    for info in infos:
        if reason := policy.refusal(str(info[4][0]), host=host):
            return reason
    return None


class SharedLookups(Generic[K, V]):
    """Answers looked up once per key: requests asking while a lookup is under way share it (the
    requests a sitemap queues for one host come at once); a failed lookup is tried again."""

    def __init__(self) -> None:
        self._known: dict[K, V] = {}
        self._pending: dict[K, asyncio.Future[V]] = {}

    async def get(self, key: K, lookup: Callable[[], Awaitable[V]]) -> V:
        """The answer for `key`, from `lookup()` the first time it is asked."""
        if key in self._known:
            return self._known[key]
        pending = self._pending.get(key)
        if pending is None:
            pending = self._pending[key] = asyncio.ensure_future(lookup())
        try:
            # Read from the lookup itself: it may have ended just before this request came.
            answer = await asyncio.shield(pending)
        finally:
            if pending.done() and self._pending.get(key) is pending:
                del self._pending[key]
        self._known[key] = answer
        return answer


class NetworkGuardMiddleware:
    """Refuses requests to non-public addresses before they are downloaded, proxied or not."""

    def __init__(self, policy: NetworkPolicy) -> None:
        self.policy = policy
        self._lookups: SharedLookups[tuple[str, int], str | None] = SharedLookups()  # per crawl

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NetworkGuardMiddleware:
        return cls(policy_of(crawler))

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        parsed = urlparse_cached(request)
        host = (parsed.hostname or "").lower()
        if not host:
            return
        if parse_address(host) is not None:
            reason = self.policy.refusal(host)
        else:
            port = parsed.port or (443 if parsed.scheme == "https" else 80)
            key = (host, port)
            reason = await self._lookups.get(
                key, lambda: maybe_deferred_to_future(deferToThread(_resolved_refusal, host, port, self.policy))
            )
        if reason:
            raise RefusedRequest(reason)


class GuardedResolver(CachingThreadedResolver):
    """Scrapy's caching resolver, refusing names whose address the policy refuses."""

    def __init__(self, reactor: ReactorBase, cache_size: int, timeout: float, policy: NetworkPolicy) -> None:
        super().__init__(reactor, cache_size, timeout)
        self.policy = policy
        self.exempt = _proxy_hosts()

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: ReactorBase) -> GuardedResolver:
        settings = crawler.settings
        cache_size = settings.getint("DNSCACHE_SIZE") if settings.getbool("DNSCACHE_ENABLED") else 0
        return cls(reactor, cache_size, settings.getfloat("DNS_TIMEOUT"), policy_of(crawler))

    def getHostByName(self, name: str, timeout: Any = ()) -> Deferred[str]:
        found = super().getHostByName(name, timeout)
        if name.lower() in self.exempt:
            return found
        return found.addCallback(self._judge, name)

    def _judge(self, address: str, name: str) -> str:
        reason = self.policy.refusal(address, host=name)
        if reason:
            _refused_names[name.lower()] = reason
            raise DNSLookupError(reason)
        return address

