"""Reading one visible line as clauses: a cue, then an outlet or a name.

A line is cut into segments (`grammar.segments`); in each, an outlet (a link, a host written
out, a known source under any of its forms) or a person's name is a claim when a cue puts it
in a credit: a label ("Source:", "Par :"), a piece and a place ("Article paru dans OUTLET",
"Un article de NAME pour OUTLET"), an origin ("Tratto da OUTLET", "Uit OUTLET"), a pointer
("A lire sur OUTLET"), a byline ("écrit par NAME", "By NAME, OUTLET"), or the shape of the
line itself ("OUTLET, 12 mars 2021", "(OUTLET)", "TITLE – OUTLET", "CITY (AGENCY) —").

What is never a claim: image and chart credits ("Photo: OUTLET", "NAME/AGENCY", "© AGENCY"),
an outlet in running prose ("according to OUTLET", "a indiqué à l'AFP"), asides ("Lire aussi")
and the site's own plugs (newsletters, subscriptions).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from aggregator.extract.attribution.cues import GENITIVE_BYLINES
from aggregator.extract.attribution.forms import Token, tokens
from aggregator.extract.attribution.grammar import Grammar, Segment, grammar, segments
from aggregator.extract.attribution.hosts import find_hosts, host_of_url
from aggregator.extract.attribution.known import KnownSources
from aggregator.extract.attribution.labels import match_label
from aggregator.extract.attribution.lines import Line
from aggregator.extract.attribution.model import (
    AUTHOR,
    BYLINE,
    DATELINE,
    OUTLET,
    PUBLISHED_IN,
    READ_MORE,
    SOURCE,
    VIA,
    Claim,
)
from aggregator.extract.attribution.names import display_name, name_at, nominative
from aggregator.extract.attribution.phrases import AUTHOR_CONJUNCTIONS, NAME_PARTICLES
from aggregator.urls import same_site

HEAD = "head"
TAIL = "tail"
BETWEEN = "between"
ALONE = "alone"

# A line this short is credit-shaped: an outlet named alone in it is a credit.
MAX_SHORT_LINE_WORDS = 20
# Past this many words a line is prose: only its opening can hold a credit (a dateline, "OUTLET:").
MAX_CREDIT_LINE_WORDS = 40
MAX_OPENING_WORDS = 30
# A cue stands near the start of its segment: "Voici un article paru dans", not a sentence's tenth word.
MAX_WORDS_BEFORE_CUE = 7
MAX_WORDS_CUE_TO_OUTLET = 12
# After the outlet, a credit has at most a date and a few words ("du 18/08/21", "Cliquez ici").
MAX_WORDS_AFTER_OUTLET = 8
# Words other than the outlet, dates and fillers that a bare outlet clause may hold ("SWR Aktuell").
MAX_BARE_EXTRA_WORDS = 1
MAX_UNPUNCTUATED_VALUE_WORDS = 5
# A pointer ("lire", "read") opens its segment, or follows one word ("Pour lire", "Hier geht's"):
# "Il faut lire la suite sur ..." is a sentence.
MAX_WORDS_BEFORE_POINTER = 1
# A reporting word this close to an outlet makes it prose: "a indiqué à l'AFP", "taz.de berichtet".
REPORTING_REACH_BEFORE = 3
REPORTING_REACH_AFTER = 2
# A byline's name may follow a few role words: "von Herausgeber Frank-B. Werner".
MAX_ROLE_WORDS = 3
# A byline opening a segment ("Par Jean Dupont ...") is followed by at most this much prose.
MAX_WORDS_AFTER_BYLINE = 8
MAX_BYLINE_TO_OUTLET = 4

_DATELINE_AFTER_RE = re.compile(r"^\s*\)\s*[-–—]")
_COLON_AFTER_RE = re.compile(r"^\s*[:：]")
_LINK = "link"
_HOST = "host"
_NAME = "name"
# An author label run into the name: "VonOliver Stock".
_GLUED_BYLINE_RE = re.compile(r"^(?:[Vv]on|[Bb]y|[Pp]ar|[Pp]or|[Dd]oor)(?=[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ])")
_JOINING_WORDS = frozenset(word.casefold() for word in (*AUTHOR_CONJUNCTIONS, *NAME_PARTICLES))
_COPYRIGHT_RE = re.compile(r"©|\(c\)|\bcopyright\b", re.IGNORECASE)


def _link_span(text: str, link_text: str) -> tuple[int, int] | None:
    """Where a link's text stands in its line, as a whole word or words, in any case; None when
    it does not (an icon, an image)."""
    if not link_text:
        return None
    if text.isascii() and link_text.isascii():
        # In ASCII, matching in any case is comparing lower cases, and a word character is a
        # letter, a digit or "_": the search is done without compiling a pattern for the link.
        lowered, needle = text.lower(), link_text.lower()
        position = lowered.find(needle)
        while position >= 0:
            end = position + len(needle)
            word_before = position > 0 and _is_ascii_word(text[position - 1])
            word_after = end < len(text) and _is_ascii_word(text[end])
            if not word_before and not word_after:
                return position, end
            position = lowered.find(needle, position + 1)
        return None
    found = _link_pattern(link_text).search(text)
    return found.span() if found else None


def _is_ascii_word(char: str) -> bool:
    return char.isalnum() or char == "_"


@lru_cache(maxsize=1024)
def _link_pattern(link_text: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(link_text) + r"(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class Mention:
    """An outlet named in a line: its host, its URL when known, its span and how it was found."""

    host: str
    url: str | None
    start: int
    end: int
    how: str


@dataclass(frozen=True)
class _Byline:
    name: str
    segment: int
    end_word: int
    """Index (in its segment) of the first word after the name."""


class ClauseReader:
    """Reads the credit clauses of lines on one page (its URL, its own host, the known sources)."""

    def __init__(self, page_url: str, own_host: str | None, known: KnownSources,
                 title: str | None = None, *, bare_names: bool = True) -> None:
        self.page_url = page_url
        self.bare_names = bare_names
        """Whether a line that is only a person's name is a byline (a republisher's page); for an
        original's own author, only cued bylines count ("Von NAME", not a name in a caption)."""
        self.own_host = own_host
        self.known = known
        self.grammar: Grammar = grammar()
        self.title_key = " ".join(w.key for w in tokens(title or ""))
        self._text = ""
        self._mentions: list[Mention] = []

    # --- mentions ---------------------------------------------------------------------------------

    def mentions(self, line: Line) -> list[Mention]:
        """The outlets a line names (links, hosts written out, known sources), other than this site."""
        text = line.text
        found: list[Mention] = []
        for link in line.links:
            host_url = host_of_url(link.href, self.page_url)
            if not host_url or same_site(host_url[0], self.own_host):
                continue
            span = _link_span(text, link.text) or (len(text), len(text))
            found.append(Mention(host_url[0], host_url[1], span[0], span[1], _LINK))
        for written in find_hosts(text):
            before = text[written.start - 1] if written.start else " "
            # "potrebna?sxc.hu": a host run into the text before it is a caption's credit.
            if not (before.isspace() or before in "\"'(«“[:/>"):
                continue
            if not same_site(written.host, self.own_host):
                found.append(Mention(written.host, written.url, written.start, written.end, _HOST))
        for named in self.known.mentions(text):
            if not same_site(named.host, self.own_host):
                found.append(Mention(named.host, None, named.start, named.end, _NAME))
        chosen: list[Mention] = []
        for candidate in sorted(found, key=lambda m: (m.start, (_LINK, _HOST, _NAME).index(m.how))):
            if not any(c.start < candidate.end and candidate.start < c.end for c in chosen):
                chosen.append(candidate)
        return chosen

    # --- the line ---------------------------------------------------------------------------------

    def read(self, line: Line, where: str, *, heading: bool = False) -> list[Claim]:
        """The claims a line makes, standing `where` (HEAD, TAIL, BETWEEN or ALONE) in the article."""
        text = line.text
        self._text = text
        g = self.grammar
        words = tokens(text)
        if not words:
            return []
        start = next((i for i, w in enumerate(words) if not g.articles.at(words, i)), 0)
        if g.asides.at(words, 0) or g.asides.at(words, start) or g.promos.find(words):
            return []
        mentions = self.mentions(line)
        self._mentions = mentions
        if not mentions and not self._may_name_someone(text, words, where):
            return []
        protected = [(m.start, m.end) for m in mentions if m.end > m.start]
        protected += [(m.start, m.end) for m in find_hosts(text)]
        parts = segments(text, protected)
        if not parts:
            return []
        blocked = self._image_segments(parts)
        long_line = len(words) > MAX_CREDIT_LINE_WORDS
        short_line = len(words) <= MAX_SHORT_LINE_WORDS
        opening_end = words[min(len(words), MAX_OPENING_WORDS) - 1].end

        bylines = [] if heading else self._bylines(parts, blocked, where, short_line)
        if long_line:
            bylines = [b for b in bylines if parts[b.segment].start <= opening_end]
        claims: list[Claim] = []
        for mention in mentions:
            index = self._segment_of(parts, mention)
            if index is None or index in blocked:
                if index is None and mention.how == _LINK:
                    claim = self._link_claim(parts, mention, line)
                    if claim:
                        claims.append(claim)
                continue
            if long_line and mention.start > opening_end:
                continue
            kind, author = self._mention_kind(parts, index, mention, bylines, where, short_line, long_line)
            if kind is None:
                continue
            if where == BETWEEN and kind not in (READ_MORE,) and not (kind == SOURCE and author):
                continue
            claims.append(Claim(kind=kind, host=mention.host, url=mention.url, author=author, line=text))
        authors = [b.name for b in bylines]
        if claims:
            if authors and not any(c.author for c in claims):
                first = claims[0]
                claims[0] = Claim(first.kind, first.host, first.url, authors[0], first.line)
            return claims
        if authors and not heading:
            return [Claim(kind=AUTHOR, host=None, url=None, author=authors[0], line=text)]
        label = self._bare_source_label(parts)
        return [label] if label else []

    def _may_name_someone(self, text: str, words: Sequence[Token], where: str) -> bool:
        """Whether a line naming no outlet may still hold a byline or a source label (a quick test)."""
        g = self.grammar
        if self.bare_names and where in (HEAD, ALONE) and len(words) <= MAX_SHORT_LINE_WORDS:
            return True  # (asked first: it needs no search)
        if match_label(text) or _GLUED_BYLINE_RE.match(text):
            return True
        return bool(g.bylines.find(words) or g.genitive_bylines.find(words))

    def credit_mentions(self, line: Line) -> list[Mention]:
        """The outlets a line names where a credit may stand, cue or not: every mention except
        those in image credits, asides, plugs and reporting prose. For verification, where the
        question is only whether a copy names its known origin."""
        text = line.text
        self._text = text
        g = self.grammar
        words = tokens(text)
        if not words or g.asides.at(words, 0):
            return []
        mentions = self.mentions(line)
        self._mentions = mentions
        protected = [(m.start, m.end) for m in mentions if m.end > m.start]
        protected += [(m.start, m.end) for m in find_hosts(text)]
        parts = segments(text, protected)
        blocked = self._image_segments(parts)
        # "OUTLET is a nonprofit newsroom ... Sign up to receive our stories": the source's own
        # boilerplate credits it; only the sentence that is a plug is left out.
        blocked |= {index for index, part in enumerate(parts) if g.promos.find(part.words)}
        found = []
        for mention in mentions:
            index = self._segment_of(parts, mention)
            if index is None:
                if mention.how == _LINK:
                    found.append(mention)
                continue
            if index in blocked:
                continue
            part = parts[index]
            first = next((i for i, w in enumerate(part.words) if w.end > mention.start), len(part.words))
            last = next((i for i, w in enumerate(part.words) if w.start >= mention.end), len(part.words))
            if not self._reported(part.words, first, last):
                found.append(mention)
        return found

    def signature(self, line: Line) -> str | None:
        """The person a line names alone ("Marc Becker"), as a byline standing next to a credit would."""
        if not self.bare_names:
            return None
        self._text = line.text
        self._mentions = self.mentions(line)
        protected = [(m.start, m.end) for m in self._mentions if m.end > m.start]
        parts = segments(line.text, protected)
        if not parts or len(tokens(line.text)) > MAX_SHORT_LINE_WORDS or not self.bare_names:
            return None
        bare = self._bare_name(parts, self._image_segments(parts))
        return bare.name if bare and len(parts) == 1 else None

    def _bare_source_label(self, parts: Sequence[Segment]) -> Claim | None:
        # "Quelle: dpa": a source label with a short value names a source we cannot place on the web.
        first = parts[0]
        match = match_label(first.text)
        if (match and match.label.kind == SOURCE and match.has_colon and 1 <= len(match.value.split()) <= 8
                and not self.grammar.images.find(first.words)):
            return Claim(kind=SOURCE, host=None, url=None, author=None, line=first.text)
        return None

    @staticmethod
    def _segment_of(parts: Sequence[Segment], mention: Mention) -> int | None:
        for index, part in enumerate(parts):
            if part.start <= mention.start < part.end or (mention.start == part.end == mention.end):
                return index
        return None

    def _link_claim(self, parts: Sequence[Segment], mention: Mention, line: Line) -> Claim | None:
        # A link whose text is not in the line (an icon, an image): credited only after a label or pointer.
        for part in parts:
            match = match_label(part.text)
            if (match and match.label.kind in (SOURCE, READ_MORE, VIA)) or self.grammar.pointers.find(part.words):
                kind = match.label.kind if match and match.label.kind != AUTHOR else READ_MORE
                return Claim(kind=kind, host=mention.host, url=mention.url, author=None, line=line.text)
        return None

    # --- image credits --------------------------------------------------------------------------------

    def _image_segments(self, parts: Sequence[Segment]) -> set[int]:
        """Segments that belong to an image or chart credit ("Photo: NAME / AGENCY", "NAME/AGENCY")."""
        g = self.grammar
        blocked: set[int] = set()
        # "Copyright © 2019 OUTLET. Reproduced with permission.": a republication's copyright notice.
        reprinted = any(g.pieces.find(p.words) or match_label(p.text) for p in parts)
        for index, part in enumerate(parts):
            if index in blocked:
                continue
            if g.images.find(part.words) or (_COPYRIGHT_RE.search(part.text) and not reprinted):
                blocked.add(index)
                # The credit runs to the end of its parentheses, or of its physical line.
                for later in range(index + 1, len(parts)):
                    after = parts[later]
                    if part.parenthesised and not after.parenthesised:
                        break
                    if not part.parenthesised and after.before == "\n":
                        break
                    blocked.add(later)
        # "Fred Lum/The Globe and Mail", "UN News / Laura Quiñones": a person and an agency around a slash.
        for index in range(len(parts) - 1):
            left, right = parts[index], parts[index + 1]
            if left.after != "/":
                continue
            if (self._is_person_segment(left) and self._names_outlet(right)) or (
                self._is_person_segment(right) and self._names_outlet(left)
            ):
                blocked.update((index, index + 1))
        return blocked

    def _is_person_segment(self, part: Segment) -> bool:
        """A segment that is a person's name and nothing else (no byline cue, no label)."""
        if not part.words or self.grammar.bylines.at(part.words, 0) or match_label(part.text):
            return False
        found = name_at(part.text, strict=True, min_words=2)
        return found is not None and not part.text[found[1] :].strip(" .,*")

    def _names_outlet(self, part: Segment) -> bool:
        return any(part.start <= m.start < part.end for m in self._mentions)

    # --- bylines ----------------------------------------------------------------------------------------

    def _bylines(self, parts: Sequence[Segment], blocked: set[int], where: str, short_line: bool) -> list[_Byline]:
        """The people the line credits as authors, in order."""
        found: list[_Byline] = []
        for index, part in enumerate(parts):
            if index in blocked:
                continue
            byline = self._cued_byline(part, index)
            if byline:
                found.append(byline)
        if not found and short_line and self.bare_names:
            bare = self._bare_name(parts, blocked)
            # Outside the head, a name alone is a signature; beside an outlet ("NAME in OUTLET",
            # "OUTLET — NAME", "NAME | OUTLET") it is a credit anywhere.
            named_part = parts[bare.segment] if bare else None
            beside = bare is not None and named_part is not None and any(
                self._segment_of(parts, m) not in blocked
                and not (named_part.start <= m.start < named_part.end
                         and m.start < named_part.words[min(bare.end_word, len(named_part.words) - 1)].start)
                for m in self._mentions
            )
            if bare and (where in (HEAD, ALONE) or beside):
                found.append(bare)
        return found

    def _cued_byline(self, part: Segment, index: int) -> _Byline | None:
        g = self.grammar
        words = part.words
        label = match_label(part.text)
        glued = _GLUED_BYLINE_RE.match(part.text)
        if glued:
            found = name_at(part.text[glued.end() :], strict=True)
            if found:
                return _Byline(display_name(found[0]), index, len(words))
        for position in range(len(words)):
            length = g.bylines.at(words, position)
            if not length:
                length = g.genitive_bylines.at(words, position)
            if not length:
                continue
            genitive = words[position + length - 1].key in GENITIVE_BYLINES
            between = part.text[words[position - 1].end - part.start : words[position].start - part.start] \
                if position else ""
            clause_start = position == 0 or "," in between
            after_outlet = position > 0 and any(m.end == words[position - 1].end for m in self._mentions)
            if not (clause_start or after_outlet) and not self._cue_may_stand_inside(words, position, length):
                continue
            after = words[position + length - 1].end - part.start
            rest = part.text[after:]
            colon = bool(_COLON_AFTER_RE.match(rest))
            rest = self._skip_roles(rest)
            single_word_cue = length == 1 and not colon
            found = name_at(rest.lstrip(" :：-–—"), strict=not colon,
                            min_words=2 if position > 0 or genitive else 1)
            if found is None and not colon:
                found = self._lower_case_byline(rest.lstrip(" :：-–—"))
            if found is None:
                if position == 0 and label is None:
                    return None
                continue
            name, end = found
            name_start = part.start + after + (len(part.text[after:]) - len(rest)) + (
                len(rest) - len(rest.lstrip(" :：-–—")))
            if any(m.start <= name_start < m.end for m in self._mentions):
                continue
            if self._is_outlet(name):
                # "Rubén Manso Olivar en Tech Journal": "en" read as "and" took the outlet in.
                person = self._before_outlet(name)
                if person is None:
                    continue
                name = person
            consumed = len(rest) - len(rest.lstrip(" :：-–—")) + end
            name_end = after + (len(part.text[after:]) - len(rest)) + consumed
            remaining = part.text[name_end:]
            if position == 0 and single_word_cue and len(remaining.split()) > MAX_WORDS_AFTER_BYLINE:
                return None
            if " " not in name and remaining[:1].isspace() and remaining.strip()[:1].isupper():
                return None  # "By JERUSALEM POST STAFF": one word of a longer name is no name
            if genitive:
                name = nominative(name, GENITIVE_BYLINES[words[position + length - 1].key])
            end_word = next((i for i, w in enumerate(words) if w.start >= part.start + name_end), len(words))
            return _Byline(display_name(name), index, end_word)
        return None

    def _lower_case_byline(self, text: str) -> tuple[str, int] | None:
        """A name written in lower case, vouched for by the role after it: "by rachel greszler,
        opinion contributor" (while "by clicking here" stays no byline)."""
        found = name_at(text, strict=False, min_words=2)
        if found is None or not text[found[1] :].lstrip().startswith(","):
            return None
        after = tokens(text[found[1] :])
        return found if any(self.grammar.roles.at(after, i) for i in range(min(3, len(after)))) else None

    def _cue_may_stand_inside(self, words: Sequence[Token], position: int, length: int) -> bool:
        """Inside a sentence, a byline cue is a phrase ("écrit par") or follows a piece or a role word
        ("Article By", "Interview par", "Kommentar von"); "DIRIGÉE PAR" is no byline."""
        g = self.grammar
        if length > 1 or g.pieces.at(words, position):
            return True  # a phrase, or a participle ("signée Alain Dubuc")
        return bool(g.pieces.ending_at(words, position) or g.roles.ending_at(words, position)
                    or g.outlet_nouns.ending_at(words, position))

    def _skip_roles(self, text: str) -> str:
        """`text` without the role words opening it ("el profesor-investigador, Ignacio ...")."""
        g = self.grammar
        skipped = 0
        while skipped < MAX_ROLE_WORDS:
            words = tokens(text)
            if not words:
                break
            length = g.roles.at(words, 0) or g.articles.at(words, 0) or g.pieces.at(words, 0)
            if not length or (words[0].text[:1].isupper() and not g.roles.at(words, 0)):
                break
            text = text[words[length - 1].end :].lstrip(" ,.:")
            skipped += length
        return text

    def _bare_name(self, parts: Sequence[Segment], blocked: set[int]) -> _Byline | None:
        """A line of the head that is a person's name, alone or with a role, an affiliation or a
        date ("Renata Betti", "Piet Romeijn, januari 1999", "Senior lecturer David Smith in
        OUTLET", "TITLE | NAME", "NAME, UNIVERSITY and NAME, UNIVERSITY"): the last such segment."""
        chosen: _Byline | None = None
        if blocked:
            return None  # a caption: "NAME, role. Photograph: NAME"
        g = self.grammar
        for index, part in enumerate(parts):
            if index in blocked or part.parenthesised or match_label(part.text):
                continue
            if any(phrases.at(part.words, 0) for phrases in (g.pieces, g.pointers, g.origins, g.bylines)):
                continue
            if (part.before not in ("", "\n", "|", "–", "—", "-") and index) or part.after == "/":
                continue  # "NAME / AGENCY" is a photographer's credit
            text = self._skip_roles(part.text)
            offset = len(part.text) - len(text)
            names = self._affiliated_names(text)
            found = name_at(text, strict=True, min_words=2)
            if found is None:
                continue
            name, end = found
            rest = text[end:].strip(" *†")
            rest_words = tokens(rest)
            if names:
                name = ", ".join(names)
            elif rest and not rest.startswith((",", ":")) and not (
                rest_words and self.grammar.places.at(rest_words, 0)
            ):
                continue
            if " ".join(w.key for w in tokens(name)) == self.title_key or self._is_outlet(name):
                continue
            end_word = next((i for i, w in enumerate(part.words) if w.start >= part.start + offset + end),
                            len(part.words))
            chosen = _Byline(display_name(name), index, end_word)
        return chosen

    def _affiliated_names(self, text: str) -> list[str]:
        """The people of "NAME, AFFILIATION and NAME, AFFILIATION" (The Conversation's byline)."""
        people = re.split(r"\s+(?:and|et|und|y|e|en|och|og)\s+", text)
        if len(people) < 2:
            return []
        names = []
        for person in people:
            found = name_at(person, strict=True, min_words=2)
            if found is None or not person[found[1] :].strip().startswith(","):
                return []
            names.append(found[0])
        return names

    def _before_outlet(self, name: str) -> str | None:
        """The person's part of a name that ran into an outlet's, if it is a name of two words or more."""
        outlets = self.known.mentions(name)
        if not outlets:
            return None
        words = name[: outlets[0].start].split()
        while words and words[-1].casefold() in _JOINING_WORDS:
            words.pop()
        return " ".join(words) if len(words) >= 2 and not self.known.mentions(" ".join(words)) else None

    def _is_outlet(self, name: str) -> bool:
        """Whether a name starts with a known outlet's: "La Presse" after "Une chronique de", "SWR Aktuell"."""
        words = tokens(name)
        return bool(words) and any(m.start <= words[0].start < m.end or m.start <= words[-1].start < m.end
                                   for m in self.known.mentions(name))

    # --- outlets ----------------------------------------------------------------------------------------

    def _mention_kind(
        self,
        parts: Sequence[Segment],
        index: int,
        mention: Mention,
        bylines: Sequence[_Byline],
        where: str,
        short_line: bool,
        long_line: bool,
    ) -> tuple[str | None, str | None]:
        """The kind of claim an outlet mention makes in its segment, and the author it comes with."""
        g = self.grammar
        part = parts[index]
        words = part.words
        first = next((i for i, w in enumerate(words) if w.end > mention.start), len(words))
        last = next((i for i, w in enumerate(words) if w.start >= mention.end), len(words))
        byline = next((b for b in bylines if b.segment == index and b.end_word <= first), None)
        previous_byline = next((b for b in bylines if b.segment == index - 1), None)

        # A label opening the segment: "Source: X", "Lire la suite sur X", "Originally published at X".
        label = match_label(part.text)
        # Without a colon, "Source"/"Via" lines are just the label and a name ("Via example.com");
        # longer, they are sentences ("Sources say the deal is off, according to example.com").
        if label and label.label.kind != AUTHOR and mention.start >= part.end - len(label.value) and not (
            label.label.kind in (SOURCE, VIA) and not label.has_colon
            and len(label.value.split()) > MAX_UNPUNCTUATED_VALUE_WORDS
        ):
            return label.label.kind, byline.name if byline else None

        if self._reported(words, first, last):
            return None, None

        # A wire dateline: "SEATTLE (AP) —", "(AFP) - Il a dépassé ...".
        if (part.parenthesised and part.after == ")" and self._bare(words, first, last, 0)
                and _DATELINE_AFTER_RE.match(self._text[part.end :])):
            return DATELINE, None

        if long_line and not (index == 0 and first == 0):
            return self._cued_kind(words, first, last, part, short_line=False), None

        # A byline's outlet: "Un article de NAME pour OUTLET", "By NAME, OUTLET", "Autor: NAME, pentru OUTLET".
        if byline is not None and first - byline.end_word <= MAX_BYLINE_TO_OUTLET and all(
            g.is_filler(words, i) or g.places.at(words, i) for i in range(byline.end_word, first)
        ):
            return BYLINE, byline.name
        if previous_byline is not None and part.before in ("\n", "•", "·", "|", "-", "–", "—") and \
                self._bare(words, first, last, MAX_BARE_EXTRA_WORDS):
            return BYLINE, previous_byline.name

        cued = self._cued_kind(words, first, last, part, short_line=short_line)
        if cued:
            return cued, byline.name if byline else None

        # "NAME, OUTLET": a person's name, then the outlet in the next clause.
        clauses = part.clauses()
        clause = next(((a, b) for a, b in clauses if a <= first < b), (0, len(words)))
        if clause[0] > 0 and self._bare(words, first, last, MAX_BARE_EXTRA_WORDS, within=clause):
            before_clause = next(((a, b) for a, b in clauses if b == clause[0]), None)
            if before_clause:
                a, b = words[before_clause[0]].start, words[before_clause[1] - 1].end
                text = part.text[a - part.start : b - part.start]
                person = name_at(text, strict=True, min_words=2)
                if person and len(tokens(person[0])) == before_clause[1] - before_clause[0]:
                    return BYLINE, display_name(person[0])

        # "OUTLET: ..." opening the line (or after a name): the outlet as a label.
        if _COLON_AFTER_RE.match(self._text_after_mention(part, mention)) and (
            (index == 0 and first == 0) or (index == 0 and clause[0] == first and first <= 4)
        ):
            return OUTLET, None

        # A bare outlet clause in a credit-shaped line: "Nouvel Observateur 16/02/2012", "(Rheinische
        # Post)", "TITLE – OUTLET", "Editorial, 5 diciembre 2016 / EL MUNDO".
        # A host or a link alone is a credit where it opens the line ("Vilaweb.cat -", "31.8.10 /
        # www.baden-online.de"); after other words ("Ticketing / www.theater.example") it is a contact.
        edge = index in (0, len(parts) - 1) or part.parenthesised or part.before in ("|", "•", "·")
        if mention.how != _NAME and (
            not all(self._bare(p.words, 0, 0, 0) for p in parts[:index])
            or not self._bare(words[:first], first, first, 0)
        ):
            return None, None
        whole = clause == (0, len(words))
        if self._bare(words, first, last, MAX_BARE_EXTRA_WORDS, within=clause) and (short_line or (edge and whole)):
            return OUTLET, None
        return None, None

    def _cued_kind(
        self, words: Sequence[Token], first: int, last: int, part: Segment, *, short_line: bool
    ) -> str | None:
        """PUBLISHED_IN or READ_MORE when a piece, pointer or origin cue puts the outlet in a credit."""
        g = self.grammar
        clause_end = next((b for a, b in part.clauses() if a <= first < b), len(words))
        after = sum(1 for i in range(last, clause_end) if not g.is_filler(words, i))
        if after > MAX_WORDS_AFTER_OUTLET:
            return None
        # "Da il Fatto Quotidiano", "Uit OUTLET", "Aus der Süddeutschen": an origin opening the segment.
        opening = 0
        while opening < first and g.articles.at(words, opening):
            opening += 1
        origin = g.origins.at(words, opening)
        if origin and self._only_fillers(words, opening + origin, first):
            return PUBLISHED_IN
        # "NYT Opinion https://...": a piece word right after another outlet's name belongs to that name.
        mention_start = words[first].start if first < len(words) else part.end
        qualified = {
            next((i for i, w in enumerate(words) if w.start >= other.end), len(words))
            for other in self._mentions if part.start <= other.start < part.end and other.end <= mention_start
        }
        for position in range(first):
            if position in qualified:
                continue
            piece = g.pieces.at(words, position)
            pointer = g.pointers.at(words, position)
            length = max(piece, pointer)
            if not length:
                continue
            if pointer >= piece and position > MAX_WORDS_BEFORE_POINTER:
                if not piece:
                    continue
                pointer = 0
            if position > MAX_WORDS_BEFORE_CUE:
                break
            gap = first - (position + length)
            if gap < 0 or gap > MAX_WORDS_CUE_TO_OUTLET:
                continue
            if self._placed(words, position + length, first) or self._only_fillers(words, position + length, first):
                return READ_MORE if pointer >= piece else PUBLISHED_IN
        return None

    def _placed(self, words: Sequence[Token], start: int, first: int) -> bool:
        """A place word stands just before the outlet, perhaps with an article, an outlet noun or a
        date between ("dans l'édition de samedi de l'Humanité", "in today's Washington Post")."""
        g = self.grammar
        end = first
        for _ in range(6):
            if end <= start:
                return False
            window = words[start:end]
            if g.places.ending_at(window, end - start) or g.origins.ending_at(window, end - start):
                return True
            length = (g.articles.ending_at(window, end - start) or g.outlet_nouns.ending_at(window, end - start)
                      or g.dates.ending_at(window, end - start)
                      or int(len(window[-1].text) == 1 or window[-1].text.isdigit()))
            if not length:
                return False
            end -= length
        return False

    def _only_fillers(self, words: Sequence[Token], start: int, stop: int) -> bool:
        g = self.grammar
        index = start
        while index < stop:
            length = g.articles.at(words, index) or g.outlet_nouns.at(words, index) or g.places.at(words, index)
            if not length:
                return False
            index += length
        return True

    def _bare(self, words: Sequence[Token], first: int, last: int, extra: int,
              within: tuple[int, int] | None = None) -> bool:
        """Whether the words around the outlet are only dates and fillers (and at most `extra` others)."""
        g = self.grammar
        start, stop = within or (0, len(words))
        count = 0
        index = start
        while index < stop:
            if first <= index < last:
                index = last
                continue
            length = g.is_filler(words, index)
            if length:
                index += length
                continue
            count += 1
            index += 1
        return count <= extra

    def _reported(self, words: Sequence[Token], first: int, last: int) -> bool:
        """An outlet in running prose: a reporting word just before or after it."""
        g = self.grammar
        for position, length in g.reporting.find(words):
            if position < first and position + length >= first - REPORTING_REACH_BEFORE:
                return True
            if last <= position <= last + REPORTING_REACH_AFTER - 1:
                return True
        return False

    @staticmethod
    def _text_after_mention(part: Segment, mention: Mention) -> str:
        return part.text[mention.end - part.start :]
