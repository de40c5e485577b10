"""Queued crawl of a generated web by 1 and by N workers on one PostgreSQL database.

For each worker count: a fresh database, `aggregator db upgrade`, `sources import`,
`aggregator enqueue`, then that many `aggregator worker --until-idle` processes started at
once; the wall time runs from the workers' start to the last one's exit. The export is scored
against the generator's truth (as `bench.crawl` does), and the workers' logs give each job's
duration and, for processing jobs, the time spent waiting for and holding the matching lock.
A plain `aggregator crawl` of the same web into PostgreSQL is timed first, for reference.

    python -m bench.queue_workers --pages 2000 --workers 1,2 [--workdir DIR] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench.crawl import score
from bench.crawl_run import REPO_ROOT, cli_command, cli_env, run_cli
from bench.crawl_web import default_corpora, ensure_web, serve_web

_ENDED = re.compile(r"Job (aggregator:\w+)\[\d+\].* ended with status: (\w+), lasted ([\d.]+) s(?: - Result: (.*))?$")


def _database(base: str) -> str:
    name = f"bench_queue_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False)


def _jobs(logs: list[str]) -> dict[str, Any]:
    """Per task: jobs, their total and longest seconds; processing's lock wait and hold."""
    tasks: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for log in logs:
        for line in log.splitlines():
            found = _ENDED.search(line)
            if not found:
                continue
            task, status, seconds, result = found.group(1), found.group(2), float(found.group(3)), found.group(4)
            row = tasks[task.split(":")[1]]
            row["jobs"] += 1
            row["seconds"] += seconds
            row["longest_s"] = max(row["longest_s"], seconds)
            row[f"status_{status.lower()}"] += 1
            for key in ("lock_wait_seconds", "lock_held_seconds", "pages_processed", "pages_fetched"):
                value = re.search(rf"'{key}': ([\d.]+)", result or "")  # the log line is cut at 250 characters
                if value:
                    row[key] += float(value.group(1))
    return {task: {k: round(v, 2) for k, v in row.items()} for task, row in tasks.items()}


def run(pages: int, workers: list[int], workdir: Path, seed: int, base: str, corpora: Path) -> dict[str, Any]:
    web, _reused = ensure_web(workdir, pages=pages, seed=seed, corpora=corpora)
    m = web.manifest
    print(f"web: {m['pages']} pages on {m['partners']} partner and {m['republishers']} republisher sites", flush=True)
    results: dict[str, Any] = {"pages": pages, "hosts": m["partners"] + m["republishers"], "runs": {}}
    for count in [0, *workers]:  # 0: a plain `aggregator crawl`, for reference
        url = _database(base)
        with serve_web(web, log_path=workdir / f"requests-{count}.log") as server:
            env = cli_env(url, server.proxy)
            run_cli("db", "upgrade", env=env)
            run_cli("sources", "import", str(web.sources_file), env=env)
            started = time.monotonic()
            if count == 0:
                run_cli("crawl", "-q", env=env, timeout=4 * 3600)
                logs: list[str] = []
            else:
                run_cli("enqueue", env=env)
                procs = [subprocess.Popen(cli_command("worker", "--until-idle", "--log-level", "INFO"), cwd=REPO_ROOT,
                                          env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                         for _ in range(count)]
                logs = [p.communicate(timeout=4 * 3600)[1] for p in procs]
                codes = [p.returncode for p in procs]
                if any(codes):
                    raise RuntimeError(f"workers exited {codes}: {logs[0][-2000:]}")
            seconds = time.monotonic() - started
            export = workdir / f"export-{count}.jsonl"
            run_cli("export", "--output", str(export), env=env)
        found = score(web, export)
        label = "crawl" if count == 0 else f"{count}_workers"
        results["runs"][label] = {"seconds": round(seconds, 1), "pages_per_s": round(pages / seconds, 2),
                                  "score": found, "jobs": _jobs(logs)}
        print(label, json.dumps(results["runs"][label]), flush=True)
    return results


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--workers", default="1,2", help="worker counts, comma-separated")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--corpora", type=Path, default=None, help="the shared corpora folder (real text)")
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
                        help="a PostgreSQL URL to create the benchmark's databases from")
    args = parser.parse_args(argv)
    workdir = (args.workdir or Path(tempfile.mkdtemp(prefix="bench-queue-"))).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    result = run(args.pages, [int(w) for w in args.workers.split(",")], workdir, args.seed, args.postgres,
                 args.corpora or default_corpora())
    print(json.dumps(result, indent=1), flush=True)
    return result


if __name__ == "__main__":
    main()
