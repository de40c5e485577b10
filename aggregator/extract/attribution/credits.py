"""Credit lines: the visible lines of an article read as clauses, knowing where each line stands.

Where a line stands decides what it may claim. The head (every line up to the first long
paragraph, that paragraph included, for wire datelines) and the tail (from the last long
paragraph on) hold bylines and credits; a short line between two long paragraphs is most often
a caption or a chart's source, so it only counts when it says outright that the article is
elsewhere ("Read the full story at ...").
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence

from aggregator.extract.attribution.clauses import (
    ALONE,
    BETWEEN,
    HEAD,
    MAX_CREDIT_LINE_WORDS,
    MAX_OPENING_WORDS,
    TAIL,
    ClauseReader,
)
from aggregator.extract.attribution.known import KnownSources
from aggregator.extract.attribution.labels import match_label
from aggregator.extract.attribution.lines import Line, word_count
from aggregator.extract.attribution.model import AUTHOR, Claim

# A paragraph longer than this is article text.
MAX_SHORT_LINE_WORDS = 25
# A label alone on its line ("Source:") takes its value from the next line when that one is this short.
MAX_CONTINUATION_WORDS = 12
_WORD_RE = re.compile(r"\S+")


def is_long(line: Line) -> bool:
    """Whether a line is a paragraph of article text rather than a credit, a byline or a caption."""
    return word_count(line.text) > MAX_SHORT_LINE_WORDS


def _opening(line: Line) -> Line:
    """A long line as the clause reader reads it: its opening only (a dateline, "OUTLET: ...")."""
    # (`word_count` is the count of these words, and is known already for every line.)
    if word_count(line.text) <= MAX_CREDIT_LINE_WORDS:
        return line
    # Words past the limit are not looked at: a paragraph's opening is all that is read of it.
    words = list(itertools.islice(_WORD_RE.finditer(line.text), MAX_CREDIT_LINE_WORDS + 1))
    if len(words) <= MAX_CREDIT_LINE_WORDS:
        return line
    return Line(text=line.text[: words[MAX_OPENING_WORDS - 1].end()], links=line.links, heading=line.heading)


def line_places(lines: Sequence[Line]) -> list[str]:
    """Where each line stands: HEAD, TAIL, BETWEEN two long paragraphs, or ALONE (no long paragraph)."""
    long_lines = [index for index, line in enumerate(lines) if is_long(line)]
    if not long_lines:
        return [ALONE] * len(lines)
    first, last = long_lines[0], long_lines[-1]
    return [HEAD if index <= first else TAIL if index >= last else BETWEEN for index in range(len(lines))]


class LineReader:
    """Reads credit lines on one page: knows the page's URL, its own host, its title and the known sources."""

    def __init__(self, page_url: str, own_host: str | None, known: KnownSources, title: str | None = None,
                 *, bare_names: bool = True) -> None:
        self.clauses = ClauseReader(page_url, own_host, known, title, bare_names=bare_names)

    def read(self, lines: list[Line]) -> list[tuple[int, int, Claim]]:
        """Every claim among `lines`: (first index, index after the last, claim), in order.

        A label standing alone ("<dt>Source</dt><dd>example.com</dd>") is read with the next line.
        """
        places = line_places(lines)
        found = list(self._claims(lines, places))
        if not self.clauses.bare_names:
            return found  # a signature is a bare name: none without them
        return self._with_signatures(lines, places, found)

    def cued_claims(self, lines: list[Line]) -> Iterator[tuple[int, int, Claim]]:
        """`read`, line after line, for a reader that takes no bare names (so no signatures):
        the claims of the first lines come before the later lines are read."""
        if self.clauses.bare_names:
            raise ValueError("a reader of bare names reads a page's lines whole")
        return self._claims(lines, line_places(lines))

    def _claims(self, lines: list[Line], places: list[str]) -> Iterator[tuple[int, int, Claim]]:
        index = 0
        while index < len(lines):
            line = lines[index]
            if places[index] == BETWEEN and is_long(line):
                index += 1  # a paragraph of the article's text
                continue
            claims = self.clauses.read(_opening(line), places[index], heading=line.heading)
            end = index + 1
            if not claims and index + 1 < len(lines) and self._is_bare_label(line):
                following = lines[index + 1]
                if word_count(following.text) <= MAX_CONTINUATION_WORDS:
                    joined = Line(text=f"{line.text} {following.text}", links=line.links + following.links)
                    claims = self.clauses.read(joined, places[index])
                    end = index + 2
            for claim in claims:
                yield index, end, claim
            index = end

    def _with_signatures(
        self, lines: list[Line], places: list[str], found: list[tuple[int, int, Claim]]
    ) -> list[tuple[int, int, Claim]]:
        """A name alone on its line next to a line naming the outlet is that credit's author
        ("Marc Becker" above "Data Notes, 03/06/2020"), wherever the block stands."""
        if any(claim.author for _, _, claim in found):
            return found
        sourced = {start for start, _, claim in found if claim.host and claim.kind != AUTHOR}
        taken = {i for start, end, _ in found for i in range(start, end)}
        for index, line in enumerate(lines):
            if index in taken or places[index] == HEAD or not ({index - 1, index + 1} & sourced):
                continue
            name = self.clauses.signature(line)
            if name:
                found.append((index, index + 1, Claim(kind=AUTHOR, host=None, url=None, author=name, line=line.text)))
                return sorted(found, key=lambda item: item[:2])
        return found

    @staticmethod
    def _is_bare_label(line: Line) -> bool:
        match = match_label(line.text)
        return match is not None and not match.value and not match.after_label and not line.links


__all__ = ["ALONE", "BETWEEN", "HEAD", "TAIL", "LineReader", "is_long", "line_places"]
