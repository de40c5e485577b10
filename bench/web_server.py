"""A loopback HTTP server (and proxy) for the crawl benchmarks' generated webs, in its own process.

Crawlers use it as their HTTP proxy (``http_proxy=http://127.0.0.1:PORT``): it answers
absolute-URI requests for every host of the web, and plain requests by their Host header.

Two kinds of web:

- ``--root DIR``: files laid out as ``DIR/<host>/<path>`` (``index.html`` for a path ending in
  ``/``), as `bench.crawl_web` writes them. Content type from the first bytes, ``ETag`` and
  ``Last-Modified`` from the file's size and time (304 on a matching validator), gzip only when
  the client asks for it, 301 for a folder asked without its slash, 404 otherwise.
- ``--sitemap-web HOST --urls N --status 200|404``: one site whose ``/sitemap.xml`` lists N
  article URLs, each answering a small article page (200) or a "not found" page (404),
  generated on request.

    python -m bench.web_server --root WORKDIR/web/sites [--port 0] [--log requests.log]

The first line printed is ``listening on http://127.0.0.1:PORT``. With ``--log``, one line per
request: ``time status bytes URL``. Stops on SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import email.utils
import gzip
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any
from urllib.parse import unquote, urlsplit

LOOPBACK = "127.0.0.1"
REPO_ROOT = Path(__file__).resolve().parent.parent
GZIP_MIN_BYTES = 512
HTML = "text/html; charset=utf-8"
NOT_FOUND = b"<!DOCTYPE html><html><head><title>Not found</title></head><body><h1>Not found</h1></body></html>\n"
Answer = tuple[int, dict[str, str], bytes]


def sniff(data: bytes, path: str) -> str:
    """The content type of a generated file, from its first bytes."""
    if path.endswith("robots.txt"):
        return "text/plain; charset=utf-8"
    head = data[:300].lstrip()
    if head.startswith(b"{"):
        return "application/feed+json" if b"jsonfeed.org" in head else "application/json"
    if head.startswith(b"<?xml") or head.startswith(b"<rss") or head.startswith(b"<feed"):
        if b"<rss" in head:
            return "application/rss+xml; charset=utf-8"
        if b"<feed" in head:
            return "application/atom+xml; charset=utf-8"
        return "application/xml; charset=utf-8"
    return HTML


class FileWeb:
    """Answers from files under ``root/<host>/``."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.hosts = {p.name for p in self.root.iterdir() if p.is_dir()}

    def respond(self, host: str, path: str, headers: Any) -> Answer:
        """(status, headers, body) for a GET of http://host/path."""
        rel = unquote(path).lstrip("/")
        if host not in self.hosts or ".." in rel.split("/"):
            return 404, {"Content-Type": HTML}, NOT_FOUND
        folder = rel == "" or rel.endswith("/")
        file = self.root / host / rel / "index.html" if folder else self.root / host / rel
        try:
            info = os.stat(file)
        except OSError:
            return 404, {"Content-Type": HTML}, NOT_FOUND
        if not stat.S_ISREG(info.st_mode):
            if stat.S_ISDIR(info.st_mode):
                return 301, {"Location": f"http://{host}/{rel}/", "Content-Type": HTML}, NOT_FOUND
            return 404, {"Content-Type": HTML}, NOT_FOUND
        etag = f'"{info.st_mtime_ns:x}-{info.st_size:x}"'
        last_modified = email.utils.formatdate(info.st_mtime, usegmt=True)
        validators = {"ETag": etag, "Last-Modified": last_modified}
        if_none_match = headers.get("If-None-Match")
        if (if_none_match or "").replace('-gz"', '"') == etag or (
            if_none_match is None and headers.get("If-Modified-Since") == last_modified
        ):
            return 304, validators, b""
        body = file.read_bytes()
        return 200, {"Content-Type": sniff(body, rel), **validators}, body


class SitemapWeb:
    """One site whose sitemap lists ``urls`` article pages, all answering ``status``."""

    def __init__(self, host: str, urls: int, status: int) -> None:
        self.host, self.urls, self.status = host, urls, status
        stamp = email.utils.formatdate(1_700_000_000, usegmt=True)
        self.last_modified = stamp
        locs = "".join(f"<url><loc>http://{host}/posts/{n}.html</loc></url>\n" for n in range(1, urls + 1))
        self.sitemap = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{locs}</urlset>\n').encode()

    def respond(self, host: str, path: str, headers: Any) -> Answer:
        """(status, headers, body) for a GET of http://host/path."""
        if host != self.host:
            return 404, {"Content-Type": HTML}, NOT_FOUND
        if path == "/robots.txt":
            body = f"User-agent: *\nDisallow: /private/\n\nSitemap: http://{host}/sitemap.xml\n".encode()
            return 200, {"Content-Type": "text/plain; charset=utf-8"}, body
        if path == "/sitemap.xml":
            return 200, {"Content-Type": "application/xml; charset=utf-8", "Last-Modified": self.last_modified}, \
                self.sitemap
        if path == "/":
            body = (f"<!DOCTYPE html><html lang=\"en\"><head><title>{host}</title></head><body><header>"
                    f"<a href=\"/\">{host}</a></header><main><p>Archives are in the sitemap.</p></main>"
                    "</body></html>\n").encode()
            return 200, {"Content-Type": HTML}, body
        if path.startswith("/posts/") and path.endswith(".html"):
            number = path[len("/posts/"):-len(".html")]
            if number.isdigit() and 1 <= int(number) <= self.urls:
                if self.status != 200:
                    return self.status, {"Content-Type": HTML}, NOT_FOUND
                page = small_article(host, int(number))
                return 200, {"Content-Type": HTML, "Last-Modified": self.last_modified}, page
        return 404, {"Content-Type": HTML}, NOT_FOUND


def small_article(host: str, number: int) -> bytes:
    """A small article page: a title, a byline and two short paragraphs."""
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Field note {number}</title>'
        f'<link rel="canonical" href="http://{host}/posts/{number}.html"></head><body>'
        f'<header><a href="/">{host}</a></header><main><article><h1>Field note {number}</h1>'
        f'<p class="byline">By Dana Whitfield</p>'
        f"<p>Note {number} records what the survey team saw on day {number % 97 + 1}: water levels, "
        f"the state of the footbridge, and {number % 13 + 2} kinds of birds near the reed beds.</p>"
        f"<p>The team walked {number % 9 + 3} kilometres along the eastern bank and logged every culvert "
        f"it passed, with a photograph and a short description of any damage.</p>"
        "</article></main><footer>Survey notes, published as they come in.</footer></body></html>\n"
    ).encode()


def accepts_gzip(value: str) -> bool:
    """Whether an Accept-Encoding value admits gzip."""
    for item in value.split(","):
        coding, _, params = item.strip().partition(";")
        if coding.strip().lower() in ("gzip", "x-gzip"):
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


class Handler(BaseHTTPRequestHandler):
    """GET and HEAD for the web's hosts, as a proxy or by Host header; CONNECT is refused at once."""

    protocol_version = "HTTP/1.1"
    server_version = "bench-web/1"
    timeout = 30
    web: FileWeb | SitemapWeb
    log: IO[str] | None = None
    log_lock = threading.Lock()

    def log_message(self, format: str, *args: Any) -> None:
        """No access log on stderr (see --log)."""

    def do_CONNECT(self) -> None:
        self._send(404, {"Connection": "close"}, b"", "CONNECT " + self.path)
        self.close_connection = True

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.scheme in ("http", "https") and parts.hostname:
            host = parts.hostname
        else:
            host = urlsplit("//" + (self.headers.get("Host") or "")).hostname or ""
        host = host.lower()
        status, headers, body = self.web.respond(host, parts.path or "/", self.headers)
        if status == 200 and len(body) >= GZIP_MIN_BYTES and accepts_gzip(self.headers.get("Accept-Encoding", "")):
            body = gzip.compress(body, compresslevel=5, mtime=0)
            headers["Content-Encoding"] = "gzip"
            headers["Vary"] = "Accept-Encoding"
            if "ETag" in headers:
                headers["ETag"] = headers["ETag"][:-1] + '-gz"'
        self._send(status, headers, body, f"http://{host}{parts.path or '/'}")

    def _send(self, status: int, headers: dict[str, str], body: bytes, url: str) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)
        if self.log is not None:
            line = f"{time.time():.4f} {status} {len(body)} {url}\n"
            with self.log_lock:
                self.log.write(line)


class Server(ThreadingHTTPServer):
    """One daemon thread per connection; quiet about clients that hang up."""

    daemon_threads = True
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet: a client hanging up mid-response is not worth a traceback."""


def main(argv: list[str] | None = None) -> None:
    """Serve a web until SIGTERM or SIGINT."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, help="folder of hosts (WORKDIR/web/sites)")
    parser.add_argument("--sitemap-web", metavar="HOST", help="serve one generated sitemap site instead")
    parser.add_argument("--urls", type=int, default=1000, help="with --sitemap-web: article URLs in the sitemap")
    parser.add_argument("--status", type=int, default=200, help="with --sitemap-web: status of every article URL")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--log", type=Path, help="one line per request: time status bytes URL")
    args = parser.parse_args(argv)
    if (args.root is None) == (args.sitemap_web is None):
        parser.error("give exactly one of --root and --sitemap-web")
    Handler.web = FileWeb(args.root) if args.root else SitemapWeb(args.sitemap_web.lower(), args.urls, args.status)
    log = args.log.open("a", encoding="utf-8", buffering=1 << 16) if args.log else None
    Handler.log = log
    server = Server((LOOPBACK, args.port), Handler)

    def stop(signum: int, frame: Any) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"listening on http://{LOOPBACK}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        if log is not None:
            with Handler.log_lock:
                log.close()


@dataclass
class RunningServer:
    """A server process started by `serve`: its proxy URL, process and request log."""

    proxy: str
    process: subprocess.Popen[str]
    log_path: Path | None

    def requests(self) -> list[tuple[float, int, int, str]]:
        """(time, status, bytes, URL) of every logged request (complete once the server stopped)."""
        if self.log_path is None or not self.log_path.exists():
            return []
        out = []
        for line in self.log_path.read_text(encoding="utf-8").splitlines():
            moment, status, size, url = line.split(" ", 3)
            out.append((float(moment), int(status), int(size), url))
        return out


def start(*args: str, log_path: Path | None = None) -> RunningServer:
    """Start ``python -m bench.web_server ARGS`` (port 0) and wait until it listens."""
    command = [sys.executable, "-m", "bench.web_server", "--port", "0", *args]
    if log_path is not None:
        command += ["--log", str(log_path)]
    process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    if "listening on" not in line:
        process.kill()
        error = process.stderr.read() if process.stderr else ""
        raise RuntimeError(f"the web server did not start: {line!r} {error}")
    return RunningServer(proxy=line.split("listening on", 1)[1].strip(), process=process, log_path=log_path)


def stop(server: RunningServer) -> None:
    """Stop a server started by `start` (SIGTERM, then SIGKILL after 10 s); its log is then complete."""
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()
    for stream in (server.process.stdout, server.process.stderr):
        if stream is not None:
            stream.close()


@contextmanager
def serve(*args: str, log_path: Path | None = None) -> Iterator[RunningServer]:
    """`start` the server for the duration of the context, then `stop` it."""
    server = start(*args, log_path=log_path)
    try:
        yield server
    finally:
        stop(server)


if __name__ == "__main__":
    main()
