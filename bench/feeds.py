"""Feed-step benchmark: feeds per second of `parse_feed` against plain `feedparser.parse` defaults.

Both run in the same process on the same bytes: the 200 real feeds of corpora/real-feeds, for
several rounds (the order of the contenders alternates between rounds); the median round counts.
It also checks, in the same run, parity field by field: every feed and entry field `parse_feed`
returns against the same field read from plain `feedparser.parse` (JSON Feed aside, which
feedparser 6.0 does not read); and it can time the intermediate steps to show what each lean
option buys.

    python -m bench.feeds                      # 5 rounds, summary
    python -m bench.feeds --rounds 9 --steps   # and the steps in between
    python -m bench.feeds --json               # one JSON object, for scripts
    python -m bench.feeds --min-speedup 3      # exit 1 below the goal (for CI)
"""

from __future__ import annotations

import argparse
import gc
import html
import json
import platform
import re
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import feedparser

from aggregator.crawl.feeds import ParsedFeed, _from_feedparser, _run_feedparser, parse_feed

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


FEED_FIELDS = ("format", "title", "link", "ttl_minutes")
ENTRY_FIELDS = ("key", "link", "title", "author", "published", "updated")
HTML_FIELDS = ("summary_html", "content_html")
"""Entry HTML: plain feedparser sanitizes it and rewrites relative URIs, `parse_feed` keeps it as
published (the text is extracted later), so these are compared on their text (tags dropped,
entities decoded, whitespace collapsed) and, separately, byte for byte."""
_TAG = re.compile(r"<[^>]*>")
# The sanitizer drops these elements with their content.
_SCRIPT_STYLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_SPACE = re.compile(r"\s+")


def html_text(value: str | None) -> str:
    """The visible text of an HTML fragment, roughly: tags dropped, entities decoded, spaces collapsed."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", _SCRIPT_STYLE.sub(" ", value or "")))).strip()


def plain_as_parsed(url: str, body: bytes) -> ParsedFeed:
    """What the project's fields would be read from plain `feedparser.parse` with its defaults,
    told the feed's URL the documented way (as the Content-Location header, which feedparser
    resolves relative links and ids against); the same field mapping as `parse_feed`."""
    return _from_feedparser(feedparser.parse(body, response_headers={"content-location": url}), body, url, None)


def field_parity(feeds: Sequence[tuple[str, bytes]]) -> dict[str, Any]:
    """Per field, how many feeds / entries give the same value through `parse_feed` and through
    plain `feedparser.parse` (entries paired in document order), with examples of differences."""
    equal: dict[str, int] = {}
    differ: dict[str, int] = {}
    examples: dict[str, list[Any]] = {}
    entry_count_mismatches = []
    compared_feeds = compared_entries = 0

    def count(field: str, ours: Any, theirs: Any, where: str) -> None:
        if ours == theirs:
            equal[field] = equal.get(field, 0) + 1
            return
        differ[field] = differ.get(field, 0) + 1
        if len(examples.setdefault(field, [])) < 3:
            ours, theirs = str(ours), str(theirs)
            at = next((i for i, (a, b) in enumerate(zip(ours, theirs, strict=False)) if a != b),
                      min(len(ours), len(theirs)))
            examples[field].append({"where": where, "first_difference_at": at,
                                    "parse_feed": ours[max(0, at - 60):at + 100],
                                    "feedparser": theirs[max(0, at - 60):at + 100]})

    for url, body in feeds:
        ours = parse_feed(body, url=url)
        if ours.format == "json":
            continue  # feedparser 6.0 does not read JSON Feed; it finds no entries
        theirs = plain_as_parsed(url, body)
        compared_feeds += 1
        for field in FEED_FIELDS:
            count(f"feed.{field}", getattr(ours, field), getattr(theirs, field), url)
        if len(ours.entries) != len(theirs.entries):
            entry_count_mismatches.append((url, len(theirs.entries), len(ours.entries)))
        for i, (mine, plain) in enumerate(zip(ours.entries, theirs.entries, strict=False)):
            compared_entries += 1
            where = f"{url} entry {i}"
            for field in ENTRY_FIELDS:
                # An entry with neither id nor link is keyed by the hash of its title and HTML, and
                # the HTML differs by design (see HTML_FIELDS): counted apart.
                hashed = field == "key" and mine.key.startswith("sha256:")
                count("entry.key (content hash)" if hashed else f"entry.{field}", getattr(mine, field),
                      getattr(plain, field), where)
            for field in HTML_FIELDS:
                count(f"entry.{field} (text)", html_text(getattr(mine, field)), html_text(getattr(plain, field)), where)
                count(f"entry.{field} (bytes)", getattr(mine, field), getattr(plain, field), where)
    fields = sorted(set(equal) | set(differ))
    return {
        "feeds_compared": compared_feeds,
        "entries_compared": compared_entries,
        "entry_count_mismatches": entry_count_mismatches,
        "fields": {f: {"equal": equal.get(f, 0), "differ": differ.get(f, 0)} for f in fields},
        "examples": examples,
    }


def parity_failures(parity: dict[str, Any]) -> list[str]:
    """Fields that must be equal and are not (entry HTML, and the content-hash keys made from it,
    differ by design)."""
    failing = [f for f, n in parity["fields"].items() if n["differ"] and not f.endswith(")")]
    return failing + (["entry count"] if parity["entry_count_mismatches"] else [])


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
        parity = field_parity(feeds)
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
        "parity": parity,
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
        parity = result["parity"]
        print(f"  parity with plain feedparser.parse, field by field: {parity['feeds_compared']} feeds, "
              f"{parity['entries_compared']} entries; entry counts "
              f"{'equal in every feed' if not parity['entry_count_mismatches'] else parity['entry_count_mismatches']}")
        for field, n in parity["fields"].items():
            print(f"    {field:<28} equal {n['equal']:>6}  differ {n['differ']:>5}")
        for field, cases in parity["examples"].items():
            for case in cases[:1]:
                print(f"    e.g. {field}: {json.dumps(case, ensure_ascii=False)}")
    if parity_failures(result["parity"]):
        print(f"  parity broken: {parity_failures(result['parity'])}", file=sys.stderr)
        return 1
    if args.min_speedup is not None and result["speedup"] < args.min_speedup:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
