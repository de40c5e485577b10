"""The job queue's tables (procrastinate's, on PostgreSQL): schema, and what the commands read of them.

procrastinate writes and claims jobs with its own SQL; this module holds ours: installing its
schema from the migration, the status report of `aggregator queue status`, and the look-ups
that decide which jobs to queue (pages waiting for processing, grouped in blocks of ids).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, or_, select, text
from sqlalchemy.orm import Session

from storage.feeds import Feed
from storage.pages import FETCHED, Page
from storage.sources import Source

QUEUE_PREFIXES = ("procrastinate_", "idx_procrastinate_", "queue_job_errors")
"""Names of the queue's objects: hidden from autogenerate, which compares only our models."""


def is_queue_object(name: str | None) -> bool:
    """Whether a table, index or type belongs to the job queue."""
    return bool(name) and str(name).startswith(QUEUE_PREFIXES)


def queue_installed(conn: Connection) -> bool:
    """Whether procrastinate's tables exist in the database (PostgreSQL)."""
    return conn.execute(text("SELECT to_regclass('procrastinate_jobs') IS NOT NULL")).scalar() is True


def install_queue_schema(conn: Connection) -> None:
    """Apply procrastinate's schema (PostgreSQL), unless it is there already."""
    from procrastinate.schema import SchemaManager

    if queue_installed(conn):
        return
    # The driver's own connection: the schema's text is sent as is, with no parameter parsing
    # (it contains `%` and `:` that SQLAlchemy or psycopg would otherwise read as placeholders).
    driver = conn.connection.driver_connection
    assert driver is not None
    driver.execute(SchemaManager.get_schema())
    conn.execute(text(
        "CREATE TABLE queue_job_errors (job_id bigint PRIMARY KEY REFERENCES procrastinate_jobs (id)"
        " ON DELETE CASCADE, task text NOT NULL, error text NOT NULL, at timestamptz NOT NULL)"
    ))


def drop_queue_schema(conn: Connection) -> None:
    """Remove every object of procrastinate's schema (PostgreSQL)."""
    for table in ("queue_job_errors", "procrastinate_events", "procrastinate_periodic_defers", "procrastinate_jobs",
                  "procrastinate_workers"):
        conn.execute(text(f"DROP TABLE IF EXISTS {table} CASCADE"))
    functions = conn.execute(text(
        "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
        " WHERE p.proname LIKE 'procrastinate\\_%' AND n.nspname = current_schema()"
    )).scalars().all()
    for signature in functions:
        conn.execute(text(f"DROP FUNCTION IF EXISTS {signature} CASCADE"))
    for type_name in ("procrastinate_job_to_defer_v1", "procrastinate_job_event_type", "procrastinate_job_status"):
        conn.execute(text(f"DROP TYPE IF EXISTS {type_name} CASCADE"))


def job_counts(session: Session) -> list[dict[str, Any]]:
    """Jobs per task and state."""
    rows = session.execute(text(
        "SELECT task_name, status::text AS status, count(*) AS jobs FROM procrastinate_jobs"
        " GROUP BY task_name, status ORDER BY task_name, status"
    ))
    return [{"task": r.task_name, "state": r.status, "jobs": int(r.jobs)} for r in rows]


def oldest_waiting(session: Session) -> datetime | None:
    """When the oldest job still waiting to run was queued (None: nothing waits)."""
    return session.execute(text(
        "SELECT min(e.at) FROM procrastinate_jobs j JOIN procrastinate_events e ON e.job_id = j.id"
        " WHERE j.status = 'todo' AND e.type = 'deferred'"
    )).scalar()


def failed_jobs(session: Session, *, limit: int = 50) -> list[dict[str, Any]]:
    """The failed jobs, newest first, with their arguments and the error of their last attempt
    (recorded by the job: procrastinate keeps it only in the worker's log)."""
    rows = session.execute(text(
        "SELECT j.id, j.task_name, j.args, j.attempts, x.error,"
        " (SELECT max(e.at) FROM procrastinate_events e WHERE e.job_id = j.id) AS at"
        " FROM procrastinate_jobs j LEFT JOIN queue_job_errors x ON x.job_id = j.id"
        " WHERE j.status = 'failed' ORDER BY j.id DESC LIMIT :limit"
    ), {"limit": limit})
    return [{"id": r.id, "task": r.task_name, "args": r.args, "attempts": r.attempts,
             "error": r.error or "(no error recorded)", "at": r.at.isoformat() if r.at else None} for r in rows]


def failed_job_ids(session: Session) -> list[int]:
    """Ids of the failed jobs, oldest first."""
    return list(session.scalars(text("SELECT id FROM procrastinate_jobs WHERE status = 'failed' ORDER BY id")))


def active_jobs(conn: Connection) -> int:
    """Jobs queued or running (in every queue)."""
    return int(conn.execute(text(
        "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')"
    )).scalar() or 0)


def pending_page_blocks(session: Session, *, block_size: int) -> list[int]:
    """The blocks of page ids (id // block_size) that hold a page waiting for processing."""
    ids = session.scalars(select(Page.id).where(Page.state == FETCHED, Page.body.is_not(None)))
    return sorted({page_id // block_size for page_id in ids})


def pending_pages_in_block(session: Session, *, block: int, block_size: int) -> list[int]:
    """Ids of the pages of one block that wait for processing, by id."""
    first = block * block_size
    return list(session.scalars(
        select(Page.id).where(Page.state == FETCHED, Page.body.is_not(None), Page.id >= first,
                              Page.id < first + block_size).order_by(Page.id)
    ))


def source_hosts(session: Session) -> list[str]:
    """Every source's host, sorted."""
    return list(session.scalars(select(Source.host).order_by(Source.host)))


def hosts_with_due_feeds(session: Session, *, now: datetime) -> list[str]:
    """The hosts of the sources with a feed whose scheduled poll time has come (or never polled)."""
    stmt = (select(Source.host).join(Feed, Feed.source_id == Source.id)
            .where(or_(Feed.next_poll_at.is_(None), Feed.next_poll_at <= now)).distinct().order_by(Source.host))
    return list(session.scalars(stmt))


def record_job_error(session: Session, *, job_id: int, task: str, error: str) -> None:
    """Keep the error of a job's last failed attempt (procrastinate keeps none)."""
    session.execute(text(
        "INSERT INTO queue_job_errors (job_id, task, error, at) VALUES (:id, :task, :error, now())"
        " ON CONFLICT (job_id) DO UPDATE SET error = excluded.error, at = excluded.at"
    ), {"id": job_id, "task": task, "error": error[:2000]})
