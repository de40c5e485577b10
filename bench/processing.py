"""Processing cost per page: stored pages through extraction, storing and matching, on one core.

Times the product's own processing step (`aggregator.process.process_pages`, what the crawl and
`aggregator reprocess` run), with one worker (`jobs=1`), over a database of stored pages: by
default the built-in demo web, crawled once on loopback (not timed); or `--database` a SQLite
file of your own. Each round processes every stored page of a fresh copy of that database, so
every round does the same work: extraction, articles and republications stored, matching.
Reports wall time and the process's CPU time (user + system; with one worker everything runs in
this process), which holds better than wall time on a machine shared with other work.

    python -m bench.processing [--rounds 7] [--database crawl.db]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from aggregator.process import process_pages
from storage.engine import get_engine


def _crawl_demo_web(target: Path) -> None:
    from aggregator.crawl.run import run_crawl
    from aggregator.demo import build_demo_web, serve_demo_web
    from aggregator.sources.file import parse_sources
    from aggregator.sources.importer import import_sources
    from storage.migrations import upgrade

    url = f"sqlite:///{target}"
    web = build_demo_web()
    upgrade(url)
    import_sources(url, parse_sources(web.sources_yaml()))
    with serve_demo_web(web) as proxy:
        os.environ["http_proxy"] = proxy
        os.environ.pop("no_proxy", None)
        # The crawl (fetching and processing) runs in a child: Twisted's reactor cannot restart.
        pid = os.fork()
        if pid == 0:  # pragma: no cover - child
            run_crawl(url, jobs=1, allow_private_networks="127.0.0.0/8,::1/128")  # the demo web is on loopback
            os._exit(0)
        os.waitpid(pid, 0)


def _checkpoint(path: Path) -> None:
    url = f"sqlite:///{path}"
    with get_engine(url).connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    get_engine(url).dispose()


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--database", type=Path, help="a SQLite database of stored pages (default: the demo web)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        source = tmp / "source.db"
        if args.database:
            shutil.copy(args.database, source)
        else:
            _crawl_demo_web(source)
        _checkpoint(source)
        seconds, cpu_seconds, pages = [], [], 0
        for _ in range(args.rounds):
            copy = tmp / "round.db"
            shutil.copy(source, copy)
            url = f"sqlite:///{copy}"
            started, cpu_started = time.perf_counter(), time.process_time()
            stats = process_pages(url, jobs=1, reprocess_all=True)
            seconds.append(time.perf_counter() - started)
            cpu_seconds.append(time.process_time() - cpu_started)
            pages = stats.pages
            get_engine(url).dispose()
            get_engine.cache_clear()
    result = {"pages": pages, "rounds": args.rounds, "median_s": statistics.median(seconds), "min_s": min(seconds),
              "ms_per_page_median": 1000 * statistics.median(seconds) / max(pages, 1),
              "ms_per_page_min": 1000 * min(seconds) / max(pages, 1),
              "cpu_ms_per_page_median": 1000 * statistics.median(cpu_seconds) / max(pages, 1),
              "cpu_ms_per_page_min": 1000 * min(cpu_seconds) / max(pages, 1)}
    print(f"{pages} pages, {args.rounds} rounds: median {result['median_s']:.3f} s "
          f"({result['ms_per_page_median']:.1f} ms/page), best {result['min_s']:.3f} s "
          f"({result['ms_per_page_min']:.1f} ms/page); CPU {result['cpu_ms_per_page_median']:.1f} ms/page median, "
          f"{result['cpu_ms_per_page_min']:.1f} best")
    return result


if __name__ == "__main__":
    main()
