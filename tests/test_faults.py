"""Faults and hostile documents on a loopback web: each ends with a recorded reason, its neighbours proceed.

Real HTTP on loopback (tests/fault_web.py), the real CLI in a subprocess, real SQLite and
PostgreSQL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage.engine import session_scope
from storage.feeds import Feed, FeedEntry
from storage.pages import FAILED, Page
from tests.conftest import REPO_ROOT
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


# -- entries keep their own state -------------------------------------------------------------


def _crawl_process(env: dict[str, str]) -> subprocess.Popen[str]:
    # Its own session: the kill reaches the crawl and its extraction workers at once.
    return subprocess.Popen([sys.executable, "-m", "aggregator.cli", "crawl"], cwd=REPO_ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
                            start_new_session=True)


def _feed_poll_stored(database_url: str, feed_url: str, entries: int) -> bool:
    with session_scope(database_url) as session:
        feed = session.scalars(select(Feed).where(Feed.url == feed_url)).first()
        if feed is None or feed.last_polled_at is None:
            return False
        count = session.scalar(select(func.count()).select_from(FeedEntry).where(FeedEntry.feed_id == feed.id))
        return count == entries


@pytest.mark.parametrize("mode", [["--due"], ["--feeds-only"], []], ids=["due", "feeds-only", "plain"])
def test_entries_of_a_crawl_killed_after_its_feed_poll_are_fetched_by_the_next_crawl(
        tmp_path: Path, sqlite_url: str, mode: list[str]) -> None:
    hold = threading.Event()
    titles = [f"Entry number {n}" for n in range(1, 8)]
    answers = {"/": Answer(body=html_page("Home", []).encode()), "/robots.txt": Answer(status=404)}
    for n, title in enumerate(titles, 1):
        answers[f"/posts/{n}/"] = Answer(body=article(title), hold=hold)
    with serve_fault_web(answers) as web:
        feed_url = web.url("/feed.xml")
        answers["/feed.xml"] = Answer(body=rss(web, [(t, f"/posts/{n}/") for n, t in enumerate(titles, 1)]),
                                      content_type="application/rss+xml", etag='"v1"')
        env = fault_env(sqlite_url)
        setup_db(tmp_path, env, [source("Killed", web, feed="/feed.xml")])

        crawl = _crawl_process(env)
        try:
            deadline = time.monotonic() + 120
            while not _feed_poll_stored(sqlite_url, feed_url, len(titles)):
                assert crawl.poll() is None, "the crawl ended before its feed poll was stored"
                assert time.monotonic() < deadline, "the feed poll was never stored"
                time.sleep(0.2)
        finally:
            os.killpg(crawl.pid, signal.SIGKILL)
            crawl.wait(timeout=30)
        assert not any(stored(p) for p in pages_of(sqlite_url).values() if "/posts/" in p.url)

        for answer in answers.values():
            answer.hold = None
        feed_polls = web.requests["/feed.xml"]
        run_cli("crawl", *mode, env=env)
        if mode != ["--due"]:
            # The feed was asked again and had not changed: the entries come from their own state.
            assert web.requests["/feed.xml"] == feed_polls + 1
        pages = pages_of(sqlite_url)
        missing = [n for n in range(1, 8) if not stored(pages.get(web.url(f"/posts/{n}/")))]
        assert not missing, f"entries never fetched after the kill: {missing}"
        # Stored, they are due no more: another crawl asks none of them.
        before = sum(web.requests[f"/posts/{n}/"] for n in range(1, 8))
        run_cli("crawl", *mode, env=env)
        assert sum(web.requests[f"/posts/{n}/"] for n in range(1, 8)) == before
