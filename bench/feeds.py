"""Feed-step benchmark: feeds per second of `parse_feed` against plain `feedparser.parse` defaults.

Both run in the same process on the same bytes: the 200 real feeds of corpora/real-feeds, for
several rounds (the order of the contenders alternates between rounds); the median round counts.
It also checks, in the same run, that both find the same number of entries in every feed (JSON
Feed aside, which feedparser 6.0 does not read), and can time the intermediate steps to show what
each lean option buys.

    python -m bench.feeds                      # 5 rounds, summary
    python -m bench.feeds --rounds 9 --steps   # and the steps in between
    python -m bench.feeds --json               # one JSON object, for scripts
    python -m bench.feeds --min-speedup 3      # exit 1 below the goal (for CI)
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import feedparser

from aggregator.crawl.feeds import _run_feedparser, parse_feed

GOAL_SPEEDUP = 3.0


def default_corpus() -> Path:
    """corpora/real-feeds in the shared test data beside the project (as the tests find it)."""
    from tests.conftest import SHARED_DIR

    return SHARED_DIR / "corpora" / "real-feeds"


def load_feeds(corpus: Path) -> list[tuple[str, bytes]]:
    """(url, body) of every feed listed in the corpus's feeds.json, read into memory."""
    feeds = []
    for record in json.loads((corpus / "feeds.json").read_text()):
        feeds.append((record["url"], _site_file(corpus / "sites", record["url"]).read_bytes()))
    return feeds


def _site_file(sites: Path, url: str) -> Path:
    # The layout of the corpus (and of syndication-web/serve.py): host/path, index.html for
    # directories, path/__query__/<query>.html for URLs with a query string.
    parts = urlsplit(url)
    base = sites / (parts.hostname or "")
    rel = unquote(parts.path).lstrip("/")
    if parts.query:
        queried = base / (rel + "/" if rel else "") / "__query__" / (parts.query.replace("/", "_") + ".html")
        if queried.is_file():
            return queried
    path = base / rel
    return path / "index.html" if rel == "" or rel.endswith("/") else path


def _plain(url: str, body: bytes) -> Any:
    return feedparser.parse(body)


def _project(url: str, body: bytes) -> Any:
    return parse_feed(body, url=url)


def _lean_options(url: str, body: bytes) -> Any:
    return feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False,
                            response_headers={"content-location": url})


def _lean_glue(url: str, body: bytes) -> Any:
    return _run_feedparser(body, url, None)


CONTENDERS: dict[str, Callable[[str, bytes], Any]] = {
    "feedparser.parse (defaults)": _plain,
    "parse_feed (project)": _project,
}
STEPS: dict[str, Callable[[str, bytes], Any]] = {
    "feedparser.parse, sanitize/resolve off": _lean_options,
    "lean feedparser glue (buffered expat), no post-processing": _lean_glue,
}


def time_round(parse: Callable[[str, bytes], Any], feeds: Sequence[tuple[str, bytes]]) -> float:
    """Seconds to parse every feed once."""
    gc.collect()
    start = time.perf_counter()
    for url, body in feeds:
        parse(url, body)
    return time.perf_counter() - start


def count_mismatches(feeds: Sequence[tuple[str, bytes]]) -> list[tuple[str, int, int]]:
    """Feeds where parse_feed and plain feedparser.parse find different numbers of entries."""
    mismatches = []
    for url, body in feeds:
        ours = parse_feed(body, url=url)
        if ours.format == "json":
            continue  # feedparser 6.0 does not read JSON Feed; it finds no entries
        theirs = len(feedparser.parse(body).entries)
        if len(ours.entries) != theirs:
            mismatches.append((url, theirs, len(ours.entries)))
    return mismatches


def run(corpus: Path, rounds: int, steps: bool) -> dict[str, Any]:
    """Time every contender for `rounds` rounds; return medians, speed-up and the parity check."""
    feeds = load_feeds(corpus)
    contenders = dict(CONTENDERS, **(STEPS if steps else {}))
    seconds: dict[str, list[float]] = {name: [] for name in contenders}
    names = list(contenders)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # feedparser's deprecation warnings are not what we time
        for name in names:  # warm-up: imports, regex compilation, caches
            time_round(contenders[name], feeds[:20])
        for round_number in range(rounds):
            order = names if round_number % 2 == 0 else list(reversed(names))
            for name in order:
                seconds[name].append(time_round(contenders[name], feeds))
        mismatches = count_mismatches(feeds)
    medians = {name: statistics.median(times) for name, times in seconds.items()}
    per_second = {name: len(feeds) / median for name, median in medians.items()}
    baseline, ours = per_second["feedparser.parse (defaults)"], per_second["parse_feed (project)"]
    return {
        "feeds": len(feeds),
        "bytes": sum(len(body) for _, body in feeds),
        "rounds": rounds,
        "feeds_per_second": per_second,
        "round_seconds": seconds,
        "speedup": ours / baseline,
        "goal_speedup": GOAL_SPEEDUP,
        "entry_count_mismatches": mismatches,
        "python": platform.python_version(),
        "feedparser": feedparser.__version__,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark from the command line; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, default=None, help="the real-feeds corpus directory")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", action="store_true", help="also time the intermediate steps")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--min-speedup", type=float, default=None, help="exit 1 when slower than this")
    args = parser.parse_args(argv)
    corpus = args.corpus or default_corpus()
    if not (corpus / "feeds.json").is_file():
        print(f"corpus not found: {corpus} (pass --corpus)", file=sys.stderr)
        return 2
    result = run(corpus, max(args.rounds, 1), args.steps)
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        print(f"feed step: {result['feeds']} feeds, {result['bytes'] / 1e6:.1f} MB, "
              f"median of {result['rounds']} rounds (Python {result['python']}, "
              f"feedparser {result['feedparser']})")
        for name, rate in result["feeds_per_second"].items():
            print(f"  {rate:8.1f} feeds/s  {name}")
        verdict = "met" if result["speedup"] >= GOAL_SPEEDUP else "NOT met"
        print(f"  speed-up {result['speedup']:.2f}x (goal {GOAL_SPEEDUP:.0f}x: {verdict})")
        mismatches = result["entry_count_mismatches"]
        print(f"  entry counts equal to plain feedparser.parse: "
              f"{'all feeds' if not mismatches else f'{len(mismatches)} mismatches: {mismatches}'}")
    if result["entry_count_mismatches"]:
        return 1
    if args.min_speedup is not None and result["speedup"] < args.min_speedup:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
