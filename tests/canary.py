"""A canary (an "internal service" on loopback that counts who reaches it) and a web of partner
sites with made-up host names, served by a loopback HTTP proxy: what the network guard is tested with.

Only loopback is ever served or pointed at: no private or link-local address appears where the
crawler could really connect.
"""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

CANARY_WORD = "Canaryinternalsecret"
CANARY_TEXT = " ".join(
    f"<p>{CANARY_WORD} paragraph {n}: the internal service answers with its configuration, its keys and "
    "its private notes, which no crawler of partner blogs should ever read, store or index.</p>"
    for n in range(6)
)


def canary_answer(path: str) -> tuple[str, str]:
    """What the canary serves at `path`: (content type, body); a feed, a sitemap or a page."""
    if path.startswith("/robots.txt"):
        return "text/plain", "User-agent: *\nAllow: /\n"
    if "sitemap" in path:
        return "application/xml", (
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            "<url><loc>http://partner.test/posts/from-canary/</loc></url></urlset>"
        )
    if path.endswith(".xml"):
        return "application/rss+xml", (
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>{CANARY_WORD} feed</title>'
            f"<item><title>{CANARY_WORD} entry</title><link>http://partner.test/posts/canary-entry/</link>"
            "<guid>canary-entry</guid></item></channel></rss>"
        )
    return "text/html; charset=utf-8", (
        f"<html><head><title>{CANARY_WORD} admin</title></head><body><main><article>"
        f"<h1>{CANARY_WORD} admin</h1>{CANARY_TEXT}</article></main></body></html>"
    )


@dataclass
class Canary:
    """A running canary: its base URL (http://127.0.0.1:PORT) and the paths asked of it."""

    base: str
    requested: list[str] = field(default_factory=list)


# url -> (status, content type or Location, body)
Pages = dict[str, tuple[int, str, str]]


@dataclass
class ProxiedWeb:
    """A running proxy serving `pages` by absolute URL: its proxy URL and the URLs asked."""

    proxy: str
    pages: Pages
    requested: list[str] = field(default_factory=list)


@contextmanager
def _serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def _send(handler: BaseHTTPRequestHandler, status: int, content_type: str, body: str) -> None:
    data = body.encode("utf-8")
    handler.send_response(status)
    if 300 <= status < 400:
        handler.send_header("Location", content_type)
    else:
        handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


@contextmanager
def serve_canary() -> Iterator[Canary]:
    """Serve the canary on a free loopback port."""
    canary = Canary(base="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            canary.requested.append(self.path)
            _send(self, 200, *canary_answer(self.path))

        def log_message(self, *_args: object) -> None:
            pass

    with _serve(Handler) as port:
        canary.base = f"http://127.0.0.1:{port}"
        yield canary


@contextmanager
def serve_proxied_web(pages: Pages) -> Iterator[ProxiedWeb]:
    """An HTTP proxy on loopback answering for the absolute URLs of `pages` (404 for the others).

    Requests for loopback hosts are forwarded there, as a real proxy would.
    """
    web = ProxiedWeb(proxy="", pages=pages)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            url = f"{parts.scheme}://{parts.netloc}{parts.path}" + (f"?{parts.query}" if parts.query else "")
            web.requested.append(url)
            if parts.hostname in ("127.0.0.1", "localhost"):  # a real proxy would go there: so does this one
                connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=10)
                connection.request("GET", parts.path or "/")
                answer = connection.getresponse()
                _send(self, answer.status, answer.getheader("Content-Type") or "text/plain",
                      answer.read().decode("utf-8"))
                connection.close()
                return
            _send(self, *web.pages.get(url, (404, "text/html", "<h1>Not found</h1>")))

        def log_message(self, *_args: object) -> None:
            pass

    with _serve(Handler) as port:
        web.proxy = f"http://127.0.0.1:{port}"
        yield web
