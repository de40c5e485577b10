"""The demo web's data model: sites, rendered pages, the expected crawl result, and small text helpers."""

from __future__ import annotations

import html
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime

# French and German sites show local summer time, to exercise offset handling.
CENTRAL_EUROPEAN_SUMMER = timezone(timedelta(hours=2))

HTML_TYPE = "text/html; charset=utf-8"
NOT_FOUND_BODY = b"<!DOCTYPE html><title>Not found</title><h1>Not found</h1>\n"
XML_TYPE = "application/xml; charset=utf-8"
Headers = dict[str, str]


@dataclass(frozen=True)
class DemoSite:
    """One site of the demo web, as a sources file describes it."""

    host: str
    name: str
    role: str  # "partner" or "republisher"
    language: str
    home: str
    feeds: tuple[str, ...]
    sitemaps: tuple[str, ...]


@dataclass(frozen=True)
class DemoPage:
    """A rendered resource: its media type, body bytes and modification time."""

    content_type: str
    body: bytes
    last_modified: datetime


@dataclass(frozen=True)
class ExpectedArticle:
    """A canonical article a correct crawl must find."""

    url: str
    site: str
    title: str
    author: str
    published: str  # ISO 8601, UTC
    language: str
    text: str  # paragraphs separated by a blank line


@dataclass(frozen=True)
class ExpectedRepublication:
    """A republication a correct crawl must link to its original."""

    url: str
    site: str
    original_url: str
    kind: str  # "full", "excerpt" or "edited"
    claimed_host: str | None  # what the page itself names as its source
    claimed_author: str | None
    attribution: str  # "correct" (names the origin) or "missing"


@dataclass(frozen=True)
class DemoExpectation:
    """Everything a correct crawl of the demo web finds, and what a polite one never fetches."""

    articles: tuple[ExpectedArticle, ...]
    republications: tuple[ExpectedRepublication, ...]
    aliases: dict[str, tuple[str, ...]]  # canonical URL -> other URLs of the same article
    forbidden_urls: tuple[str, ...]  # disallowed by robots.txt

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready view, in the shape of a truth file."""
        return {
            "articles": [vars(article) for article in self.articles],
            "republications": [vars(republication) for republication in self.republications],
            "aliases": {url: list(others) for url, others in self.aliases.items()},
            "forbidden_urls": list(self.forbidden_urls),
        }


@dataclass
class DemoWeb:
    """The rendered demo web: its sites, its pages by (host, path), and the crawl's expected result."""

    sites: tuple[DemoSite, ...]
    pages: dict[tuple[str, str], DemoPage]
    redirects: dict[tuple[str, str], str]  # (host, path?query) -> absolute target URL
    expectation: DemoExpectation

    def expected(self) -> DemoExpectation:
        """What a correct crawl of this web finds."""
        return self.expectation

    def hosts(self) -> tuple[str, ...]:
        """Every host this web answers for."""
        return tuple(site.host for site in self.sites)

    def sources_yaml(self) -> str:
        """The web's sites as a sources file (YAML), ready for `aggregator sources import`."""
        lines = ["sources:"]
        for site in self.sites:
            lines.append(f"  - name: {_yaml_scalar(site.name)}")
            lines.append(f"    home: {site.home}")
            lines.append(f"    role: {site.role}")
            lines.append(f"    language: {site.language}")
            if site.feeds:
                lines.append(f"    feeds: [{', '.join(site.feeds)}]")
            if site.sitemaps:
                lines.append(f"    sitemaps: [{', '.join(site.sitemaps)}]")
        return "\n".join(lines) + "\n"

    def respond(self, host: str, path: str, query: str = "") -> tuple[int, Headers, bytes]:
        """Answer a GET of ``http://host/path?query``: (status, headers, body).

        Unknown query parameters (tracking tags) are ignored, as real sites do; a path without its
        trailing slash is redirected to it; anything else unknown is a 404.
        """
        host = host.lower()
        target = self.redirects.get((host, f"{path}?{query}" if query else path))
        if target is not None:
            return 301, {"Location": target, "Content-Type": HTML_TYPE}, _moved_body(target)
        page = self.pages.get((host, path))
        if page is None and not path.endswith("/") and (host, path + "/") in self.pages:
            location = f"http://{host}{path}/" + (f"?{query}" if query else "")
            return 301, {"Location": location, "Content-Type": HTML_TYPE}, _moved_body(location)
        if page is None:
            return 404, {"Content-Type": HTML_TYPE}, NOT_FOUND_BODY
        headers = {"Content-Type": page.content_type,
                   "Last-Modified": format_datetime(page.last_modified.astimezone(UTC), usegmt=True)}
        return 200, headers, page.body


def _moved_body(target: str) -> bytes:
    return f'<!DOCTYPE html><title>Moved</title><a href="{html.escape(target)}">Moved here</a>\n'.encode()


def _yaml_scalar(text: str) -> str:
    """``text`` as a YAML scalar: plain when that is unambiguous, double-quoted otherwise."""
    if re.fullmatch(r"[\w][\w .'’-]*", text) and not text.endswith(" "):
        return text
    return json.dumps(text, ensure_ascii=False)


def slugify(title: str, limit: int = 60) -> str:
    """An ASCII URL slug for ``title``, cut at a word boundary."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0]
    return slug


def esc(text: str) -> str:
    """HTML-escape text for element content and attribute values."""
    return html.escape(text, quote=True)


def paragraphs_html(paragraphs: tuple[str, ...] | list[str]) -> str:
    """Paragraph elements for plain-text paragraphs."""
    return "\n".join(f"<p>{esc(paragraph)}</p>" for paragraph in paragraphs)


_MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
           "November", "Dezember"),
}


def human_date(moment: datetime, language: str) -> str:
    """A date as a reader of ``language`` expects to see it in a byline."""
    month = _MONTHS[language][moment.month - 1]
    if language == "fr":
        return f"{moment.day} {month} {moment.year}"
    if language == "de":
        return f"{moment.day}. {month} {moment.year}"
    return f"{month} {moment.day}, {moment.year}"


def local_time(moment: datetime, language: str) -> datetime:
    """The moment in the site's own time zone (the same instant, another offset)."""
    return moment.astimezone(CENTRAL_EUROPEAN_SUMMER if language in ("fr", "de") else UTC)
