"""URL normalisation: one spelling per address, and looser keys to recognise aliases.

Pure functions, no I/O. `normalise_url` gives the form stored in the database (what a page is
keyed by); `url_match_key` is deliberately lossy (no scheme, no `www.`, no trailing slash) and
only serves to recognise two spellings of the same address.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url, safe_url_string

# Query parameters that only track a click and never select content.
TRACKING_PARAM_PREFIXES = ("utm_", "mtm_", "pk_", "_hs", "hsa_", "oly_", "vero_")
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "msclkid", "yclid", "twclid", "igshid", "mc_cid",
        "mc_eid", "mkt_tok", "_ga", "_gl", "ref_src", "ref_url", "wt_mc", "wt.mc_id", "cmpid",
        "ncid", "sr_share", "share", "amp", "s_kwcid", "ocid", "spm", "scid", "cvid",
        "__twitter_impression", "at_medium", "at_campaign", "xtor", "ito", "rss",
    }
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


class InvalidURLError(ValueError):
    """Raised for a string that is not an absolute http(s) URL."""


def is_tracking_param(name: str) -> bool:
    """Whether a query parameter only tracks where a click came from."""
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PARAM_PREFIXES)


def normalise_url(url: str, base: str | None = None) -> str:
    """The stored spelling of a URL.

    Resolves against `base`, drops the fragment, tracking parameters and default ports,
    lower-cases scheme and host, percent-encodes the path and query canonically (so an IRI and
    its encoded form agree) and sorts the remaining query parameters. Raises InvalidURLError for
    anything that is not an absolute http(s) URL.
    """
    try:
        return _normalise(url, base)
    except InvalidURLError:
        raise
    except (ValueError, TypeError) as exc:  # urljoin, urlsplit and w3lib raise on malformed hosts ("[oops")
        raise InvalidURLError(f"not a URL: {url!r} ({exc})") from exc


def _normalise(url: str, base: str | None) -> str:
    url = url.strip()
    if base:
        url = urljoin(base, url)
    parts = urlsplit(safe_url_string(url))
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise InvalidURLError(f"not an absolute http(s) URL: {url!r}")
    host = parts.hostname.lower().rstrip(".")
    try:
        port = parts.port
    except ValueError as exc:
        raise InvalidURLError(f"bad port in {url!r}") from exc
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking_param(k)]
    )
    path = parts.path or "/"
    return canonicalize_url(urlunsplit((scheme, netloc, path, query, "")), keep_fragments=False)


def request_form(url: str, base: str | None = None) -> str:
    """A URL fit to request as its owner wrote it: absolute, no fragment, unsafe characters escaped.

    Unlike `normalise_url` it keeps the query as written (order, escapes, tracking parameters),
    because some servers answer `?url=https://x` and `?url=https%3A%2F%2Fx` differently. Used for
    the addresses an operator gives (feeds, sitemaps). Raises InvalidURLError.
    """
    url = url.strip()
    try:
        if base:
            url = urljoin(base, url)
        parts = urlsplit(safe_url_string(url))
        hostname = parts.hostname
    except ValueError as exc:
        raise InvalidURLError(f"not a URL: {url!r} ({exc})") from exc
    if parts.scheme.lower() not in _DEFAULT_PORTS or not hostname:
        raise InvalidURLError(f"not an absolute http(s) URL: {url!r}")
    netloc = parts.netloc.rsplit("@", 1)[-1]
    host, _, port = netloc.partition(":")
    netloc = host.lower() + (f":{port}" if port and port != str(_DEFAULT_PORTS[parts.scheme.lower()]) else "")
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))


def requestable_url(url: str | None, base: str | None = None) -> str | None:
    """`request_form`, or None for a missing value or anything that is not an http(s) URL."""
    if not url:
        return None
    try:
        return request_form(url, base)
    except InvalidURLError:
        return None


def absolute_http_url(href: object, base: str) -> str | None:
    """`href` resolved against `base`, stripped; None unless it is an http(s) URL (no mailto:, javascript:...)."""
    if not isinstance(href, str) or not href.strip():
        return None
    try:
        absolute = urljoin(base, href.strip())
    except ValueError:  # e.g. an invalid IPv6 host
        return None
    return absolute if absolute.lower().startswith(("http://", "https://")) else None


def declared_canonical(address: str, canonical: str | None, og_url: str | None) -> str | None:
    """The page's own declared address (`rel=canonical`, else `og:url`), normalised, when it is on the
    page's site; None when it declares none or points to another site (a claim, not an address)."""
    declared = try_normalise_url(canonical, address) or try_normalise_url(og_url, address)
    if declared and same_site(host_of(declared), host_of(address)):
        return declared
    return None


def try_normalise_url(url: str | None, base: str | None = None) -> str | None:
    """`normalise_url`, or None for a missing or invalid URL."""
    if not url:
        return None
    try:
        return normalise_url(url, base)
    except InvalidURLError:
        return None


def host_of(url: str) -> str:
    """The lower-case host of a URL, without port ('' when it has none or cannot be read)."""
    try:
        return (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


_WWW_PREFIX = re.compile(r"^www\d*\.")


def site_key(host: str) -> str:
    """A host without a leading `www.` (or `www2.`, `www3.`...): two hosts with one key are one site."""
    return _WWW_PREFIX.sub("", host.lower().rstrip("."))


def same_site(host_a: str | None, host_b: str | None) -> bool:
    """Whether two hosts name the same site (`www.`, `www2.`... are not significant).

    The one rule the whole product uses to say that a claim, a link or a page is on a site.
    """
    return bool(host_a) and bool(host_b) and site_key(str(host_a)) == site_key(str(host_b))


def url_match_key(url: str) -> str:
    """A lossy key under which spellings of one address coincide.

    Ignores scheme, `www.` (see `site_key`), a trailing slash, percent-encoding differences and tracking parameters.
    """
    normal = normalise_url(url)
    parts = urlsplit(normal)
    path = unquote(parts.path).rstrip("/") or "/"
    key = site_key(parts.hostname or "") + (f":{parts.port}" if parts.port else "") + path
    return key + (f"?{unquote(parts.query)}" if parts.query else "")


def display_url(url: str) -> str:
    """The URL with its percent-encoded UTF-8 path decoded, as people read it (an IRI).

    Escapes that would change the meaning when decoded (space, %, ?, #, /) stay encoded.
    """
    parts = urlsplit(url)
    try:
        decoded = unquote(parts.path, errors="strict") if "%" in parts.path else parts.path
    except UnicodeDecodeError:
        return url
    if any(ch in decoded for ch in " %?#") or decoded.count("/") != parts.path.count("/"):
        return url
    return urlunsplit((parts.scheme, parts.netloc, decoded, parts.query, parts.fragment))


_PAGINATION_RE = re.compile(r"(?:/page/\d+/?$|[?&](?:page|paged)=\d+$)", re.IGNORECASE)


def looks_like_pagination(url: str) -> bool:
    """Whether a URL looks like page N of a listing (`/page/2/`, `?page=2`)."""
    return bool(_PAGINATION_RE.search(url))
