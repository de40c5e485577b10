"""Recognising known sources in text, under the forms people write them.

A source is known by its display names (its registered name and aliases) and its host. From
those, the forms a credit line may use are derived:

- the name itself, without its article ("The Guardian" -> "Guardian", "Le Télégramme" ->
  "du Télégramme"), declined ("der Süddeutschen Zeitung"), with case, accents, hyphens and
  spaces as written ("Ouest France", "OUEST-FRANCE");
- without a host suffix ("Investing.com" -> "Investing"), without a generic last word
  ("Süddeutsche Zeitung" -> "der Süddeutschen");
- its initials, in capitals ("Associated Press" -> "AP", "Frankfurter Allgemeine Zeitung" -> "FAZ");
- its host's name ("chicagotribune.com" -> "Chicago Tribune", "faz.net" -> "FAZ"), abbreviated
  at the end ("nouvelobs.com" -> "Nouvel Observateur").

Hosts written in full are found by `hosts.find_hosts`, not here.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from aggregator.extract.attribution.cues import ARTICLES, GENERIC_NAME_ENDINGS, GENERIC_SUBDOMAINS, OUTLET_NOUNS
from aggregator.extract.attribution.forms import (
    MIN_STEM,
    Token,
    fold,
    is_capitalised,
    keys,
    same_word,
    stems,
    tokens,
    transliterated,
)
from aggregator.extract.attribution.hosts import is_known_tld, registrable_domain
from aggregator.urls import site_key

# Forms, from the most to the least literal: a mention found under an earlier form wins.
NAME = "name"
SHORT_NAME = "short name"
ACRONYM = "acronym"
HOST_NAME = "host name"
# A host name abbreviated at its end ("nouvelobs" for "Nouvel Observateur") keeps this many letters of the last word.
MIN_ABBREVIATION = 3
MAX_RUN = 4
# One lower-case word in parentheses spells a host's name when this long ("(askanews)"); elsewhere
# a host's name needs a capital.
MIN_LOWER_CASE_LABEL = 5
# "El Punt" names elpuntavui.cat: a run of words at least this long, missing at most MAX_HOST_NAME_REST letters.
MIN_PREFIX_OF_HOST_NAME = 6
MAX_HOST_NAME_REST = 5
# Lines remembered with the known sources they name (and first words with the names they may open).
MENTION_CACHE_SIZE = 4096
WORD_CACHE_SIZE = 16384


@dataclass(frozen=True, slots=True)
class OutletMention:
    """A known source named in text: its host, where the name stands, how it was written and recognised."""

    host: str
    start: int
    end: int
    text: str
    form: str


@dataclass(frozen=True, slots=True)
class _Form:
    words: tuple[str, ...]
    host: str
    form: str


def known_sources(names: Mapping[str, str] | None) -> KnownSources:
    """`KnownSources` of a name -> host mapping, built once per distinct mapping (a crawl reads
    every page with the same sources)."""
    return _known(tuple(sorted((names or {}).items())))


@lru_cache(maxsize=8)
def _known(items: tuple[tuple[str, str], ...]) -> KnownSources:
    return KnownSources(dict(items))


class KnownSources:
    """The known sources (display name -> host), recognised in text under every form they take."""

    def __init__(self, names: Mapping[str, str] | None) -> None:
        items = tuple(sorted((name.strip(), host.lower()) for name, host in (names or {}).items() if name and host))
        self._index = _build_index(items)

    def __bool__(self) -> bool:
        return bool(self._index.by_first or self._index.labels)

    def find(self, text: str) -> str | None:
        """The host of the first known source named in `text`, or None."""
        found = self.mentions(text)
        return found[0].host if found else None

    def mentions(self, text: str) -> list[OutletMention]:
        """Every known source named in `text`, in order, longest name first where two overlap."""
        if not text or not self:
            return []
        # A page asks about one line several times (its credits, then the names in it), and a
        # site's recurring lines come back on each of its pages.
        cache = self._index.mention_cache
        cached = cache.get(text)
        if cached is None:
            if len(cache) >= MENTION_CACHE_SIZE:
                cache.clear()
            cached = cache[text] = tuple(self._scan(text))
        return list(cached)

    def _scan(self, text: str) -> list[OutletMention]:
        words = tokens(text)
        opening = self._index.opening(words)
        if not any(opening):
            return []
        capitalised = _Capitalised(words)
        found: list[OutletMention] = []
        index = 0
        while index < len(words):
            # A word that opens no form of a name, no acronym and no host's name opens no mention.
            mention = self._longest_at(words, index, text, capitalised) if opening[index] else None
            if mention is None:
                index += 1
                continue
            found.append(mention)
            while index < len(words) and words[index].start < mention.end:
                index += 1
        return found

    def _longest_at(self, words: list[Token], index: int, text: str,
                    capitalised: _Capitalised) -> OutletMention | None:
        best: tuple[int, int, OutletMention] | None = None  # (words covered, rank of the form, mention)
        word = words[index]
        for form in self._index.candidates(word.key):
            count = len(form.words)
            span = words[index : index + count]
            if len(span) < count or not all(same_word(w.key, f) for w, f in zip(span, form.words, strict=True)):
                continue
            if count == 1 and not _stands_as_name(words, index, capitalised):
                continue
            rank = _FORM_RANK[form.form]
            if best is None or (count, -rank) > (best[0], -best[1]):
                best = (count, rank, _mention(form.host, span, text, form.form))
        acronym = self._index.acronyms.get(word.text) if word.upper and len(word.text) >= 2 else None
        if acronym and best is None:
            best = (1, _FORM_RANK[ACRONYM], _mention(acronym, [word], text, ACRONYM))
        if best is None:
            host_name = self._host_name_at(words, index, text, capitalised)
            if host_name is not None:
                return host_name
        return best[2] if best else None

    def _host_name_at(self, words: list[Token], index: int, text: str,
                      capitalised: _Capitalised) -> OutletMention | None:
        """A run of words that spells a known host's name ("Chicago Tribune" -> chicagotribune.com)."""
        labels = self._index.labels
        first = words[index]
        spelled = transliterated(first.text)
        single = labels.get(spelled) or labels.get(first.key)
        # "(askanews)", "FAZ", "Investing": one word spelling a host's name; short ones in capitals.
        in_parentheses = text[first.start - 1 : first.start] == "(" and text[first.end : first.end + 1] == ")"
        if single and ((in_parentheses and len(first.text) >= MIN_LOWER_CASE_LABEL)
                       or (capitalised[index] and len(first.text) >= 3) or first.upper):
            return _mention(single, [first], text, HOST_NAME)
        # A run is capitalised words, each one character at most from the previous one: how far
        # such a run goes from here bounds the runs worth spelling out.
        reach = 0
        while (reach < MAX_RUN and index + reach < len(words) and capitalised[index + reach]
               and (reach == 0 or words[index + reach].start - words[index + reach - 1].end <= 1)):
            reach += 1
        if reach < 2 or (spelled and not self._index.may_start_label(spelled)):
            return None
        for count in range(reach, 1, -1):
            run = words[index : index + count]
            joined = "".join(transliterated(w.text) for w in run)
            host = labels.get(joined) or next(
                (labels[stem] for stem in stems(joined) if stem in labels), None
            )
            if host is None and len(joined) >= MIN_PREFIX_OF_HOST_NAME:
                # The start of a longer host name: "El Punt" for elpuntavui.cat.
                host = self._index.long_label_starting(joined)
            if host is None:
                # Abbreviated at the end: "Nouvel Observateur" written "nouvelobs".
                head = "".join(transliterated(w.text) for w in run[:-1])
                last = transliterated(run[-1].text)
                host = next(
                    (labels[head + last[:n]] for n in range(len(last) - 1, MIN_ABBREVIATION - 1, -1)
                     if head + last[:n] in labels),
                    None,
                )
            if host is not None:
                return _mention(host, run, text, HOST_NAME)
        return None


class _Capitalised:
    """Whether each word is capitalised, asked only of the words a mention may start at or run over."""

    def __init__(self, words: list[Token]) -> None:
        self._words = words
        self._known: dict[int, bool] = {}

    def __getitem__(self, index: int) -> bool:
        found = self._known.get(index)
        if found is None:
            found = self._known[index] = self._words[index].capitalised
        return found


_NAME_PREPOSITIONS = frozenset({"de", "di", "du", "des", "del", "della", "dello", "dei", "degli", "of", "van",
                                "von", "do", "da", "dos", "das"})
_OUTLET_NOUN_KEYS = frozenset(fold(noun) for noun in OUTLET_NOUNS)
_FORM_RANK = {NAME: 0, SHORT_NAME: 1, ACRONYM: 2, HOST_NAME: 3}
_ARTICLE_KEYS = frozenset(fold(a) for a in ARTICLES)


def _stands_as_name(words: list[Token], index: int, capitalised: _Capitalised) -> bool:
    """A one-word name names an outlet when capitalised, or after an article ("dans le progrès")."""
    return capitalised[index] or (index > 0 and words[index - 1].key in _ARTICLE_KEYS)


def _mention(host: str, span: list[Token], text: str, form: str) -> OutletMention:
    start, end = span[0].start, span[-1].end
    return OutletMention(host=host, start=start, end=end, text=text[start:end], form=form)


class _Index:
    def __init__(self) -> None:
        self.by_first: dict[str, list[_Form]] = {}
        self.acronyms: dict[str, str] = {}
        self.labels: dict[str, str] = {}
        self.long_labels: list[str] = []
        self.label_prefixes: frozenset[str] = frozenset()
        self.mention_cache: dict[str, tuple[OutletMention, ...]] = {}
        self._candidates: dict[str, tuple[_Form, ...]] = {}
        self._may_open: dict[str, bool] = {}

    def add(self, words: tuple[str, ...], host: str, form: str) -> None:
        if not words or not any(len(w) >= 2 for w in words):
            return
        entry = _Form(words, host, form)
        for stem in stems(words[0]):
            bucket = self.by_first.setdefault(stem, [])
            if entry not in bucket:
                bucket.append(entry)

    def candidates(self, key: str) -> Iterable[_Form]:
        found = self._candidates.get(key)
        if found is None:
            if len(self._candidates) >= MENTION_CACHE_SIZE:
                self._candidates.clear()
            found = self._candidates[key] = tuple(self._find_candidates(key))
        return found

    def _find_candidates(self, key: str) -> Iterable[_Form]:
        seen: set[_Form] = set()
        for stem in stems(key):
            for entry in self.by_first.get(stem, ()):
                if entry not in seen:
                    seen.add(entry)
                    yield entry

    def opening(self, words: list[Token]) -> list[bool | None]:
        """`may_open` of each word."""
        known = self._may_open
        found = [known.get(word.text) for word in words]
        if None in found:
            found = [self.may_open(word.text) if flag is None else flag
                     for word, flag in zip(words, found, strict=True)]
        return found

    def long_label_starting(self, start: str) -> str | None:
        """The host of the first long label (in order) that `start` opens, missing at most
        MAX_HOST_NAME_REST letters."""
        labels = self.long_labels
        for position in range(bisect.bisect_left(labels, start), len(labels)):
            label = labels[position]
            if not label.startswith(start):
                break  # the labels `start` opens stand together in order
            if len(label) - len(start) <= MAX_HOST_NAME_REST:
                return self.labels[label]
        return None

    def may_open(self, word: str) -> bool:
        """Whether a word so written may open a mention: some name form is declined from it, it
        is an acronym, or it spells a host's name or the start of one."""
        found = self._may_open.get(word)
        if found is None:
            if len(self._may_open) >= WORD_CACHE_SIZE:
                self._may_open.clear()
            key = fold(word)
            # An ASCII word is spelled as its key (lower case, nothing to transliterate or strip).
            spelled = key if word.isascii() else transliterated(word)
            # A run spelling a host's name is of capitalised words; one word of it may stand alone.
            found = self._may_open[word] = bool(
                any(stem in self.by_first for stem in stems(key)) or word in self.acronyms or key in self.labels
                or spelled in self.labels
                or (is_capitalised(word) and (not spelled or self.may_start_label(spelled)))
            )
        return found

    def may_start_label(self, spelled: str) -> bool:
        """Whether a run of words opening with one spelled `spelled` may spell a host's name:
        some label starts with it, or (a declined run, "Tagesspiegels") is a stem of it."""
        return spelled in self.label_prefixes or any(
            spelled[:length] in self.labels for length in range(MIN_STEM, len(spelled)))


def _without_articles(words: tuple[str, ...]) -> tuple[str, ...]:
    start = 0
    while start < len(words) - 1 and words[start] in _ARTICLE_KEYS:
        start += 1
    return words[start:]


def name_forms(name: str) -> list[tuple[tuple[str, ...], str]]:
    """The word sequences a display name may be written as, with the kind of form each is."""
    written = keys(name)
    if not written:
        return []
    forms: list[tuple[tuple[str, ...], str]] = [(written, NAME)]
    short = _without_articles(written)
    if short != written:
        forms.append((short, SHORT_NAME))
    # "Investing.com", "OKO.press": the name without its domain suffix.
    if "." in name and len(short) > 1 and is_known_tld(short[-1]):
        forms.append((short[:-1], SHORT_NAME))
    # "Süddeutsche Zeitung" -> "Süddeutsche"; "Frankfurter Allgemeine Zeitung" -> "Frankfurter Allgemeine".
    if len(short) > 1 and short[-1] in GENERIC_NAME_ENDINGS and len(short[0]) >= 5:
        forms.append((short[:-1], SHORT_NAME))
    # "Il Cittadino" for "Il Cittadino di Monza e Brianza": the words before a preposition, unless
    # they are only a kind of outlet ("Giornale del Popolo" is not "Giornale").
    cut = next((i for i, w in enumerate(short) if i and w in _NAME_PREPOSITIONS), None)
    if cut is not None and len(short[cut - 1]) >= 5 and not set(short[:cut]) <= _OUTLET_NOUN_KEYS:
        forms.append((short[:cut], SHORT_NAME))
    # Written as one word: "NieuweOogst", "Terre&Nature" as "TerreNature".
    if len(short) > 1:
        forms.append((("".join(short),), SHORT_NAME))
    return forms


def acronym_of(name: str) -> str | None:
    """A name's initials ("Associated Press" -> "AP"), for names of two or more significant words."""
    significant = [w for w in tokens(name) if w.capitalised and w.key not in _ARTICLE_KEYS and not w.text.isdigit()]
    if len(significant) < 2 or len(significant) != len([w for w in tokens(name) if w.key not in _ARTICLE_KEYS]):
        return None
    return "".join(w.text[0] for w in significant).upper()


def host_names(host: str) -> list[str]:
    """The names a host spells: its registrable name ("lemonde" for www.lemonde.fr) and a telling
    subdomain ("oglobo" for oglobo.globo.com)."""
    site = site_key(host)
    domain = registrable_domain(site)
    found = [domain.split(".")[0]]
    first = site.split(".")[0]
    if site != domain and len(first) >= 4 and first not in GENERIC_SUBDOMAINS:
        found.append(first)
    return [transliterated(name.replace("-", "")) for name in found if name]


@lru_cache(maxsize=64)
def _build_index(items: tuple[tuple[str, str], ...]) -> _Index:
    index = _Index()
    for name, host in items:
        for words, form in name_forms(name):
            index.add(words, host, form)
        acronym = acronym_of(name)
        if acronym:
            index.acronyms.setdefault(acronym, host)
    for _, host in items:
        for label in host_names(host):
            if len(label) >= 2:
                index.labels.setdefault(label, host)
    index.long_labels = sorted(label for label in index.labels if len(label) > MIN_PREFIX_OF_HOST_NAME)
    index.label_prefixes = frozenset(label[:length] for label in index.labels for length in range(1, len(label) + 1))
    return index
