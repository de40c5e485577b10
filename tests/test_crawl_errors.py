"""A crawl that meets a dead host, a 404, a 500 and a broken feed records each and finishes."""

from __future__ import annotations

import json
import re
import socket
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.engine import session_scope
from storage.feeds import Feed
from storage.pages import FAILED, Page
from tests.syndication_web import cli_env, run_cli, serve_web, sources_yaml, truth

pytestmark = pytest.mark.integration

NOT_FOUND = "http://datanotes.example/posts/fact-check-is-an/"
SERVER_ERROR = "http://greenfield.example/articles/595.html"
BROKEN_FEED = "http://techjournal.example/rss/"


def closed_port() -> int:
    """A loopback port with nothing listening (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_errors_are_recorded_and_the_crawl_finishes(tmp_path: Path) -> None:
    sites = [s for s in truth()["sites"] if s["host"] in ("techjournal.example", "datanotes.example",
                                                          "greenfield.example")]
    dead = f"http://127.0.0.1:{closed_port()}"
    sites.append({"name": "Dead host", "home": f"{dead}/", "role": "partner", "language": "en",
                  "feed": f"{dead}/feed.xml"})
    sources_file = tmp_path / "sources.yaml"
    sources_file.write_text(sources_yaml(sites), encoding="utf-8")
    faults = {
        NOT_FOUND: [{"status": 404}],
        SERVER_ERROR: [{"status": 500}],
        BROKEN_FEED: [{"status": 200, "content_type": "application/rss+xml",
                       "body": "<html><body>Maintenance: back soon</body></html>"}],
    }
    faults_file = tmp_path / "faults.json"
    faults_file.write_text(json.dumps(faults), encoding="utf-8")
    database_url = f"sqlite:///{tmp_path / 'errors.db'}"
    with serve_web(tmp_path / "requests.jsonl", "--faults", str(faults_file)) as web:
        env = cli_env(database_url, web.proxy)
        env["no_proxy"] = "127.0.0.1"  # the dead host is reached directly, and refuses
        run_cli("db", "upgrade", env=env)
        run_cli("sources", "import", str(sources_file), env=env)
        crawl = run_cli("crawl", env=env)  # exit status 0 despite the errors
        export = run_cli("export", env=env)

    errors = int(re.search(r"errors: (\d+)", crawl.stdout).group(1))  # type: ignore[union-attr]
    assert errors >= 4, crawl.stdout

    with session_scope(database_url) as session:
        feeds = {f.url: f for f in session.scalars(select(Feed))}
        pages = {p.url: p for p in session.scalars(select(Page))}
    broken = feeds[BROKEN_FEED]
    assert broken.consecutive_errors == 1 and broken.last_error and "feed" in broken.last_error.lower()
    dead_feed = feeds[f"{dead}/feed.xml"]
    assert dead_feed.consecutive_errors == 1 and "refused" in (dead_feed.last_error or "")
    # A failed feed is retried later (back-off from the 15-minute minimum), never dropped.
    assert dead_feed.next_poll_at is not None
    assert dead_feed.next_poll_at - dead_feed.last_polled_at >= timedelta(minutes=13)
    assert pages[NOT_FOUND].state == FAILED and pages[NOT_FOUND].status == 404
    assert pages[SERVER_ERROR].state == FAILED and pages[SERVER_ERROR].status == 500
    assert "HTTP 500" in (pages[SERVER_ERROR].error or "")

    exported = {json.loads(line)["url"] for line in export.stdout.splitlines()}
    assert NOT_FOUND not in exported and SERVER_ERROR not in exported
    # Everything else of those sites was still crawled.
    assert len(exported) >= 10


def test_bodies_over_the_size_limit_are_recorded_errors(tmp_path: Path) -> None:
    sites = [s for s in truth()["sites"] if s["host"] == "datanotes.example"]
    sources_file = tmp_path / "sources.yaml"
    sources_file.write_text(sources_yaml(sites), encoding="utf-8")
    feed_url = sites[0]["feed"]
    huge_feed = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "x", "items": [],
                            "padding": "x" * 300_000})
    faults = {
        NOT_FOUND: [{"gzip_bomb": 20_000_000}],  # 20 MB of zeros, gzip-compressed to a few KB
        feed_url: [{"status": 200, "content_type": "application/feed+json", "body": huge_feed}],
    }
    faults_file = tmp_path / "faults.json"
    faults_file.write_text(json.dumps(faults), encoding="utf-8")
    database_url = f"sqlite:///{tmp_path / 'limits.db'}"
    with serve_web(tmp_path / "requests.jsonl", "--faults", str(faults_file)) as web:
        env = cli_env(database_url, web.proxy)
        env["AGGREGATOR_MAX_BODY_SIZE"] = "200000"
        run_cli("db", "upgrade", env=env)
        run_cli("sources", "import", str(sources_file), env=env)
        run_cli("crawl", env=env)
    with session_scope(database_url) as session:
        feed = session.scalars(select(Feed).where(Feed.url == feed_url)).one()
        page = session.scalars(select(Page).where(Page.url == NOT_FOUND)).one()
    assert "size limit" in (feed.last_error or "")
    assert page.state == FAILED and "size limit" in (page.error or "")
