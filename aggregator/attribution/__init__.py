"""Attribution: what a republished page claims about its origin (credit lines, links, structured data).

Pure functions over strings; no Scrapy, no database.
"""

from aggregator.attribution.model import CLAIM_KINDS, Attribution, Claim
from aggregator.attribution.parse import parse_attribution
from aggregator.attribution.text import repair_split_entities, strip_attribution

__all__ = [
    "CLAIM_KINDS",
    "Attribution",
    "Claim",
    "parse_attribution",
    "repair_split_entities",
    "strip_attribution",
]
