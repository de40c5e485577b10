"""Faults and hostile documents on a loopback web: each ends with a recorded reason, its neighbours proceed.

Real HTTP on loopback (tests/fault_web.py), the real CLI in a subprocess, real SQLite and
PostgreSQL.
"""

from __future__ import annotations

import json
import os
import resource
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


# -- the fault plan ------------------------------------------------------------------------------

ACCENTED = "Une tartine de crème brûlée, déjà goûtée à l’été : « voilà » dit le garçon, très ému."
MOJIBAKE = ("Ã", "Â", "â€", "\ufffd", "\x00")


def _accented_article(title: str) -> str:
    return html_page(title, [*PARAGRAPHS, ACCENTED])


def _fault_answers() -> dict[str, Answer]:
    nine_kb = html_page("Truncated", [*PARAGRAPHS]).encode()
    nine_kb = nine_kb + b" " * (9000 - len(nine_kb))
    return {
        "/robots.txt": Answer(status=200, content_type="text/plain", body=b"User-agent: *\nAllow: /\n"),
        **{f"/posts/good-{n}/": Answer(body=article(f"Healthy page {n}")) for n in range(1, 6)},
        # UTF-8 bytes declared Latin-1; windows-1252 bytes declared UTF-8 in header and meta.
        "/posts/latin1-utf8/": Answer(body=_accented_article("Crème brûlée, déclarée Latin-1").encode("utf-8"),
                                      content_type="text/html; charset=iso-8859-1"),
        "/posts/cp1252/": Answer(
            body=html_page("Crème brûlée, en windows-1252", [*PARAGRAPHS, ACCENTED], meta_charset="utf-8")
            .encode("cp1252"), content_type="text/html; charset=utf-8"),
        "/posts/caf%C3%A9/": Answer(body=_accented_article("Un café, une adresse accentuée").encode("utf-8")),
        "/posts/nul/": Answer(body=html_page("Null\x00 title\x07 here", [*PARAGRAPHS[:2], "Text\x00 with NUL"])
                              .encode("utf-8")),
        # Faults.
        "/posts/server-error/": Answer(status=500, body=b"<h1>oops</h1>"),
        "/posts/reset/": Answer(reset=True),
        "/posts/truncated/": Answer(body=nine_kb, truncate=1500),
        "/posts/slow/": Answer(body=article("Too slow"), delay=6),
        "/posts/loop-a/": Answer(redirect="/posts/loop-b/"),
        "/posts/loop-b/": Answer(redirect="/posts/loop-a/"),
        "/posts/self/": Answer(redirect="/posts/self/"),
        **{f"/posts/chain-{n}/": Answer(redirect=f"/posts/chain-{n + 1}/") for n in range(8)},
        "/posts/bomb/": Answer(gzip_bomb=64 << 20),
        "/posts/huge/": Answer(large=20 << 20),
    }


FAULTS = {
    "/posts/server-error/": "HTTP 500",
    "/posts/reset/": "connection reset by peer",
    "/posts/truncated/": "body truncated after 1,500 of 9,000 bytes",
    "/posts/slow/": "no answer within 3 s",
    "/posts/loop-a/": "redirect loop: {base}/posts/loop-a/ → {base}/posts/loop-b/ → {base}/posts/loop-a/",
    "/posts/self/": "redirect loop: {base}/posts/self/ → {base}/posts/self/",
    "/posts/chain-0/": "too many redirects (5): {base}/posts/chain-0/ → {base}/posts/chain-1/",
    "/posts/bomb/": "size limit",
    "/posts/huge/": "size limit",
}
HEALTHY = [*(f"/posts/good-{n}/" for n in range(1, 6)), "/posts/latin1-utf8/", "/posts/cp1252/",
           "/posts/caf%C3%A9/", "/posts/nul/"]


def _home(web: FaultWeb) -> bytes:
    links = [p for p in HEALTHY if p.startswith("/posts/good") and p != "/posts/good-4/"
             and p != "/posts/good-5/"]
    links += ["/posts/latin1-utf8/", "/posts/cp1252/", "/posts/café/", "/posts/nul/", "http://[oops/",
              *FAULTS]
    # The home page itself: UTF-8 bytes declared Latin-1 (its accented link must not turn to mojibake).
    return html_page("Fault plan, à la carte", [], links=tuple(links)).encode("utf-8")


def _feed(web: FaultWeb) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Faults</title>'
        f"<link>{web.base}/</link>"
        f"<item><title>Healthy page 4</title><link>{web.url('/posts/good-4/')}</link><guid>g4</guid></item>"
        "<item><title>IPv6 literal</title><link>http://[::1]:9/posts/v6/</link><guid>v6</guid></item>"
        "<item><title>Malformed</title><link>http://[oops/</link><guid>bad</guid></item>"
        "<item><title>Bad date</title><link>/posts/good-5/</link><guid>g5</guid>"
        "<pubDate>Tuesday, the 45th of Smarch</pubDate></item>"
        f"<item><title>Entry with a NUL &#0; and a bell \x07</title><link>{web.url('/posts/nul/')}</link>"
        "<guid>nul</guid></item>"
        "</channel></rss>"
    ).encode()


def test_fault_plan(tmp_path: Path, database_url: str) -> None:
    answers = _fault_answers()
    held_answers = {"/robots.txt": Answer(status=500),
                    "/": Answer(body=html_page("Held", [], links=("/posts/x/",)).encode()),
                    "/posts/x/": Answer(body=article("Never fetched"))}
    with serve_fault_web(answers) as web, serve_fault_web(held_answers, host="127.0.0.2") as held:
        answers["/"] = Answer(body=_home(web), content_type="text/html; charset=iso-8859-1")
        answers["/feed.xml"] = Answer(body=_feed(web), content_type="application/rss+xml")
        env = fault_env(database_url, AGGREGATOR_DOWNLOAD_TIMEOUT="3")
        setup_db(tmp_path, env, [source("Faults", web, feed="/feed.xml"), source("Held", held)])
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        crawl = run_cli("crawl", env=env)  # exit 0
        peak_mb = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
        explained = run_cli("explain", "--no-fetch", web.url("/posts/loop-a/"), env=env).stdout
        feeds = run_cli("feeds", "list", env=env).stdout

    pages = pages_of(database_url)
    # Every healthy page stored, beside the faults.
    missing = [path for path in HEALTHY if not stored(pages.get(web.url(path)))]
    assert not missing, (missing, crawl.stdout)
    # Every fault recorded on its page, with a reason a person can act on.
    for path, reason in FAULTS.items():
        page = pages.get(web.url(path))
        assert page is not None and page.state == FAILED, (path, page and page.state)
        assert reason.format(base=web.base) in (page.error or ""), (path, page.error)
    assert "redirect loop" in explained, explained
    assert "Spider error processing" not in crawl.stderr, crawl.stderr[-3000:]
    errors = int(crawl.stdout.split("errors: ", 1)[1].split()[0])
    assert errors >= len(FAULTS) + 1, crawl.stdout  # + the held host
    # robots.txt 5xx: the host held back, the reason recorded.
    assert held.requests["/posts/x/"] == 0 and held.requests["/"] == 0
    assert "robots.txt answered HTTP 500" in (pages[held.url("/")].error or "")
    # The feed was read despite its bad entries; its good neighbours fetched.
    feed = feeds_of(database_url)[web.url("/feed.xml")]
    assert feed.last_status == 200 and feed.consecutive_errors == 0, (feed.last_status, feed.last_error)
    assert f"{web.url('/feed.xml')}" in feeds and "status 200" in feeds
    # No mojibake and no control characters anywhere stored: text, titles, URLs, feed entries.
    exported = [json.loads(line) for line in run_cli("export", env=env).stdout.splitlines()]
    by_url = {item["url"]: item for item in exported}
    for path in ("/posts/latin1-utf8/", "/posts/cp1252/", "/posts/café/"):
        item = by_url[web.url(path)]
        assert "brûlée" in item["text"] or "accentuée" in item["title"], item
        assert "déjà goûtée à l’été" in item["text"], item["text"]
    assert by_url[web.url("/posts/cp1252/")]["title"] == "Crème brûlée, en windows-1252"
    assert by_url[web.url("/posts/latin1-utf8/")]["title"] == "Crème brûlée, déclarée Latin-1"
    for item in exported:
        for value in (item["url"], item["title"] or "", item["text"]):
            assert not any(bad in value for bad in MOJIBAKE), (item["url"], value[:200])
    assert not any("%C3%83" in url or "\x00" in url for url in pages)
    with session_scope(database_url) as session:
        titles = list(session.scalars(select(FeedEntry.title)))
    assert "Entry with a NUL  and a bell" in titles, titles
    assert not any(bad in (t or "") for t in titles for bad in MOJIBAKE)
    # Memory stays bounded through a 64 MB gzip bomb and a 20 MB page.
    assert peak_mb < 700, peak_mb
