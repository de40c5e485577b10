"""Jobs of the queue on PostgreSQL: due feeds polled once per period by several workers, never
two requests at once to one host; a worker killed inside a processing job; the commands' refusal
of SQLite and their reports."""

from __future__ import annotations

import itertools
import json
import os
import signal
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from aggregator.crawl.queue import FETCH_GROUPS, host_group
from storage.locks import MATCHING_LOCK_KEY, MatchingLock
from tests.conftest import REPO_ROOT, temporary_postgres_database
from tests.queue_helpers import execute, queue_env, queue_states, scalar, start_worker, wait_all
from tests.syndication_web import cli_env, run_cli, serve_web, sources_yaml, truth

pytestmark = [pytest.mark.integration]


@dataclass
class FeedFarm:
    """A loopback HTTP proxy serving an empty RSS feed at any URL of any host (robots.txt: 404),
    logging each request's host, path and start and end times."""

    proxy: str
    log: list[tuple[str, str, float, float]] = field(default_factory=list)


@contextmanager
def feed_farm(delay: float = 0.005) -> Iterator[FeedFarm]:
    """Run a FeedFarm on loopback for the duration of the block."""
    lock = threading.Lock()
    farm = FeedFarm(proxy="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            started = time.monotonic()
            parts = urlsplit(self.path)
            host = parts.hostname or self.headers.get("Host", "")
            time.sleep(delay)  # long enough for two requests at once to overlap in the log
            if parts.path == "/robots.txt":
                body, status = b"", 404
            else:
                body, status = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{host}{parts.path}'
                                f"</title><link>http://{host}/</link></channel></rss>").encode(), 200
            with lock:  # the end is logged before the answer leaves: a next request starts after it
                farm.log.append((host, parts.path, started, time.monotonic()))
            self.send_response(status)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    farm.proxy = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield farm
    finally:
        server.shutdown()
        server.server_close()


def overlapping_hosts(log: list[tuple[str, str, float, float]]) -> list[str]:
    """Hosts that had two requests in progress at once."""
    by_host: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for host, _path, start, end in log:
        by_host[host].append((start, end))
    bad = []
    for host, spans in by_host.items():
        spans.sort()
        if any(later[0] < earlier[1] for earlier, later in itertools.pairwise(spans)):
            bad.append(host)
    return bad


def test_queue_commands_refuse_sqlite(tmp_path: Path) -> None:
    env = queue_env(cli_env(f"sqlite:///{tmp_path / 'one.db'}"))
    run_cli("db", "upgrade", env=env)
    for command in (["enqueue"], ["worker", "--until-idle"], ["queue", "status"], ["queue", "retry-failed"]):
        result = run_cli(*command, env=env, check=False)
        assert result.returncode == 2, (command, result.stderr)
        assert "needs PostgreSQL" in result.stderr


@pytest.mark.postgres
def test_status_reports_failed_jobs_and_retry_queues_them_again() -> None:
    from aggregator.crawl.queue import NAMESPACE, run_with_app

    with temporary_postgres_database() as url:
        env = queue_env(cli_env(url))
        run_cli("db", "upgrade", env=env)
        assert "queued 0 fetch job(s) for 0 host(s)" in run_cli("enqueue", env=env).stdout
        assert "no jobs" in run_cli("queue", "status", env=env).stdout

        async def defer_broken(app: Any) -> None:  # a block that is not a number: the job's query fails
            await app.configure_task(f"{NAMESPACE}:process").defer_async(block="not a block")

        run_with_app(url, defer_broken)
        scalar(url, "UPDATE procrastinate_jobs SET attempts = 4 RETURNING 1")  # its last attempt
        wait_all([start_worker(env)], timeout=120)
        status = json.loads(run_cli("queue", "status", "--format", "json", env=env).stdout)
        assert [f["task"] for f in status["failed"]] == [f"{NAMESPACE}:process"]
        assert status["failed"][0]["error"].startswith("TypeError: ")  # the error of its last attempt
        assert {"task": f"{NAMESPACE}:process", "state": "failed", "jobs": 1} in status["jobs"]
        assert "failed #" in run_cli("queue", "status", env=env).stdout
        assert "queued 1 failed job(s) again" in run_cli("queue", "retry-failed", env=env).stdout
        assert queue_states(url)[f"{NAMESPACE}:process/todo"] == 1


@pytest.mark.postgres
@pytest.mark.slow
def test_due_feeds_polled_once_per_period_by_three_workers(tmp_path: Path) -> None:
    hosts = [f"farm{i:02d}.example" for i in range(50)]
    assert len({host_group(h) for h in hosts}) > FETCH_GROUPS // 2  # the hosts spread over the groups
    feeds = {h: [f"http://{h}/feed-{n:03d}.xml" for n in range(100)] for h in hosts}  # 5,000 feeds
    (tmp_path / "farm.yaml").write_text(yaml.safe_dump({"sources": [
        {"name": h, "home": f"http://{h}/", "role": "partner", "feeds": feeds[h]} for h in hosts
    ]}), encoding="utf-8")
    with temporary_postgres_database() as url, feed_farm() as farm:
        # Scrapy's own politeness inside a job: one request at a time per host.
        env = {**queue_env(cli_env(url, farm.proxy)), "AGGREGATOR_CONCURRENCY_PER_HOST": "1"}
        run_cli("db", "upgrade", env=env)
        run_cli("sources", "import", str(tmp_path / "farm.yaml"), env=env)

        def period() -> Counter[str]:
            before = len(farm.log)
            first = run_cli("enqueue", "--due", env=env).stdout
            again = run_cli("enqueue", "--due", env=env).stdout  # queued twice, run once
            assert "already waiting" in again, (first, again)
            wait_all([start_worker(env) for _ in range(3)], timeout=900)
            return Counter(f"http://{h}{p}" for h, p, _s, _e in farm.log[before:] if p != "/robots.txt")

        polled = period()
        everything = {url for urls in feeds.values() for url in urls}
        assert set(polled) == everything
        assert max(polled.values()) == 1

        # A period later, half the feeds are due again (the others were polled recently).
        scalar(url, "UPDATE feeds SET next_poll_at = now() - interval '1 second' WHERE id % 2 = 0 RETURNING 1")
        due = set(scalar(url, "SELECT array_agg(url) FROM feeds WHERE id % 2 = 0"))
        polled = period()
        assert set(polled) == due
        assert max(polled.values()) == 1

        assert overlapping_hosts(farm.log) == []


_WAITING_FOR_MATCHING_LOCK = (
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = :hi "
    "AND objid = :lo AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")


@pytest.mark.postgres
@pytest.mark.slow
def test_worker_killed_inside_processing_job_leaves_every_page_processed_once(tmp_path: Path) -> None:
    sources_file = tmp_path / "sources.yaml"
    sources_file.write_text(sources_yaml(truth()["sites"]), encoding="utf-8")
    with temporary_postgres_database() as url, serve_web(tmp_path / "web.jsonl") as web:
        env = queue_env(cli_env(url, web.proxy))
        run_cli("db", "upgrade", env=env)
        run_cli("sources", "import", str(sources_file), env=env)
        # The fetch job's crawl, alone: every page stored, none processed.
        hosts = [row["host"] for row in map(json.loads, run_cli("sources", "list", "--format", "jsonl",
                                                                  env=env).stdout.splitlines())]
        import subprocess
        import sys

        subprocess.run([sys.executable, "-m", "aggregator.crawl.fetch_job", *hosts], cwd=REPO_ROOT, env=env,
                       check=True, capture_output=True, timeout=300)
        pages = scalar(url, "SELECT count(*) FROM pages WHERE body IS NOT NULL")
        assert pages == len(truth()["articles"]) + len(truth()["republications"])
        assert scalar(url, "SELECT count(*) FROM pages WHERE state = 'fetched'") == pages
        # Every committed change of a page to processed or skipped, as the database sees it.
        execute(url, """
            CREATE TABLE test_processing_log (page_id integer, state text);
            CREATE FUNCTION test_log_processing() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN INSERT INTO test_processing_log VALUES (NEW.id, NEW.state); RETURN NEW; END $$;
            CREATE TRIGGER test_log_processing AFTER UPDATE ON pages FOR EACH ROW
            WHEN (NEW.state IN ('processed', 'skipped')) EXECUTE FUNCTION test_log_processing();""")

        assert "processing job(s)" in run_cli("enqueue", "--due", env=env).stdout
        # The test holds the matching lock, so the job extracts its pages and then waits to store
        # them: it is killed there, inside the job, whatever the machine's speed.
        lock = MatchingLock(url)
        with lock.hold():
            worker = start_worker(env)
            deadline = time.monotonic() + 180
            while not scalar(url, _WAITING_FOR_MATCHING_LOCK, hi=MATCHING_LOCK_KEY >> 32,
                             lo=MATCHING_LOCK_KEY & 0xFFFFFFFF):
                assert time.monotonic() < deadline and worker.poll() is None, "no processing job waited to store"
                time.sleep(0.05)
            assert queue_states(url).get("aggregator:process/doing", 0) == 1
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
            assert scalar(url, "SELECT count(*) FROM test_processing_log") == 0  # killed before its commit
        lock.close()

        wait_all([start_worker(env)], timeout=300)
        assert scalar(url, "SELECT count(*) FROM pages WHERE state = 'fetched'") == 0
        per_page = Counter(dict(scalar(url, "SELECT json_agg(json_build_array(page_id, n)) FROM "
                                            "(SELECT page_id, count(*) AS n FROM test_processing_log "
                                            "GROUP BY page_id) t") or []))
        assert len(per_page) == pages
        assert set(per_page.values()) == {1}
        assert scalar(url, "SELECT count(*) FROM articles") == len(truth()["articles"])
        assert scalar(url, "SELECT count(*) FROM republications") == len(truth()["republications"])
