"""Helpers of the job-queue tests: workers as real processes, and what the database holds."""

from __future__ import annotations

import subprocess
import sys
import time
from typing import Any

from sqlalchemy import text

from storage.engine import get_engine, session_scope
from tests.conftest import REPO_ROOT


def queue_env(env: dict[str, str]) -> dict[str, str]:
    """The CLI's environment for queue tests: loopback servers are allowed (network guard)."""
    return {**env, "AGGREGATOR_ALLOW_PRIVATE_NETWORKS": "all"}


def start_worker(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    """`aggregator worker --until-idle ARGS` in a session of its own (killable with its crawl)."""
    return subprocess.Popen(
        [sys.executable, "-m", "aggregator.cli", "worker", "--until-idle", "--log-level", "WARNING", *args],
        cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )


def wait_all(workers: list[subprocess.Popen[str]], timeout: float) -> None:
    """Wait for every worker to exit 0 (their output in the failure's message)."""
    deadline = time.monotonic() + timeout
    for worker in workers:
        try:
            out, err = worker.communicate(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            for other in workers:
                other.kill()
            raise AssertionError("a worker did not finish in time") from None
        assert worker.returncode == 0, f"worker exited {worker.returncode}:\n{out}\n{err[-3000:]}"


def scalar(database_url: str, sql: str, **params: Any) -> Any:
    """One value of a query."""
    with session_scope(database_url) as session:
        return session.execute(text(sql), params).scalar()


def table_counts(database_url: str, tables: list[str]) -> dict[str, int]:
    """Rows per table."""
    return {t: int(scalar(database_url, f"SELECT count(*) FROM {t}")) for t in tables}


def queue_states(database_url: str) -> dict[str, int]:
    """Jobs per task and state, as "task/state"."""
    with get_engine(database_url).connect() as conn:
        rows = conn.execute(text("SELECT task_name, status::text, count(*) FROM procrastinate_jobs GROUP BY 1, 2"))
        return {f"{task}/{state}": int(n) for task, state, n in rows}


def execute(database_url: str, sql: str) -> None:
    """Run statements that return nothing (committed)."""
    with get_engine(database_url).begin() as conn:
        conn.exec_driver_sql(sql)
