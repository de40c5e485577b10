"""Workers on the shared PostgreSQL (`aggregator enqueue`, `aggregator worker`): a worker killed
outright and replaced changes nothing in what the crawl finds.

Two workers crawl the shared web from `aggregator enqueue`; one is killed with SIGKILL (its
process group: the worker and the crawl it runs, as when a machine dies) while both are busy,
and a new worker takes its place. The export must equal one uninterrupted `aggregator crawl`'s
(first_seen aside), no URL may be fetched with a 200 more than twice (once, plus the job in
flight at the kill), and no row may be duplicated.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import temporary_postgres_database
from tests.queue_helpers import queue_env, queue_states, scalar, start_worker, table_counts, wait_all
from tests.syndication_web import cli_env, comparable_export, run_cli, serve_web, sources_yaml, truth

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.slow]

TABLES = ["sources", "feeds", "feed_entries", "pages", "articles", "url_aliases", "republications"]


def test_killed_worker_replaced_gives_the_single_crawl(tmp_path: Path) -> None:
    sources_file = tmp_path / "sources.yaml"
    sources_file.write_text(sources_yaml(truth()["sites"]), encoding="utf-8")
    slow = tmp_path / "slow.json"
    slow.write_text(json.dumps({"*": [{"delay": 0.2}]}), encoding="utf-8")

    with temporary_postgres_database() as reference_url, serve_web(tmp_path / "reference.jsonl") as web:
        env = queue_env(cli_env(reference_url, web.proxy))
        run_cli("db", "upgrade", env=env)
        run_cli("sources", "import", str(sources_file), env=env)
        run_cli("crawl", env=env)
        reference = comparable_export(env)
        reference_counts = table_counts(reference_url, TABLES)

    with temporary_postgres_database() as url, serve_web(tmp_path / "queued.jsonl", "--faults", str(slow)) as web:
        env = queue_env(cli_env(url, web.proxy))
        run_cli("db", "upgrade", env=env)
        run_cli("sources", "import", str(sources_file), env=env)
        queued = run_cli("enqueue", env=env)
        assert "queued" in queued.stdout and "fetch job" in queued.stdout

        first, second = start_worker(env), start_worker(env)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            pages = scalar(url, "SELECT count(*) FROM pages")
            if pages >= 8 and queue_states(url).get("aggregator:fetch/doing", 0) >= 2:
                break
            assert first.poll() is None and second.poll() is None, "a worker ended before the kill"
            time.sleep(0.2)
        else:
            raise AssertionError("the workers never got busy with two fetch jobs")
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
        replacement = start_worker(env)
        wait_all([second, replacement], timeout=600)

        states = queue_states(url)
        assert not [s for s in states if not s.endswith(("/succeeded", "/aborted"))], states
        assert comparable_export(env) == reference
        assert table_counts(url, TABLES) == reference_counts
        fetched = Counter(r["url"] for r in web.requests() if r["method"] == "GET" and r["status"] == 200)
        assert max(fetched.values()) <= 2, [u for u, n in fetched.items() if n > 2]
