"""Benchmark of the read API: fill a database with generated articles, then measure latency.

    python -m bench.api --articles 1000000 --republications 2000000 --engines sqlite,postgresql

For each engine: build a fresh database under .bench/ by running the migrations, bulk-load
generated sources, canonical articles and republications (executemany in big batches on
SQLite, COPY on PostgreSQL), start uvicorn on 127.0.0.1 in a subprocess, and drive it with an
asyncio + httpx client (32 concurrent requests by default) for a fixed number of requests per
endpoint. Prints p50/p99 latency and requests per second, and writes them as JSON.

The client runs on the same machine as the server and competes with it for CPU, so the
figures are a lower bound of what the server does on its own.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import itertools
import json
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from aggregator.urls import url_match_key
from storage.articles import public_article_id
from storage.engine import normalise_database_url
from storage.migrations import upgrade

BENCH_DIR = Path(".bench")
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PG_DATABASE = "aggregator_bench"
SEED = 20261128
VOCABULARY_SIZE = 30_000
PARTNERS = 1_000
REPUBLISHERS = 300
AUTHORS = 5_000
LANGUAGES = ("fr", "en", "de")
KINDS = ("full", "excerpt", "edited")
ATTRIBUTIONS = ("correct", "missing", "wrong", "intermediary")
EPOCH = datetime(2021, 1, 1, tzinfo=UTC)
SPAN_SECONDS = 5 * 365 * 24 * 3600
BATCH = 50_000
# Search terms are drawn uniformly from these vocabulary ranks: below rank 100 a word is in
# more than 5% of the articles (a stop word, in effect).
QUERY_RANKS = (100, VOCABULARY_SIZE)


# ---------------------------------------------------------------------------- generated data


def vocabulary(rng: random.Random) -> list[str]:
    """VOCABULARY_SIZE distinct pronounceable words, in rank order (most frequent first)."""
    syllables = [c + v for c in "bcdfgklmnprstvz" for v in "aeiou"]
    words: set[str] = set()
    ordered: list[str] = []
    while len(ordered) < VOCABULARY_SIZE:
        word = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        if word not in words:
            words.add(word)
            ordered.append(word)
    return ordered


@dataclass(frozen=True)
class Corpus:
    """The deterministic recipe of the generated data: URLs can be rebuilt from indexes."""

    articles: int
    republications: int

    @staticmethod
    def partner_host(index: int) -> str:
        """Host of the partner source number `index`."""
        return f"blog{index}.example.org"

    @staticmethod
    def article_url(index: int) -> str:
        """Canonical URL of article number `index` (1-based, its database id)."""
        return f"https://{Corpus.partner_host(index % PARTNERS)}/posts/{index}-story"

    @staticmethod
    def republication_url(index: int) -> str:
        """URL of republication number `index`."""
        return f"https://copy{index % REPUBLISHERS}.example.net/r/{index}"


def article_rows(corpus: Corpus, words: list[str]) -> Iterator[tuple[Any, ...]]:
    """Rows in the order of ARTICLE_COLUMNS."""
    rng = random.Random(SEED)
    cumulative = list(itertools.accumulate(1.0 / rank for rank in range(1, len(words) + 1)))
    total = cumulative[-1]
    now = datetime.now(UTC)

    def draw(count: int) -> list[str]:
        return [words[bisect.bisect(cumulative, rng.random() * total)] for _ in range(count)]

    for index in range(1, corpus.articles + 1):
        url = Corpus.article_url(index)
        published = None if index % 50 == 0 else EPOCH + timedelta(seconds=rng.randrange(SPAN_SECONDS))
        yield (
            index,
            public_article_id(url),
            url,
            url_match_key(url),
            index % PARTNERS + 1,
            " ".join(draw(6)).capitalize(),
            f"Author {rng.randrange(AUTHORS)}",
            published,
            LANGUAGES[index % len(LANGUAGES)],
            " ".join(draw(rng.randint(40, 80))),
            f"{index:064x}",
            now,
            now,
        )


def republication_rows(corpus: Corpus) -> Iterator[tuple[Any, ...]]:
    """Rows in the order of REPUBLICATION_COLUMNS."""
    rng = random.Random(SEED + 1)
    now = datetime.now(UTC)
    for index in range(1, corpus.republications + 1):
        article = rng.randrange(1, corpus.articles + 1)
        attribution = rng.choice(ATTRIBUTIONS)
        claimed = Corpus.partner_host(article % PARTNERS) if attribution == "correct" else None
        url = Corpus.republication_url(index)
        yield (index, article, PARTNERS + index % REPUBLISHERS + 1, url, url_match_key(url),
               f"copy{index % REPUBLISHERS}.example.net", rng.choice(KINDS), attribution, claimed, now,
               "copied text")


def source_rows() -> Iterator[tuple[Any, ...]]:
    """Rows in the order of SOURCE_COLUMNS: partners, then republishers."""
    now = datetime.now(UTC)
    for index in range(PARTNERS):
        host = Corpus.partner_host(index)
        yield index + 1, host, f"Blog {index}", f"https://{host}/", "partner", "fr", now, now
    for index in range(REPUBLISHERS):
        host = f"copy{index}.example.net"
        yield PARTNERS + index + 1, host, f"Copy {index}", f"https://{host}/", "republisher", None, now, now


def batches(rows: Iterator[tuple[Any, ...]], size: int = BATCH) -> Iterator[list[tuple[Any, ...]]]:
    """`rows` in lists of `size`."""
    while batch := list(itertools.islice(rows, size)):
        yield batch


# --------------------------------------------------------------------------------- loading

SOURCE_COLUMNS = "id, host, name, home_url, role, language, created_at, updated_at"
ARTICLE_COLUMNS = (
    "id, public_id, url, url_key, source_id, title, author, published, language, text, text_hash, created_at, "
    "updated_at"
)
REPUBLICATION_COLUMNS = (
    "id, article_id, source_id, url, url_key, site, kind, attribution, claimed_source_host, first_seen, text"
)


def model_defaults(table: str, provided: str) -> dict[str, Any]:
    """Values for the NOT NULL columns the loader does not fill, from the models' own defaults.

    The schema grows while this benchmark stays the same; new required columns get the value a
    normal insert would give them.
    """
    from sqlalchemy import JSON

    from storage import Base

    names = {name.strip() for name in provided.split(",")}
    values: dict[str, Any] = {}
    for column in Base.metadata.tables[table].columns:
        if column.name in names or column.nullable or column.primary_key or column.server_default is not None:
            continue
        default: Any = column.default
        if default is None:
            raise SystemExit(f"{table}.{column.name} is required and has no default: fill it in bench/api.py")
        value = default.arg(None) if default.is_callable else default.arg
        values[column.name] = json.dumps(value) if isinstance(column.type, JSON) else value
    return values


def with_defaults(table: str, provided: str) -> tuple[str, tuple[Any, ...]]:
    """The column list `provided` extended with the defaulted columns, and their values."""
    extra = model_defaults(table, provided)
    return ", ".join([provided, *extra]), tuple(extra.values())


def placeholders(count: int) -> str:
    """`?, ?, ...` for an INSERT of `count` columns."""
    return ", ".join("?" * count)


def sqlite_row(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """`row` with datetimes spelled as SQLAlchemy stores them in SQLite (naive UTC, microseconds)."""
    return tuple(v.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(v, datetime) else v for v in row)


def load_sqlite(path: Path, corpus: Corpus) -> None:
    """A fresh SQLite database at `path`, migrated and filled (FTS kept current by its triggers)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    upgrade(f"sqlite:///{path}")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-400000")
    source_columns, source_extra = with_defaults("sources", SOURCE_COLUMNS)
    article_columns, article_extra = with_defaults("articles", ARTICLE_COLUMNS)
    republication_columns, republication_extra = with_defaults("republications", REPUBLICATION_COLUMNS)
    with conn:
        conn.executemany(
            f"INSERT INTO sources ({source_columns}) VALUES ({placeholders(8 + len(source_extra))})",
            [sqlite_row((*row, *source_extra)) for row in source_rows()],
        )
    words = vocabulary(random.Random(SEED))
    for batch in batches(article_rows(corpus, words)):
        with conn:
            conn.executemany(
                f"INSERT INTO articles ({article_columns}) VALUES ({placeholders(13 + len(article_extra))})",
                [sqlite_row((*row, *article_extra)) for row in batch],
            )
        print(f"  articles {batch[-1][0]:,}", file=sys.stderr, flush=True)
    for batch in batches(republication_rows(corpus)):
        with conn:
            conn.executemany(
                f"INSERT INTO republications ({republication_columns}) "
                f"VALUES ({placeholders(11 + len(republication_extra))})",
                [sqlite_row((*row, *republication_extra)) for row in batch],
            )
    with conn:
        conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('optimize')")
    conn.execute("ANALYZE")
    conn.close()


def load_postgres(base_url: str, corpus: Corpus) -> str:
    """A fresh PostgreSQL database, migrated and filled with COPY. Returns its URL.

    The search trigger is paused during COPY and its side table filled afterwards in one
    statement, as migration 0002 does for existing rows: same result, far fewer round trips.
    """
    import psycopg
    import sqlalchemy as sa

    base_url = normalise_database_url(base_url)
    url = sa.engine.make_url(base_url).set(database=PG_DATABASE).render_as_string(hide_password=False)
    admin = sa.create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{PG_DATABASE}"'))
    admin.dispose()
    upgrade(url)
    dsn = sa.engine.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    words = vocabulary(random.Random(SEED))
    with psycopg.connect(dsn) as conn:
        conn.execute("ALTER TABLE articles DISABLE TRIGGER article_search_after_insert")
        source_columns, source_extra = with_defaults("sources", SOURCE_COLUMNS)
        article_columns, article_extra = with_defaults("articles", ARTICLE_COLUMNS)
        republication_columns, republication_extra = with_defaults("republications", REPUBLICATION_COLUMNS)
        with conn.cursor() as cur:
            with cur.copy(f"COPY sources ({source_columns}) FROM STDIN") as copy:
                for row in source_rows():
                    copy.write_row((*row, *source_extra))
            with cur.copy(f"COPY articles ({article_columns}) FROM STDIN") as copy:
                for row in article_rows(corpus, words):
                    copy.write_row((*row, *article_extra))
            print("  articles copied", file=sys.stderr, flush=True)
            with cur.copy(f"COPY republications ({republication_columns}) FROM STDIN") as copy:
                for row in republication_rows(corpus):
                    copy.write_row((*row, *republication_extra))
            cur.execute("INSERT INTO article_search (article_id, document) "
                        "SELECT id, article_search_document(title, author, text) FROM articles")
        conn.execute("ALTER TABLE articles ENABLE TRIGGER article_search_after_insert")
        for table in ("sources", "articles", "republications"):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        conn.commit()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return url


# ------------------------------------------------------------------------------- measuring


def request_paths(corpus: Corpus, kind: str, count: int, rng: random.Random) -> list[str]:
    """`count` request paths of one kind, drawn from the generated data."""
    words = vocabulary(random.Random(SEED))
    paths = []
    for _ in range(count):
        if kind == "q":
            paths.append(f"/articles?q={words[rng.randrange(*QUERY_RANKS)]}")
        elif kind == "source":
            paths.append(f"/articles?source={Corpus.partner_host(rng.randrange(PARTNERS))}")
        elif kind == "lookup":
            choice = rng.randrange(3)
            if choice == 0:
                url = Corpus.article_url(rng.randrange(1, corpus.articles + 1))
            elif choice == 1:
                url = Corpus.article_url(rng.randrange(1, corpus.articles + 1)) + "?utm_source=feed&utm_medium=rss"
            else:
                url = Corpus.republication_url(rng.randrange(1, corpus.republications + 1))
            paths.append("/lookup?" + httpx.QueryParams({"url": url}).__str__())
        elif kind == "id":
            paths.append(f"/articles/{public_article_id(Corpus.article_url(rng.randrange(1, corpus.articles + 1)))}")
        else:
            raise ValueError(kind)
    return paths


async def drive(base_url: str, paths: list[str], concurrency: int) -> dict[str, Any]:
    """Send every path with `concurrency` requests in flight; latency percentiles and throughput."""
    queue: asyncio.Queue[str] = asyncio.Queue()
    for path in paths:
        queue.put_nowait(path)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def worker(client: httpx.AsyncClient) -> None:
        while True:
            try:
                path = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            started = time.perf_counter()
            try:
                status = (await client.get(path)).status_code
            except httpx.HTTPError:
                status = 0  # a transport error: counted, not fatal to the run
            latencies.append(time.perf_counter() - started)
            statuses[status] = statuses.get(status, 0) + 1

    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
        "rps": len(latencies) / elapsed,
        "non_200": sum(n for status, n in statuses.items() if status != 200),
        "statuses": {str(status): n for status, n in sorted(statuses.items())},  # 0: transport error
    }


def process_cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) used so far by a process and its children's threads, from /proc."""
    try:
        pids = [pid, *(int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split())]
        total = 0.0
        for one in pids:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total
    except (OSError, ValueError, IndexError):
        return None  # not Linux, or the process is gone


def free_port() -> int:
    """A TCP port nobody listens on at the moment."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def serve(database_url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    """uvicorn serving the read API over `database_url`, ready to answer."""
    env = {**os.environ, "AGGREGATOR_DATABASE_URL": database_url}
    env.pop("AGGREGATOR_API_KEYS", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "aggregator.api.server:app_from_env", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(workers), "--no-access-log", "--log-level", "warning"],
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    process.kill()
    raise RuntimeError("the API server did not start")


def measure(database_url: str, corpus: Corpus, args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    """Latency and throughput of each benchmarked endpoint against a running server."""
    port = args.port or free_port()
    process = serve(database_url, port, args.workers)
    results = {}
    try:
        rng = random.Random(SEED + 2)
        base = f"http://127.0.0.1:{port}"
        for kind, label in (("q", "/articles?q="), ("source", "/articles?source="), ("lookup", "/lookup?url="),
                            ("id", "/articles/{id}")):
            asyncio.run(drive(base, request_paths(corpus, kind, args.warmup, rng), args.concurrency))
            paths = request_paths(corpus, kind, args.requests, rng)
            cpu_before = process_cpu_seconds(process.pid)
            load = os.getloadavg()[0]
            result = asyncio.run(drive(base, paths, args.concurrency))
            cpu_after = process_cpu_seconds(process.pid)
            if cpu_before is not None and cpu_after is not None:
                # Server CPU per request: what the server costs, whatever else runs on the machine.
                result["server_cpu_ms"] = 1000 * (cpu_after - cpu_before) / len(paths)
            result["load_average"] = load
            results[label] = result
            cpu = f"{result['server_cpu_ms']:5.2f}" if "server_cpu_ms" in result else "  n/a"
            print(f"  {label:<20} p50 {result['p50_ms']:7.1f} ms  p99 {result['p99_ms']:7.1f} ms  "
                  f"{result['rps']:7.0f} req/s  server CPU {cpu} ms/req  load {load:4.1f}  "
                  f"(non-200: {result['non_200']})", flush=True)
    finally:
        process.terminate()
        process.wait(timeout=30)
    return results


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--republications", type=int, default=None, help="default: twice --articles")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--postgres-url", default=os.environ.get("AGGREGATOR_BENCH_POSTGRES_URL", DEFAULT_PG_URL))
    parser.add_argument("--requests", type=int, default=3000, help="measured requests per endpoint")
    parser.add_argument("--warmup", type=int, default=300, help="unmeasured requests per endpoint first")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--reuse", action="store_true", help="measure the databases of a previous run")
    parser.add_argument("--load-only", action="store_true", help="build the databases, measure nothing")
    args = parser.parse_args(argv)
    corpus = Corpus(args.articles, args.republications if args.republications is not None else 2 * args.articles)
    BENCH_DIR.mkdir(exist_ok=True)
    report: dict[str, Any] = {"articles": corpus.articles, "republications": corpus.republications,
                              "concurrency": args.concurrency, "workers": args.workers, "engines": {}}
    for engine in args.engines.split(","):
        started = time.perf_counter()
        if engine == "sqlite":
            path = BENCH_DIR / f"api-{corpus.articles}.db"
            if not args.reuse:
                load_sqlite(path, corpus)
            url = f"sqlite:///{path}"
        elif engine == "postgresql":
            url = (sa_url_for(args.postgres_url) if args.reuse else load_postgres(args.postgres_url, corpus))
        else:
            raise SystemExit(f"unknown engine {engine}")
        load_seconds = time.perf_counter() - started
        print(f"{engine}: {corpus.articles:,} articles, {corpus.republications:,} republications "
              f"({'reused' if args.reuse else f'loaded in {load_seconds:.0f} s'})", flush=True)
        endpoints = {} if args.load_only else measure(url, corpus, args)
        report["engines"][engine] = {"load_seconds": None if args.reuse else load_seconds, "endpoints": endpoints}
    out = BENCH_DIR / f"api-results-{corpus.articles}.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"results written to {out}")


def sa_url_for(base_url: str) -> str:
    """The URL of the benchmark database on the PostgreSQL server of `base_url`."""
    import sqlalchemy as sa

    parsed = sa.engine.make_url(normalise_database_url(base_url)).set(database=PG_DATABASE)
    return parsed.render_as_string(hide_password=False)


if __name__ == "__main__":
    main()
