"""Whether a short string is a person's name, and finding one after an author label."""

from __future__ import annotations

import re

from aggregator.extract.attribution.phrases import AUTHOR_CONJUNCTIONS, COMMON_WORDS, NAME_PARTICLES, NAME_STOPPERS

MAX_NAME_WORDS = 5
MAX_AUTHORS = 3
# Where a name stops: a comma, a bar, a bullet, a bracket, a spaced dash, a slash, a date, a full
# stop after a word (not after an initial: "J. K. Rowling").
_NAME_END_RE = re.compile(r"\s*(?:[,|·•/(\[;!?]|\s[-–—]\s|\s[-–—]$|\d|(?<=\w{3})\.(?:\s|$))")
# Words that end a name in a byline: "By Jane Doe on May 3", "Par Jean Dupont le 12 mars".
_NAME_STOPPER_RE = re.compile(
    r"\s(?:" + "|".join(re.escape(word) for word in NAME_STOPPERS) + r")(?=\s|$)"
)
# Two elements run together without a space: "Meg JamesStaff Writer", "Jane DoeFOX News". A capital
# after at least four lower-case letters ends the name; "McDonald", "DeArdo", "MacKenzie" stay whole.
_RUN_TOGETHER_RE = re.compile(r"(?<=[^\W\d_]{3})(?<=[^\W\d_A-ZÀ-ÖØ-Þ])(?=[A-ZÀ-ÖØ-Þ])")
_WORD_START_RE = re.compile(r"\w+$")
_CONJUNCTION_RE = re.compile(
    r"\s+(?:" + "|".join(re.escape(word) for word in AUTHOR_CONJUNCTIONS) + r")\s+", re.IGNORECASE
)
# Between the names of a list: "A and B", "A, B and C", "A, B, and C".
_NAME_LIST_SEPARATOR_RE = re.compile(
    r"\s*,\s*(?:(?:" + "|".join(re.escape(word) for word in AUTHOR_CONJUNCTIONS) + r")\s+)?|"
    + _CONJUNCTION_RE.pattern,
    re.IGNORECASE,
)
# An initial or a short abbreviation inside a name: "J.", "J.-P.", "Jr.", "St.".
_ABBREVIATION_RE = re.compile(r"^(?:\w{1,2}\.)(?:-?\w\.)*$")
_WORD_RE = re.compile(r"^[@\w][\w'’\-.]*$")


def _is_name_word(word: str, *, strict: bool) -> bool:
    if any(char.isdigit() for char in word) or not _WORD_RE.match(word):
        return False
    if "." in word and not _ABBREVIATION_RE.match(word):
        return False
    if word.casefold().rstrip(".") in COMMON_WORDS:
        return False
    # Without a colon after the label ("By Jane Doe"), a name is capitalised: this is what
    # separates "Di Mario Rossi" from "Di recente, ..." and "Door Jan de Vries" from "Door de regen".
    first = word[0]
    # Scripts without case (CJK, Arabic...) cannot show a capital.
    caseless = first.isalpha() and first.lower() == first.upper()
    return not strict or first.isupper() or first == "@" or caseless


def is_person_name(text: str, *, strict: bool) -> bool:
    """Whether `text` is one to three short names (1–5 words each, no sentence punctuation).

    `strict` also requires capitalised words: use it when nothing but the label word marks the
    line as a credit ("By Jane Doe"), not after an explicit "Author:".
    """
    names = _NAME_LIST_SEPARATOR_RE.split(text.strip())
    if not names or len(names) > MAX_AUTHORS:
        return False
    for name in names:
        words = name.split()
        if not 1 <= len(words) <= MAX_NAME_WORDS:
            return False
        significant = [word for word in words if word.casefold() not in NAME_PARTICLES]
        if not significant or not all(_is_name_word(word, strict=strict) for word in significant):
            return False
    return True


def _run_together_ends(text: str) -> list[int]:
    ends = []
    for found in _RUN_TOGETHER_RE.finditer(text):
        word = _WORD_START_RE.search(text, 0, found.start())
        if word and len(word.group(0)) >= 4:
            ends.append(found.start())
            break
    return ends


def _with_listed_names(name: str, rest: str, *, strict: bool) -> tuple[str, str]:
    """Extends "LISA MASCARO" to "LISA MASCARO, MARY CLARE JALONICK and ERIC TUCKER" (a list ending
    with a conjunction); "Jane Doe, Staff Writer" stays "Jane Doe"."""
    if not rest.startswith(","):
        return name, rest
    listed = rest[1:].split(",")
    for count in range(1, min(len(listed), MAX_AUTHORS) + 1):
        last = listed[count - 1].strip()
        if _CONJUNCTION_RE.search(f" {last} ") or last.casefold().startswith(("and ", "& ", "et ", "und ")):
            parts = [part.strip() for part in listed[:count]]
            candidate = ", ".join([name, *parts])
            if all(is_person_name(part, strict=strict) for part in parts if part):
                return candidate, ",".join(listed[count:])
            break
    return name, rest


def leading_name(text: str, *, strict: bool, max_rest_words: int = 8) -> str | None:
    """The person's name at the start of `text` ("Jane Doe, Staff Writer | 3 May" -> "Jane Doe").

    None when the start is not a name, or when too much text follows it: a label word opening a
    sentence ("Par ailleurs, les entreprises ...") is not a byline.
    """
    text = text.strip().strip("\"'“”«» ")
    ends = [found.start() for found in (_NAME_END_RE.search(text), _NAME_STOPPER_RE.search(text)) if found]
    ends.extend(_run_together_ends(text))
    cut = min(ends, default=len(text))
    name, rest = text[:cut], text[cut:]
    name, rest = _with_listed_names(name, rest, strict=strict)
    words = name.strip().rstrip(".:!?").split()
    while words and words[-1].casefold() in NAME_PARTICLES:  # "María García el 3 de mayo"
        words.pop()
    name = " ".join(words)
    if len(rest.split()) > max_rest_words or not is_person_name(name, strict=strict):
        return None
    return name
