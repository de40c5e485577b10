"""An article's author from what pages put in author fields: a person's name, or nothing.

Author fields (JSON-LD, meta tags, microformats, feed entries, trafilatura's guess) often hold
something else: a label ("By Jane Doe"), a role or an outlet after the name ("TOM KRISHER, AP
Auto Writer", "Jill Disis, CNN Business", "Louis Jacobson on Monday"), a CMS account ("admin",
"jdadmin", "Username"), a placeholder ("FAIL", "null"), or the publication itself ("BBC News",
"Reuters", "JERUSALEM POST STAFF"). `person_name` keeps the person's name, in its usual case, and
turns the rest into None, so the next source of an author is asked instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from aggregator.extract.attribution.forms import fold, keys
from aggregator.extract.attribution.known import host_names
from aggregator.extract.attribution.labels import match_label
from aggregator.extract.attribution.model import AUTHOR
from aggregator.extract.attribution.names import display_name, name_at

# What author fields hold when no person is named: accounts, placeholders, desks.
NOT_A_PERSON: frozenset[str] = frozenset(
    fold(word) for word in (
        "admin", "administrator", "administrateur", "administrador", "amministratore", "administrator",
        "username", "user", "utilisateur", "benutzer", "usuario", "fail", "failed", "error", "null", "none",
        "nil", "undefined", "unknown", "n/a", "na", "anonymous", "anonyme", "anonym", "anónimo", "anonimo",
        "guest", "invité", "gast", "webmaster", "webmestre", "editor", "editors", "redaction", "rédaction",
        "redaktion", "redazione", "redacción", "redação", "redactie", "staff", "team", "newsdesk", "desk",
        "author", "auteur", "autor", "autore", "auteur inconnu", "wordpress", "root", "test", "default",
        "site", "webteam", "web team", "publisher", "contributor", "contributors", "editorial", "editorial team",
        "editorial staff", "staff writer", "staff reporter", "press office", "press release", "pressemitteilung",
    )
)
# Words that make an author field name an organisation, not a person.
ORGANISATION_WORDS: frozenset[str] = frozenset(
    fold(word) for word in (
        "news", "staff", "media", "press", "team", "newsroom", "redaktion", "redaction", "rédaction",
        "redazione", "redacción", "desk", "agency", "agence", "agentur", "agencia", "agenzia", "group",
        "gruppe", "groupe", "inc", "ltd", "llc", "gmbh", "srl", "corp", "corporation", "company",
        "magazine", "magazin", "newspaper", "journal", "zeitung", "online", "network", "service", "services",
        "office", "department", "ministry", "ministerium", "university", "université", "universität",
        "foundation", "stiftung", "association", "verein", "coordenadoria", "prefeitura", "council",
        "post", "times", "herald", "tribune", "gazette", "daily", "weekly", "bureau", "reports", "wire",
        "editors", "writers", "contributors", "desk", "channel", "tv", "radio", "blog", "website",
    )
)
# What a person in a newsroom is: "News reporter", "AP Sports Writer".
PERSON_ROLES: frozenset[str] = frozenset(
    fold(word) for word in ("reporter", "writer", "correspondent", "editor", "columnist", "photographer",
                            "producer", "journalist", "contributor", "analyst", "critic", "anchor")
)
# Wire agencies, named as the author of agency copy: the agency is no person.
WIRE_AGENCIES: frozenset[str] = frozenset(
    " ".join(keys(name)) for name in (
        "Associated Press", "AP", "Reuters", "AFP", "Agence France-Presse", "Agence France Presse", "dpa",
        "Deutsche Presse-Agentur", "ANSA", "EFE", "Europa Press", "PA", "PA Media", "Press Association",
        "Kyodo", "Xinhua", "UPI", "United Press International", "APA", "SDA", "Keystone-SDA", "ANP", "Belga",
        "Lusa", "TASS", "RIA Novosti", "AAP", "CP", "The Canadian Press", "epd", "KNA", "AP Wire", "PTI",
        "Press Trust of India", "IANS", "ANI", "UNI", "Yonhap", "Anadolu", "Bernama", "Antara",
    )
)
# An account name: one word in lower case, or with digits, dots or underscores ("jdadmin", "kevin-r").
_HANDLE_RE = re.compile(r"^(?:[a-z0-9._-]+|\S*[0-9_@]\S*)$")
# A label inside the field: "Analysis by Chris Cillizza", "Written by ...".
_INNER_BY_RE = re.compile(r"^\S+(?:\s+\S+)?\s+(?:by|par|von|por|di|door)\s+(?=\S)", re.IGNORECASE)
_SEPARATORS_RE = re.compile(r"\s*[;|\n]\s*")
# A name of one word ("Syrian", "Jerusalem") is most often a fragment of something else.
MIN_NAME_WORDS = 2


def person_name(value: object, *, site_names: Iterable[str] = (), bylines: Iterable[str] = ()) -> str | None:
    """The person an author field names, in its usual case ("By TOM KRISHER, AP Auto Writer" ->
    "Tom Krisher"); None for accounts, placeholders, organisations and the site's own name.

    A name of one word ("Regan") counts only when the page signs with it in a byline (`bylines`):
    alone in a field it is as often a brand or a fragment ("Vortex", "Syrian")."""
    if not isinstance(value, str):
        return None
    parts = [part for part in _SEPARATORS_RE.split(value.strip()) if part.strip()]
    if len(parts) > 1 and ";" in value:
        # "Meg Kinnard; Errin Haines; Associated Press": every person of a list.
        people = [person for part in parts if (person := person_name(part, site_names=site_names, bylines=bylines))]
        if len(people) > 1:
            return ", ".join(people[:-1]) + f" and {people[-1]}"
        return people[0] if people else None
    text = " ".join(parts[0].split()) if parts else ""
    if not text or text.startswith(("http://", "https://", "www.")):
        return None
    label = match_label(text)
    if label and label.label.kind == AUTHOR:
        text = label.after_label.strip(" :")
    else:
        text = _INNER_BY_RE.sub("", text, count=1)
    if not text or " ".join(keys(text)) in NOT_A_PERSON | WIRE_AGENCIES or _names_a_desk(text):
        return None
    if " " not in text and (_HANDLE_RE.match(text) or (text.isupper() and len(text) > 3)):
        return None  # an account ("jdadmin") or a call sign ("KWCHCIK")
    named = name_at(text, strict=not text.islower())
    if named is None:
        return None
    words = named[0].split()
    # "Tom Gillespie News reporter": the desk after the name is not part of it.
    while len(words) > 2 and fold(words[-1]) in ORGANISATION_WORDS:
        words.pop()
    name = " ".join(words)
    signed = {fold(b) for b in bylines}
    if (len(words) < MIN_NAME_WORDS and not _caseless(name) and fold(name) not in signed) or _is_organisation(
        name, site_names
    ):
        return None
    return display_name(name)


def _names_a_desk(text: str) -> bool:
    """Whether a field names a desk or an organisation ("Science X staff", "HNN Staff"); an
    organisation word followed by a person's role ("News reporter", "AP Auto Writer") does not."""
    words = keys(text)
    for index, word in enumerate(words):
        if word in ORGANISATION_WORDS and not (index + 1 < len(words) and words[index + 1] in PERSON_ROLES):
            return True
    return False


def _caseless(text: str) -> bool:
    """Written in a script without capitals (CJK, Arabic...), where one word may be a whole name."""
    return any(char.isalpha() and char.lower() == char.upper() for char in text)


def _is_organisation(text: str, site_names: Iterable[str]) -> bool:
    words = keys(text)
    joined = " ".join(words)
    if not words or joined in NOT_A_PERSON or joined in WIRE_AGENCIES:
        return True
    if any(word in ORGANISATION_WORDS for word in words):
        return True
    compact = "".join(words)
    for site in site_names:
        site_words = keys(site)
        if site_words and ("".join(site_words) == compact or " ".join(site_words) == joined):
            return True
    return False


def site_names(url: str | None, *names: str | None) -> list[str]:
    """The names a site goes by: the ones it declares (og:site_name, its publisher) and its host's."""
    from aggregator.extract.attribution.hosts import host_of_url

    found = [name for name in names if name]
    host = host_of_url(url) if url else None
    if host:
        found.extend(host_names(host[0]))
    return found
