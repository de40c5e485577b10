"""The processing process beside a crawl: `ProcessingDriver` runs `aggregator.process.stream_pages`
in a process of its own while the crawl fetches.

This module is light on purpose: the crawl's process imports it, and extraction (trafilatura,
the attribution grammar, the language model) is loaded only in the processing process.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
from collections.abc import Callable
from multiprocessing.synchronize import Event
from typing import Any

log = logging.getLogger(__name__)


def _stream_main(database_url: str, jobs: int, stop: Event, results: Any, parent_pid: int, counter: Any) -> None:
    """Body of the processing process started by `ProcessingDriver`."""
    from aggregator.process import stream_pages
    from storage.engine import get_engine

    try:
        stats = stream_pages(database_url, jobs=jobs, stop=stop, parent_pid=parent_pid, counter=counter)
        results.put(("ok", stats.as_dict()))
    except Exception as exc:  # reported to the crawl, which records it on the run
        log.exception("processing failed")
        results.put(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        get_engine(database_url).dispose()


class ProcessingDriver:
    """Runs `stream_pages` in a process of its own beside a crawl (not in the crawl's process,
    whose core serves the downloads)."""

    def __init__(self, database_url: str, *, jobs: int = 0) -> None:
        context = multiprocessing.get_context("spawn")  # a clean interpreter: no reactor, no open sockets
        self._stop = context.Event()
        self._results = context.Queue()
        self._processed = context.Value("q", 0)
        self._process = context.Process(
            target=_stream_main, args=(database_url, jobs, self._stop, self._results, os.getpid(), self._processed),
            name="aggregator-processing", daemon=False,
        )
        self._process.start()

    def pages_processed(self) -> int:
        """How many pages processing has stored so far."""
        return int(self._processed.value)

    def finish(self, progress: Callable[[int], None] | None = None) -> tuple[dict[str, Any], str | None]:
        """Let processing finish the pages stored so far; return its counts (`ProcessingStats.as_dict`)
        and its error, if any.

        `progress(pages processed)` is called when waiting starts, when the count changes (looked at
        every second) and at the end.
        """
        self._stop.set()
        reported = -1
        while True:
            if progress is not None and (done := self.pages_processed()) != reported:
                progress(done)
                reported = done
            try:
                status, value = self._results.get(timeout=1.0)
                break
            except queue.Empty:
                if not self._process.is_alive():
                    code = self._process.exitcode
                    return {}, f"the processing process stopped unexpectedly (exit code {code})"
        self._process.join(timeout=30)
        if progress is not None and (done := self.pages_processed()) != reported:
            progress(done)
        if status == "ok":
            return dict(value), None
        return {}, str(value)

    def alive(self) -> bool:
        """Whether the processing process still runs."""
        return self._process.is_alive()
