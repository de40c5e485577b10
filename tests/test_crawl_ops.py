"""Crawl results an operator can alert on, on both engines: failing hosts and feeds named in the
summary, --strict, guessed addresses that answer 404, failures cleared by a later success, one
crawl at a time per database; and the crawl's logging and progress options."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from aggregator.api import create_app
from aggregator.crawl.run import lock_holder, scrapy_settings
from storage.engine import session_scope
from storage.feeds import Feed
from storage.locks import crawl_lock
from storage.pages import FAILED, Page
from storage.runs import last_runs
from tests.conftest import REPO_ROOT
from tests.little_site import free_port, serve_little_site, sources_file_for
from tests.syndication_web import cli_env, run_cli

pytestmark = pytest.mark.integration


def _prepare(tmp_path: Path, database_url: str, entries: list[dict[str, object]]) -> dict[str, str]:
    env = cli_env(database_url)
    run_cli("db", "upgrade", env=env)
    run_cli("sources", "import", sources_file_for(tmp_path / "sources.yaml", entries), env=env)
    return env


def test_summary_names_a_dead_partner_and_strict_exits_3(tmp_path: Path, database_url: str) -> None:
    dead = f"localhost:{free_port()}"  # another host than the live site's 127.0.0.1
    with serve_little_site() as site:
        env = _prepare(tmp_path, database_url, [
            {"name": "Little", "home": f"{site.base}/", "role": "partner"},
            {"name": "Dead", "home": f"http://{dead}/", "role": "partner", "feeds": [f"http://{dead}/feed.xml"]},
        ])
        crawl = run_cli("crawl", env=env)  # without --strict, failures do not change the exit status
        assert re.search(rf"failing hosts: {re.escape(dead)} \(\d+\)", crawl.stdout), crawl.stdout
        assert site.base.removeprefix("http://") not in crawl.stdout.split("failing hosts:")[1]
        assert "Traceback" not in crawl.stderr
        assert len(crawl.stderr.splitlines()) <= 2, crawl.stderr  # no raw Scrapy lines about the dead host
        assert "FAILING" not in crawl.stdout
        # The dead feed's fifth failure in a row turns it FAILING.
        with session_scope(database_url) as session:
            session.execute(update(Feed).where(Feed.url == f"http://{dead}/feed.xml").values(consecutive_errors=4))
        strict = run_cli("crawl", "--strict", env=env, check=False)
        assert strict.returncode == 3, strict.stdout + strict.stderr
        assert f"feeds now FAILING (1; see `aggregator feeds list --failing`): http://{dead}/feed.xml" in strict.stdout
        again = run_cli("crawl", "--strict", env=env, check=False)
        assert again.returncode == 3 and "feeds now FAILING" not in again.stdout  # it was FAILING already
    # The dashboard shows the dead source's health, and the live one as ok.
    index = TestClient(create_app(database_url)).get("/").text
    dead_row = index[index.index('href="/sites/localhost"'):].split("</tr>")[0]
    live_row = index[index.index('href="/sites/127.0.0.1"'):].split("</tr>")[0]
    assert "1 feed FAILING" in dead_row and "1 listing page failed" in dead_row, dead_row
    assert ">ok<" in live_row and "never" not in live_row.split("</td>")[3], live_row  # its last success
    with serve_little_site() as site:
        healthy = _prepare(tmp_path, f"sqlite:///{tmp_path / 'healthy.db'}",
                           [{"name": "Little", "home": f"{site.base}/", "role": "partner"}])
        ok = run_cli("crawl", "--strict", env=healthy, check=False)
        assert ok.returncode == 0 and "failing hosts" not in ok.stdout, ok.stdout


def test_guessed_addresses_that_answer_404_are_not_errors(tmp_path: Path, database_url: str) -> None:
    with serve_little_site() as site:
        env = _prepare(tmp_path, database_url, [{"name": "Little", "home": f"{site.base}/", "role": "partner"}])
        crawl = run_cli("crawl", env=env)
    # The sitemap was guessed on the site's own port, the next listing page was tried; both 404.
    assert "/sitemap.xml" in site.requested and "/page/2/" in site.requested
    assert "errors: 0" in crawl.stdout, crawl.stdout
    with session_scope(database_url) as session:
        stats = last_runs(session, limit=1)[0].stats
        failed = list(session.scalars(select(Page.url).where(Page.state == FAILED)))
    assert stats["probes_missing"] == 2 and stats["errors"] == 0
    assert failed == []


def test_a_later_success_clears_a_recorded_failure(tmp_path: Path, database_url: str) -> None:
    with serve_little_site() as site:
        healthy_home = site.pages["/"]
        site.pages["/"] = (500, "text/html", "<h1>Server error</h1>")
        env = _prepare(tmp_path, database_url, [{"name": "Little", "home": f"{site.base}/", "role": "partner"}])
        first = run_cli("crawl", env=env)
        assert "errors: 1 (listing: 1)" in first.stdout, first.stdout
        with session_scope(database_url) as session:
            page = session.scalars(select(Page).where(Page.url == f"{site.base}/")).one()
            assert page.state == FAILED and "HTTP 500" in (page.error or "")
        site.pages["/"] = healthy_home
        run_cli("crawl", env=env)
    with session_scope(database_url) as session:
        assert list(session.scalars(select(Page.url).where(Page.state == FAILED))) == []


def test_one_crawl_at_a_time_per_database(tmp_path: Path, database_url: str) -> None:
    with serve_little_site() as site:
        env = _prepare(tmp_path, database_url, [{"name": "Little", "home": f"{site.base}/", "role": "partner"}])
        holder = lock_holder()
        with crawl_lock(database_url, holder=holder):
            refused = run_cli("crawl", env=env, check=False)
            assert refused.returncode == 4, refused.stdout + refused.stderr
            assert "another crawl of this database is running" in refused.stderr
            assert f"pid {os.getpid()}" in refused.stderr
            assert len(refused.stderr.strip().splitlines()) == 1
            assert site.requested == []  # it fetched nothing
            waiting: dict[str, subprocess.CompletedProcess[str]] = {}
            thread = threading.Thread(target=lambda: waiting.update(result=run_cli("crawl", "--wait", env=env,
                                                                                   check=False)))
            thread.start()
            time.sleep(3)
            assert site.requested == [] and thread.is_alive()  # still waiting for the lock
        thread.join(timeout=300)
    assert waiting["result"].returncode == 0, waiting["result"].stderr
    assert "crawl finished" in waiting["result"].stdout and "/posts/tomatoes/" in site.requested


def test_logging_options_and_progress(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'logs.db'}"
    with serve_little_site() as site:
        env = _prepare(tmp_path, database_url, [{"name": "Little", "home": f"{site.base}/", "role": "partner"}])
        plain = run_cli("crawl", env=env)
        assert re.search(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d processing: 1/1 pages$", plain.stderr, re.MULTILINE), \
            plain.stderr
        verbose = run_cli("crawl", "-v", "--log-format", "json", env=env)
        records = [json.loads(line) for line in verbose.stderr.splitlines() if line.startswith("{")]
        assert any(r["message"].startswith("Crawled (200) <GET " + site.base) for r in records), verbose.stderr
        assert all({"time", "level", "logger", "message"} <= set(r) for r in records)
        quiet = run_cli("crawl", "--quiet", env=env)
        assert quiet.stderr == "" and "crawl finished" in quiet.stdout
        bad = run_cli("crawl", "--log-level", "LOUD", env=env, check=False)
        assert bad.returncode == 2 and "--log-level" in bad.stderr
        info = run_cli("crawl", "--log-level", "INFO", env=env)
        assert "Remote control" not in info.stderr and "Telnet" not in info.stderr
        assert "Overridden settings" in info.stderr  # INFO does reach the log
        terminal = _run_on_terminal(["crawl"], env)
        assert "crawl finished" in terminal and "\x1b[" in terminal  # a live display drew on the terminal


def _run_on_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run the CLI with a pseudo-terminal as stdout and stderr; returns what it wrote."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "aggregator.cli", *args], cwd=REPO_ROOT,
                               env={**env, "TERM": "xterm", "COLUMNS": "120"},
                               stdin=subprocess.DEVNULL, stdout=follower, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    process.wait(timeout=300)
    os.close(leader)
    assert process.returncode == 0
    return b"".join(chunks).decode("utf-8", "replace")


def test_no_server_is_started_by_a_crawl() -> None:
    settings = scrapy_settings("sqlite://")
    assert settings.getbool("TELNETCONSOLE_ENABLED") is False
    assert settings.getbool("REMOTE_CONTROL_ENABLED") is False
