"""`aggregator demo` end to end, and the Scrapy project commands on the same database."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO_ROOT
from tests.syndication_web import cli_env, run_cli, serve_web, sources_yaml, truth

pytestmark = pytest.mark.integration


def test_demo_crawls_its_web_into_the_default_database(tmp_path: Path) -> None:
    env = cli_env("")
    env.pop("AGGREGATOR_DATABASE_URL")
    result = subprocess.run(
        [sys.executable, "-m", "aggregator.cli", "demo"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "aggregator.db").exists()
    articles = re.search(r"canonical articles:\s+(\d+) \((\d+) of the (\d+)", result.stdout)
    assert articles, result.stdout
    assert articles.group(1) == articles.group(2) == articles.group(3)
    reps = re.search(r"\((\d+) of the (\d+) the demo web holds with the right kind and verdict\)", result.stdout)
    assert reps and reps.group(1) == reps.group(2), result.stdout
    assert "errors recorded:     0" in result.stdout
    # The suggested queries use the documented interfaces: the report, and the SQL views.
    assert "aggregator report --source " in result.stdout
    assert "FROM canonical_articles" in result.stdout and "FROM articles" not in result.stdout
    suggested = re.search(r"sqlite3 (\S+) '([^']+)'", result.stdout)
    assert suggested, result.stdout
    with sqlite3.connect(tmp_path / suggested.group(1)) as conn:
        assert conn.execute(suggested.group(2)).fetchall()


def _imported(sites: list[dict[str, Any]], database_url: str, proxy: str, tmp_path: Path) -> dict[str, str]:
    """Create the database and import `sites` as its sources; the CLI's environment for them."""
    sources_file = tmp_path / "sources.yaml"
    sources_file.write_text(sources_yaml(sites), encoding="utf-8")
    env = cli_env(database_url, proxy)
    run_cli("db", "upgrade", env=env)
    run_cli("sources", "import", str(sources_file), env=env)
    return env


def test_scrapy_list_and_crawl_use_the_same_database(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'scrapy.db'}"
    sites = [s for s in truth()["sites"] if s["host"] in ("datanotes.example", "planet.example")]
    scrapy = [sys.executable, "-m", "scrapy.cmdline"]
    with serve_web(tmp_path / "requests.jsonl") as web:
        env = _imported(sites, database_url, web.proxy, tmp_path)
        listed = subprocess.run([*scrapy, "list"], cwd=REPO_ROOT, env=env, capture_output=True, text=True)
        assert listed.returncode == 0, listed.stderr
        assert "sources" in listed.stdout.split()
        crawled = subprocess.run(
            [*scrapy, "crawl", "sources", "-a", "hosts=datanotes.example", "-s", "LOG_LEVEL=WARNING"],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert crawled.returncode == 0, crawled.stderr
    records = [json.loads(line) for line in run_cli("export", env=env).stdout.splitlines()]
    assert records and {r["site"] for r in records} == {"datanotes.example"}
    expected = [a for a in truth()["articles"] if a["site"] == "datanotes.example"]
    assert len(records) == len(expected)
    # The republisher was not crawled: --hosts limits the crawl.
    assert not any("planet.example" in r["url"] for r in web.requests())


def test_reprocess_rebuilds_articles_without_fetching(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'reprocess.db'}"
    sites = [s for s in truth()["sites"] if s["host"] in ("openbuild.example", "syndic.example")]
    with serve_web(tmp_path / "requests.jsonl") as web:
        env = _imported(sites, database_url, web.proxy, tmp_path)
        run_cli("crawl", env=env)
        before = run_cli("export", env=env).stdout
        requests_before = len(web.requests())
        result = run_cli("reprocess", env=env)
        assert len(web.requests()) == requests_before
    assert re.search(r"reprocessed \d+ pages", result.stdout)
    after = run_cli("export", env=env).stdout

    def stable(text: str) -> list[dict[str, object]]:
        out = []
        for line in text.splitlines():
            record = json.loads(line)
            for rep in record["republications"]:
                rep.pop("first_seen")
            out.append(record)
        return out

    assert stable(before) == stable(after) and before


def test_waiting_requests_beyond_the_memory_share_wait_on_disk_and_are_all_crawled(tmp_path: Path) -> None:
    """With room for one request in memory, the rest of the queue goes to disk; nothing is lost."""
    database_url = f"sqlite:///{tmp_path / 'queue.db'}"
    partners = [s for s in truth()["sites"] if s["role"] == "partner"]
    site = max(partners, key=lambda s: sum(a["site"] == s["host"] for a in truth()["articles"]))
    with serve_web(tmp_path / "requests.jsonl") as web:
        env = _imported([site], database_url, web.proxy, tmp_path)
        crawled = subprocess.run(
            [sys.executable, "-m", "scrapy.cmdline", "crawl", "sources", "-s", "AGGREGATOR_QUEUE_IN_MEMORY=1",
             "-s", "LOG_LEVEL=INFO"],
            cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600,
        )
        assert crawled.returncode == 0, crawled.stderr
    stats = crawled.stderr[crawled.stderr.index("Dumping Scrapy stats"):]
    disk = int(re.search(r"'scheduler/enqueued/disk': (\d+)", stats).group(1))  # type: ignore[union-attr]
    memory = int(re.search(r"'scheduler/enqueued/memory': (\d+)", stats).group(1))  # type: ignore[union-attr]
    assert disk > 0 and memory > 0
    assert int(re.search(r"'scheduler/dequeued': (\d+)", stats).group(1)) == disk + memory  # type: ignore[union-attr]
    records = [json.loads(line) for line in run_cli("export", env=env).stdout.splitlines()]
    assert len(records) == sum(a["site"] == site["host"] for a in truth()["articles"])
