"""The head of an article as a reader sees it: the byline and the date above the text.

Old pages put them in plain text between `<br>`s ("Von Hans Müller, 12.03.2019"), where no
markup names them; the page's visible lines (`attribution.lines`) split there. The head is every
line up to the first paragraph of text; its byline is read by the attribution grammar (the same
labels in every language), its date by `line_date`. A date in the head is the page's own; dates
in the text are what the article talks about.
"""

from __future__ import annotations

import re
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime

from aggregator.extract.attribution.clauses import ALONE, HEAD
from aggregator.extract.attribution.credits import LineReader, line_places
from aggregator.extract.attribution.forms import fold, tokens
from aggregator.extract.attribution.grammar import grammar
from aggregator.extract.attribution.known import KnownSources
from aggregator.extract.attribution.lines import visible_lines, word_count
from aggregator.extract.attribution.model import AUTHOR
from aggregator.extract.page import ParsedPage

# A head line longer than this is text, not a byline or a dateline.
MAX_HEAD_LINE_WORDS = 25
MAX_HEAD_LINES = 20
# A line signing the page anywhere ("by Regan", "Posted by Catherine") is this short.
MAX_SIGNATURE_WORDS = 12

MONTHS: dict[str, int] = {
    fold(name): number
    for names in (
        ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
         "november", "december"),
        ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
         "novembre", "décembre"),
        ("januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september", "oktober",
         "november", "dezember"),
        ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
         "noviembre", "diciembre"),
        ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre",
         "ottobre", "novembre", "dicembre"),
        ("janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro",
         "novembro", "dezembro"),
        ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
         "november", "december"),
    )
    for number, name in enumerate(names, start=1)
}
MONTHS.update({name[:3]: number for name, number in list(MONTHS.items()) if len(name) > 3})
MONTHS.update({"sept": 9, "janv": 1, "févr": 2, "fevr": 2, "avr": 4, "juil": 7, "déc": 12, "dez": 12, "okt": 10,
               "mrt": 3, "mär": 3, "mae": 3, "set": 9, "ott": 10, "dic": 12, "ago": 8, "gen": 1, "giu": 6,
               "lug": 7, "mag": 5})

_NUMERIC_RE = re.compile(r"(?<!\d)(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})(?!\d)")
_ISO_RE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_DAY_MONTH_RE = re.compile(
    r"(?<!\d)(\d{1,2})(?:\.|er|st|nd|rd|th|º)?\s+(?:de\s+)?([^\W\d_]{3,10})\.?,?\s+(?:de\s+)?(\d{4})"
)
_MONTH_DAY_RE = re.compile(r"([^\W\d_]{3,10})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", re.UNICODE)
MIN_YEAR = 1990


@dataclass(frozen=True)
class Head:
    """What the head of an article says of it, and the names its bylines sign with anywhere."""

    author: str | None
    published: datetime | None
    bylines: frozenset[str] = frozenset()


def line_date(text: str) -> datetime | None:
    """The first calendar date written in `text` ("12.03.2019", "2019-03-12", "12. März 2019",
    "March 12, 2019", "12 de marzo de 2019"), at midnight UTC; None when there is none."""
    candidates: list[tuple[int, datetime]] = []
    for match in _ISO_RE.finditer(text):
        _add(candidates, match.start(), int(match.group(1)), int(match.group(2)), int(match.group(3)))
    for match in _NUMERIC_RE.finditer(text):
        day, month, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
        year += 2000 if year < 100 and year < 50 else 1900 if year < 100 else 0
        if month > 12 >= day:  # "03/12/2019" written month first
            day, month = month, day
        _add(candidates, match.start(), year, month, day)
    for match in _DAY_MONTH_RE.finditer(text):
        named = MONTHS.get(fold(match.group(2)))
        if named:
            _add(candidates, match.start(), int(match.group(3)), named, int(match.group(1)))
    for match in _MONTH_DAY_RE.finditer(text):
        named = MONTHS.get(fold(match.group(1)))
        if named:
            _add(candidates, match.start(), int(match.group(3)), named, int(match.group(2)))
    return min(candidates, key=lambda item: item[0])[1] if candidates else None


def _add(found: list[tuple[int, datetime]], position: int, year: int, month: int, day: int) -> None:
    if year < MIN_YEAR:
        return
    with suppress(ValueError):
        found.append((position, datetime(year, month, day, tzinfo=UTC)))


def read_head(page: ParsedPage) -> Head:
    """The byline's author and the date written above the article's text, if any."""
    if page.tree is None:
        return Head(None, None)
    lines = visible_lines(page.tree)
    places = line_places(lines)
    head = [line for line, place in zip(lines, places, strict=True)
            if place in (HEAD, ALONE) and word_count(line.text) <= MAX_HEAD_LINE_WORDS][:MAX_HEAD_LINES]
    title = next((line.text for line in lines if line.heading), None)
    reader = LineReader(page.url, None, KnownSources(None), title, bare_names=False)
    # The first byline is the author: the head's later lines are not read for another.
    author = next((claim.author for _, _, claim in reader.cued_claims(head)
                   if claim.kind == AUTHOR and claim.author), None)
    published = next((found for line in head if not line.heading and (found := line_date(line.text))), None)
    cues = grammar().bylines
    signing = [line for line in lines if word_count(line.text) <= MAX_SIGNATURE_WORDS
               and (words := tokens(line.text)) and cues.at(words, 0)]
    signed = frozenset(claim.author for _, _, claim in reader.read(signing) if claim.kind == AUTHOR and claim.author)
    return Head(author, published, signed)
