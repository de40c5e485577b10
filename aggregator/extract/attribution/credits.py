"""Credit lines: a visible line that opens with a label, and the claim it makes."""

from __future__ import annotations

import re

from aggregator.extract.attribution.hosts import find_hosts, host_of_url
from aggregator.extract.attribution.known import KnownSources
from aggregator.extract.attribution.labels import LabelMatch, match_label, phrase_key
from aggregator.extract.attribution.lines import Line, Link
from aggregator.extract.attribution.model import AUTHOR, SOURCE, VIA, Claim
from aggregator.extract.attribution.names import leading_name
from aggregator.extract.attribution.phrases import AUTHOR_CONNECTORS, NAME_PARTICLES, PLACE_CONNECTORS
from aggregator.urls import same_site

# A credit line is short; a long paragraph that happens to open with "Source" is article text.
MAX_CREDIT_WORDS = 40
# A value without any host still makes a credit line after a colon when this short ("Quelle: dpa").
MAX_BARE_VALUE_WORDS = 8
# Without a colon, "Source"/"Via" lines are just the label and a name ("Via example.com"); longer,
# they are sentences ("Sources say the deal is off, according to example.com").
MAX_UNPUNCTUATED_VALUE_WORDS = 5
# A label alone on its line ("Source:") takes its value from the next line when that one is this short.
MAX_CONTINUATION_WORDS = 12

_AUTHOR_CONNECTOR_KEYS = frozenset(phrase_key(word) for word in AUTHOR_CONNECTORS)
# Where a name ends inside "by NAME on HOST": a place word that cannot be part of a name.
_PLACE_SPLIT_RE = re.compile(
    r"\s+(?:"
    + "|".join(
        re.escape(word)
        for word in sorted({phrase_key(w) for w in PLACE_CONNECTORS} - NAME_PARTICLES, key=len, reverse=True)
    )
    + r")(?=\s|:|$)",
    re.IGNORECASE,
)
# "Source: example.com, by Jane Doe": a person named inside a source line.
_AUTHOR_IN_VALUE_RE = re.compile(
    r"(?:^|[\s,;(–—-])(?:"
    + "|".join(re.escape(word) for word in sorted(AUTHOR_CONNECTORS, key=len, reverse=True))
    + r")\s+(?P<name>\S.*)$",
    re.IGNORECASE,
)
# Separators between unrelated items on one line: "By Jane Doe | Follow @jane".
_ITEM_SEPARATOR_RE = re.compile(r"\s[|•·]\s")


def _links_in_credit(line: Line) -> list[Link]:
    """The links that belong to the credit itself, not to items after a separator on the same line."""
    credit = _ITEM_SEPARATOR_RE.split(line.text, maxsplit=1)[0].casefold()
    return [link for link in line.links if not link.text or link.text.casefold() in credit]


class LineReader:
    """Reads credit lines on one page: knows the page's URL, its own host and the known sources."""

    def __init__(self, page_url: str, own_host: str | None, known: KnownSources) -> None:
        self.page_url = page_url
        self.own_host = own_host
        self.known = known

    def read(self, lines: list[Line]) -> list[tuple[int, int, Claim]]:
        """Every credit line among `lines`: (first index, index after the last, claim), in order.

        A label standing alone ("<dt>Source</dt><dd>example.com</dd>") is read with the next line.
        """
        found: list[tuple[int, int, Claim]] = []
        index = 0
        while index < len(lines):
            line = lines[index]
            claim = self.claim(line)
            end = index + 1
            if claim is None and index + 1 < len(lines) and self._is_bare_label(line):
                following = lines[index + 1]
                if len(following.text.split()) <= MAX_CONTINUATION_WORDS:
                    joined = Line(text=f"{line.text} {following.text}", links=line.links + following.links)
                    claim = self.claim(joined)
                    end = index + 2
            if claim is not None:
                found.append((index, end, claim))
            index = end if claim is not None else index + 1
        return found

    @staticmethod
    def _is_bare_label(line: Line) -> bool:
        match = match_label(line.text)
        return match is not None and not match.value and not match.after_label and not line.links

    def claim(self, line: Line) -> Claim | None:
        """The claim a line makes, or None when it is not a credit line."""
        if len(line.text.split()) > MAX_CREDIT_WORDS:
            return None
        match = match_label(line.text)
        if match is None:
            return None
        if match.label.kind == AUTHOR:
            return self._author_claim(line, match)
        return self._source_claim(line, match)

    def _author_claim(self, line: Line, match: LabelMatch) -> Claim | None:
        # "By Jane Doe", "PAR: alexis mouthon"; not "By clicking here" nor "Par ailleurs, ...".
        name = leading_name(match.after_label, strict=not match.has_colon)
        if name is None:
            return None
        rest = match.after_label[len(name) :]
        host, url = self._host(_links_in_credit(line), rest)
        return Claim(kind=AUTHOR, host=host, url=url, author=name, line=line.text)

    def _source_claim(self, line: Line, match: LabelMatch) -> Claim | None:
        # Source, read-more, first-published and via lines: a host, maybe a person.
        value, author = match.value, None
        if (
            match.label.kind in (SOURCE, VIA)
            and not match.has_colon
            and len(value.split()) > MAX_UNPUNCTUATED_VALUE_WORDS
        ):
            return None
        if match.connector in _AUTHOR_CONNECTOR_KEYS:
            # "Originally published by Jane Doe on example.com"
            split = _PLACE_SPLIT_RE.search(value)
            name_part, value = (value[: split.start()], value[split.end() :]) if split else (value, "")
            author = leading_name(name_part, strict=not match.has_colon)
            if author is None:
                value = name_part + " " + value
        else:
            # "Source: example.com, by Jane Doe"
            inside = _AUTHOR_IN_VALUE_RE.search(value)
            if inside:
                author = leading_name(inside.group("name"), strict=True)
                if author:
                    value = value[: inside.start()]
        host, url = self._host(_links_in_credit(line), value)
        colon_credit = match.has_colon and 1 <= len(value.split()) <= MAX_BARE_VALUE_WORDS
        if host is None and author is None and not colon_credit:
            return None
        return Claim(kind=match.label.kind, host=host, url=url, author=author, line=line.text)

    def _host(self, links: list[Link], text: str) -> tuple[str | None, str | None]:
        """The other site a line names: its links first, then a host written in it, then a known name.

        The page's own site is never returned: "Lire la suite" linking to the page's next part,
        or "inscrivez vous : www.psst.fr" on www.psst.fr, name no origin.
        """
        candidates: list[tuple[str, str | None]] = []
        for link in links:
            found = host_of_url(link.href, self.page_url)
            if found:
                candidates.append(found)
        candidates.extend((mention.host, mention.url) for mention in find_hosts(text))
        known = self.known.find(text)
        if known:
            candidates.append((known, None))
        for host, url in candidates:
            if not same_site(host, self.own_host):
                return host, url
        return None, None
