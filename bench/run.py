"""`make bench`: every benchmark of the project, one after the other, at its documented size.

    python -m bench.run [--quick] [--only extraction,metadata,processing,feeds,repoll,matching,api,crawl,dead_links]

--quick runs each at a small size (a smoke test of the benchmarks themselves); the figures in
docs/benchmarks.md come from full runs. Results are printed; each benchmark's own --help says
how to run it alone.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from bench import api, crawl, dead_links, extraction, extraction_metadata, feeds, matching, processing, repoll

FULL: dict[str, tuple[Callable[[list[str]], object], list[str]]] = {
    "extraction": (extraction.main, []),
    "metadata": (extraction_metadata.main, []),
    "processing": (processing.main, []),
    "feeds": (feeds.main, ["--rounds", "5", "--steps"]),
    "repoll": (repoll.main, ["--feeds", "10000", "--hosts", "100"]),
    "matching": (matching.main, ["--articles", "1000000", "--minhash"]),
    "api": (api.main, ["--articles", "1000000"]),
    "crawl": (crawl.main, ["--pages", "10000"]),
    "dead_links": (dead_links.main, ["--urls", "20000"]),
}
QUICK: dict[str, list[str]] = {
    "extraction": [],
    "metadata": [],
    "processing": ["--rounds", "2"],
    "feeds": ["--rounds", "1"],
    "repoll": ["--feeds", "200", "--hosts", "10"],
    "matching": ["--articles", "20000", "--queries", "200", "--workdir", ".bench/quick"],
    "api": ["--articles", "20000", "--requests", "300", "--warmup", "50"],
    "crawl": ["--pages", "600"],
    "dead_links": ["--urls", "500"],
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: check that every benchmark runs")
    parser.add_argument("--only", default=",".join(FULL), help="comma-separated benchmarks to run")
    args = parser.parse_args(argv)
    for name in [n.strip() for n in args.only.split(",") if n.strip()]:
        if name not in FULL:
            parser.error(f"unknown benchmark {name!r}; known: {', '.join(FULL)}")
        run, full_args = FULL[name]
        print(f"\n=== {name} ===", flush=True)
        start = time.perf_counter()
        run(QUICK[name] if args.quick else full_args)
        print(f"=== {name}: {time.perf_counter() - start:.0f} s ===", flush=True)


if __name__ == "__main__":
    main()
