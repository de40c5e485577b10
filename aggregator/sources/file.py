"""The sources file: which sites to crawl, in YAML.

    sources:
      - name: Le blog d'USEO
        home: http://blog.useo.net/
        role: partner                 # partner (publishes originals) | republisher
        language: fr                  # optional
        aliases: [USEO, Blog USEO]    # optional: other names credit lines give it
        feeds: [http://blog.useo.net/feed/]          # optional; found on the home page when absent
        sitemaps: [http://blog.useo.net/sitemap.xml] # optional

Validation is complete before anything is written: a bad file is reported entry by entry and
field by field, and changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from aggregator.urls import InvalidURLError, host_of, normalise_url, request_form
from storage.sources import ROLES

_LANGUAGE_RE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
_KNOWN_FIELDS = {"name", "home", "role", "language", "aliases", "feeds", "sitemaps"}


@dataclass(frozen=True)
class SourceSpec:
    """One validated entry of a sources file."""

    name: str
    home: str
    host: str
    role: str
    language: str | None = None
    aliases: tuple[str, ...] | None = None
    """Other names of the source; None when the input says nothing of them (OPML, `sources add`),
    so an import keeps the ones a sources file gave."""
    feeds: tuple[str, ...] = field(default_factory=tuple)
    sitemaps: tuple[str, ...] = field(default_factory=tuple)


class SourcesFileError(ValueError):
    """A sources file that cannot be imported; `problems` lists every problem found."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def _entry_label(index: int, raw: Any) -> str:
    name = raw.get("name") if isinstance(raw, dict) else None
    return f"sources[{index}]" + (f" ({name})" if isinstance(name, str) and name else "")


def _url_list(value: Any, label: str, fieldname: str, problems: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        problems.append(f"{label}: field '{fieldname}' must be a list of URLs")
        return ()
    urls = []
    for i, item in enumerate(value):
        if not isinstance(item, str):
            problems.append(f"{label}: field '{fieldname}[{i}]' must be a URL string")
            continue
        try:
            # Feeds and sitemaps are requested as written: some servers care how a query is spelled.
            urls.append(request_form(item))
        except InvalidURLError:
            problems.append(f"{label}: field '{fieldname}[{i}]' is not an http(s) URL: {item!r}")
    return tuple(dict.fromkeys(urls))


def _alias_list(value: Any, label: str, problems: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        problems.append(f"{label}: field 'aliases' must be a list of names")
        return ()
    aliases = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            problems.append(f"{label}: field 'aliases[{i}]' must be a non-empty name, not {item!r}")
            continue
        aliases.append(" ".join(item.split()))
    return tuple(dict.fromkeys(aliases))


def _parse_entry(index: int, raw: Any, problems: list[str]) -> SourceSpec | None:
    label = _entry_label(index, raw)
    if not isinstance(raw, dict):
        problems.append(f"{label}: must be a mapping with name, home and role")
        return None
    before = len(problems)
    unknown = sorted(set(map(str, raw)) - _KNOWN_FIELDS)
    if unknown:
        problems.append(f"{label}: unknown field(s) {', '.join(unknown)} (known: {', '.join(sorted(_KNOWN_FIELDS))})")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(f"{label}: field 'name' is required and must be a non-empty string")
    home = raw.get("home")
    home_url = None
    if not isinstance(home, str) or not home.strip():
        problems.append(f"{label}: field 'home' is required (the site's home page URL)")
    else:
        try:
            home_url = normalise_url(home)
        except InvalidURLError:
            problems.append(f"{label}: field 'home' is not an http(s) URL: {home!r}")
    role = raw.get("role")
    if role not in ROLES:
        problems.append(f"{label}: field 'role' must be one of {', '.join(ROLES)}, not {role!r}")
    language = raw.get("language")
    if language is not None and (not isinstance(language, str) or not _LANGUAGE_RE.match(language)):
        problems.append(f"{label}: field 'language' must be a language code like 'fr' or 'en-GB', not {language!r}")
    aliases = _alias_list(raw.get("aliases"), label, problems)
    feeds = _url_list(raw.get("feeds"), label, "feeds", problems)
    sitemaps = _url_list(raw.get("sitemaps"), label, "sitemaps", problems)
    if len(problems) > before or home_url is None:
        return None
    return SourceSpec(
        name=str(name).strip(),
        home=home_url,
        host=host_of(home_url),
        role=str(role),
        language=str(language).lower().replace("_", "-") if language else None,
        aliases=tuple(a for a in aliases if a.casefold() != str(name).strip().casefold()),
        feeds=feeds,
        sitemaps=sitemaps,
    )


def parse_sources(text: str) -> list[SourceSpec]:
    """Validate a sources document. Raises SourcesFileError listing every problem."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SourcesFileError([f"not valid YAML: {exc}"]) from exc
    if not isinstance(data, dict) or "sources" not in data:
        raise SourcesFileError(["the file must be a mapping with a top-level 'sources' list"])
    entries = data["sources"]
    if not isinstance(entries, list):
        raise SourcesFileError(["'sources' must be a list of entries"])
    problems: list[str] = []
    specs = [spec for i, raw in enumerate(entries) if (spec := _parse_entry(i, raw, problems)) is not None]
    seen: dict[str, int] = {}
    for i, spec in enumerate(specs):
        if spec.host in seen:
            problems.append(f"sources[{i}] ({spec.name}): host {spec.host} already used by another entry")
        seen.setdefault(spec.host, i)
    if problems:
        raise SourcesFileError(problems)
    return specs
