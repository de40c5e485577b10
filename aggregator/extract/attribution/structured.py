"""Claims in a page's markup: cross-domain canonical and og:url, schema.org JSON-LD and microdata,
an original-source meta tag, and RSS <source url="..."> in a feed item."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from lxml import html as lxml_html

from aggregator.extract.attribution.hosts import find_hosts, host_of_url, same_domain
from aggregator.extract.attribution.known import KnownSources
from aggregator.extract.attribution.model import (
    CANONICAL,
    IS_BASED_ON,
    OG_URL,
    RSS_SOURCE,
    SOURCE,
    SOURCE_ORGANIZATION,
    Claim,
)
from aggregator.extract.page import ParsedPage, json_ld_nodes
from aggregator.urls import same_site

_LD_KEYS = {"isbasedon": IS_BASED_ON, "isbasedonurl": IS_BASED_ON, "sourceorganization": SOURCE_ORGANIZATION}
_MAX_LD_DEPTH = 12


class _Context:
    def __init__(self, page_url: str, own_host: str | None, known: KnownSources) -> None:
        self.page_url = page_url
        self.own_host = own_host
        self.known = known

    def claim(
        self, kind: str, reference: str | None, *, name: str | None = None, author: str | None = None
    ) -> Claim | None:
        """A claim naming another site by URL, host or known name; None when it names this site."""
        host_url = host_of_url(reference, self.page_url) if reference else None
        if host_url and not same_site(host_url[0], self.own_host):
            return Claim(kind=kind, host=host_url[0], url=host_url[1], author=author, line=None)
        host: str | None = None
        for text in (reference, name):
            if text and host is None:
                mentions = find_hosts(text)
                host = mentions[0].host if mentions else self.known.find(text)
        if host is None or same_site(host, self.own_host):
            return None
        url = None
        return Claim(kind=kind, host=host, url=url, author=author, line=None)


def _link_claims(document: lxml_html.HtmlElement, ctx: _Context) -> Iterator[Claim]:
    # A canonical or og:url on another host of the same domain (mobile, AMP, regional edition,
    # a sharing subdomain) is the site pointing at itself, not at an origin.
    for link in document.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        if "canonical" in rel and link.get("href"):
            claim = ctx.claim(CANONICAL, link.get("href"))
            if claim and not same_domain(str(claim.host), ctx.own_host):
                yield claim
    for meta in document.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").lower()
        content = meta.get("content")
        if not content:
            continue
        if key == "og:url":
            claim = ctx.claim(OG_URL, content)
            if claim and same_domain(str(claim.host), ctx.own_host):
                continue
        elif key in ("original-source", "syndication-source"):
            claim = ctx.claim(SOURCE, content)
        else:
            continue
        if claim:
            yield claim


def _first_text(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        for item in value:
            found = _first_text(item)
            if found:
                return found
    if isinstance(value, dict):
        return _first_text(value.get("name"))
    return None


def _reference_claims(kind: str, value: Any, ctx: _Context, depth: int) -> Iterator[Claim]:
    """Claims from an isBasedOn / sourceOrganization value: a string, an object or a list."""
    if depth > _MAX_LD_DEPTH:
        return
    if isinstance(value, list):
        for item in value:
            yield from _reference_claims(kind, item, ctx, depth + 1)
        return
    claim: Claim | None = None
    if isinstance(value, str):
        claim = ctx.claim(kind, value if "/" in value else None, name=value)
    elif isinstance(value, dict):
        url = (
            _first_text(value.get("url")) or _first_text(value.get("@id")) or _first_text(value.get("sameAs"))
        )
        name = _first_text(value.get("name"))
        author = _first_text(value.get("author")) if kind == IS_BASED_ON else None
        publisher = value.get("publisher") or value.get("sourceOrganization")
        claim = ctx.claim(kind, url, name=name, author=author)
        if claim is None and publisher is not None:
            # {"isBasedOn": {"@type": "Article", "publisher": {"url": ...}}}: the publisher is the host.
            inner = next(_reference_claims(kind, publisher, ctx, depth + 1), None)
            if inner is not None:
                claim = Claim(kind=kind, host=inner.host, url=inner.url, author=author, line=None)
    if claim:
        yield claim


def _ld_key(key: str) -> str | None:
    """The claim kind of a JSON-LD property ("isBasedOn", "schema:isBasedOnUrl"...), else None."""
    return _LD_KEYS.get(key.rsplit(":", 1)[-1].lower())


def _json_ld_claims(json_ld: Sequence[Any], ctx: _Context) -> Iterator[Claim]:
    # An isBasedOn value is read whole by _reference_claims, not walked into again.
    for node, _depth in json_ld_nodes(json_ld, stop_at=lambda key: _ld_key(key) is not None):
        for key, value in node.items():
            kind = _ld_key(key) if isinstance(key, str) else None
            if not kind:
                continue
            # The copy's own author beside its isBasedOn is who it says wrote the original.
            own_author = _first_text(node.get("author")) if kind == IS_BASED_ON else None
            for claim in _reference_claims(kind, value, ctx, 0):
                if claim.author is None and own_author:
                    claim = Claim(claim.kind, claim.host, claim.url, own_author, claim.line)
                yield claim


def _microdata_claims(document: lxml_html.HtmlElement, ctx: _Context) -> Iterator[Claim]:
    for element in document.xpath("//*[@itemprop]"):
        props = {prop.lower() for prop in (element.get("itemprop") or "").split()}
        kind = next((_LD_KEYS[prop] for prop in props if prop in _LD_KEYS), None)
        if kind is None:
            continue
        reference = element.get("href") or element.get("content") or element.get("src")
        name = element.text_content().strip() if reference is None else None
        claim = ctx.claim(kind, reference, name=name)
        if claim:
            yield claim


def _rss_source_claims(document: lxml_html.HtmlElement, ctx: _Context) -> Iterator[Claim]:
    # RSS 2.0: <source url="http://origin/feed">Origin</source>; Atom: <source><link href=.../></source>.
    for element in document.iter("source"):
        reference = element.get("url")
        if reference is None:
            link = element.find(".//link")
            reference = link.get("href") if link is not None else None
        if reference is None and element.get("src") is not None:
            continue  # an HTML <source src> of a <video> or <picture>
        claim = ctx.claim(RSS_SOURCE, reference, name=element.text_content().strip() or None)
        if claim:
            yield claim


def structured_claims(page: ParsedPage, own_host: str | None, known: KnownSources) -> list[Claim]:
    """Claims in the page's markup that name another site; self-references are not claims."""
    if page.tree is None:
        return []
    ctx = _Context(page.url, own_host, known)
    claims: list[Claim] = [*_link_claims(page.tree, ctx), *_json_ld_claims(page.json_ld, ctx)]
    claims.extend(_microdata_claims(page.tree, ctx))
    claims.extend(_rss_source_claims(page.tree, ctx))
    return claims
