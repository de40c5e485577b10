"""The dashboard for people: every source's health and copies, a page per source, a page per copy.

Server-rendered HTML, usable without JavaScript and on a phone. Read-only, like the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse

from aggregator.api.pages import render_page, render_report_page
from aggregator.api.routes import SessionDep
from aggregator.crawl.schedule import DEFAULT_POLICY
from aggregator.explain import explain
from aggregator.report import partner_report
from storage.health import CrawlHealth, crawl_health
from storage.queries import SourceStats, source_stats
from storage.sources import PARTNER

dashboard = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def _root(request: Request) -> str:
    return str(request.scope.get("root_path", ""))


@dataclass(frozen=True)
class SourceRow:
    """A row of the dashboard: a source's counts (as /sources gives them) and its crawl health."""

    stats: SourceStats
    health: CrawlHealth


@dashboard.get("/")
def index(session: SessionDep, request: Request) -> HTMLResponse:
    """Every source: its crawl health and its copies by verdict."""
    health = crawl_health(session, failing_after=DEFAULT_POLICY.failing_after)
    rows = [SourceRow(stats, health.get(stats.host) or CrawlHealth()) for stats in source_stats(session)]
    partners = [row.stats for row in rows if row.stats.role == PARTNER]
    totals = {
        "articles": sum(row.stats.articles for row in rows),
        "copies": sum(s.republications for s in partners),
        "uncredited": sum(s.republications - s.by_verdict["correct"] for s in partners),
        "failing": sum(row.health.failing_feeds for row in rows),
    }
    return HTMLResponse(render_page("index.html", root=_root(request), sources=rows, totals=totals,
                                    failing_after=DEFAULT_POLICY.failing_after))


@dashboard.get("/sites/{host}")
def site_page(session: SessionDep, request: Request,
              host: Annotated[str, Path(max_length=255)]) -> HTMLResponse:
    """A source's page: a partner's copies elsewhere (without credit first) and where its articles
    went; a republisher's copies of others' articles."""
    report = partner_report(session, host) if "\x00" not in host else None
    if report is None:
        raise HTTPException(status_code=404, detail=f"no source with host {host!r}")
    return HTMLResponse(render_report_page(report, root=_root(request), links=True))


@dashboard.get("/copy")
def copy_page(request: Request, url: Annotated[str, Query(min_length=1, max_length=4096)]) -> HTMLResponse:
    """What `explain` says about a URL (nothing is fetched)."""
    found = explain(request.app.state.database_url, url, fetch=False)
    status = 404 if found.role in ("unknown", "invalid") else 200
    return HTMLResponse(render_page("copy.html", root=_root(request), e=found), status_code=status)
