"""The exact keys matching finds candidates by, besides shingle fingerprints.

A copy's candidates come from three sources: the articles its claims point to (by address), the
articles with exactly its text, and the fingerprint index. A copy seen before its original must
be found again when the original arrives, through whichever of the three would now propose it:
so a copy looks up, beside its shingle fingerprints, an exact key for its text and one for each
address its claims give; an original announces its text and its addresses under the same keys.
"""

from __future__ import annotations

from collections.abc import Iterable

from aggregator.match.fingerprints import TEXT_KEY, URL_KEY, exact_key
from aggregator.urls import host_of, same_site, try_normalise_url, url_match_key


def off_site_urls(site: str, urls: Iterable[str | None]) -> list[str]:
    """The URLs among `urls` that are http(s) addresses off `site`, normalised, in order, once each."""
    out: list[str] = []
    for url in urls:
        normal = try_normalise_url(url) if isinstance(url, str) else None
        if normal and not same_site(host_of(normal), site) and normal not in out:
            out.append(normal)
    return out


def copy_keys(*, site: str, text_hash: str | None, claim_urls: Iterable[str | None]) -> list[int]:
    """The exact keys a copy on `site` looks up: its text, and each address its claims give."""
    keys = [exact_key(TEXT_KEY, text_hash)] if text_hash else []
    keys += [exact_key(URL_KEY, url_match_key(url)) for url in off_site_urls(site, claim_urls)]
    return sorted(set(keys))


def original_keys(*, text_hash: str, urls: Iterable[str]) -> list[int]:
    """The exact keys an original announces: its text, and its addresses (URL and aliases)."""
    keys = {exact_key(TEXT_KEY, text_hash)}
    keys |= {exact_key(URL_KEY, url_match_key(url)) for url in urls if try_normalise_url(url)}
    return sorted(keys)
