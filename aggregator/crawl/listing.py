"""Links of a listing page (a blog's home page and its older pages): articles and the next page.

Pure: HTML in, URLs out. Article links are the links of entry headings (and schema.org/
microformat bookmarks) on the same site; the next page is the page's declared `rel=next`, a
pagination link, or an "older posts" link in any of the usual languages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.html

from aggregator.urls import host_of, looks_like_pagination, same_site, try_normalise_url

# Anchor texts of "older posts" / "next page" links, in the languages we crawl.
NEXT_PAGE_TEXTS = re.compile(
    r"^\s*(?:older(?: posts| entries)?|next(?: page)?|more posts|earlier posts|»|›|→|>>|"
    r"articles plus anciens|billets plus anciens|page suivante|suivant(?:e|es)?|plus anciens|"
    r"ältere(?: beiträge| einträge)?|nächste(?: seite)?|weiter|"
    r"entradas anteriores|siguiente|página siguiente|più vecchi|articoli precedenti|successiv[ao]|"
    r"mensagens mais antigas|próxima(?: página)?|oudere berichten|volgende(?: pagina)?)"
    r"\s*(?:»|›|→|>>)?\s*$",
    re.IGNORECASE,
)
_HEADING_LINKS = (
    "//main//*[self::h1 or self::h2 or self::h3 or self::h4]//a[@href]"
    " | //article//*[self::h1 or self::h2 or self::h3 or self::h4]//a[@href]"
    " | //*[contains(concat(' ', normalize-space(@class), ' '), ' entry ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' post ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' hentry ')]"
    "//*[self::h1 or self::h2 or self::h3 or self::h4]//a[@href]"
    " | //a[@rel='bookmark'] | //*[@itemprop='headline']//a[@href]"
)
_FALLBACK_HEADING_LINKS = "//*[self::h1 or self::h2 or self::h3 or self::h4]//a[@href]"
_CHROME = "ancestor::*[self::nav or self::header or self::footer or self::aside]"


@dataclass(frozen=True)
class Listing:
    """What a listing page links to."""

    article_urls: tuple[str, ...]
    next_pages: tuple[str, ...]


def _unique(urls: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(urls))


def parse_listing(html: str, page_url: str) -> Listing:
    """Article links and next-page links of a listing page, absolute, normalised, on its site."""
    try:
        doc = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return Listing((), ())
    site = host_of(page_url)
    base = (doc.xpath("//base/@href") or [page_url])[0]
    page_key = try_normalise_url(page_url)

    def on_site(href: str) -> str | None:
        url = try_normalise_url(href, base)
        if url is None or not same_site(host_of(url), site) or url == page_key:
            return None
        return url

    articles: list[str] = []
    anchors = doc.xpath(_HEADING_LINKS) or doc.xpath(_FALLBACK_HEADING_LINKS)
    for anchor in anchors:
        if anchor.xpath(_CHROME):
            continue
        url = on_site(anchor.get("href", ""))
        if url and not looks_like_pagination(url) and _has_path(url):
            articles.append(url)

    nexts: list[str] = []
    for href in doc.xpath("//link[@rel='next']/@href | //a[@rel='next']/@href"):
        if (url := on_site(href)) is not None:
            nexts.append(url)
    for anchor in doc.xpath("//a[@href]"):
        text = anchor.text_content()
        classes = (anchor.get("class") or "").lower()
        url = on_site(anchor.get("href", ""))
        if url is None:
            continue
        labelled_next = NEXT_PAGE_TEXTS.match(text) or re.search(r"\b(?:next|older|nav-previous)\b", classes)
        if labelled_next or (looks_like_pagination(url) and not anchor.xpath("ancestor::*[self::footer]")):
            nexts.append(url)
    article_set = set(articles)
    return Listing(_unique(articles), tuple(u for u in _unique(nexts) if u not in article_set))


def _has_path(url: str) -> bool:
    # The home page itself is not an article.
    path = url.split("://", 1)[-1].partition("/")[2]
    return bool(path.strip("/")) or "?" in url
