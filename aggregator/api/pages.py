"""Server-rendered HTML: the dashboard's pages and the standalone HTML report (Jinja2 templates
shipped in this package; no script, no external asset)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from aggregator import __version__
from aggregator.report import VERDICTS, PartnerReport
from aggregator.urls import display_url
from storage.base import utcnow


def _when(value: datetime | None, pattern: str = "%Y-%m-%d %H:%M UTC") -> str:
    """A moment as people read it (UTC), or 'never'."""
    return value.strftime(pattern) if value else "never"


_environment = Environment(
    loader=PackageLoader("aggregator.api", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_environment.filters["iri"] = display_url
_environment.filters["when"] = _when


def render_page(template: str, *, root: str = "", links: bool = True, **context: Any) -> str:
    """An HTML page of the dashboard; `root` is the path the app is mounted under, `links` whether
    pages link to each other (False for a standalone document)."""
    return _environment.get_template(template).render(
        root=root.rstrip("/"), links=links, version=__version__, verdicts=VERDICTS,
        generated_at=context.pop("generated_at", None) or utcnow(), **context,
    )


def render_report_page(report: PartnerReport, *, root: str = "", links: bool = False) -> str:
    """A partner's report as one self-contained HTML document (links to the dashboard with `links`)."""
    return render_page("report.html", root=root, links=links, r=report, generated_at=report.generated_at)
