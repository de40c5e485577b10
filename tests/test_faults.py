"""Faults and hostile documents on a loopback web: each ends with a recorded reason, its neighbours proceed.

Real HTTP on loopback (tests/fault_web.py), the real CLI in a subprocess, real SQLite and
PostgreSQL.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from storage.engine import session_scope
from storage.feeds import Feed
from storage.pages import FAILED, Page
from tests.fault_web import Answer, FaultWeb, html_page, serve_fault_web
from tests.little_site import ARTICLE_TEXT, sources_file_for
from tests.syndication_web import cli_env, run_cli

pytestmark = pytest.mark.integration

PARAGRAPHS = [p.removeprefix("<p>") for p in ARTICLE_TEXT.split("</p>") if p]


def fault_env(database_url: str, **extra: str) -> dict[str, str]:
    """The CLI's environment for a loopback web reached directly (no proxy)."""
    env = cli_env(database_url)
    env["AGGREGATOR_ALLOW_PRIVATE_NETWORKS"] = "all"  # loopback partners, on purpose
    env["AGGREGATOR_MIN_POLL_MINUTES"] = "15"
    env.update(extra)
    return env


def article(title: str) -> bytes:
    return html_page(title, PARAGRAPHS).encode("utf-8")


def rss(web: FaultWeb, items: list[tuple[str, str]]) -> bytes:
    """An RSS 2.0 feed of (title, link path or absolute link) items."""
    entries = "".join(
        f"<item><title>{title}</title><link>{link if '://' in link else web.url(link)}</link>"
        f"<guid>{title}</guid><pubDate>Mon, 02 Mar 2026 10:00:00 GMT</pubDate></item>"
        for title, link in items
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed</title>'
            f"<link>{web.base}/</link>{entries}</channel></rss>").encode()


def source(name: str, web: FaultWeb, *, feed: str | None = None) -> dict[str, object]:
    entry: dict[str, object] = {"name": name, "home": web.url("/"), "role": "partner", "language": "en"}
    if feed:
        entry["feeds"] = [web.url(feed)]
    return entry


def setup_db(tmp_path: Path, env: dict[str, str], sources: list[dict[str, object]]) -> None:
    run_cli("db", "upgrade", env=env)
    run_cli("sources", "import", sources_file_for(tmp_path / "sources.yaml", sources), env=env)


def pages_of(database_url: str) -> dict[str, Page]:
    with session_scope(database_url) as session:
        return {page.url: page for page in session.scalars(select(Page))}


def feeds_of(database_url: str) -> dict[str, Feed]:
    with session_scope(database_url) as session:
        return {feed.url: feed for feed in session.scalars(select(Feed))}


def stored(page: Page | None) -> bool:
    return page is not None and page.body is not None and page.state != FAILED


# -- robots.txt (RFC 9309) -----------------------------------------------------------------------


def test_robots_txt_server_error_holds_the_host_back_and_4xx_allows_all(tmp_path: Path, sqlite_url: str) -> None:
    held_answers = {
        "/robots.txt": Answer(status=503, body=b"<h1>Service unavailable</h1>"),
        "/": Answer(body=html_page("Held", [], links=("/posts/held/",)).encode()),
        "/feed.xml": Answer(body=b"", content_type="application/rss+xml"),
        "/posts/held/": Answer(body=article("Held back")),
    }
    # The 404 page reads like a robots.txt that disallows everything: it must not be taken as one.
    open_answers = {
        "/robots.txt": Answer(status=404, content_type="text/plain", body=b"User-agent: *\nDisallow: /\n"),
        "/": Answer(body=html_page("Open", [], links=("/posts/open/",)).encode()),
        "/posts/open/": Answer(body=article("Open for all")),
    }
    with serve_fault_web(held_answers, host="127.0.0.2") as held, \
            serve_fault_web(open_answers, host="127.0.0.3") as open_web:
        held.answers["/feed.xml"].body = rss(held, [("Held back", "/posts/held/")])
        env = fault_env(sqlite_url)
        setup_db(tmp_path, env, [source("Held", held, feed="/feed.xml"), source("Open", open_web)])
        run_cli("crawl", env=env)

        # 5xx: nothing of the host was fetched, and every skipped request says why.
        assert held.requests["/robots.txt"] >= 1
        assert held.requests["/posts/held/"] == 0 and held.requests["/"] == 0 and held.requests["/feed.xml"] == 0
        feed = feeds_of(sqlite_url)[held.url("/feed.xml")]
        assert "robots.txt answered HTTP 503" in (feed.last_error or ""), feed.last_error
        home = pages_of(sqlite_url)[held.url("/")]
        assert home.state == FAILED and "robots.txt answered HTTP 503" in (home.error or "")
        # 4xx: everything allowed.
        assert stored(pages_of(sqlite_url).get(open_web.url("/posts/open/")))

        # The next crawl asks robots.txt again; readable now, the host is crawled.
        held.answers["/robots.txt"] = Answer(status=200, content_type="text/plain", body=b"User-agent: *\nAllow: /\n")
        run_cli("crawl", env=env)
        assert held.requests["/posts/held/"] == 1
        assert stored(pages_of(sqlite_url).get(held.url("/posts/held/")))
        assert feeds_of(sqlite_url)[held.url("/feed.xml")].last_error is None


def test_robots_txt_unreachable_holds_the_host_back(tmp_path: Path, sqlite_url: str) -> None:
    answers = {
        "/robots.txt": Answer(reset=True),
        "/": Answer(body=html_page("Reset", [], links=("/posts/one/",)).encode()),
        "/posts/one/": Answer(body=article("One")),
    }
    with serve_fault_web(answers, host="127.0.0.4") as web:
        env = fault_env(sqlite_url)
        setup_db(tmp_path, env, [source("Reset", web)])
        run_cli("crawl", env=env)
        assert web.requests["/"] == 0 and web.requests["/posts/one/"] == 0
        home = pages_of(sqlite_url)[web.url("/")]
        assert "robots.txt could not be fetched (connection reset by peer)" in (home.error or ""), home.error
