"""Extraction: a fetched page decoded and parsed once, its main text and metadata, and what it
claims about its origin (attribution). Pure functions: HTML in, plain data out.

The names below are loaded on first use: a process that only decodes pages (the crawl's) does not
load trafilatura, the attribution grammar and the language model with them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aggregator.extract.page import ParsedPage, decode_html, parse_page
    from aggregator.extract.reading import PageReading, article_text, read_page, warm_up

_HOMES = {
    "ParsedPage": "aggregator.extract.page", "decode_html": "aggregator.extract.page",
    "parse_page": "aggregator.extract.page", "PageReading": "aggregator.extract.reading",
    "article_text": "aggregator.extract.reading", "read_page": "aggregator.extract.reading",
    "warm_up": "aggregator.extract.reading",
}

__all__ = ["PageReading", "ParsedPage", "article_text", "decode_html", "parse_page", "read_page", "warm_up"]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
