"""Re-polling unchanged feeds: after a first crawl, a second one must send only conditional
requests and get only 304s. Measures the time per feed of that second, nearly free, poll.

Serves N generated RSS feeds (spread over several hosts, ETag + Last-Modified, 304 on a
matching validator) from a separate process on loopback, crawls them twice with
`aggregator crawl --feeds-only`, and counts what the second crawl asked.

    python -m bench.repoll [--feeds 10000] [--hosts 100] [--database-url URL]
"""

from __future__ import annotations

import argparse
import email.utils
import hashlib
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

LAST_MODIFIED = email.utils.formatdate(1609459200, usegmt=True)


def feed_body(host: str, index: int, items: int = 10) -> bytes:
    """A small RSS 2.0 feed; its entries link outside the crawled sources (no page fetches)."""
    entries = "".join(
        f"<item><title>Post {index}-{n}</title><link>http://elsewhere.bench.example/{index}/{n}</link>"
        f"<guid>urn:bench:{index}:{n}</guid><pubDate>{email.utils.formatdate(1600000000 + 3600 * n, usegmt=True)}"
        f"</pubDate><description>Entry {n} of feed {index} on {host}.</description></item>"
        for n in range(items)
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed {index}</title>'
            f"<link>http://{host}/</link><description>bench</description>{entries}</channel></rss>").encode()


def serve(port_queue: Any, log_path: str) -> None:
    """Serve the generated feeds until killed; log one JSON line per request."""
    log = open(log_path, "a", buffering=1)  # noqa: SIM115 - lives as long as the process

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            target = urlsplit(self.path if self.path.startswith("http") else f"http://x{self.path}")
            host = target.hostname if self.path.startswith("http") else (self.headers.get("Host") or "")
            conditional = bool(self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since"))
            if target.path == "/robots.txt":
                status, body, etag = 200, b"User-agent: *\nAllow: /\n", None
            elif target.path.startswith("/feed/"):
                body = feed_body(str(host), int(target.path.split("/")[2].split(".")[0]))
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                status = 304 if self.headers.get("If-None-Match") == etag else 200
            else:
                status, body, etag = 404, b"not found", None
            self.send_response(status)
            self.send_header("Content-Type", "application/rss+xml" if etag else "text/plain")
            if etag:
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", LAST_MODIFIED)
            payload = b"" if status == 304 else body
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            log.write(json.dumps({"path": target.path, "status": status, "conditional": conditional}) + "\n")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port_queue.put(server.server_address[1])
    server.serve_forever()


def cli(*args: str, env: dict[str, str]) -> float:
    """Run the aggregator CLI; return its wall time in seconds."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "aggregator.cli", *args], env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=10_000)
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        log_path = tmp / "requests.jsonl"
        queue: Any = multiprocessing.get_context("spawn").Queue()
        server = multiprocessing.get_context("spawn").Process(target=serve, args=(queue, str(log_path)), daemon=True)
        server.start()
        port = queue.get(timeout=30)
        try:
            hosts = [f"h{n}.bench.example" for n in range(args.hosts)]
            lines = ["sources:"]
            for n, host in enumerate(hosts):
                feeds = [f"http://{host}/feed/{i}.xml" for i in range(n, args.feeds, args.hosts)]
                lines += [f"  - name: Bench {n}", f"    home: http://{host}/", "    role: partner",
                          f"    feeds: [{', '.join(feeds)}]"]
            (tmp / "sources.yaml").write_text("\n".join(lines) + "\n")
            env = {**os.environ, "AGGREGATOR_DATABASE_URL": args.database_url or f"sqlite:///{tmp / 'bench.db'}",
                   "http_proxy": f"http://127.0.0.1:{port}", "AGGREGATOR_CONCURRENCY_PER_HOST": "8",
                   "AGGREGATOR_ALLOW_PRIVATE_NETWORKS": "127.0.0.0/8,::1/128"}
            env.pop("no_proxy", None)
            cli("db", "upgrade", env=env)
            cli("sources", "import", str(tmp / "sources.yaml"), env=env)
            first = cli("crawl", "--feeds-only", env=env)
            log_path.write_text("")
            second = cli("crawl", "--feeds-only", env=env)
            requests = [json.loads(line) for line in log_path.read_text().splitlines()]
        finally:
            server.kill()
    feed_requests = [r for r in requests if r["path"].startswith("/feed/")]
    result = {
        "feeds": args.feeds, "hosts": args.hosts,
        "first_crawl_s": round(first, 1), "second_crawl_s": round(second, 1),
        "ms_per_feed_second_crawl": round(1000 * second / args.feeds, 2),
        "feed_requests": len(feed_requests),
        "conditional": sum(r["conditional"] for r in feed_requests),
        "answered_304": sum(r["status"] == 304 for r in feed_requests),
        "robots_requests": sum(r["path"] == "/robots.txt" for r in requests),
        "other_requests": sum(not r["path"].startswith("/feed/") and r["path"] != "/robots.txt" for r in requests),
    }
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
