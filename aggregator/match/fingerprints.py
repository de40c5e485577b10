"""Text fingerprints for matching republications to their originals.

Pure functions over strings and integers: no Scrapy, no SQLAlchemy.

- `normalise` / `words`: the form of text every comparison works on (case folded, accents
  folded, typographic quotes and punctuation removed, whitespace collapsed), so that a copy
  that only changed quotes, accents or spacing is still an exact copy.
- `text_hash`: an exact hash of the normalised text (same text, same hash).
- `shingles` / `shingle_hashes`: word k-grams, as exact tuples (verification) or as stable
  signed 64-bit xxhash values (the index; the same on every machine and process).
- `winnow`: the classic winnowing selection (Schleimer et al. 2003).
- `index_fingerprints` / `query_fingerprints`: the fingerprints kept in the index for an
  original, and the ones a copy looks up. See `FingerprintScheme` for why they differ.
- `article_fingerprints` / `lookup_fingerprints`: what processing stores for an original and
  looks up for a copy (the above, plus whole-paragraph keys for short originals).
- `containment` / `resemblance`: on exact shingle sets.
"""

from __future__ import annotations

import hashlib
import heapq
import re
import unicodedata
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass
from functools import lru_cache

import xxhash

SHINGLE_WORDS = 4
"""Words per shingle in the index: long enough that unrelated texts rarely share one, short
enough that a light edit (one word in ten) leaves two thirds of them intact."""

# A word: letters and digits, not "_". Punctuation, typographic quotes and apostrophes, dashes
# and (non-breaking) spaces are all separators, so "l’article" and "l'article" both give
# "l article", whatever the republisher's CMS did to the quotes.
_WORD_RE = re.compile(r"[^\W_]+")
# The same, keeping the combining signs that are parts of letters in scripts such as
# Devanagari, Thai, Hebrew or Arabic (the pattern above would split words there). Slower, so
# only used on text that has such signs.
_SIGNS = (
    "\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
    "\u0900-\u0dff\u0e31-\u0e4e\u0eb1-\u0ecd\u3099\u309a"
)
_WORD_WITH_SIGNS_RE = re.compile(f"(?:[^\\W_]|[{_SIGNS}])+")
_SIGNS_RE = re.compile(f"[{_SIGNS}]")
# The accents NFKD splits off Latin, Greek and Cyrillic letters.
_DIACRITICS_RE = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_SIGN_BIT = 1 << 63
_UINT64 = 1 << 64


def normalise(text: str) -> str:
    """The matching form of `text`: lower case, accents folded, punctuation dropped, single spaces.

    Accents are always folded ("é" -> "e") because republishers sometimes strip them; letters
    that do not decompose (ø, æ, ł...) are kept, case-folded ("ß" -> "ss"). Digits are kept.
    """
    return " ".join(words(text))


def words(text: str) -> list[str]:
    """The words of `text` in matching form (see `normalise`), in order."""
    text = text.casefold()
    if text.isascii():
        return _WORD_RE.findall(text)
    # Fold accents ("é" -> "e") so a copy stripped of them still matches.
    text = _DIACRITICS_RE.sub("", unicodedata.normalize("NFKD", text))
    pattern = _WORD_WITH_SIGNS_RE if _SIGNS_RE.search(text) else _WORD_RE
    return pattern.findall(text)


MEMOISED_LINE_CHARS = 2000
"""Lines up to this long keep their words in memory (a bounded few megabytes); longer ones, rare,
are tokenised each time."""


def _line_words(line: str) -> tuple[str, ...]:
    """`words` of one line or paragraph, memoised: processing derives a page's text hash, its
    fingerprints and its paragraph keys from the same paragraphs, and matching keys the same
    paragraphs (an original's, a site's boilerplate) again and again."""
    return _memoised_line_words(line) if len(line) <= MEMOISED_LINE_CHARS else tuple(words(line))


@lru_cache(maxsize=1024)
def _memoised_line_words(line: str) -> tuple[str, ...]:
    return tuple(words(line))


def _text_words(text: str) -> list[str]:
    """`words(text)`, line by line: a line break separates words and every step of `words` works
    character by character, so the words of the lines are the words of the text, and the lines
    are the paragraphs the other keys are computed from."""
    return [word for line in text.split("\n") for word in _line_words(line)]


def text_hash(text: str) -> str:
    """An exact hash of the normalised text: 64 hex digits (SHA-256), equal iff the words are equal."""
    return words_hash(_text_words(text))


def words_hash(tokens: Sequence[str]) -> str:
    """`text_hash` of a text whose `words` are `tokens` (saves tokenising twice)."""
    return hashlib.sha256(" ".join(tokens).encode("utf-8")).hexdigest()


def shingles(tokens: Sequence[str], k: int = SHINGLE_WORDS) -> set[tuple[str, ...]]:
    """The exact set of word k-grams of `tokens`; a text shorter than k words is one shingle."""
    if k < 1:
        raise ValueError("k must be >= 1")
    if len(tokens) < k:
        return {tuple(tokens)} if tokens else set()
    return set(zip(*(tokens[i:] for i in range(k)), strict=False))


def to_signed64(value: int) -> int:
    """An unsigned 64-bit integer as the signed value a BIGINT column stores."""
    return value - _UINT64 if value & _SIGN_BIT else value


def shingle_hashes(tokens: Sequence[str], k: int = SHINGLE_WORDS) -> list[int]:
    """Stable signed 64-bit hashes (xxh3, seed 0) of the word k-grams of `tokens`, in text order.

    Stable across processes, machines and Python versions (unlike `hash()`), so they can be
    stored. A text shorter than k words gives one hash of all its words.
    """
    if k < 1:
        raise ValueError("k must be >= 1")
    if len(tokens) < k:
        grams: Iterable[str] = [" ".join(tokens)] if tokens else []
    else:
        grams = map(" ".join, zip(*(tokens[i:] for i in range(k)), strict=False))
    # to_signed64, inlined: this runs for every shingle of every page.
    return [h - _UINT64 if h & _SIGN_BIT else h for h in map(xxhash.xxh3_64_intdigest, map(str.encode, grams))]


def winnow(hashes: Sequence[int], window: int) -> list[int]:
    """Winnowing: the minimum hash of every `window` consecutive hashes (rightmost on ties).

    Returns the selected positions in increasing order. Any run of at least `window` hashes
    shared by two texts yields at least one shared selected hash; the expected density is
    2 / (window + 1).
    """
    if window < 1:
        raise ValueError("window must be >= 1")
    n = len(hashes)
    if n == 0:
        return []
    if n <= window:
        return [min(range(n), key=lambda i: (hashes[i], -i))]
    selected: list[int] = []
    # Monotonic deque of candidate positions (hash increasing); a plain list with a head index.
    queue: list[int] = []
    head = 0
    for i, h in enumerate(hashes):
        while len(queue) > head and hashes[queue[-1]] >= h:
            queue.pop()
        queue.append(i)
        if queue[head] <= i - window:
            head += 1
        if i >= window - 1 and (not selected or selected[-1] != queue[head]):
            selected.append(queue[head])
    return selected


@dataclass(frozen=True)
class FingerprintScheme:
    """Which shingle hashes an original stores, and which ones a copy looks up.

    Containment, not resemblance, is the question: an excerpt is a leading part of its
    original. So the index keeps two content-defined samples of the original's shingle
    hashes (a hash is sampled when ``hash % rate == 0``, the "0 mod p" selection, so the
    same shingle is sampled in the original and in any copy, wherever it sits):

    - the lead: every sampled hash among the first `lead_shingles` shingles, at the dense
      `lead_rate`, so that an excerpt of one paragraph still shares several fingerprints;
    - the body: the `body_count` smallest hashes sampled at `body_rate` over the whole
      text, spread evenly, so full and edited copies share fingerprints even when the
      lead was dropped or rewritten.

    A copy looks up every hash it has at those rates (the lead rate over a longer lead,
    `query_lead_shingles`, to allow for boilerplate before the text), which is a superset of
    whatever the original stored for the shingles they share. The index thus stays small and
    of bounded size per article (about lead_shingles / lead_rate + body_count rows), while a
    look-up sends about query_lead_shingles / lead_rate + words / body_rate hashes.
    """

    shingle_words: int = SHINGLE_WORDS
    lead_shingles: int = 48
    lead_rate: int = 8
    body_rate: int = 32
    body_count: int = 6
    query_lead_shingles: int = 160

    def __post_init__(self) -> None:
        if min(self.shingle_words, self.lead_rate, self.body_rate) < 1 or self.body_count < 0:
            raise ValueError("scheme sizes must be positive")
        if self.query_lead_shingles < self.lead_shingles:
            raise ValueError("a query must look at least at the whole stored lead")


DEFAULT_SCHEME = FingerprintScheme()


def index_fingerprints(tokens: Sequence[str], scheme: FingerprintScheme = DEFAULT_SCHEME) -> list[int]:
    """The fingerprints an original keeps in the index: sorted, distinct signed 64-bit hashes.

    `tokens` are the original's `words`, in text order.
    """
    hashes = shingle_hashes(tokens, scheme.shingle_words)
    lead = {h for h in hashes[: scheme.lead_shingles] if h % scheme.lead_rate == 0}
    body = heapq.nsmallest(scheme.body_count, {h for h in hashes if h % scheme.body_rate == 0})
    return sorted(lead.union(body))


def query_fingerprints(tokens: Sequence[str], scheme: FingerprintScheme = DEFAULT_SCHEME) -> list[int]:
    """The fingerprints a copy looks up: sorted, distinct signed 64-bit hashes.

    For every shingle the copy shares with an original, the original's `index_fingerprints`
    among them are included (those of the original's lead only while the copy puts fewer
    than query_lead_shingles - lead_shingles shingles before it).
    """
    hashes = shingle_hashes(tokens, scheme.shingle_words)
    lead = {h for h in hashes[: scheme.query_lead_shingles] if h % scheme.lead_rate == 0}
    body = {h for h in hashes if h % scheme.body_rate == 0}
    return sorted(lead | body)


TEXT_KEY = "text"
"""Kind of an exact key naming a normalised text (its `text_hash`)."""
URL_KEY = "url"
"""Kind of an exact key naming an address (its `aggregator.urls.url_match_key`)."""


def exact_key(kind: str, value: str) -> int:
    """A stable signed 64-bit key for an exact look-up (`TEXT_KEY` of a text hash, `URL_KEY` of
    a URL's match key), kept in the same look-up table as shingle fingerprints: a copy looks up
    its own text and the addresses its claims give, so that the original's arrival under that
    text or address finds the copy again."""
    return to_signed64(xxhash.xxh3_64_intdigest(f"{kind}\x00{value}".encode()))


SHORT_ORIGINAL_SHINGLES = 150
"""An original with fewer shingles than this also keeps the keys of its whole paragraphs in the
index: an excerpt of its first, short paragraph (a dozen words) may share no sampled shingle with
it (about one excerpt in seven of a three-paragraph original would go unfound)."""

MIN_PARAGRAPH_KEY_WORDS = 6
"""A paragraph shorter than this ("Read more", a dateline) is not worth a key."""


@lru_cache(maxsize=8192)
def paragraph_fingerprint(paragraph: str) -> int:
    """A stable signed 64-bit key of a paragraph's normalised words (memoised: matching keys the
    same paragraphs, an original's or a site's boilerplate, again and again)."""
    return to_signed64(xxhash.xxh3_64_intdigest(" ".join(_line_words(paragraph)).encode("utf-8")))


def has_words(paragraph: str) -> bool:
    """Whether the paragraph has any word (in matching form)."""
    return bool(_line_words(paragraph))


def _paragraph_keys(paragraphs: Iterable[str]) -> set[int]:
    return {paragraph_fingerprint(p) for p in paragraphs if len(_line_words(p)) >= MIN_PARAGRAPH_KEY_WORDS}


def article_fingerprints(paragraphs: Sequence[str]) -> list[int]:
    """What the index keeps for an original of these paragraphs: its `index_fingerprints`, and
    for a short original the keys of its paragraphs too. Sorted, distinct."""
    tokens = [word for paragraph in paragraphs for word in _line_words(paragraph)]
    found = set(index_fingerprints(tokens))
    if len(tokens) - SHINGLE_WORDS + 1 < SHORT_ORIGINAL_SHINGLES:
        found |= _paragraph_keys(paragraphs)
    return sorted(found)


def lookup_fingerprints(paragraphs: Sequence[str]) -> list[int]:
    """What a copy of these paragraphs looks up: its `query_fingerprints` and the keys of its
    paragraphs (which find a short original it reproduces a paragraph of). Sorted, distinct."""
    tokens = [word for paragraph in paragraphs for word in _line_words(paragraph)]
    return sorted(set(query_fingerprints(tokens)) | _paragraph_keys(paragraphs))


def containment(part: Set[object], whole: Set[object]) -> float:
    """How much of `part` lies in `whole`: |part ∩ whole| / |part| (0.0 for an empty part)."""
    if not part:
        return 0.0
    return len(part & whole) / len(part)


def resemblance(a: Set[object], b: Set[object]) -> float:
    """Jaccard similarity |a ∩ b| / |a ∪ b| (0.0 when both are empty)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0
