"""The child process of a fetch job: `python -m aggregator.crawl.fetch_job [--due] [--feeds-only] HOST...`.

A fetch job runs Scrapy in a process of its own (the Twisted reactor cannot restart inside a
long-lived worker). The database is AGGREGATOR_DATABASE_URL. Prints the run's summary as one
JSON line on stdout; exits 0 when the crawl ran (errors of feeds and pages are data, recorded
on them), non-zero when it could not run.
"""

from __future__ import annotations

import argparse
import json
import sys

from aggregator.crawl.logs import configure_logging
from aggregator.crawl.run import run_fetch
from aggregator.settings import Settings


def main(argv: list[str] | None = None) -> int:
    """Run one fetch job's crawl; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m aggregator.crawl.fetch_job")
    parser.add_argument("hosts", nargs="+", metavar="HOST")
    parser.add_argument("--due", action="store_true")
    parser.add_argument("--feeds-only", action="store_true")
    parser.add_argument("--log-level", default="WARNING")
    args = parser.parse_args(argv)
    configure_logging(args.log_level, "text")
    summary = run_fetch(Settings.from_env().database_url, hosts=args.hosts, due=args.due,
                        feeds_only=args.feeds_only)
    sys.stdout.write(json.dumps(summary, ensure_ascii=False) + "\n")
    return 0 if summary else 1


if __name__ == "__main__":
    sys.exit(main())
