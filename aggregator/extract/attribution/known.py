"""Recognising a known source by its display name ("Le blog d'USEO" -> "blog.useo.net")."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from aggregator.extract.attribution.labels import phrase_key


def known_sources(names: Mapping[str, str] | None) -> KnownSources:
    """`KnownSources` of a name -> host mapping, built once per distinct mapping (a crawl reads
    every page with the same sources)."""
    return _known(tuple(sorted((names or {}).items())))


@lru_cache(maxsize=8)
def _known(items: tuple[tuple[str, str], ...]) -> KnownSources:
    return KnownSources(dict(items))


class KnownSources:
    """Display names of known sources and their hosts, matched as whole words, case-insensitively."""

    def __init__(self, names: Mapping[str, str] | None) -> None:
        items = tuple(
            sorted((phrase_key(name), host.lower()) for name, host in (names or {}).items() if name)
        )
        self._hosts = dict(items)
        self._pattern = _names_pattern(tuple(name for name, _ in items)) if items else None

    def find(self, text: str) -> str | None:
        """The host of the first known source named in `text`, or None."""
        if self._pattern is None or not text:
            return None
        match = self._pattern.search(phrase_key(text))
        return self._hosts[match.group(0)] if match else None


@lru_cache(maxsize=32)
def _names_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    # Longest first, so "Le blog d'USEO" wins over "USEO" when both are known.
    ordered = sorted(names, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(name) for name in ordered) + r")(?!\w)")
