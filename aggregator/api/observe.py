"""What operators watch: an access log line per request, and Prometheus metrics at /metrics.

Request metrics are counted in this process. The rest (crawl runs, pages, feeds, copies, the
work waiting for processing and matching) is read from the database when scraped, at most
every `DATABASE_METRICS_TTL` seconds, so every worker process answers the same figures.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aggregator.crawl.schedule import DEFAULT_POLICY
from storage.health import database_counts
from storage.runs import last_runs

access_log = logging.getLogger("aggregator.access")
DATABASE_METRICS_TTL = 10.0  # seconds
FAILING_AFTER = DEFAULT_POLICY.failing_after


class RequestMetrics:
    """The HTTP metrics of one app, in the app's own registry (several apps can live in a process)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter("aggregator_http_requests", "HTTP requests answered, by method, route and status.",
                                ["method", "route", "status"], registry=registry)
        self.duration = Histogram("aggregator_http_request_duration_seconds", "Time to answer a request, by route.",
                                  ["route"], registry=registry)


def _route_of(scope: Scope) -> str:
    """The route template that answered (`/articles/{article_id}`), not the path: bounded label values."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return str(path) if path is not None else "unmatched"


class ObserveMiddleware:
    """Times each HTTP request, counts it in `metrics` and writes one access log line."""

    def __init__(self, app: ASGIApp, metrics: RequestMetrics, log_requests: bool = True) -> None:
        self.app = app
        self.metrics = metrics
        self.log_requests = log_requests

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500
        sent = 0

        async def observe(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = int(message["status"])
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, observe)
        finally:
            elapsed = time.perf_counter() - start
            route = _route_of(scope)
            self.metrics.requests.labels(scope["method"], route, str(status)).inc()
            self.metrics.duration.labels(route).observe(elapsed)
            if self.log_requests:
                self._log(scope, status, sent, elapsed)

    @staticmethod
    def _log(scope: Scope, status: int, sent: int, elapsed: float) -> None:
        client = scope.get("client")
        address = client[0] if client else "-"
        path = scope.get("path", "")
        query = scope.get("query_string", b"").decode("latin-1")
        target = f"{path}?{query}" if query else path
        access_log.info(
            '%s "%s %s HTTP/%s" %d %d %.1fms', address, scope["method"], target, scope.get("http_version", "1.1"),
            status, sent, elapsed * 1000,
            extra={"client": address, "method": scope["method"], "path": target, "status": status,
                   "duration_ms": round(elapsed * 1000, 1)},
        )


class DatabaseCollector(Collector):
    """Figures read from the database at scrape time (cached for DATABASE_METRICS_TTL seconds)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions
        self._lock = threading.Lock()
        self._cached: list[Any] = []
        self._expires = 0.0

    def collect(self) -> Iterator[Any]:
        with self._lock:
            if time.monotonic() >= self._expires:
                self._cached = self._read()
                self._expires = time.monotonic() + DATABASE_METRICS_TTL
            yield from self._cached

    def _read(self) -> list[Any]:
        with self.sessions() as session:
            counts = database_counts(session, failing_after=FAILING_AFTER)
            last = last_runs(session, limit=1)
        families: list[Any] = []
        runs = CounterMetricFamily("aggregator_crawl_runs", "Crawl runs recorded in the database.")
        runs.add_metric([], counts["crawl_runs"])
        families.append(runs)
        if last:
            stats = last[0].stats or {}
            for name, key, help_text in (
                ("aggregator_last_crawl_pages_fetched", "pages_fetched", "Pages fetched by the latest crawl."),
                ("aggregator_last_crawl_pages_processed", "pages_processed", "Pages processed by the latest crawl."),
                ("aggregator_last_crawl_feeds_polled", "feeds_polled", "Feeds polled by the latest crawl."),
                ("aggregator_last_crawl_errors", "errors", "Fetch errors recorded by the latest crawl."),
            ):
                gauge = GaugeMetricFamily(name, help_text)
                gauge.add_metric([], float(stats.get(key, 0) or 0))
                families.append(gauge)
            started = GaugeMetricFamily("aggregator_last_crawl_start_time_seconds",
                                        "When the latest crawl started (Unix time).")
            started.add_metric([], last[0].started_at.timestamp())
            families.append(started)
            if last[0].finished_at is not None:
                finished = GaugeMetricFamily("aggregator_last_crawl_finish_time_seconds",
                                             "When the latest finished crawl ended (Unix time).")
                finished.add_metric([], last[0].finished_at.timestamp())
                families.append(finished)
        families.append(_labelled("aggregator_pages", "Stored pages by processing state ('fetched': waiting "
                                  "for processing).", "state", counts["pages"]))
        families.append(_labelled("aggregator_feeds", "Feeds by health: ok, in_error (last poll failed), failing "
                                  f"({FAILING_AFTER} errors in a row or more).", "health", {
                                      "ok": counts["feeds"]["total"] - counts["feeds"]["in_error"],
                                      "in_error": counts["feeds"]["in_error"] - counts["feeds"]["failing"],
                                      "failing": counts["feeds"]["failing"]}))
        families.append(_labelled("aggregator_sources", "Sources by role.", "role", counts["sources"]))
        families.append(_labelled("aggregator_copies", "Copies matched to their original, by attribution verdict.",
                                  "attribution", counts["copies"]))
        for name, key, help_text in (
            ("aggregator_articles", "articles", "Canonical articles."),
            ("aggregator_provisional_copies", "provisional_copies", "Copies whose original is not known yet."),
            ("aggregator_matching_queue", "copies_waiting_for_matching", "Copies waiting for matching."),
        ):
            gauge = GaugeMetricFamily(name, help_text)
            gauge.add_metric([], counts[key])
            families.append(gauge)
        return families


def _labelled(name: str, help_text: str, label: str, values: dict[str, int]) -> GaugeMetricFamily:
    gauge = GaugeMetricFamily(name, help_text, labels=[label])
    for value, count in sorted(values.items()):
        gauge.add_metric([value], count)
    return gauge


def metrics_registry(sessions: sessionmaker[Session]) -> tuple[CollectorRegistry, RequestMetrics]:
    """A registry with the request metrics and the database's figures."""
    registry = CollectorRegistry()
    registry.register(DatabaseCollector(sessions))
    return registry, RequestMetrics(registry)


async def metrics_endpoint(request: Request) -> Response:
    """The app's metrics in the Prometheus text format."""
    registry: CollectorRegistry = request.app.state.metrics_registry
    body = await run_in_threadpool(generate_latest, registry)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
