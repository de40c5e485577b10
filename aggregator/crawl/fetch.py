"""One-off fetches for operator commands (`sources add`, `explain`), outside a Scrapy crawl.

Same user agent, same proxies (the standard environment variables), robots.txt obeyed, a size
cap and a timeout, and the same network guard as a crawl (aggregator.crawl.netguard): a direct
connection is judged by the address it connects to, resolved once and used as judged (so a
DNS answer that changes in between cannot get around it); a proxied request by its target host
before it goes to the proxy. Every redirect hop is a new request, judged again. Crawls go
through Scrapy; this is for a handful of requests.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from protego import Protego

from aggregator.crawl.netguard import NetworkPolicy, NetworkRefused, parse_address, parse_allow_list
from aggregator.settings import Settings


class FetchError(Exception):
    """A fetch that did not give a usable answer; the message says why.

    `status`: the HTTP status when the server answered with an error, else None.
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class RefusedFetch(FetchError):
    """A fetch the network guard refused (the message says how to allow it)."""


@dataclass(frozen=True)
class Fetched:
    """A fetched response."""

    url: str  # after redirects
    status: int
    content_type: str | None
    body: bytes


def _judged_addresses(host: str, port: int, policy: NetworkPolicy) -> list[Any]:
    """The addresses of `host` (getaddrinfo entries); raises NetworkRefused when any is refused."""
    infos = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
    for info in infos:
        if reason := policy.refusal(str(info[4][0]), host=host):
            raise NetworkRefused(reason)
    return infos


def _guarded_connection(policy: NetworkPolicy, address: tuple[str, int], timeout: Any = None,
                        source_address: Any = None, *_args: Any) -> socket.socket:
    """socket.create_connection, to addresses judged first: the socket connects to what was judged."""
    host, port = address
    error: OSError | None = None
    for family, kind, proto, _name, sockaddr in _judged_addresses(host, port, policy):
        sock = socket.socket(family, kind, proto)
        try:
            if isinstance(timeout, int | float):  # else the default timeout's sentinel
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            error = exc
            sock.close()
    raise error or OSError(f"no address for {host}")


def _check_target(req: urllib.request.Request, policy: NetworkPolicy) -> bool:
    """Judge a proxied request by its target host; returns whether `req` goes through a proxy.

    A literal IP is judged as it is; a name by what it resolves to here, or left to the proxy
    when it does not resolve here.
    """
    target = urlsplit(req.full_url)
    proxied = bool(getattr(req, "_tunnel_host", None)) or req.host.lower() != target.netloc.lower()
    host = target.hostname or ""
    if not proxied or not host:
        return proxied
    if parse_address(host) is not None:
        if reason := policy.refusal(host):
            raise NetworkRefused(reason)
        return proxied
    with contextlib.suppress(socket.gaierror, UnicodeError):  # does not resolve here: the proxy's business
        _judged_addresses(host, target.port or (443 if target.scheme == "https" else 80), policy)
    return proxied


def _guarded_open(handler: urllib.request.AbstractHTTPHandler, policy: NetworkPolicy,
                  connection_class: type[http.client.HTTPConnection], req: urllib.request.Request,
                  **kwargs: Any) -> http.client.HTTPResponse:
    """Open `req` through `handler`, connecting only to addresses the policy allows (unless proxied)."""
    proxied = _check_target(req, policy)

    def connection(host: str, **options: Any) -> http.client.HTTPConnection:
        conn = connection_class(host, **options)
        if not proxied:  # the proxy itself is the operator's choice
            conn._create_connection = lambda *a: _guarded_connection(policy, *a)  # type: ignore[attr-defined]
        return conn

    return handler.do_open(connection, req, **kwargs)


class _GuardedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, policy: NetworkPolicy) -> None:
        super().__init__()
        self.policy = policy

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return _guarded_open(self, self.policy, http.client.HTTPConnection, req)


class _GuardedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, policy: NetworkPolicy) -> None:
        super().__init__()
        self.policy = policy

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return _guarded_open(self, self.policy, http.client.HTTPSConnection, req,
                             context=self._context)  # type: ignore[attr-defined]


def _opener(settings: Settings) -> urllib.request.OpenerDirector:
    policy = parse_allow_list(settings.allow_private_networks)
    return urllib.request.build_opener(_GuardedHTTPHandler(policy), _GuardedHTTPSHandler(policy))


def fetch(url: str, settings: Settings, *, max_bytes: int | None = None) -> Fetched:
    """GET `url`; raises FetchError on a network error, an HTTP error or a body over the limit.

    RefusedFetch when the network guard refuses the URL or a redirect on the way.
    """
    limit = max_bytes or settings.max_body_size
    request = urllib.request.Request(url, headers={"User-Agent": settings.user_agent})
    try:
        with _opener(settings).open(request, timeout=settings.download_timeout) as response:
            body = response.read(limit + 1)
            if len(body) > limit:
                raise FetchError(f"{url}: body larger than {limit} bytes")
            return Fetched(response.geturl(), response.status, response.headers.get("Content-Type"), body)
    except urllib.error.HTTPError as exc:
        raise FetchError(f"{url}: HTTP {exc.code}", exc.code) from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, NetworkRefused):
            raise RefusedFetch(f"{url}: {reason}") from exc
        if isinstance(reason, ConnectionRefusedError):
            reason = "connection refused (nothing listens on that port)"
        raise FetchError(f"{url}: {reason}") from exc


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
        """Whether our user agent may fetch `url`. No robots.txt allows all; an unreadable one allows none.

        Raises FetchError when the site cannot be reached at all (or the network guard refuses it).
        """
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
                if exc.status is None:
                    raise  # the site cannot be reached (or may not be): say so, not "robots.txt forbids"
                # RFC 9309: a 4xx ("unavailable") allows everything; a 5xx is taken as a complete
                # disallow.
                missing = 400 <= exc.status < 500
                self._rules[site] = None if missing else Protego.parse("User-agent: *\nDisallow: /")
        return self._rules[site]
