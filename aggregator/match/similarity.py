"""Decide whether a page's text is a copy of an original, and what kind of copy.

Pure functions over paragraphs (plain strings): no Scrapy, no SQLAlchemy. The index only
proposes candidates; this module is the text check every candidate must pass.

Measures are on exact word 3-gram sets (short enough that a 10% word edit leaves most of a
paragraph's shingles intact, long enough that unrelated texts share few):

- containment: how much of the copy lies in the original (the question for excerpts);
- copied share: how much of the copy's text is in paragraphs taken from the original, which a
  light edit inside those paragraphs does not lower;
- coverage: how much of the original the copy reproduces;
- per original paragraph, how much of it the copy reproduces, which tells a full copy from a
  leading part (excerpt) from an edited copy, and one quoted paragraph from a republication.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from aggregator.match.fingerprints import containment, resemblance, shingles, words

Kind = Literal["full", "excerpt", "edited"]

VERIFY_SHINGLE_WORDS = 3
"""Words per shingle when verifying a candidate."""

PARAGRAPH_PRESENT = 0.4
"""An original paragraph is present in a copy when the copy reproduces this share of its shingles."""

PARAGRAPH_INTACT = 0.9
"""... and intact (unedited, give or take normalisation) from this share on."""

COPY_PARAGRAPH_FROM_ORIGINAL = 0.4
"""A copy paragraph comes from the original when this share of its shingles is in the original."""

BOILERPLATE_MAX_WORDS = 40
"""A copy paragraph of at most this many words that is not from the original, before or after
the copied text, is taken for boilerplate (attribution line, read-more link, share buttons)."""

MATCH_COPIED_SHARE = 0.5
"""Without other evidence, a copy matches when at least this share of its words is in paragraphs
taken from the original (see `Comparison.copied_share`)."""

MATCH_COPIED_SHARE_WITH_EVIDENCE = 0.3
"""With strong evidence (a claim or link naming the original), this lower share suffices."""

REPRODUCED_COVERAGE = 0.6
"""A copy that reproduces this share of the original's shingles, over at least two paragraphs,
is a republication whatever it adds around them (a short original with a long commentary)."""

SHORT_HEAD_WORDS = 12
"""An original's first or last paragraphs of at most this many words (a byline, a dateline, a
comment count, a copyright line) may be missing from a copy that is otherwise its leading part
or the whole of it."""

SHORT_TAIL_SHARE = 0.25
"""... at the end, only when also at most this share of the original's longest paragraph."""

MIN_SHARED_SHINGLES = 10
"""Below about a sentence of shared text, nothing is a match, whatever the ratios say."""

MIN_SHARED_SHINGLES_INTACT = 6
"""... except a copy that reproduces whole paragraphs intact with nothing but boilerplate around
(a full copy or an excerpt of a short original, whose first paragraph may be a dozen words)."""

EXCERPT_COPIED_SHARE = 0.35
"""An excerpt of one paragraph with only boilerplate around it (its site's "Read more", share
and subscription lines) matches from this copied share: a short original's first paragraph may
be shorter than the boilerplate a republisher puts around it."""

SINGLE_PARAGRAPH_SHARE = 0.6
"""When only one original paragraph is present, it must be the original's first paragraph (a
leading part) and the copy must be mostly that paragraph: otherwise it is a quotation. Strong
evidence does not lower this: quoting one paragraph with a link is commentary, not a copy."""


@dataclass(frozen=True)
class Comparison:
    """How a copy's text relates to an original's text."""

    shared_shingles: int
    """Shingles the copy and the original have in common."""
    containment: float
    """Share of the copy's shingles found in the original."""
    copied_share: float
    """Share of the copy's words in paragraphs taken from the original: those with at least
    COPY_PARAGRAPH_FROM_ORIGINAL of their shingles in it. Unlike `containment`, a light edit
    inside a paragraph does not lower it; text the copy adds does."""
    coverage: float
    """Share of the original's shingles found in the copy."""
    paragraphs_present: int
    """Original paragraphs the copy reproduces: at least PARAGRAPH_PRESENT of the shingles that
    are theirs alone (see `_reproduced`)."""
    paragraphs_total: int
    """Original paragraphs with text."""
    leading_part: bool
    """The copy reproduces the original's first paragraphs and none of the rest (an excerpt)."""
    title_changed: bool
    """Both titles are known and differ after normalisation."""
    kind: Kind
    """full, excerpt or edited: meaningful when `is_match` holds."""


def compare(
    copy_paragraphs: Sequence[str],
    original_paragraphs: Sequence[str],
    *,
    copy_title: str | None = None,
    original_title: str | None = None,
) -> Comparison:
    """Compare a copy with an original, paragraph by paragraph, on exact shingle sets.

    `kind` is `full` when every original paragraph is intact in the copy and the copy adds
    nothing but boilerplate before or after them; `excerpt` when the copy is a leading part of
    the original (its last paragraph may be cut short), again with boilerplate at most;
    `edited` otherwise (paragraphs added, removed or changed, or the title changed).
    """
    original = _paragraph_shingles(original_paragraphs)
    copy = _paragraph_shingles(copy_paragraphs)
    original_all: set[tuple[str, ...]] = set().union(*(s for _, s in original))
    copy_all: set[tuple[str, ...]] = set().union(*(s for _, s in copy))

    reproduced = _reproduced(original, original_all, copy, copy_all)
    present = [r >= PARAGRAPH_PRESENT for r in reproduced]
    # Which copy paragraphs come from the original; the others are the copy's own text.
    contained = [containment(s, original_all) for _, s in copy]
    from_original = [share >= COPY_PARAGRAPH_FROM_ORIGINAL for share in contained]

    title_changed = (
        copy_title is not None
        and original_title is not None
        and words(copy_title) != words(original_title)
    )
    body = _without_short_head(reproduced, original)
    leading = _is_leading_part(body)
    only_boilerplate_added = _only_boilerplate_around(copy, from_original)

    kind: Kind = "edited"
    if not title_changed and only_boilerplate_added:
        if all(r >= PARAGRAPH_INTACT for r in body):
            kind = "full"
        elif leading and _intact_lead(body, contained, from_original):
            kind = "excerpt"
    shared = len(copy_all & original_all)
    copy_words = sum(n for n, _ in copy)
    copied_words = sum(n for (n, _), f in zip(copy, from_original, strict=True) if f)
    return Comparison(
        copied_share=copied_words / copy_words if copy_words else 0.0,
        shared_shingles=shared,
        containment=shared / len(copy_all) if copy_all else 0.0,
        coverage=containment(original_all, copy_all),
        paragraphs_present=sum(present),
        paragraphs_total=len(original),
        leading_part=leading,
        title_changed=title_changed,
        kind=kind,
    )


def is_match(comparison: Comparison, *, strong_evidence: bool) -> bool:
    """Whether the copy republishes the original.

    Most of the copy must come from the original (MATCH_COPIED_SHARE of its words, or the lower
    MATCH_COPIED_SHARE_WITH_EVIDENCE when a claim or link names the original: evidence lowers
    the bar, it never replaces the text check), or the copy must reproduce most of the
    original (REPRODUCED_COVERAGE); and they must share at least MIN_SHARED_SHINGLES.
    A copy that reproduces a single original paragraph must be an excerpt made of the
    original's first paragraph (mostly that paragraph, or that paragraph intact with only
    boilerplate around it); one quoted paragraph inside other text is never a match.
    A shared title alone shares no text and never matches.
    """
    threshold = MATCH_COPIED_SHARE_WITH_EVIDENCE if strong_evidence else MATCH_COPIED_SHARE
    intact = comparison.kind in ("full", "excerpt") and comparison.paragraphs_present >= 1
    minimum = MIN_SHARED_SHINGLES_INTACT if intact else MIN_SHARED_SHINGLES
    if comparison.shared_shingles < minimum:
        return False
    if comparison.paragraphs_present <= 1 and comparison.paragraphs_total > 1:
        excerpt = comparison.kind == "excerpt" and comparison.copied_share >= EXCERPT_COPIED_SHARE
        return comparison.leading_part and (comparison.copied_share >= SINGLE_PARAGRAPH_SHARE or excerpt)
    return comparison.copied_share >= threshold or comparison.coverage >= REPRODUCED_COVERAGE


def _paragraph_shingles(paragraphs: Sequence[str]) -> list[tuple[int, frozenset[tuple[str, ...]]]]:
    """(word count, shingle set) of every paragraph that has words."""
    profiles = [_paragraph_profile(p) for p in paragraphs]
    return [profile for profile in profiles if profile[0]]


@lru_cache(maxsize=4096)
def _paragraph_profile(paragraph: str) -> tuple[int, frozenset[tuple[str, ...]]]:
    # A copy is compared with several candidates in a row: shingle its paragraphs once.
    tokens = paragraph_words(paragraph)
    if len(tokens) < VERIFY_SHINGLE_WORDS:
        return len(tokens), frozenset(shingles(tokens, VERIFY_SHINGLE_WORDS))
    # `shingles`, built straight into the frozen set (a quarter less work than copying its set).
    return len(tokens), frozenset(zip(*(tokens[i:] for i in range(VERIFY_SHINGLE_WORDS)), strict=False))


@lru_cache(maxsize=4096)
def paragraph_words(paragraph: str) -> tuple[str, ...]:
    """`fingerprints.words` of one paragraph, memoised: the caller that fingerprints a copy and
    then compares it with candidates tokenises each of its paragraphs once."""
    return tuple(words(paragraph))


def _reproduced(
    original: Sequence[tuple[int, frozenset[tuple[str, ...]]]],
    original_all: set[tuple[str, ...]],
    copy: Sequence[tuple[int, frozenset[tuple[str, ...]]]],
    copy_all: set[tuple[str, ...]],
) -> list[float]:
    """How much of each original paragraph the copy reproduces, in original order.

    Judged on the shingles only that paragraph has, so that a heading repeating a phrase of the
    lead is not "reproduced" by a copy of the lead alone. A paragraph with no shingle of its own
    counts as reproduced only as far as some copy paragraph is that paragraph (resemblance).
    """
    repeated: set[tuple[str, ...]] = set()
    if sum(len(s) for _, s in original) > len(original_all):  # some shingle is in two paragraphs
        seen = Counter(shingle for _, s in original for shingle in s)
        repeated = {shingle for shingle, n in seen.items() if n > 1}
    out = []
    for _, paragraph in original:
        own = paragraph - repeated if repeated else paragraph
        if own:
            out.append(containment(own, copy_all))
        else:
            out.append(max((resemblance(paragraph, c) for _, c in copy), default=0.0))
    return out


def _without_short_head(
    reproduced: Sequence[float], original: Sequence[tuple[int, frozenset[tuple[str, ...]]]]
) -> Sequence[float]:
    """`reproduced` without the original's short paragraphs at either end that the copy left out.

    A byline or dateline the extractor kept at the top of an original ("Posted on 28 January
    2019 by Jane Doe"), or a comment count and a copyright line at its end, is not article text
    an excerpt must start with, nor text whose absence makes a full copy an excerpt.
    """
    start, end = 0, len(reproduced)
    while (start < end - 1 and original[start][0] <= SHORT_HEAD_WORDS
           and reproduced[start] < PARAGRAPH_PRESENT):
        start += 1
    # At the end, only lines much shorter than the article's paragraphs: the last line of a short
    # original (three lines of a dozen words) is its text, and a copy without it an excerpt.
    longest = max((words for words, _ in original[start:end]), default=0)
    tail_words = min(SHORT_HEAD_WORDS, longest * SHORT_TAIL_SHARE)
    while end - 1 > start and original[end - 1][0] <= tail_words and reproduced[end - 1] < PARAGRAPH_PRESENT:
        end -= 1
    return reproduced[start:end]


def _is_leading_part(reproduced: Sequence[float]) -> bool:
    """The copy reproduces a proper leading part of the original, and nothing else of it.

    Paragraphs 0..m-1 are present, paragraph m may be cut short (partly reproduced, as
    excerpts often end mid-paragraph), nothing after it is present, and m < n.
    """
    n = len(reproduced)
    m = 0
    while m < n and reproduced[m] >= PARAGRAPH_PRESENT:
        m += 1
    if m == n:
        return False
    starts_at_the_top = m > 0 or reproduced[0] > 0
    return starts_at_the_top and all(r < PARAGRAPH_PRESENT for r in reproduced[m + 1 :])


def _intact_lead(body: Sequence[float], contained: Sequence[float], from_original: Sequence[bool]) -> bool:
    """The original paragraphs a leading part reproduces are intact, but for its last one, which
    may be cut short: its copy is then a clean prefix of it (all of that copy paragraph is in the
    original), not an edit of it."""
    lead = body[: sum(r >= PARAGRAPH_PRESENT for r in body)]
    last_copied = next((share for share, f in zip(reversed(contained), reversed(from_original), strict=True) if f), 0.0)
    if lead and lead[-1] < PARAGRAPH_INTACT and last_copied >= PARAGRAPH_INTACT:
        lead = lead[:-1]
    return all(r >= PARAGRAPH_INTACT for r in lead)


def _only_boilerplate_around(
    copy: Sequence[tuple[int, frozenset[tuple[str, ...]]]], from_original: Sequence[bool]
) -> bool:
    """The copy adds nothing but short paragraphs before and after the text it copied."""
    copied = [i for i, f in enumerate(from_original) if f]
    if not copied:
        return False
    first, last = copied[0], copied[-1]
    for i, (n_words, _) in enumerate(copy):
        if from_original[i]:
            continue
        if first < i < last or n_words > BOILERPLATE_MAX_WORDS:
            return False
    return True
