"""Attribution: what a republished page claims about its origin (credit lines, links, structured data).

Pure functions over strings; no Scrapy, no database.
"""

from aggregator.extract.attribution.known import KnownSources
from aggregator.extract.attribution.model import CLAIM_KINDS, Attribution, Claim
from aggregator.extract.attribution.parse import parse_attribution, read_attribution
from aggregator.extract.attribution.text import repair_split_entities, strip_attribution

__all__ = [
    "CLAIM_KINDS",
    "Attribution",
    "Claim",
    "KnownSources",
    "parse_attribution",
    "read_attribution",
    "repair_split_entities",
    "strip_attribution",
]
