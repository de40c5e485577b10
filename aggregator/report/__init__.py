"""The per-partner report: where a partner's articles were republished, and which copies do not credit it."""

from aggregator.report.build import VERDICTS, CopyRecord, PartnerReport, partner_report
from aggregator.report.render import COPY_COLUMNS, copies_csv, report_csv, report_dict, report_text

__all__ = [
    "COPY_COLUMNS",
    "VERDICTS",
    "CopyRecord",
    "PartnerReport",
    "copies_csv",
    "partner_report",
    "report_csv",
    "report_dict",
    "report_text",
]
