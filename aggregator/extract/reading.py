"""One page read whole: its content and metadata, and what it claims about its origin.

The page is decoded and parsed once (`aggregator.extract.page`); extraction and attribution
both read that one tree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from aggregator.extract.attribution import Attribution, KnownSources, read_attribution, strip_attribution
from aggregator.extract.attribution.known import known_sources as cached_known_sources
from aggregator.extract.content import Extracted, extract_content, language_identifier
from aggregator.extract.page import parse_page


@dataclass(frozen=True)
class PageReading:
    """What was read from one page: its extraction and its attribution claims."""

    extracted: Extracted
    attribution: Attribution


def read_page(
    html: str,
    url: str,
    *,
    hints: Mapping[str, Any] | None = None,
    default_language: str | None = None,
    known_sources: Mapping[str, str] | KnownSources | None = None,
) -> PageReading:
    """Extraction and attribution of one page, from one parse, as processing does them.

    `known_sources` maps display names to hosts (or is a `KnownSources` built once for many pages).
    """
    page = parse_page(html, url)
    known = known_sources if isinstance(known_sources, KnownSources) else cached_known_sources(known_sources)
    extracted = extract_content(page, hints=hints, default_language=default_language)
    return PageReading(extracted, read_attribution(page, known))


def article_text(reading: PageReading) -> str:
    """The text stored for a partner's article: its main text without the credit lines that
    name another source.

    On a partner's own page, lines that credit nobody else (a read-more line naming itself) are
    its own text and stay. (A republication's stored text is decided by matching, which also
    drops the republisher's recurring paragraphs.)
    """
    attribution = reading.attribution
    if not attribution.source_host:
        attribution = replace(attribution, credit_lines=frozenset())
    return strip_attribution(reading.extracted.text, attribution)


def warm_up() -> None:
    """Load what reading a page needs (the language model, trafilatura's tables) ahead of time,
    so that processes forked from this one share it instead of each loading it."""
    # The sample page below is too short for language detection to run: load its model outright.
    language_identifier()
    read_page(
        "<html lang='en'><body><article><h1>Warm up</h1><p>" + "A short paragraph of plain English text. " * 10
        + "</p></article></body></html>",
        "http://warm-up.invalid/",
    )
