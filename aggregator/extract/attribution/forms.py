"""Words as credit lines write them: tokens with their spans, and the folded keys they are compared by.

Outlet and person names are compared word by word on a folded key (case, accents, apostrophes
and hyphens ignored: "Ouest-France" = "ouest france", "Télégramme" = "telegramme"), and a word
also matches its declined forms ("Süddeutschen" ~ "Süddeutsche", "Spiegels" ~ "Spiegel") by
removing one inflection ending from either side.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# A word: letters and digits; "&", hyphens, dots and apostrophes separate words.
_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
# Inflection endings removed to compare declined forms (German, Dutch, Polish, Romance plurals...).
INFLECTION_ENDINGS: tuple[str, ...] = ("iem", "owi", "em", "en", "er", "es", "ie", "e", "n", "s", "u", "a", "y")
# A stem shorter than this is left whole: "Post" is not "Posen" minus an ending.
MIN_STEM = 4
# German umlauts as hosts spell them: "Süddeutsche" -> sueddeutsche.de.
# Words cached per function: the words of credit lines, names and the commonest words of text
# repeat from page to page, a page's rare words do not. Measured over 800 pages of a generated
# web: at 4,096 words `fold` answers 89% of calls from its cache and `stems` 95%, against 93%
# and 96% unbounded (13,000 distinct words after 800 pages, tens of thousands after a crawl:
# tens of megabytes in every worker process).
WORD_CACHE_SIZE = 8192
_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "ø": "oe", "å": "aa"})


@dataclass(frozen=True, slots=True)
class Token:
    """A word of a line: as written, its folded key, and where it stands."""

    text: str
    key: str
    start: int
    end: int

    @property
    def capitalised(self) -> bool:
        """Whether the word starts with a capital (or is written in a script without case)."""
        return is_capitalised(self.text)

    @property
    def upper(self) -> bool:
        """Whether the word is written in capitals ("AFP", "LA NAZIONE")."""
        return self.text.isupper()


def is_capitalised(word: str) -> bool:
    """Whether a word starts with a capital (or is written in a script without case, or is a number)."""
    first = word[0]
    return first.isupper() or (first.isalpha() and first.lower() == first.upper()) or first.isdigit()


@lru_cache(maxsize=WORD_CACHE_SIZE)
def fold(word: str) -> str:
    """A word's comparison key: lower case, accents removed ("Télégramme" -> "telegramme")."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@lru_cache(maxsize=WORD_CACHE_SIZE)
def transliterated(word: str) -> str:
    """A word as a host name would spell it ("Süddeutsche" -> "sueddeutsche")."""
    return fold(word.casefold().translate(_TRANSLITERATION))


def tokens(text: str) -> list[Token]:
    """The words of `text`, in order, with their folded keys and spans."""
    return list(_tokens(text))


# A line's words are asked for by each reader of the line (its credits, the known sources, its
# segments): the lines of the page being read are remembered.
LINE_CACHE_SIZE = 2048


@lru_cache(maxsize=LINE_CACHE_SIZE)
def _tokens(text: str) -> tuple[Token, ...]:
    found = []
    for match in _WORD_RE.finditer(text):
        word = match.group()
        start, end = match.span()
        found.append(Token(word, fold(word), start, end))
    return tuple(found)


def keys(text: str) -> tuple[str, ...]:
    """The folded keys of the words of `text`."""
    return tuple(fold(m.group(0)) for m in _WORD_RE.finditer(text))


@lru_cache(maxsize=WORD_CACHE_SIZE)
def stems(key: str) -> frozenset[str]:
    """A folded word and what is left of it without one inflection ending."""
    found = {key}
    for ending in INFLECTION_ENDINGS:
        if key.endswith(ending) and len(key) - len(ending) >= MIN_STEM:
            found.add(key[: -len(ending)])
    return frozenset(found)


def same_word(a: str, b: str) -> bool:
    """Whether two folded words are one word, perhaps declined differently."""
    return a == b or (len(a) >= MIN_STEM and len(b) >= MIN_STEM and not stems(a).isdisjoint(stems(b)))
