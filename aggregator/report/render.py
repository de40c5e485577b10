"""A partner's report as a JSON-ready dict, as text for a terminal, and as CSV (one row per copy).

URLs are shown as people read them (IRIs), as in the export.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from aggregator.report.build import VERDICTS, CopyRecord, PartnerReport
from aggregator.urls import display_url

COPY_COLUMNS = (
    "url", "site", "title", "article_id", "article_url", "article_title", "kind", "attribution",
    "claimed_source_host", "claimed_author", "via", "containment", "first_seen",
)
"""The fields of a copy, in the order of the CSV columns."""


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def copy_dict(copy: CopyRecord) -> dict[str, Any]:
    """One copy as a JSON-ready dict with the COPY_COLUMNS fields."""
    row = copy.row
    return {
        "url": display_url(row.url),
        "site": row.site,
        "title": row.title,
        "article_id": row.article_id,
        "article_url": display_url(row.article_url),
        "article_title": row.article_title,
        "kind": row.kind,
        "attribution": row.attribution,
        "claimed_source_host": row.claimed_source_host,
        "claimed_author": row.claimed_author,
        "via": display_url(row.via) if row.via else None,
        "containment": row.containment,
        "first_seen": _iso(row.first_seen),
    }


def report_dict(report: PartnerReport) -> dict[str, Any]:
    """The report as one JSON-ready object: source, articles, totals, by_site and copies."""
    return {
        "source": report.host,
        "name": report.name,
        "role": report.role,
        "home_url": report.home_url,
        "since": _iso(report.since),
        "generated_at": _iso(report.generated_at),
        "totals": report.totals,
        "by_site": {
            site.site: {"copies": site.copies, **site.by_verdict, "uncredited": site.uncredited}
            for site in report.by_site
        },
        "articles": [
            {"id": a.id, "url": display_url(a.url), "title": a.title, "author": a.author,
             "published": _iso(a.published), "first_seen": _iso(a.first_seen), "copies": a.copies,
             "uncredited": a.uncredited}
            for a in report.articles
        ],
        "copies": [copy_dict(copy) for copy in report.copies],
    }


def copies_csv(copies: Iterable[CopyRecord]) -> str:
    """Copies as CSV, in the order given, with a header row (COPY_COLUMNS)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COPY_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for copy in copies:
        writer.writerow(copy_dict(copy))
    return out.getvalue()


def report_csv(report: PartnerReport) -> str:
    """The report's copies as CSV with a header row (COPY_COLUMNS), uncredited first."""
    return copies_csv(report.copies)


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _verdicts(counts: dict[str, int]) -> str:
    return ", ".join(f"{counts.get(v, 0)} {v}" for v in VERDICTS)


def report_text(report: PartnerReport) -> str:
    """The report for a terminal: totals, sites, the copies (uncredited first), the articles."""
    totals = report.totals
    window = f"copies first seen since {report.since:%Y-%m-%d %H:%M} UTC" if report.since else "all time"
    lines = [
        f"Republications of {report.host} ({report.name}, {report.role}), {window}",
        f"{totals['articles']} articles, {totals['articles_copied']} of them copied; "
        f"{_count(totals['copies'], 'copy', 'copies')} on {_count(totals['sites'], 'site', 'sites')}: "
        f"{_verdicts(totals)}",
    ]
    if report.by_site:
        lines += ["", "By site (most copies without credit first):"]
        width = max(len(site.site) for site in report.by_site)
        lines += [f"  {site.site:<{width}}  {_count(site.copies, 'copy', 'copies'):>11}: {_verdicts(site.by_verdict)}"
                  for site in report.by_site]
    uncredited = [c for c in report.copies if not c.credited]
    credited = [c for c in report.copies if c.credited]
    for title, group in (("Copies without credit", uncredited), ("Copies that credit the source", credited)):
        if not group:
            continue
        lines += ["", f"{title}:"]
        for copy in group:
            row = copy.row
            claims = f"source {row.claimed_source_host or '-'}, author {row.claimed_author or '-'}"
            via = f" via {display_url(row.via)}" if row.via else ""
            lines.append(f"  {(row.attribution or '?').upper():<12} {display_url(row.url)}")
            lines.append(f"  {'':<12} {row.kind or '?'} copy of {display_url(row.article_url)}")
            lines.append(f"  {'':<12} claims: {claims}{via}; first seen {row.first_seen:%Y-%m-%d}")
    if report.articles:
        lines += ["", "Articles:"]
        for article in report.articles:
            date = f"{article.published:%Y-%m-%d}" if article.published else "undated   "
            copies = (f"{_count(article.copies, 'copy', 'copies')} ({article.uncredited} without credit)"
                      if article.copies else "no copy found")
            lines.append(f"  {date}  {article.title or display_url(article.url)}  {copies}")
    if not report.copies:
        lines += ["", "No copy found" + (" in this window." if report.since else ".")]
    return "\n".join(lines)
