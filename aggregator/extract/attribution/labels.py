"""The label table compiled from phrases.py: which label opens a line, and what kind of claim it makes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from aggregator.extract.attribution import phrases
from aggregator.extract.attribution.model import AUTHOR, FIRST_PUBLISHED, READ_MORE, SOURCE, VIA

_APOSTROPHES = "'’ʼ`´"
_LEADING_SEPARATOR_RE = re.compile(r"^[\s:：\-–—»>|]+")


@dataclass(frozen=True, slots=True)
class Label:
    """A label phrase: the claim kind it introduces, and whether it needs a colon after it."""

    kind: str
    needs_colon: bool


@dataclass(frozen=True, slots=True)
class LabelMatch:
    """A line that opens with a label.

    `value` follows the label and its connector word ("Lire la suite sur: X" -> "X");
    `after_label` follows the label alone, for author lines where no connector belongs.
    """

    label: Label
    connector: str | None
    has_colon: bool
    value: str
    after_label: str


def phrase_key(phrase: str) -> str:
    """The lookup key of a phrase as written on a page: case-folded, one space, one apostrophe."""
    phrase = re.sub(f"[{_APOSTROPHES}]", "'", phrase.casefold())
    return " ".join(phrase.replace(" '", "'").split())


def _phrase_pattern(phrase: str) -> str:
    parts = []
    for word in phrase.split(" "):
        parts.append(re.escape(word).replace("'", f"[{_APOSTROPHES}]\\s?"))
    return r"\s+".join(parts)


def _alternation(phrases_: set[str]) -> str:
    # Longest first, so "lire la suite" wins over "la suite" and "written by" over "by".
    return "|".join(_phrase_pattern(phrase) for phrase in sorted(phrases_, key=lambda p: (-len(p), p)))


@lru_cache(maxsize=1)
def label_table() -> tuple[dict[str, Label], re.Pattern[str]]:
    """All labels by key, and one regular expression that finds a label opening a line."""
    by_kind = (
        (SOURCE, phrases.SOURCE_LABELS),
        (AUTHOR, phrases.AUTHOR_LABELS),
        (READ_MORE, phrases.READ_MORE_LABELS),
        (FIRST_PUBLISHED, phrases.FIRST_PUBLISHED_LABELS),
        (VIA, phrases.VIA_LABELS),
    )
    labels: dict[str, Label] = {}
    for kind, entries in by_kind:
        for entry in entries:
            needs_colon = entry.endswith(":")
            key = phrase_key(entry.rstrip(":"))
            previous = labels.get(key)
            # A label listed twice (one language with a colon, another without) needs no colon.
            labels[key] = Label(
                kind=kind, needs_colon=needs_colon and (previous is None or previous.needs_colon)
            )
    subjects = {phrase_key(p) for p in phrases.FIRST_PUBLISHED_SUBJECTS}
    auxiliaries = {phrase_key(p) for p in phrases.FIRST_PUBLISHED_AUXILIARIES}
    first_published = {key for key, label in labels.items() if label.kind == FIRST_PUBLISHED}
    connectors = {phrase_key(p) for p in (*phrases.PLACE_CONNECTORS, *phrases.AUTHOR_CONNECTORS)}
    pattern = (
        r"^[^\w@]{0,4}?"  # decoration before the label: "— ", "* ", "(", "» "
        r"(?:(?:" + _alternation(subjects) + r")\s+(?:(?:" + _alternation(auxiliaries) + r")\s+)?"
        r"(?=(?:" + _alternation(first_published) + r")\b))?"
        r"(?P<label>" + _alternation(set(labels)) + r")"
        r"(?:\s+(?P<connector>" + _alternation(connectors) + r")(?=[\s:]|$))?"
        r"(?P<sep>\s*[:：]\s*|\s+[-–—»>|]\s*|\s*[-–—»>]\s+|\s+|$)"
    )
    return labels, re.compile(pattern, re.IGNORECASE)


# A line and its segments are asked for their label by several readers.
@lru_cache(maxsize=4096)
def match_label(text: str) -> LabelMatch | None:
    """The label opening `text`, if any, with what follows it."""
    labels, pattern = label_table()
    match = pattern.match(text)
    if not match:
        return None
    label = labels[phrase_key(match.group("label"))]
    has_colon = ":" in match.group("sep") or "：" in match.group("sep")
    if label.needs_colon and not has_colon:
        return None
    connector = match.group("connector")
    return LabelMatch(
        label=label,
        connector=phrase_key(connector) if connector else None,
        has_colon=has_colon,
        value=text[match.end() :].strip(),
        after_label=_LEADING_SEPARATOR_RE.sub("", text[match.end("label") :]),
    )
