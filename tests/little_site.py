"""A small blog served on loopback by a thread of the test process, with answers a test can change."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

ARTICLE_TEXT = (
    "<p>Gardeners who grow tomatoes in containers learn quickly that the size of the pot decides most of "
    "the harvest, long before the variety or the fertiliser does.</p>"
    "<p>A plant in a small pot dries out twice a day in July, and every dry spell stops the fruit from "
    "setting; a large pot holds water through a hot afternoon and keeps the roots cool.</p>"
    "<p>Forty litres is a sensible minimum for an indeterminate variety, and twenty for a bush tomato "
    "grown on a balcony where the wind dries the soil even faster.</p>"
)


def blog_pages(title: str = "Little Blog") -> dict[str, tuple[int, str, str]]:
    """A home page (one article, a feed, a link to an older page that does not exist), its feed and
    its article: path -> (status, content type, body)."""
    home = (
        f"<html><head><title>{title}</title>"
        '<link rel="alternate" type="application/rss+xml" href="/feed.xml"></head><body><main>'
        '<article><h2><a href="/posts/tomatoes/">Tomatoes in pots</a></h2></article>'
        '<nav class="pagination"><a class="next" href="/page/2/">Older posts</a></nav></main></body></html>'
    )
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Little Blog</title><link>/</link>'
        "<item><title>Tomatoes in pots</title><link>/posts/tomatoes/</link><guid>tomatoes</guid>"
        "<pubDate>Mon, 02 Mar 2026 10:00:00 GMT</pubDate></item></channel></rss>"
    )
    article = (
        "<html><head><title>Tomatoes in pots</title></head><body><main><article>"
        f"<h1>Tomatoes in pots</h1><p class='byline'>By Ann Gardener</p>{ARTICLE_TEXT}</article></main></body></html>"
    )
    return {
        "/": (200, "text/html; charset=utf-8", home),
        "/feed.xml": (200, "application/rss+xml", feed),
        "/posts/tomatoes/": (200, "text/html; charset=utf-8", article),
    }


@dataclass
class LittleSite:
    """A running site: its base URL, the answers it gives (change them at will) and the paths asked."""

    base: str
    pages: dict[str, tuple[int, str, str]]
    requested: list[str] = field(default_factory=list)


@contextmanager
def serve_little_site(pages: dict[str, tuple[int, str, str]] | None = None) -> Iterator[LittleSite]:
    """Serve `pages` (default: `blog_pages()`) on a free loopback port; unknown paths get 404."""
    site = LittleSite(base="", pages=pages if pages is not None else blog_pages())

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.requested.append(self.path)
            status, content_type, body = site.pages.get(self.path, (404, "text/html", "<h1>Not found</h1>"))
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


def free_port() -> int:
    """A loopback port with nothing listening (bound, then released): free to serve on, or to be refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def sources_file_for(target: Path, entries: list[dict[str, object]]) -> str:
    """Write a sources file with `entries` (name, home, role, optional feeds) at `target`; returns its path."""
    target.write_text(yaml.safe_dump({"sources": entries}, sort_keys=False), encoding="utf-8")
    return str(target)
