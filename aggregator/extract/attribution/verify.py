"""Verification: once a copy is matched, does it credit its original's source and author?

The question is narrower than parsing: the original is known, so every form of its source is
looked for (its registered name and aliases under the forms `known.KnownSources` derives, its
hosts, links to it) and every form of its author's name (case, accents, initials, "Last, First"),
in the copy's credit positions: the lines at the head and the tail of its article (bylines,
first and last blocks, short lines, with their links), and links to the original anywhere. Not
in captions, image credits, asides or reporting prose, and not in text the copy took from the
original (an original naming itself is not the copy crediting it).

Processing keeps the credit positions of every republication (`credit_positions`), so matching
verifies on stored data without parsing the page again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aggregator.extract.attribution.clauses import ALONE, BETWEEN, HEAD, TAIL, ClauseReader
from aggregator.extract.attribution.credits import line_places
from aggregator.extract.attribution.forms import fold, keys, tokens
from aggregator.extract.attribution.grammar import grammar
from aggregator.extract.attribution.hosts import host_of_url
from aggregator.extract.attribution.known import known_sources
from aggregator.extract.attribution.lines import Line, Link
from aggregator.extract.attribution.names import display_name
from aggregator.extract.attribution.phrases import AUTHOR_CONJUNCTIONS
from aggregator.urls import same_site, try_normalise_url, url_match_key

# Lines kept per end of the article, and words per line (a long first or last paragraph is cut
# to its opening or its close, where a dateline or an "originally appeared on" sentence stands).
MAX_LINES_PER_END = 40
MAX_LINE_WORDS = 80
CLIPPED_WORDS = 40
MAX_LINKS_ELSEWHERE = 40
# A line of the copy this long that the original's text contains was copied, not written by the copier.
MIN_COPIED_WORDS = 4
MIN_ONE_WORD_NAME = 4

SOURCE = "source"
AUTHOR = "author"


@dataclass(frozen=True)
class CreditFound:
    """Where a copy credits its original: what (source or author), how it was recognised (a parsed
    claim, a link, a host, a name), the words as the page writes them, their line and its place."""

    what: str
    how: str
    text: str
    line: str
    where: str

    def as_dict(self) -> dict[str, str]:
        """As stored and shown by `explain`."""
        return {"what": self.what, "how": self.how, "text": self.text, "line": self.line, "where": self.where}


@dataclass(frozen=True)
class Verification:
    """The credits a copy gives its original, if any."""

    source: CreditFound | None
    author: CreditFound | None


@dataclass(frozen=True)
class Origin:
    """What is known of an original when verifying a copy of it."""

    host: str
    names: tuple[str, ...]
    """Its source's registered name and aliases."""
    url: str | None
    author: str | None
    text: str


def credit_positions(lines: Sequence[Line]) -> list[dict[str, Any]]:
    """The credit positions of a page's article lines, as plain data: the lines of its head and
    tail (text, place, links) and the links of the lines between."""
    places = line_places(lines)
    head = [i for i, place in enumerate(places) if place in (HEAD, ALONE)][:MAX_LINES_PER_END]
    tail = [i for i, place in enumerate(places) if place == TAIL][-MAX_LINES_PER_END:]
    kept: list[dict[str, Any]] = []
    for index in sorted(set(head) | set(tail)):
        line = lines[index]
        if line.heading:
            continue
        kept.append({"where": places[index], "text": _clipped(line.text, places[index]),
                     "links": [[link.text, link.href] for link in line.links]})
    elsewhere = [link for i, place in enumerate(places) if place == BETWEEN for link in lines[i].links]
    for link in elsewhere[:MAX_LINKS_ELSEWHERE]:
        kept.append({"where": BETWEEN, "text": link.text, "links": [[link.text, link.href]]})
    return kept


def _clipped(text: str, where: str) -> str:
    words = text.split()
    if len(words) <= MAX_LINE_WORDS:
        return text
    return " ".join(words[-CLIPPED_WORDS:] if where == TAIL else words[:CLIPPED_WORDS])


class CopiedText:
    """The original's text, to tell a line the copier wrote from one it copied."""

    def __init__(self, text: str) -> None:
        paragraphs = [" ".join(keys(p)) for p in re.split(r"\n\s*\n|\n", text) if p.strip()]
        self._paragraphs = set(paragraphs)
        # The words of the whole text are those of its paragraphs in turn (no word spans a line break).
        self._all = " " + " ".join(p for p in paragraphs if p) + " "

    def has(self, line: str) -> bool:
        """Whether `line` is (a piece of) the original's text."""
        words = keys(line)
        if not words:
            return False
        joined = " ".join(words)
        return joined in self._paragraphs or (len(words) >= MIN_COPIED_WORDS and f" {joined} " in self._all)


class PreparedOrigin:
    """What verification derives from an original, once for all its copies: its text as the copies
    are compared with (`CopiedText`), its source's names as recognised in text, its address's key."""

    def __init__(self, origin: Origin) -> None:
        self.origin = origin
        self.copied = CopiedText(origin.text)
        self.known = known_sources({name: origin.host for name in origin.names})
        self.url_key = _url_key(origin.url)


def prepare_origin(origin: Origin | PreparedOrigin) -> PreparedOrigin:
    """`origin` prepared for verifying its copies (matching prepares each original once per batch)."""
    return origin if isinstance(origin, PreparedOrigin) else PreparedOrigin(origin)


def verify_credit(
    positions: Sequence[Mapping[str, Any]], *, page_url: str, origin: Origin | PreparedOrigin
) -> Verification:
    """Whether the copy at `page_url`, by its stored credit positions, credits `origin`'s source and author."""
    prepared = prepare_origin(origin)
    origin = prepared.origin
    own = host_of_url(page_url)
    own_host = own[0] if own else None
    reader = ClauseReader(page_url, own_host, prepared.known)
    copied = prepared.copied
    original_key = prepared.url_key
    source: CreditFound | None = None
    author: CreditFound | None = None
    for position in positions:
        where = str(position.get("where") or "")
        text = str(position.get("text") or "")
        links = [Link(href=str(href), text=str(link_text)) for link_text, href in position.get("links") or []]
        if where == BETWEEN:
            # Elsewhere in the text, only a link to the original itself is a credit.
            if source is None and original_key and any(_url_key(link.href) == original_key for link in links):
                source = CreditFound(SOURCE, "link", text, text, where)
            continue
        if copied.has(text):
            continue
        line = Line(text=text, links=links)
        if source is None:
            for mention in reader.credit_mentions(line):
                if same_site(mention.host, origin.host):
                    as_written = text[mention.start : mention.end] or (mention.url or mention.host)
                    source = CreditFound(SOURCE, mention.how, as_written, text, where)
                    break
        if author is None and origin.author:
            person = find_person(text, origin.author)
            if person and not _image_credit(text):
                author = CreditFound(AUTHOR, "name", display_name(person), text, where)
    return Verification(source=source, author=author)


def _url_key(url: str | None) -> str | None:
    normal = try_normalise_url(url) if url else None
    return url_match_key(normal) if normal else None


def _image_credit(text: str) -> bool:
    return bool(grammar().images.find(tokens(text)))


_PEOPLE_SPLIT_RE = re.compile(r"\s*,\s*|\s+(?:" + "|".join(re.escape(w) for w in AUTHOR_CONJUNCTIONS) + r")\s+",
                              re.IGNORECASE)


def people(name: str) -> list[tuple[str, ...]]:
    """The folded words of each person in an author string ("Ted Gregory and Joe Mahr")."""
    return [words for part in _PEOPLE_SPLIT_RE.split(name) if (words := keys(part))]


def find_person(text: str, name: str) -> str | None:
    """The first place `text` names a person of `name` (any case and accents; "H. Tanaka",
    "Tanaka, Hugo", first and last name without the middle one), as written; None when it does not."""
    words = tokens(text)
    if not words:
        return None
    for person in people(name):
        found = _find_words(words, person)
        if found:
            start, end = found
            return text[words[start].start : words[end - 1].end].rstrip(",")
    return None


def _find_words(words: Sequence[Any], person: tuple[str, ...]) -> tuple[int, int] | None:
    count = len(person)
    found_keys = [w.key for w in words]
    if count == 1:
        if len(person[0]) < MIN_ONE_WORD_NAME:
            return None
        return next(((i, i + 1) for i, w in enumerate(words) if w.key == person[0] and w.capitalised), None)
    first, last = person[0], person[-1]
    for i in range(len(words)):
        window = found_keys[i : i + count]
        if window == list(person):
            return i, i + count
        # "H. Tanaka" / "H Tanaka"
        if found_keys[i : i + 1] == [first[0]] and found_keys[i + 1 : i + count] == list(person[1:]):
            return i, i + count
        # "Tanaka, Hugo"
        if found_keys[i : i + count] == [last, *person[:-1]]:
            return i, i + count
        # "Hugo Tanaka" for "Hugo M. Tanaka"
        if count > 2 and found_keys[i : i + 2] == [first, last]:
            return i, i + 2
    return None


def origin_names(name: str | None, aliases: Iterable[str] | None) -> tuple[str, ...]:
    """A source's display names: its registered name and its aliases, without repeats."""
    found: list[str] = []
    for candidate in (name, *(aliases or ())):
        if candidate and candidate.strip() and fold(candidate) not in {fold(f) for f in found}:
            found.append(candidate.strip())
    return tuple(found)
