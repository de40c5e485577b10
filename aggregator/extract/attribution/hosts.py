"""Host names: from links, from bare host names written in text, and whether two share a domain.

Whether two hosts are one site is `aggregator.urls.same_site`, the product's one rule."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from tld import get_fld

from aggregator.urls import same_site, site_key

# File extensions that look like top-level domains in "report.pdf" or "Node.js".
_FILE_EXTENSIONS = frozenset(
    {
        "html", "htm", "php", "asp", "aspx", "jsp", "cgi", "pdf", "jpg", "jpeg", "png", "gif", "webp", "svg",
        "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "txt", "csv", "zip", "gz", "rar", "mp3", "mp4",
        "avi", "mov", "js", "css", "json", "xml", "rss", "exe", "py", "md",
    }
)
# Letters and digits of any script (not punctuation such as « » “ ”), and inner hyphens.
_LABEL = r"[^\W_](?:(?:[^\W_]|-){0,61}[^\W_])?"
# A host written in text, with or without a scheme, and an optional path.
_BARE_HOST_RE = re.compile(
    r"(?<![\w@.\-/])(?P<scheme>https?://)?"
    r"(?P<host>(?:" + _LABEL + r"\.)+(?P<tld>[^\W\d_]{2,63}|xn--[a-z0-9-]{2,59}))"
    r"(?::\d{2,5})?(?P<path>/[^\s<>\"'()\[\]]*)?(?![\w\-])",
    re.IGNORECASE,
)
_DOT_BEFORE_LABEL_RE = re.compile(r"\.[^\W_]")
# Top-level domains reserved for documentation and tests (RFC 2606, RFC 6761): hosts, not typos.
_RESERVED_TLDS = frozenset({"example", "test", "localhost", "invalid", "local", "onion"})


@dataclass(frozen=True, slots=True)
class HostMention:
    """A host found in text: the host, the URL when one was written, and where it stood."""

    host: str
    url: str | None
    start: int
    end: int


@lru_cache(maxsize=4096)
def host_of_url(href: str, base: str | None = None) -> tuple[str, str] | None:
    """The lower-cased host and absolute URL of an http(s) link, or None for anything else."""
    href = href.strip()
    if not href or href.startswith(("#", "mailto:", "javascript:", "tel:", "data:")):
        return None
    try:
        url = urljoin(base, href) if base else href
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    host = host.lower().rstrip(".")
    return (host, url) if "." in host else None


def find_hosts(text: str) -> list[HostMention]:
    """Host names written in plain text ("blog.useo.net", "https://www.example.co.uk/a"), in order."""
    return list(_find_hosts(text))


# A line is searched for hosts by each of its readers (its mentions, its segments).
@lru_cache(maxsize=2048)
def _find_hosts(text: str) -> tuple[HostMention, ...]:
    if not _DOT_BEFORE_LABEL_RE.search(text):
        return ()  # a host has a dot before a label or its top-level domain
    found: list[HostMention] = []
    for match in _BARE_HOST_RE.finditer(text):
        tld = match.group("tld").lower()
        # Without a scheme, only a real top-level domain makes a host: "target.innerText" is code.
        if not match.group("scheme") and (tld in _FILE_EXTENSIONS or not is_known_tld(tld)):
            continue
        host = match.group("host").lower()
        url = match.group(0).rstrip(".,;:!?") if match.group("scheme") else None
        found.append(HostMention(host=host, url=url, start=match.start(), end=match.end()))
    return tuple(found)


@lru_cache(maxsize=2048)
def is_known_tld(tld: str) -> bool:
    """Whether `tld` is a top-level domain of the public suffix list, or reserved for examples."""
    tld = tld.lower()
    if tld in _RESERVED_TLDS:
        return True
    return get_fld(f"host.{tld}", fix_protocol=True, fail_silently=True) is not None


@lru_cache(maxsize=4096)
def registrable_domain(host: str) -> str:
    """The domain a host belongs to under the public suffix list ("edition.cnn.com" -> "cnn.com").

    Hosts under a suffix the list does not know ("news.site.example") fall back to their last two labels.
    """
    domain = get_fld(host, fix_protocol=True, fail_silently=True)
    return str(domain).lower() if domain else ".".join(site_key(host).split(".")[-2:])


def same_domain(host: str, other: str | None) -> bool:
    """Whether two hosts belong to one registrable domain ("m.example.com" and "www.example.com")."""
    if other is None:
        return False
    return same_site(host, other) or registrable_domain(host) == registrable_domain(other)
