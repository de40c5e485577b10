"""Invariant: a crawl killed at any point and run again gives the same database as one
uninterrupted run; running the same crawl twice changes nothing the second time."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from aggregator.urls import normalise_url
from storage.engine import get_engine, session_scope
from storage.pages import Page
from tests.conftest import REPO_ROOT
from tests.syndication_web import cli_env, comparable_export, run_cli, serve_web, sources_yaml, truth

pytestmark = pytest.mark.integration


def stored_pages(database_url: str) -> int:
    with session_scope(database_url) as session:
        return int(session.scalar(select(func.count()).select_from(Page)) or 0)


def test_killed_crawl_rerun_equals_uninterrupted_crawl(tmp_path: Path) -> None:
    sources_file = tmp_path / "sources.yaml"
    sources_file.write_text(sources_yaml(truth()["sites"]), encoding="utf-8")
    slow = tmp_path / "slow.json"
    slow.write_text(json.dumps({"*": [{"delay": 0.15}]}), encoding="utf-8")

    reference_url = f"sqlite:///{tmp_path / 'reference.db'}"
    with serve_web(tmp_path / "reference.jsonl") as web:
        env = cli_env(reference_url, web.proxy)
        run_cli("db", "upgrade", env=env)
        run_cli("sources", "import", str(sources_file), env=env)
        run_cli("crawl", env=env)
        reference = comparable_export(env)
        # A second identical crawl changes nothing.
        again = run_cli("crawl", env=env)
        assert "0 pages fetched" in again.stdout
        assert comparable_export(env) == reference

    killed_url = f"sqlite:///{tmp_path / 'killed.db'}"
    with serve_web(tmp_path / "killed.jsonl", "--faults", str(slow)) as web:
        env = cli_env(killed_url, web.proxy)
        run_cli("db", "upgrade", env=env)
        run_cli("sources", "import", str(sources_file), env=env)
        crawl = subprocess.Popen([sys.executable, "-m", "aggregator.cli", "crawl"], cwd=REPO_ROOT, env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 120
        while stored_pages(killed_url) < 10 and time.monotonic() < deadline and crawl.poll() is None:
            time.sleep(0.2)
        assert crawl.poll() is None, "the crawl ended before it could be killed"
        os.killpg(crawl.pid, signal.SIGKILL)
        crawl.wait()
        with session_scope(killed_url) as session:
            kept = {url for url, body in session.execute(select(Page.url, Page.body)) if body is not None}
        assert 10 <= len(kept) < len(truth()["articles"]) + len(truth()["republications"])
    get_engine(killed_url).dispose()

    with serve_web(tmp_path / "rerun.jsonl") as web:
        env = cli_env(killed_url, web.proxy)
        run_cli("crawl", env=env)
        rerun_requests = web.requests()
    assert comparable_export(env) == reference
    # What the killed crawl had stored was not fetched again.
    with session_scope(killed_url) as session:
        assert session.scalar(select(func.count()).select_from(Page)) == stored_pages(reference_url)
    assert not kept & {normalise_url(r["url"]) for r in rerun_requests if r["method"] == "GET"}
