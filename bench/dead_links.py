"""Dead links: a sitemap whose URLs all answer 404 against the same sitemap answering 200.

Goal: a 20,000-URL sitemap answering 404 is crawled at no less than half the rate of the same
sitemap answering 200 (ratio = 404 rate / 200 rate >= 0.5).

One partner host (no feed) whose /sitemap.xml lists N article URLs, served from a separate
process on loopback (`bench.web_server --sitemap-web`). `aggregator crawl` runs twice, each on a
fresh SQLite database (`db upgrade` and `sources import` not timed): once where every article
URL answers 200 with a small article page, once where every one answers 404. For each run:

- end to end: URLs / wall seconds of `aggregator crawl` (process start to exit; the 200 run
  also extracts and stores N articles after fetching, the 404 run records N failures);
- fetch phase: URLs / seconds between the first and the last article request the server saw,
  which isolates the fetching rate (politeness and throttling) from start-up and extraction.

    python -m bench.dead_links [--urls 2000] [--timeout 1800]
    python -m bench.dead_links --urls 20000            # the size of the goal
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from bench import web_server
from bench.crawl_run import cli_env, megabytes, run_cli, timed_crawl

HOST = "fieldnotes.example"
GOAL_RATIO = 0.5


def crawl_once(workdir: Path, *, urls: int, status: int, timeout: float, jobs: int) -> dict[str, Any]:
    """Serve the sitemap web answering ``status``; crawl it on a fresh database; the run's figures."""
    folder = workdir / f"status-{status}"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    database = f"sqlite:///{folder / 'crawl.db'}"
    sources = folder / "sources.yaml"
    sources.write_text(f"sources:\n  - name: Field Notes\n    home: http://{HOST}/\n    role: partner\n"
                       f"    language: en\n    sitemaps: [http://{HOST}/sitemap.xml]\n", encoding="utf-8")
    log_path = folder / "requests.log"
    with web_server.serve("--sitemap-web", HOST, "--urls", str(urls), "--status", str(status),
                          log_path=log_path) as server:
        env = cli_env(database, server.proxy)
        run_cli("db", "upgrade", env=env)
        run_cli("sources", "import", str(sources), env=env)
        crawl = timed_crawl(env, jobs=jobs, timeout=timeout)
    log = server.requests()
    articles = [(moment, code) for moment, code, _, url in log if "/posts/" in url]
    fetched = len(articles)
    phase = (articles[-1][0] - articles[0][0]) if fetched > 1 else 0.0
    summary = next((line for line in crawl.stdout.splitlines() if line.startswith("crawl finished")), "")
    return {
        "status": status, "urls": urls, "crawl_s": round(crawl.seconds, 2), "timed_out": crawl.timed_out,
        "exit": crawl.returncode, "article_requests": fetched,
        "answered": dict(sorted(Counter(str(code) for _, code in articles).items())),
        "urls_per_s": round(fetched / crawl.seconds, 2) if crawl.seconds else 0.0,
        "fetch_phase_s": round(phase, 2), "fetch_urls_per_s": round(fetched / phase, 2) if phase else 0.0,
        "peak_rss_tree_mb": megabytes(crawl.peak_tree_rss), "summary": summary,
        "stderr_tail": "" if crawl.returncode == 0 else crawl.stderr[-1500:],
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, default=2000, help="article URLs in the sitemap (goal: 20000)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds allowed to each crawl")
    parser.add_argument("--jobs", type=int, default=0, help="aggregator crawl --jobs (0: one per core)")
    parser.add_argument("--workdir", type=Path, help="where databases and logs go (default: a temp folder)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args(argv)
    created = args.workdir is None or not args.workdir.exists()
    workdir = (args.workdir or Path(tempfile.mkdtemp(prefix="bench-dead-links-"))).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        runs = {}
        for status in (200, 404):
            print(f"crawling {args.urls} URLs answering {status} ...", flush=True)
            runs[status] = crawl_once(workdir, urls=args.urls, status=status, timeout=args.timeout, jobs=args.jobs)
            run = runs[status]
            print(f"  {run['summary'] or 'crawl exited ' + str(run['exit'])}", flush=True)
            if run["timed_out"]:
                print(f"  killed after {args.timeout:.0f} s: rates count the URLs requested by then", flush=True)
    finally:
        if args.keep:
            print(f"work folder kept: {workdir}")
        elif created:
            shutil.rmtree(workdir, ignore_errors=True)
    ok, dead = runs[200], runs[404]
    ratio = dead["urls_per_s"] / ok["urls_per_s"] if ok["urls_per_s"] else 0.0
    fetch_ratio = dead["fetch_urls_per_s"] / ok["fetch_urls_per_s"] if ok["fetch_urls_per_s"] else 0.0
    print()
    print(f"{'answer':<8}{'requests':>10}{'crawl s':>10}{'URLs/s':>9}{'fetch s':>10}{'fetch URLs/s':>14}"
          f"{'peak RSS MB':>13}")
    for run in (ok, dead):
        print(f"{run['status']:<8}{run['article_requests']:>10}{run['crawl_s']:>10.1f}{run['urls_per_s']:>9.1f}"
              f"{run['fetch_phase_s']:>10.1f}{run['fetch_urls_per_s']:>14.1f}{run['peak_rss_tree_mb']:>13.1f}")
    verdict = "met" if ratio >= GOAL_RATIO else "not met"
    print(f"ratio 404 / 200: {ratio:.3f} end to end ({verdict}; goal >= {GOAL_RATIO}), {fetch_ratio:.3f} fetch phase")
    result = {"urls": args.urls, "ratio": round(ratio, 3), "fetch_ratio": round(fetch_ratio, 3),
              "ok": {k: v for k, v in ok.items() if k != "stderr_tail"},
              "dead": {k: v for k, v in dead.items() if k != "stderr_tail"}}
    for run in (ok, dead):
        if run["stderr_tail"]:
            print(f"crawl of the {run['status']} web failed:\n{run['stderr_tail']}")
    print(json.dumps(result), flush=True)
    return result


if __name__ == "__main__":
    main()
