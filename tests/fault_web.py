"""A loopback web that misbehaves on purpose: scripted answers per path, raw bytes, and faults.

Each path answers as its `Answer` says: any status, headers and body bytes (any charset, NUL
bytes), or a fault: a delay, a reset before answering, a body cut short of its Content-Length,
a redirect, a gzip bomb, a large body sent in chunks, or a hang until the test releases it.
Paths not listed answer 404. Served by a thread of the test process on a 127.x.y.z address.
"""

from __future__ import annotations

import gzip
import io
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Answer:
    """What one path answers (a fault when one of the fault fields is set)."""

    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None  # answered 304 to a request that sends it back
    delay: float = 0.0  # seconds before answering
    reset: bool = False  # close the connection (with RST) before answering
    truncate: int | None = None  # send only this many bytes of the body, then close
    redirect: str | None = None  # a 302 to this location
    gzip_bomb: int = 0  # this many zero bytes, gzip-compressed
    large: int = 0  # a body of this many bytes, sent in chunks
    hold: threading.Event | None = None  # answer only once the test sets it


@dataclass
class FaultWeb:
    """A running fault web: its base URL, its answers (change them at will), what was asked."""

    base: str
    answers: dict[str, Answer]
    requests: Counter[str] = field(default_factory=Counter)
    stopping: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        """The absolute URL of `path` on this web."""
        return self.base + path


def html_page(title: str, paragraphs: list[str], *, charset: str = "utf-8", meta_charset: str | None = None,
              links: tuple[str, ...] = ()) -> str:
    """A small article page (as text: encode it as the test wants)."""
    meta = f'<meta charset="{meta_charset}">' if meta_charset else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    anchors = "".join(f'<article><h2><a href="{href}">{href}</a></h2></article>' for href in links)
    return (f"<html><head>{meta}<title>{title}</title></head><body><main><article><h1>{title}</h1>"
            f"{body}</article>{anchors}</main></body></html>")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    web: FaultWeb

    def log_message(self, *_args: object) -> None:
        pass

    def do_GET(self) -> None:
        path = self.path.split("#", 1)[0]
        self.web.requests[path] += 1
        answer = self.web.answers.get(path)
        if answer is None:
            self._send(404, "text/html", b"<html><body><h1>Not found</h1></body></html>")
            return
        if answer.hold is not None:
            while not answer.hold.wait(0.1):
                if self.web.stopping.is_set():
                    return
        if answer.delay:
            time.sleep(answer.delay)
        if answer.reset:
            # SO_LINGER 0: the close sends a RST, as a crashing server or a middlebox does.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        if answer.redirect is not None:
            self._send(302, "text/html", b"", {"Location": answer.redirect})
            return
        if answer.etag and self.headers.get("If-None-Match") == answer.etag:
            self._send(304, answer.content_type, b"", {"ETag": answer.etag})
            return
        if answer.gzip_bomb:
            raw = io.BytesIO()
            with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as bomb:
                chunk = b"\0" * (1 << 20)
                for _ in range(answer.gzip_bomb >> 20):
                    bomb.write(chunk)
            self._send(200, "text/html; charset=utf-8", raw.getvalue(), {"Content-Encoding": "gzip"})
            return
        if answer.large:
            self._send_large(answer)
            return
        headers = dict(answer.headers)
        if answer.etag:
            headers["ETag"] = answer.etag
        self._send(answer.status, answer.content_type, answer.body, headers, truncate=answer.truncate)

    def _send(self, status: int, content_type: str, body: bytes, headers: dict[str, str] | None = None,
              *, truncate: int | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if truncate is not None:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body if truncate is None else body[:truncate])
            self.wfile.flush()
        except OSError:  # the client gave up (a size limit, a timeout): nothing to do
            self.close_connection = True
            return
        if truncate is not None:
            self.close_connection = True

    def _send_large(self, answer: Answer) -> None:
        try:
            self.send_response(200)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(answer.large))
            self.end_headers()
            chunk = b"<p>" + b"x" * 65_529 + b"</p>"
            sent = 0
            while sent < answer.large:
                piece = chunk[: answer.large - sent]
                self.wfile.write(piece)
                sent += len(piece)
        except OSError:
            self.close_connection = True


@contextmanager
def serve_fault_web(answers: dict[str, Answer], *, host: str = "127.0.0.1") -> Iterator[FaultWeb]:
    """Serve `answers` on a free port of `host` (any 127.x.y.z address) until the block ends."""
    web = FaultWeb(base="", answers=answers)
    handler = type("Handler", (_Handler,), {"web": web})
    server = ThreadingHTTPServer((host, 0), handler)
    server.daemon_threads = True
    web.base = f"http://{host}:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield web
    finally:
        web.stopping.set()
        for answer in answers.values():
            if answer.hold is not None:
                answer.hold.set()
        server.shutdown()
        server.server_close()
