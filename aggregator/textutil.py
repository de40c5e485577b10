"""Small text helpers shared by extraction, export and matching."""

from __future__ import annotations

import re
from functools import lru_cache

PARAGRAPH_SEPARATOR = "\n\n"
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def clean_line(line: str) -> str:
    """One line with runs of (also non-breaking) spaces collapsed and the ends trimmed."""
    return _SPACES.sub(" ", line).strip()


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of a text whose paragraphs are separated by blank lines (or single newlines)."""
    return list(_paragraphs(text)) if text else []


@lru_cache(maxsize=2048)
def _paragraphs(text: str) -> tuple[str, ...]:
    # Matching splits the same original for every copy compared with it: split each text once.
    blocks = _BLANK_LINES.split(text.strip())
    if len(blocks) == 1:
        blocks = text.strip().split("\n")
    return tuple(p for p in (clean_line(b) for b in blocks) if p)


def join_paragraphs(paragraphs: list[str]) -> str:
    """Paragraphs joined with a blank line between them."""
    return PARAGRAPH_SEPARATOR.join(p for p in paragraphs if p)


# NUL and the other C0 controls, except tab, newline and carriage return; DEL too. No text we
# store needs them, and PostgreSQL refuses a NUL in a text value (the whole insert fails).
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_controls(text: str) -> str:
    """`text` without NUL and the other C0 control characters (tab, newline and CR are kept)."""
    return _CONTROLS.sub("", text) if _CONTROLS.search(text) else text


def clean_optional(text: str | None) -> str | None:
    """`strip_controls` for a value that may be missing."""
    return strip_controls(text) if text else text
