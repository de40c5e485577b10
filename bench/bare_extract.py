"""The extraction baseline of `bench.crawl`: bare `trafilatura.extract` over pages read from disk.

    python -m bench.bare_extract PAGES_LIST

PAGES_LIST has one ``URL<TAB>FILE`` line per page. In one process, for every page: read the
file, decode it as UTF-8, ``trafilatura.extract(html, url=url, with_metadata=True)``. Only that
loop is timed; the caller times the whole process (imports included). Prints one JSON object.
"""

from __future__ import annotations

import json
import sys
import time


def main(argv: list[str] | None = None) -> dict[str, float]:
    """Extract every listed page; print and return the loop's figures."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        raise SystemExit("usage: python -m bench.bare_extract PAGES_LIST")
    import trafilatura

    with open(args[0], encoding="utf-8") as listing:
        pages = [line.rstrip("\n").split("\t", 1) for line in listing if line.strip()]
    empty = chars = 0
    start = time.perf_counter()
    for url, path in pages:
        with open(path, "rb") as page:
            html = page.read().decode("utf-8", errors="replace")
        text = trafilatura.extract(html, url=url, with_metadata=True)
        if not text:
            empty += 1
        else:
            chars += len(text)
    seconds = time.perf_counter() - start
    result = {"pages": len(pages), "loop_seconds": seconds, "empty": empty, "chars": chars}
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
