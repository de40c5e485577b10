"""The cue tables of `cues.py` compiled for matching on words, and a line cut into segments.

A credit line is read segment by segment: separators (`;` `|` `/` `•` a spaced dash, a
sentence's full stop, parentheses, a line break) cut it, commas cut a segment into clauses.
Hosts and known outlet names are never cut ("HP/De Tijd", "www.example.com/a/b").
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from aggregator.extract.attribution.cues import GENITIVE_BYLINES, CueTable
from aggregator.extract.attribution.forms import MIN_STEM, Token, keys, stems, tokens
from aggregator.extract.attribution.phrases import AUTHOR_LABELS

# Word keys remembered, per phrase set, with whether a phrase may start at them.
OPENERS_CACHE_SIZE = 16384


class Phrases:
    """A set of phrases matched word by word on folded keys; when `inflected`, one-word phrases
    also match their declined forms ("Artikels" ~ "Artikel")."""

    def __init__(self, phrases: Iterable[str], *, inflected: bool = True) -> None:
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        self._stemmed: dict[str, tuple[str, ...]] = {}
        for phrase in phrases:
            words = keys(phrase)
            if not words:
                continue
            self._by_first.setdefault(words[0], []).append(words)
            if inflected and len(words) == 1 and len(words[0]) >= MIN_STEM:
                for stem in stems(words[0]):
                    self._stemmed.setdefault(stem, words)
        for bucket in self._by_first.values():
            bucket.sort(key=len, reverse=True)
        self._opens: dict[str, bool] = {}
        self._first_keys = frozenset(self._by_first)

    def _may_open(self, key: str) -> bool:
        """Whether a phrase may start at a word of this key (most words open none). Remembered
        for a set with declined forms; without them it is whether the key opens a phrase."""
        if not self._stemmed:
            return key in self._by_first
        found = self._opens.get(key)
        if found is None:
            if len(self._opens) >= OPENERS_CACHE_SIZE:
                self._opens.clear()
            found = self._opens[key] = key in self._by_first or bool(
                self._stemmed and len(key) >= MIN_STEM and not self._stemmed.keys().isdisjoint(stems(key)))
        return found

    def at(self, words: Sequence[Token], index: int, stop: int | None = None) -> int:
        """How many words the longest phrase starting at `index` covers (0: none), among the
        words before `stop` (default: all)."""
        size = len(words)
        if stop is not None and stop < size:
            size = stop
        if index >= size:
            return 0
        key = words[index].key
        if not self._stemmed:
            if key not in self._by_first:
                return 0
        else:
            opens = self._opens.get(key)
            if not (self._may_open(key) if opens is None else opens):
                return 0
        for phrase in self._by_first.get(key, ()):
            length = len(phrase)
            if length == 1:
                return 1  # its one word is this word's key
            end = index + length
            if end <= size and all(words[i].key == word for i, word in zip(range(index, end), phrase, strict=True)):
                return length
        if self._stemmed and len(key) >= MIN_STEM and not self._stemmed.keys().isdisjoint(stems(key)):
            return 1
        return 0

    def ending_at(self, words: Sequence[Token], end: int) -> int:
        """How many words the longest phrase ending just before `end` covers (0: none)."""
        for length in range(min(end, 5), 0, -1):
            if self.at(words, end - length, end) == length:
                return length
        return 0

    def find(self, words: Sequence[Token], start: int = 0, stop: int | None = None) -> list[tuple[int, int]]:
        """(index, length) of every phrase in words[start:stop], left to right, not overlapping."""
        stop = len(words) if stop is None else stop
        found: list[tuple[int, int]] = []
        index = start
        opens = self._opens
        # Past the last word no phrase starts; a word that opens no phrase (nor, declined, a
        # one-word phrase) is passed over without asking `at`.
        last = min(stop, len(words))
        if 0 <= start < last:
            if not self._stemmed:
                if self._first_keys.isdisjoint([word.key for word in words[start:last]]):
                    return found  # (without declined forms, only a phrase's first word opens it)
            else:
                known = [opens.get(word.key) for word in words[start:last]]
                if True not in known and None not in known:
                    return found  # every word is known to open no phrase
        while index < stop:
            if index >= last:
                break
            key = words[index].key
            may_open = opens.get(key) if self._stemmed else key in self._by_first
            if not (self._may_open(key) if may_open is None else may_open):
                index += 1
                continue
            length = self.at(words, index, stop)
            if length:
                found.append((index, length))
                index += length
            else:
                index += 1
        return found


@dataclass(frozen=True)
class Grammar:
    """Every part of the cue tables, compiled."""

    articles: Phrases
    places: Phrases
    origins: Phrases
    pieces: Phrases
    pointers: Phrases
    bylines: Phrases
    roles: Phrases
    outlet_nouns: Phrases
    reporting: Phrases
    images: Phrases
    asides: Phrases
    promos: Phrases
    dates: Phrases
    genitive_bylines: Phrases

    def is_filler(self, words: Sequence[Token], index: int) -> int:
        """How many words at `index` carry no content of their own next to an outlet's name
        (articles, place words, outlet nouns, piece words, dates, numbers): 0 when the word does."""
        word = words[index]
        if any(char.isdigit() for char in word.text) or (len(word.text) == 1 and not word.text.isupper()):
            return 1
        for part in (self.dates, self.articles, self.places, self.origins, self.outlet_nouns, self.pieces):
            length = part.at(words, index)
            if length:
                return length
        return 0


@lru_cache(maxsize=1)
def grammar() -> Grammar:
    """The compiled cue tables."""
    table = CueTable()
    return Grammar(
        articles=Phrases(inflected=False, phrases=table.articles),
        places=Phrases(inflected=False, phrases=table.places),
        origins=Phrases(inflected=False, phrases=table.origins),
        pieces=Phrases(table.pieces),
        pointers=Phrases(inflected=False, phrases=table.pointers),
        bylines=Phrases(inflected=False, phrases=(*table.bylines, *(label.rstrip(":") for label in AUTHOR_LABELS))),
        roles=Phrases(table.roles),
        outlet_nouns=Phrases(table.outlet_nouns),
        reporting=Phrases(inflected=False, phrases=table.reporting),
        images=Phrases(table.images),
        asides=Phrases(inflected=False, phrases=table.asides),
        promos=Phrases(inflected=False, phrases=table.promos),
        dates=Phrases(inflected=False, phrases=table.dates),
        genitive_bylines=Phrases(inflected=False, phrases=GENITIVE_BYLINES),
    )


@dataclass(frozen=True)
class Segment:
    """A piece of a line between two separators."""

    start: int
    end: int
    text: str
    words: tuple[Token, ...]
    before: str
    """The separator before it ("" at the start of the line)."""
    after: str
    """The separator after it ("" at the end of the line)."""
    parenthesised: bool

    def clauses(self) -> list[tuple[int, int]]:
        """(first word, word after the last) of each comma-separated clause."""
        cuts = [i for i in range(1, len(self.words))
                if "," in self.text[self.words[i - 1].end - self.start : self.words[i].start - self.start]]
        bounds = [0, *cuts, len(self.words)]
        return list(itertools.pairwise(bounds))


# Separators between segments. A full stop ends a sentence unless it ends an initial, an
# abbreviation or a number ("N. García", "Dr. Smith", "23. März").
_SEPARATOR_RE = re.compile(
    r"\n|[;|•·▪■►]|[–—]+|\s-+(?=\s|\w)|(?<=\w)-+\s|^-+\s|[()\[\]]|(?<!\d)/|/(?!\d)|[!?](?=\s|$|\W)"
    r"|(?<=[^\W\d_]{2})\.(?=\s|$)|(?<=[^\W\d_]{3})\.(?=[^\W\d_]{2})"
)
_ABBREVIATIONS = frozenset({"dr", "prof", "mr", "mrs", "ms", "jr", "sr", "st", "no", "nr", "vol", "pp", "mme", "mlle",
                            "hr", "fr", "dott", "ing", "sra", "ca", "vs", "etc", "inc", "ltd", "co"})


def segments(text: str, protected: Sequence[tuple[int, int]]) -> list[Segment]:
    """`text` cut at its separators, except inside the `protected` spans (hosts, outlet names)."""
    cuts: list[tuple[int, int, str]] = []
    for match in _SEPARATOR_RE.finditer(text):
        start, end = match.span()
        if any(a <= start < b for a, b in protected):
            continue
        if match.group(0) == ".":
            word = re.search(r"(\w+)$", text[:start])
            if word and word.group(1).casefold() in _ABBREVIATIONS:
                continue
        cuts.append((start, end, match.group(0).strip() or match.group(0)))
    found: list[Segment] = []
    line_words = tokens(text)
    starts = [word.start for word in line_words]
    position, before, depth = 0, "", 0  # depth: inside how many parentheses
    for start, end, separator in [*cuts, (len(text), len(text), "")]:
        piece = text[position:start]
        if piece.strip():
            offset = position + (len(piece) - len(piece.lstrip()))
            stripped = piece.strip()
            found.append(Segment(
                start=offset, end=offset + len(stripped), text=stripped,
                words=_words_within(line_words, starts, offset, offset + len(stripped)), before=before,
                after=separator, parenthesised=depth > 0,
            ))
        if separator in ("(", "["):
            depth += 1
        elif separator in (")", "]"):
            depth = max(0, depth - 1)
        before = separator
        position = end
    return found


def _words_within(words: list[Token], starts: list[int], start: int, end: int) -> tuple[Token, ...]:
    """The words of the line between `start` and `end`: a segment's words, as tokenising its text
    would give them (separators and the whitespace stripped around a segment are never inside a
    word, so no word of the line straddles a segment's edge)."""
    return tuple(words[bisect.bisect_left(starts, start) : bisect.bisect_left(starts, end)])
