"""End-to-end crawl against bare extraction: `aggregator crawl` of a generated web, timed beside
single-process `trafilatura.extract` of the same pages from disk, in the same run.

Goal: the crawl of a 10,000-page web takes less wall time than bare extraction of its pages
(ratio = bare seconds / crawl seconds >= 1), with a peak RSS <= 500 MB that stays flat from 10k
to 50k pages, and every copy linked to its own original.

1. Generates the web (`bench.crawl_web`; reused when the work folder already holds the same
   pages and seed) and serves it from a separate process on loopback (`bench.web_server`).
2. `aggregator db upgrade` and `aggregator sources import` (not timed), then `aggregator crawl`
   as a subprocess, timed end to end, its process tree's RSS sampled every 0.2 s.
3. `aggregator export --format jsonl` (not timed), scored against the generator's truth.
4. In a fresh subprocess: read, decode and `trafilatura.extract(html, url=url,
   with_metadata=True)` every article page (originals and copies); the loop is timed, and the
   whole process (imports included) too.

    python -m bench.crawl --pages 10000 [--workdir DIR] [--keep] [--seed S] [--jobs J]
    python -m bench.crawl --pages 600                      # a quick check
    python -m bench.crawl --pages 50000 --no-baseline      # memory at scale
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from bench.crawl_run import cli_env, megabytes, run_cli, timed_crawl, timed_run
from bench.crawl_web import Web, default_corpora, ensure_web, serve_web

GOAL_RATIO = 1.0
GOAL_PEAK_MB = 500


def _normaliser() -> Any:
    try:
        from aggregator.urls import normalise_url
    except ImportError:  # pragma: no cover - the bench runs beside the product
        return lambda url: url
    return normalise_url


def score(web: Web, export_path: Path) -> dict[str, Any]:
    """Compare `aggregator export` with what the generator knows."""
    normal = _normaliser()
    originals = {normal(r["url"]) for r in web.originals()}
    canonical: set[str] = set()
    linked: dict[str, tuple[str, str, str]] = {}
    with export_path.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            record = json.loads(line)
            url = normal(record["url"])
            canonical.add(url)
            for rep in record.get("republications") or []:
                linked[normal(rep["url"])] = (url, rep.get("kind") or "", rep.get("attribution") or "")
    copies = right = wrong = unlinked = kind_right = attribution_right = 0
    kinds: Counter[str] = Counter()
    missed_kinds: Counter[str] = Counter()
    verdicts: Counter[str] = Counter()
    for copy in web.copies():
        copies += 1
        got = linked.get(normal(copy["url"]))
        if got is None:
            unlinked += 1
            missed_kinds[copy["kind"]] += 1
            continue
        if got[0] != normal(copy["of"]):
            wrong += 1
            continue
        right += 1
        kinds[f"{copy['kind']}->{got[1]}"] += 1
        kind_right += got[1] == copy["kind"]
        verdicts[f"{copy['attribution']}->{got[2]}"] += 1
        attribution_right += got[2] == copy["attribution"]
    return {
        "canonical_expected": len(originals), "canonical_found": len(originals & canonical),
        "canonical_unexpected": len(canonical - originals),
        "copies": copies, "linked_right": right, "linked_wrong": wrong, "unlinked": unlinked,
        "kind_right": kind_right, "attribution_right": attribution_right,
        "kinds": dict(sorted(kinds.items())), "verdicts": dict(sorted(verdicts.items())),
        "unlinked_by_kind": dict(sorted(missed_kinds.items())),
    }


def served(log: list[tuple[float, int, int, str]], web: Web) -> dict[str, Any]:
    """What the crawl asked the server: requests by status, article pages fetched, forbidden URLs."""
    pages = {r["url"] for r in web.originals()} | {c["url"] for c in web.copies()}
    forbidden = {f"http://{s['host']}{s['forbidden']}" for s in web.manifest["sites"]}
    fetched = Counter(url for _, status, _, url in log if url in pages)
    moments = [moment for moment, _, _, _ in log]
    return {
        "fetch_phase_s": round(max(moments) - min(moments), 1) if moments else 0.0,
        "requests": len(log), "by_status": dict(sorted(Counter(str(status) for _, status, _, _ in log).items())),
        "article_pages_fetched": len(fetched), "article_pages_fetched_twice": sum(n > 1 for n in fetched.values()),
        "forbidden_fetched": sum(url in forbidden for _, _, _, url in log),
        "bytes": sum(size for _, _, size, _ in log),
    }


def bare_extraction(web: Web, workdir: Path, *, timeout: float) -> dict[str, Any]:
    """Bare trafilatura over every article page, in a fresh process: loop and whole-process seconds."""
    listing = workdir / "bare-pages.tsv"
    with listing.open("w", encoding="utf-8") as out:
        for record in (*web.originals(), *web.copies()):
            out.write(f"{record['url']}\t{web.root / record['file']}\n")
    run = timed_run([sys.executable, "-m", "bench.bare_extract", str(listing)], env=cli_env("sqlite://", None),
                    timeout=timeout)
    if run.returncode != 0:
        raise RuntimeError(f"bare extraction failed ({run.returncode}): {run.stderr[-3000:]}")
    figures = json.loads(run.stdout.strip().splitlines()[-1])
    return {"pages": figures["pages"], "seconds": figures["loop_seconds"], "process_seconds": run.seconds,
            "empty": figures["empty"], "peak_rss": run.peak_tree_rss}


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a running process so far."""
    import psutil

    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10_000, help="article pages in the web (80%% originals)")
    parser.add_argument("--workdir", type=Path, help="where the web, database and logs go (default: a temp folder)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (the web can be served again)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=0, help="aggregator crawl --jobs (0: one per core)")
    parser.add_argument("--corpora", type=Path, default=None, help="the shared corpora folder (real text)")
    parser.add_argument("--timeout", type=float, default=4 * 3600, help="seconds allowed to the crawl")
    parser.add_argument("--no-baseline", action="store_true", help="skip bare extraction (e.g. at 50,000 pages)")
    args = parser.parse_args(argv)
    if args.pages < 10:
        parser.error("--pages must be at least 10")

    created = args.workdir is None or not args.workdir.exists()
    workdir = (args.workdir or Path(tempfile.mkdtemp(prefix="bench-crawl-"))).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        result = _run(args, workdir)
    finally:
        if args.keep:
            print(f"work folder kept: {workdir}  (serve it again: python -m bench.web_server --root "
                  f"{workdir / 'web' / 'sites'})", flush=True)
        elif created:
            shutil.rmtree(workdir, ignore_errors=True)
    return result


def _run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    web, reused = ensure_web(workdir, pages=args.pages, seed=args.seed, corpora=args.corpora or default_corpora())
    m = web.manifest
    print(f"web: {m['pages']} article pages ({m['originals']} originals on {m['partners']} partner blogs, "
          f"{m['copies']} copies on {m['republishers']} republishers), {m['bytes'] / 1e6:.0f} MB of HTML, "
          + ("reused" if reused else f"generated in {m['generation_seconds']:.0f} s")
          + f"; sentence pool {m['sentence_pool']}, {m['sentence_passes']} pass(es)", flush=True)
    database = workdir / "crawl.db"
    for leftover in (database, *(database.with_name(database.name + s) for s in ("-wal", "-shm", "-journal"))):
        leftover.unlink(missing_ok=True)
    log_path = workdir / "requests.log"
    log_path.unlink(missing_ok=True)
    with serve_web(web, log_path=log_path) as server:
        env = cli_env(f"sqlite:///{database}", server.proxy)
        run_cli("db", "upgrade", env=env)
        run_cli("sources", "import", str(web.sources_file), env=env)
        print(f"crawling through {server.proxy} ...", flush=True)
        server_cpu = _cpu_seconds(server.process.pid)
        crawl = timed_crawl(env, jobs=args.jobs, timeout=args.timeout)
        server_cpu = _cpu_seconds(server.process.pid) - server_cpu
    summary_line = next((line for line in crawl.stdout.splitlines() if line.startswith("crawl finished")), "")
    print(summary_line or f"crawl exited {crawl.returncode}: {crawl.stderr[-2000:]}", flush=True)
    if crawl.timed_out:
        print(f"crawl killed after {args.timeout:.0f} s", flush=True)
    traffic = served(server.requests(), web)
    export_path = workdir / "export.jsonl"
    run_cli("export", "--format", "jsonl", "--output", str(export_path), env=cli_env(f"sqlite:///{database}", None))
    found = score(web, export_path)
    bare = None if args.no_baseline else bare_extraction(web, workdir, timeout=args.timeout)

    pages = m["pages"]
    result: dict[str, Any] = {
        "pages": pages, "seed": args.seed, "jobs": args.jobs,
        "crawl_s": round(crawl.seconds, 1), "crawl_pages_per_s": round(pages / crawl.seconds, 1),
        "crawl_exit": crawl.returncode,
        "peak_rss_tree_mb": megabytes(crawl.peak_tree_rss), "peak_rss_process_mb": megabytes(crawl.peak_process_rss),
        "peak_pss_tree_mb": megabytes(crawl.peak_tree_pss), "processes": crawl.peak_processes,
        "cpu_s": crawl.cpu_seconds, "server_cpu_s": round(server_cpu, 1),
    }
    if bare is not None:
        result |= {"bare_s": round(bare["seconds"], 1), "bare_pages_per_s": round(bare["pages"] / bare["seconds"], 1),
                   "bare_process_s": round(bare["process_seconds"], 1), "bare_empty": bare["empty"],
                   "ratio": round(bare["seconds"] / crawl.seconds, 3)}
    result |= {k: v for k, v in found.items()} | {"served": traffic}

    print()
    print(f"pages                     {pages}")
    print(f"aggregator crawl          {crawl.seconds:8.1f} s  {pages / crawl.seconds:7.1f} pages/s"
          f"  (jobs {args.jobs or 'one per core'}, exit {crawl.returncode}; first to last request "
          f"{traffic['fetch_phase_s']:.1f} s)")
    if bare is not None:
        print(f"bare trafilatura.extract  {bare['seconds']:8.1f} s  {bare['pages'] / bare['seconds']:7.1f} pages/s"
              f"  ({bare['process_seconds']:.1f} s with process start and imports; {bare['empty']} empty)")
        verdict = "met" if result["ratio"] >= GOAL_RATIO else "not met"
        print(f"ratio bare / crawl        {result['ratio']:8.3f}    (goal >= {GOAL_RATIO}: {verdict})")
    cpu = crawl.cpu_seconds or {}
    parts = ", ".join(f"{name} {cpu[key]:.1f}" for key, name in
                      (("root", "crawl process"), ("child", "processing"), ("grandchild", "extraction workers"))
                      if key in cpu)
    print(f"CPU of the crawl          {cpu.get('total', 0.0):8.1f} s   ({parts}; the web server "
          f"{server_cpu:.1f} s beside it)")
    print(f"peak RSS, crawl tree      {megabytes(crawl.peak_tree_rss):8.1f} MB  (largest process "
          f"{megabytes(crawl.peak_process_rss):.1f} MB, {crawl.peak_processes} processes; goal <= {GOAL_PEAK_MB} MB)")
    print(f"peak PSS, crawl tree      {megabytes(crawl.peak_tree_pss):8.1f} MB  (shared pages counted once)")
    print(f"canonical articles        {found['canonical_found']} / {found['canonical_expected']} found"
          f"  ({found['canonical_unexpected']} unexpected)")
    print(f"copies                    {found['copies']}: {found['linked_right']} linked right, "
          f"{found['linked_wrong']} linked wrong, {found['unlinked']} unlinked {found['unlinked_by_kind']}")
    print(f"  kind right              {found['kind_right']} / {found['linked_right']}  {found['kinds']}")
    print(f"  attribution right       {found['attribution_right']} / {found['linked_right']}  {found['verdicts']}")
    print(f"server                    {traffic['requests']} requests {traffic['by_status']}, "
          f"{traffic['article_pages_fetched']} article pages ({traffic['article_pages_fetched_twice']} twice), "
          f"{traffic['forbidden_fetched']} disallowed by robots.txt")
    print(json.dumps(result), flush=True)
    return result


if __name__ == "__main__":
    main()
