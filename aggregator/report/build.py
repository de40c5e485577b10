"""Assemble a partner's report from storage: its articles, every copy, totals by verdict and by site."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from storage.base import utcnow
from storage.reports import ArticleCopies, CopyRow, articles_of_source, copies_of_source
from storage.sources import REPUBLISHER, source_by_host

VERDICTS = ("missing", "wrong", "intermediary", "correct")
"""The attribution verdicts, copies without credit first: the order of every report."""


@dataclass(frozen=True)
class CopyRecord:
    """A copy as the report lists it (one row of storage.reports.CopyRow)."""

    row: CopyRow

    @property
    def credited(self) -> bool:
        """Whether the copy credits the original's source."""
        return self.row.attribution == "correct"

    def sort_key(self) -> tuple[int, str, str]:
        """Copies without credit first (missing, wrong, intermediary), then by site and URL."""
        attribution = self.row.attribution or ""
        rank = VERDICTS.index(attribution) if attribution in VERDICTS else len(VERDICTS)
        return rank, self.row.site, self.row.url


@dataclass
class SiteTotals:
    """The copies one republishing site made of the partner's articles, by verdict."""

    site: str
    by_verdict: dict[str, int] = field(default_factory=lambda: dict.fromkeys(VERDICTS, 0))

    @property
    def copies(self) -> int:
        """Every copy on the site."""
        return sum(self.by_verdict.values())

    @property
    def uncredited(self) -> int:
        """Copies on the site that do not credit the partner."""
        return self.copies - self.by_verdict["correct"]


@dataclass
class PartnerReport:
    """Everything the report shows about one source."""

    host: str
    name: str
    role: str
    home_url: str
    since: datetime | None
    generated_at: datetime
    articles: list[ArticleCopies]
    copies: list[CopyRecord]  # uncredited first

    @property
    def totals(self) -> dict[str, int]:
        """Counts of articles and copies, and of copies per verdict."""
        by_verdict = dict.fromkeys(VERDICTS, 0)
        for copy in self.copies:
            if copy.row.attribution in by_verdict:
                by_verdict[copy.row.attribution] += 1
        return {
            "articles": len(self.articles),
            "articles_copied": sum(1 for a in self.articles if a.copies),
            "copies": len(self.copies),
            "sites": len(self.by_site),
            **by_verdict,
            "uncredited": len(self.copies) - by_verdict["correct"],
        }

    @property
    def by_site(self) -> list[SiteTotals]:
        """Copies per republishing site, the sites with the most uncredited copies first."""
        sites: dict[str, SiteTotals] = {}
        for copy in self.copies:
            totals = sites.setdefault(copy.row.site, SiteTotals(copy.row.site))
            if copy.row.attribution in totals.by_verdict:
                totals.by_verdict[copy.row.attribution] += 1
        return sorted(sites.values(), key=lambda s: (-s.uncredited, -s.copies, s.site))


def partner_report(session: Session, host: str, *, since: datetime | None = None,
                   now: datetime | None = None) -> PartnerReport | None:
    """The report of the source at `host` (None when there is none): for a partner, the copies of
    its articles elsewhere; for a republisher, the copies of others' articles found on its site.

    `since`: only the copies first seen at or after it, and the articles published, stored or
    copied since then.
    """
    source = source_by_host(session, host)
    if source is None:
        return None
    republisher = source.role == REPUBLISHER
    rows = copies_of_source(session, source_id=source.id, republisher=republisher, since=since)
    copies = [CopyRecord(row) for row in rows]
    return PartnerReport(
        host=source.host,
        name=source.name,
        role=source.role,
        home_url=source.home_url,
        since=since,
        generated_at=now or utcnow(),
        articles=articles_of_source(session, source_id=source.id, since=since),
        copies=sorted(copies, key=CopyRecord.sort_key),
    )
