"""A writer thread that takes items from the crawl and writes them in batches, one commit each.

The crawl's reactor thread must never wait on the database: on SQLite a write waits for the
lock whenever processing commits beside the crawl. So the pipeline hands each item to this
thread and gets a Deferred back; the thread gathers the items that arrive within a short window
(at most `max_items`, waiting at most `max_delay` seconds after the first), writes them in one
transaction and fires each item's Deferred on the reactor thread.

A batch that fails as a whole is written again item by item, each in its own transaction, so
one bad item fails alone. What a kill interrupts is at most the batch in hand (a fraction of a
second of fetching), which the next run fetches again.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

T = TypeVar("T")
R = TypeVar("R")

_STOP = object()


class BatchWriter(Generic[T, R]):
    """Calls `write(items)` (in its own thread) for batches of submitted items.

    `write` returns one result per item, in order; each item's Deferred fires with its result,
    or fails with the exception its own write raised.
    """

    def __init__(self, write: Callable[[Sequence[T]], list[R]], *, max_items: int = 64,
                 max_delay: float = 0.2, name: str = "batch-writer") -> None:
        self._write = write
        self._max_items = max_items
        self._max_delay = max_delay
        self._queue: queue.Queue[Any] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._closed: Deferred[None] = Deferred()
        self._thread.start()

    def submit(self, item: T) -> Deferred[R]:
        """Queue an item; the Deferred fires (on the reactor thread) once it is written."""
        done: Deferred[R] = Deferred()
        self._queue.put((item, done))
        return done

    def close(self) -> Deferred[None]:
        """Write what is queued, stop the thread; the Deferred fires when it has stopped."""
        self._queue.put(_STOP)
        return self._closed

    def _run(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is _STOP:
                break
            batch = [first]
            deadline = time.monotonic() + self._max_delay
            while len(batch) < self._max_items:
                try:
                    entry = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    break
                if entry is _STOP:
                    stopping = True
                    break
                batch.append(entry)
            self._flush(batch)
        _reactor().callFromThread(self._closed.callback, None)

    def _flush(self, batch: list[tuple[T, Deferred[R]]]) -> None:
        items = [item for item, _ in batch]
        try:
            outcomes: list[R | Failure] = list(self._write(items))
        except Exception:
            # Write each alone: the bad one fails, its neighbours are stored.
            outcomes = []
            for item in items:
                try:
                    outcomes.extend(self._write([item]))
                except Exception:
                    outcomes.append(Failure())
        call = _reactor().callFromThread
        for (_, done), outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, Failure):
                call(done.errback, outcome)
            else:
                call(done.callback, outcome)


def _reactor() -> Any:
    # Imported late: importing it installs a reactor, which must be the one Scrapy chose.
    from twisted.internet import reactor

    return reactor
