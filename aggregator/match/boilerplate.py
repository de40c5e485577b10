"""A republisher's own boilerplate: paragraphs its pages repeat around the copies they carry.

A paragraph that recurs on several pages of one republisher ("Join us!", "Subscribe to our
newsletter") is the site's, not the article's, unless the original article has it too. Pure
functions: the counts come from the storage layer.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from aggregator.match.fingerprints import has_words, paragraph_fingerprint

# A paragraph seen on at least this many pages of the same site is the site's boilerplate.
MIN_PAGES_FOR_BOILERPLATE = 2


def paragraph_key(paragraph: str) -> int:
    """A stable signed 64-bit key of a paragraph's normalised words."""
    return paragraph_fingerprint(paragraph)


def paragraph_keys(paragraphs: Sequence[str]) -> list[int]:
    """Distinct keys of the paragraphs that have words, in order."""
    return list(dict.fromkeys(paragraph_fingerprint(p) for p in paragraphs if has_words(p)))


def without_boilerplate(
    paragraphs: Sequence[str], recurring: Collection[int], original: Collection[int]
) -> list[str]:
    """The paragraphs minus the site's recurring ones that the original article does not contain."""
    return [p for p in paragraphs if (key := paragraph_key(p)) not in recurring or key in original]
