"""Two `aggregator crawl` started together, ten rounds on each engine: no deadlock, no failed job.

Each round starts two crawls of one database at the same moment. Each must exit 0, or 4 with
the crawl lock's message (one crawl at a time per database); never 1, never hang. After the ten
rounds the database holds what one crawl stores (compared through the export with a crawl of a
fresh database).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO_ROOT
from tests.fault_web import Answer, serve_fault_web
from tests.syndication_web import run_cli
from tests.test_faults import article, fault_env, rss, setup_db, source

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROUNDS = 10


def _comparable(env: dict[str, str]) -> list[dict[str, Any]]:
    items = [json.loads(line) for line in run_cli("export", env=env).stdout.splitlines()]
    for item in items:
        for key in ("id", "public_id", "crawled_at", "created_at", "updated_at", "fetched_at", "first_seen"):
            item.pop(key, None)
    return sorted(items, key=lambda item: item["url"])


def test_two_crawls_started_together(tmp_path: Path, database_url: str, sqlite_url: str) -> None:
    answers = {"/robots.txt": Answer(status=404)}
    titles = [f"Concurrent story {n}" for n in range(1, 7)]
    for n, title in enumerate(titles, 1):
        answers[f"/posts/{n}/"] = Answer(body=article(title))
    with serve_fault_web(answers) as web:
        answers["/feed.xml"] = Answer(body=rss(web, [(t, f"/posts/{n}/") for n, t in enumerate(titles, 1)]),
                                      content_type="application/rss+xml")
        answers["/"] = Answer(body=b"<html><body><main></main></body></html>")
        sources = [source("Concurrent", web, feed="/feed.xml")]
        reference_db = sqlite_url.replace("test.db", "reference.db")
        reference_env = fault_env(reference_db)
        (tmp_path / "ref").mkdir()
        setup_db(tmp_path / "ref", reference_env, sources)
        run_cli("crawl", env=reference_env)

        env = fault_env(database_url)
        setup_db(tmp_path, env, sources)
        outcomes = []
        for _round in range(ROUNDS):
            crawls = [subprocess.Popen([sys.executable, "-m", "aggregator.cli", "crawl", "--quiet"], cwd=REPO_ROOT,
                                       env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                      for _ in range(2)]
            for crawl in crawls:
                out, err = crawl.communicate(timeout=300)  # a deadlock would hang here
                outcomes.append(crawl.returncode)
                assert crawl.returncode in (0, 4), (crawl.returncode, out, err)
                if crawl.returncode == 4:
                    assert "another crawl of this database is running" in err, err
            assert 0 in [c.returncode for c in crawls]
        assert _comparable(env) == _comparable(reference_env)
        assert len(_comparable(env)) == len(titles)
