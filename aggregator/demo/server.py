"""A loopback HTTP server (and proxy) for the demo web.

Crawlers reach the demo web's `.example` hosts by using this server as their HTTP proxy: it answers
absolute-URI requests (`GET http://host/path HTTP/1.1`) for every host of the web, and plain
requests by their Host header. It behaves like a well-run web server where a polite crawler
notices: HTTP/1.1 keep-alive with Content-Length, ETag and Last-Modified validators answered with
304, gzip on request. Standard library only.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from aggregator.demo.model import DemoWeb

LOOPBACK = "127.0.0.1"
IDLE_CONNECTION_SECONDS = 10  # keep-alive connections left open by a client close after this


class DemoHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server bound to one demo web; one daemon thread per connection."""

    daemon_threads = True

    def __init__(self, web: DemoWeb, request_log: list[str] | None = None) -> None:
        super().__init__((LOOPBACK, 0), DemoRequestHandler)
        self.web = web
        self.hosts = frozenset(web.hosts())
        self.request_log = request_log

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet: a client hanging up mid-response is not worth a traceback on stderr."""


class DemoRequestHandler(BaseHTTPRequestHandler):
    """Answers GET and HEAD for the demo web's hosts, directly or as a proxy."""

    protocol_version = "HTTP/1.1"
    server_version = "AggregatorDemo/1.0"
    timeout = IDLE_CONNECTION_SECONDS
    server: DemoHTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        """No request logging: the demo's output is the crawl report."""

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def do_CONNECT(self) -> None:
        # No TLS tunnelling: the demo web is plain HTTP, so refuse at once rather than hang.
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True

    def _target(self) -> tuple[str, str, str]:
        """(host, path, query) of the request, from an absolute URI or the Host header."""
        parts = urlsplit(self.path)
        if parts.scheme in ("http", "https") and parts.hostname:
            host = parts.hostname
        else:
            host = urlsplit("//" + (self.headers.get("Host") or "")).hostname or ""
        return host.lower().rstrip("."), parts.path or "/", parts.query

    def _answer(self, *, send_body: bool) -> None:
        host, path, query = self._target()
        if self.server.request_log is not None:
            target = f"http://{host}{path}" + (f"?{query}" if query else "")
            self.server.request_log.append(f"{self.command} {target}")
        if host in self.server.hosts:
            status, headers, body = self.server.web.respond(host, path, query)
        else:
            status, headers, body = 404, {"Content-Type": "text/plain; charset=utf-8"}, b"unknown host\n"
        if status == 200:
            etag = '"' + hashlib.sha256(body).hexdigest()[:20]
            wants_gzip = accepts_gzip(self.headers.get("Accept-Encoding", ""))
            # Each encoding is its own representation, so each gets its own strong validator.
            headers["ETag"] = etag + ('-gz"' if wants_gzip else '"')
            headers["Vary"] = "Accept-Encoding"
            if self._not_modified(etag, headers.get("Last-Modified")):
                validators = {name: headers[name] for name in ("ETag", "Last-Modified", "Vary")}
                self._send(304, validators, b"", send_body=False, with_length=False)
                return
            if wants_gzip:
                body = gzip.compress(body, mtime=0)
                headers["Content-Encoding"] = "gzip"
        self._send(status, headers, body, send_body=send_body)

    def _not_modified(self, etag: str, last_modified: str | None) -> bool:
        """Whether the request's validators show the client's copy is current (RFC 9110 §13.2.2)."""
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            # Weak comparison: any encoding of the same body matches.
            bare = etag.strip('"')
            tags = {_opaque_tag(tag) for tag in if_none_match.split(",")}
            return "*" in tags or bare in tags
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_modified_since and last_modified:
            try:
                return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(if_modified_since)
            except (TypeError, ValueError):
                return False
        return False

    def _send(self, status: int, headers: dict[str, str], body: bytes, *, send_body: bool,
              with_length: bool = True) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if with_length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body and body:
            self.wfile.write(body)


def _opaque_tag(tag: str) -> str:
    """An entity tag from If-None-Match without its weakness flag, quotes and encoding suffix."""
    return tag.strip().removeprefix("W/").strip('"').removesuffix("-gz")


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header value admits gzip (with a non-zero quality)."""
    for item in accept_encoding.split(","):
        coding, _, params = item.strip().partition(";")
        if coding.strip().lower() in ("gzip", "x-gzip", "*"):
            quality = params.strip().removeprefix("q=").strip() if params.strip().startswith("q=") else "1"
            try:
                return float(quality) > 0
            except ValueError:
                return False
    return False


@contextmanager
def serve_demo_web(web: DemoWeb, *, request_log: list[str] | None = None) -> Iterator[str]:
    """Serve ``web`` on a free loopback port for the duration of the context; yield its base URL.

    Use the URL as an HTTP proxy (``http_proxy``) to fetch the web's own URLs. When given,
    ``request_log`` receives one ``"GET http://host/path"`` line per request, to check what a
    crawl fetched (and that it never fetched what robots.txt forbids).
    """
    server = DemoHTTPServer(web, request_log)
    thread = threading.Thread(target=server.serve_forever, name="demo-web", daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host!s}:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
