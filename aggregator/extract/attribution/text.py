"""Plain-text helpers: whitespace normalisation, split-entity repair, and removing credit lines."""

from __future__ import annotations

import html
import re
import unicodedata

from aggregator.extract.attribution.model import Attribution

# An HTML entity broken by a line break: "&" at the end of one line, "#0160;" at the start of the next.
_SPLIT_ENTITY_RE = re.compile(r"&([#0-9A-Za-z]{0,10})[ \t]*(?:\r?\n[ \t\r]*)+([#0-9A-Za-z]{1,32};)")
_ENTITY_RE = re.compile(r"^&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});$")
_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_PARAGRAPH_BREAK_RE = re.compile(r"\n[ \t\r\f\v]*\n\s*")
# A paragraph this long, repeated verbatim anywhere, is a pasting mistake; shorter repeats (a
# refrain, "* * *", "Advertisement") are only dropped when they follow themselves.
MIN_REPEATED_PARAGRAPH_WORDS = 25


def repair_split_entities(text: str) -> str:
    """Join and decode HTML entities split over two lines ("PLATEFORME:&" + newline + "#0160;PSST.FR").

    Only joins when the two halves form a real entity, so an ampersand ending a line is left alone.
    """

    def join(match: re.Match[str]) -> str:
        entity = "&" + match.group(1) + match.group(2)
        if _ENTITY_RE.match(entity):
            decoded = html.unescape(entity)
            if decoded != entity:
                return decoded
        return match.group(0)

    return _SPLIT_ENTITY_RE.sub(join, text)


def normalise_line(text: str) -> str:
    """One line as credit lines are compared: NFC, invisible characters dropped, spaces collapsed."""
    if not text.isascii():  # ASCII is in NFC, and holds no invisible character
        text = _INVISIBLE_RE.sub("", unicodedata.normalize("NFC", text))
    # Regular expressions and `str.split` know the same whitespace.
    return " ".join(text.split())


def strip_attribution(text: str, attribution: Attribution) -> str:
    """`text` (paragraphs separated by blank lines) without the page's credit lines.

    Also repairs split entities and drops a paragraph that exactly repeats the one before it, or
    a long one repeated anywhere (republishers sometimes paste a paragraph twice). Lines are
    compared after whitespace normalisation and case folding; every other line is kept as written.
    """
    credits = {line.casefold() for line in attribution.credit_lines}
    kept: list[str] = []
    seen_long: set[str] = set()
    previous_key: str | None = None
    for paragraph in _PARAGRAPH_BREAK_RE.split(repair_split_entities(text).strip()):
        lines = [line for line in paragraph.split("\n") if normalise_line(line).casefold() not in credits]
        kept_paragraph = "\n".join(lines).strip()
        if not kept_paragraph:
            continue
        key = normalise_line(kept_paragraph)
        if key == previous_key or key in seen_long:
            continue
        previous_key = key
        if len(key.split()) >= MIN_REPEATED_PARAGRAPH_WORDS:
            seen_long.add(key)
        kept.append(kept_paragraph)
    return "\n\n".join(kept)
