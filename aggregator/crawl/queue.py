"""Queued jobs for workers on several machines, on the shared PostgreSQL (procrastinate).

`aggregator enqueue` queues the work `aggregator crawl` would do; `aggregator worker` runs it.
Delivery is at least once, so every job is idempotent:

- `fetch`: a group of hosts crawled by the product's own spider, in a child process (the
  Twisted reactor cannot restart in a long-lived worker), fetching only; then the pages it
  stored are queued for processing. Hosts fall into FETCH_GROUPS fixed groups (a hash of the
  host); a job's procrastinate lock is its group, so two jobs never crawl one host at once,
  whichever machines run them, and Scrapy's per-host throttling holds inside a job. A job
  decides its hosts when it runs (every source of its group, or those with a feed due), so a
  job that waited in the queue does not poll what another already polled.
- `process`: the stored pages waiting for processing in one block of PAGE_BLOCK page ids,
  extracted by the worker and stored with matching under the matching lock
  (storage.locks.MatchingLock); a page already processed is not taken again.
- `tick`: every minute (deferred once per minute however many workers run): stalled jobs of
  dead workers are queued again, feeds whose poll time has come are queued for fetching, and
  pages left waiting (by a fetch killed before it queued them) are queued for processing.

Failed jobs are retried with exponential back-off (RETRY), then stay failed and visible in
`aggregator queue status` with their error, until `aggregator queue retry-failed`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import socket
import sys
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import procrastinate
from procrastinate.exceptions import AlreadyEnqueued, ConnectorException, UniqueViolation
from procrastinate.jobs import Status
from sqlalchemy.engine import make_url

from aggregator.process import PageProcessor
from storage.engine import get_engine, normalise_database_url, session_scope
from storage.queue import (
    active_jobs,
    failed_job_ids,
    hosts_with_due_feeds,
    pending_page_blocks,
    pending_pages_in_block,
    record_job_error,
    source_hosts,
)

log = logging.getLogger(__name__)

FETCH_GROUPS = 16
"""Hosts are spread over this many groups, one fetch job (and one lock) per group. Every
machine must use the same number: it is what keeps two jobs off one host."""
PAGE_BLOCK = 64
"""Pages per processing job (a block of consecutive page ids)."""
HEARTBEAT_SECONDS = 5.0
STALLED_AFTER_SECONDS = 20.0
"""A running job whose worker has not shown a heartbeat for this long is queued again."""
RETRY = procrastinate.RetryStrategy(max_attempts=4, exponential_wait=4)
"""A failed job runs again after 4, 16, 64 and 256 seconds, then stays failed."""
IDLE_LOOK_SECONDS = 1.0
NAMESPACE = "aggregator"
"""Prefix of the jobs' task names in the queue."""

FETCH_PRIORITY = 0
PROCESS_PRIORITY = 10  # processing first: pages do not pile up while fetching goes on
TICK_PRIORITY = 20


class QueueNeedsPostgres(Exception):
    """The job queue lives in PostgreSQL: the database is another engine."""


def require_postgres(database_url: str) -> None:
    """Raise QueueNeedsPostgres unless the database is PostgreSQL."""
    if make_url(normalise_database_url(database_url)).get_backend_name() != "postgresql":
        raise QueueNeedsPostgres(
            "the job queue needs PostgreSQL (workers on several machines share it); with SQLite "
            "run `aggregator crawl`"
        )


def host_group(host: str) -> int:
    """The fetch group of a host: a stable hash, the same on every machine."""
    return zlib.crc32(host.lower().encode("utf-8")) % FETCH_GROUPS


def conninfo(database_url: str) -> str:
    """The libpq connection string of a SQLAlchemy PostgreSQL URL."""
    url = make_url(normalise_database_url(database_url)).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


blueprint = procrastinate.Blueprint()


def _database_url(context: procrastinate.JobContext) -> str:
    return str(context.additional_context["database_url"])


def _remember_errors(context: procrastinate.JobContext, exc: BaseException) -> None:
    # procrastinate keeps no error text in the database: ours, for `queue status`.
    job = context.job
    with session_scope(_database_url(context)) as session:
        record_job_error(session, job_id=int(job.id or 0), task=job.task_name, error=f"{type(exc).__name__}: {exc}")


@blueprint.task(name="fetch", retry=RETRY, pass_context=True, priority=FETCH_PRIORITY)
async def fetch(context: procrastinate.JobContext, group: int, due: bool = False, hosts: list[str] | None = None,
                feeds_only: bool = False) -> dict[str, Any]:
    """Crawl the hosts of one group (those given, else every source of the group; with `due`,
    only the due feeds), then queue the pages stored for processing."""
    database_url = _database_url(context)
    try:
        chosen = await asyncio.to_thread(_hosts_of_group, database_url, group, due=due, hosts=hosts)
        summary: dict[str, Any] = {}
        if chosen:
            summary = await _run_fetch_process(database_url, chosen, due=due, feeds_only=feeds_only)
        blocks = await queue_processing(context.app, database_url)
    except Exception as exc:
        await asyncio.to_thread(_remember_errors, context, exc)
        raise
    return {"hosts": len(chosen), "pages_fetched": summary.get("pages_fetched", 0),
            "feeds_polled": summary.get("feeds_polled", 0), "errors": summary.get("errors", 0),
            "processing_jobs_queued": blocks}


@blueprint.task(name="process", retry=RETRY, pass_context=True, priority=PROCESS_PRIORITY)
def process(context: procrastinate.JobContext, block: int) -> dict[str, Any]:
    """Extract and store the pages of one block still waiting for processing, then match."""
    database_url = _database_url(context)
    try:
        with session_scope(database_url) as session:
            ids = pending_pages_in_block(session, block=block, block_size=PAGE_BLOCK)
        if not ids:
            return {"pages": 0}
        processor = PageProcessor(database_url, use_pool=False)
        try:
            processor.submit(ids)
            processor.store_oldest()
        finally:
            processor.close()
    except Exception as exc:
        _remember_errors(context, exc)
        raise
    # The lock's figures first: a worker's log cuts a job's result short.
    return {"lock_wait_seconds": round(processor.lock.waited, 3), "lock_held_seconds": round(processor.lock.held, 3),
            **processor.stats.as_dict()}


@blueprint.periodic(cron="* * * * *", periodic_id="tick")
@blueprint.task(name="tick", pass_context=True, queueing_lock="tick", priority=TICK_PRIORITY)
async def tick(context: procrastinate.JobContext, timestamp: int) -> dict[str, Any]:
    """Every minute: requeue stalled jobs, queue due feeds, queue pages left waiting."""
    database_url = _database_url(context)
    stalled = await retry_stalled(context.app)
    due = await queue_fetches(context.app, database_url, due=True)
    blocks = await queue_processing(context.app, database_url)
    return {"stalled_requeued": stalled, "fetch_jobs_queued": due.queued, "processing_jobs_queued": blocks}


def _hosts_of_group(database_url: str, group: int, *, due: bool, hosts: list[str] | None) -> list[str]:
    with session_scope(database_url) as session:
        known = hosts_with_due_feeds(session, now=datetime.now(UTC)) if due else source_hosts(session)
    wanted = set(hosts) if hosts is not None else None
    return [h for h in known if host_group(h) == group and (wanted is None or h in wanted)]


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    # A worker killed outright takes its crawl with it: the job is retried elsewhere, and a
    # crawl left running would keep hitting the hosts without their lock.
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


async def _run_fetch_process(database_url: str, hosts: list[str], *, due: bool, feeds_only: bool) -> dict[str, Any]:
    args = [sys.executable, "-m", "aggregator.crawl.fetch_job", *hosts]
    args += ["--due"] if due else []
    args += ["--feeds-only"] if feeds_only else []
    env = {**os.environ, "AGGREGATOR_DATABASE_URL": database_url}
    child = await asyncio.create_subprocess_exec(*args, env=env, stdout=asyncio.subprocess.PIPE,
                                                 stderr=asyncio.subprocess.PIPE, preexec_fn=_die_with_parent)
    out, err = await child.communicate()
    if child.returncode != 0:
        tail = err.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise RuntimeError(f"the crawl of {', '.join(hosts[:5])} exited {child.returncode}: {' | '.join(tail)}")
    lines = out.decode("utf-8", "replace").strip().splitlines()
    return dict(json.loads(lines[-1])) if lines else {}


@dataclass
class Queued:
    """What a call to queue jobs did."""

    queued: int = 0
    already: int = 0
    """Jobs not queued because the same one already waits."""
    hosts: list[str] = field(default_factory=list)


async def _defer(app: procrastinate.App, task: str, *, lock: str, queueing_lock: str, priority: int,
                 **kwargs: Any) -> bool:
    """Queue one job; False when the same job already waits (its queueing lock)."""
    try:
        await app.configure_task(task, lock=lock, queueing_lock=queueing_lock, priority=priority).defer_async(
            **kwargs)
    except AlreadyEnqueued:
        return False
    return True


async def queue_fetches(app: procrastinate.App, database_url: str, *, due: bool = False,
                        hosts: list[str] | None = None, feeds_only: bool = False) -> Queued:
    """Queue fetch jobs: one per group holding a source (of `hosts` when given; with `due`, a
    feed due now). A group whose same job already waits is not queued twice."""
    with session_scope(database_url) as session:
        known = hosts_with_due_feeds(session, now=datetime.now(UTC)) if due else source_hosts(session)
    wanted = set(hosts) if hosts is not None else None
    chosen = [h for h in known if wanted is None or h in wanted]
    groups: dict[int, list[str]] = {}
    for host in chosen:
        groups.setdefault(host_group(host), []).append(host)
    result = Queued(hosts=chosen)
    for group, members in sorted(groups.items()):
        if hosts is None:
            mode, given = ("due" if due else "all"), None
        else:
            given = sorted(members)
            mode = f"hosts-{zlib.crc32(','.join(given).encode('utf-8')):08x}"
        mode += "-feeds" if feeds_only else ""
        ok = await _defer(app, f"{NAMESPACE}:fetch", lock=f"hosts-{group}", queueing_lock=f"fetch-{group}-{mode}",
                          priority=FETCH_PRIORITY, group=group, due=due, hosts=given, feeds_only=feeds_only)
        result.queued += ok
        result.already += not ok
    return result


async def queue_processing(app: procrastinate.App, database_url: str) -> int:
    """Queue a processing job for every block of pages holding a page waiting for processing."""
    with session_scope(database_url) as session:
        blocks = pending_page_blocks(session, block_size=PAGE_BLOCK)
    queued = 0
    for block in blocks:
        queued += await _defer(app, f"{NAMESPACE}:process", lock=f"pages-{block}", queueing_lock=f"process-{block}",
                               priority=PROCESS_PRIORITY, block=block)
    return queued


async def retry_stalled(app: procrastinate.App) -> int:
    """Queue again the running jobs of workers that stopped showing heartbeats (killed, lost).

    When the same job already waits (its queueing lock), the stalled one is closed as aborted:
    the waiting one does its work. Returns how many stalled jobs were found.
    """
    stalled = list(await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=STALLED_AFTER_SECONDS))
    for job in stalled:
        try:
            await app.job_manager.retry_job(job)
            log.warning("job %s (%s) of a dead worker: queued again", job.id, job.task_name)
        except UniqueViolation:
            await app.job_manager.finish_job(job, status=Status.ABORTED, delete_job=False)
            log.warning("job %s (%s) of a dead worker: aborted, the same job waits", job.id, job.task_name)
        except ConnectorException:  # another worker took care of it first
            pass
    return len(stalled)


def make_app(database_url: str) -> procrastinate.App:
    """The procrastinate app of the database, with the jobs registered."""
    require_postgres(database_url)
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo(database_url)))
    app.add_tasks_from(blueprint, namespace=NAMESPACE)
    return app


def run_with_app(database_url: str, body: Callable[[procrastinate.App], Awaitable[Any]]) -> Any:
    """Open the app, run `body(app)` in an event loop, close the app; returns what body returned."""
    app = make_app(database_url)

    async def main() -> Any:
        async with app.open_async():
            return await body(app)

    return asyncio.run(main())


def worker_name() -> str:
    """How a worker names itself in logs and jobs."""
    return f"{socket.gethostname()}:{os.getpid()}"


def run_worker(database_url: str, *, concurrency: int = 1, until_idle: bool = False) -> None:
    """Run jobs until stopped (SIGINT, SIGTERM: running jobs finish first), or with `until_idle`
    until nothing is queued or running in the whole queue."""
    from procrastinate.worker import Worker

    async def body(app: procrastinate.App) -> None:
        stopping = asyncio.Event()
        current: list[Worker] = []

        def stop() -> None:
            stopping.set()
            for worker in current:
                worker.stop()

        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop)
        options: dict[str, Any] = {
            "concurrency": concurrency, "name": worker_name(), "install_signal_handlers": False,
            "additional_context": {"database_url": database_url},
            "update_heartbeat_interval": HEARTBEAT_SECONDS, "stalled_worker_timeout": STALLED_AFTER_SECONDS,
        }
        while not stopping.is_set():
            await retry_stalled(app)
            if until_idle:
                await queue_processing(app, database_url)
            worker = Worker(app=app, wait=not until_idle, **options)
            current[:] = [worker]
            await worker.run()
            if not until_idle or await asyncio.to_thread(_queue_empty, database_url):
                break
            # Jobs still run on other workers (or wait for their retry time): look again soon,
            # and take over the jobs of a worker that dies meanwhile.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), timeout=IDLE_LOOK_SECONDS)

    run_with_app(database_url, body)


def _queue_empty(database_url: str) -> bool:
    with get_engine(database_url).connect() as conn:
        return active_jobs(conn) == 0


async def retry_failed(app: procrastinate.App, database_url: str) -> tuple[int, int]:
    """Queue every failed job again now: (queued, left failed because the same job already waits)."""
    with session_scope(database_url) as session:
        ids = failed_job_ids(session)
    retried = skipped = 0
    for job_id in ids:
        try:
            await app.job_manager.retry_job_by_id_async(job_id, retry_at=datetime.now(UTC))
            retried += 1
        except ConnectorException:  # the unique index of waiting jobs' queueing locks
            skipped += 1
    return retried, skipped
