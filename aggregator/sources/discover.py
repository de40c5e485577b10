"""`aggregator sources add URL`: find a site's feeds and sitemaps from its home page.

Feeds announced by the home page (<link rel="alternate">) come first; when it announces none,
the common feed paths are tried (robots.txt permitting) and kept when they answer with a feed.
Sitemaps come from robots.txt's `Sitemap:` lines.
"""

from __future__ import annotations

from collections.abc import Callable

import lxml.html

from aggregator.crawl.feed_discovery import common_feed_urls, feed_links, looks_like_feed
from aggregator.crawl.fetch import FetchError, RobotsRules, fetch
from aggregator.crawl.sitemaps import sitemaps_from_robots
from aggregator.extract import decode_html
from aggregator.settings import Settings
from aggregator.sources.file import SourceSpec
from aggregator.textutil import clean_line
from aggregator.urls import host_of, normalise_url, try_normalise_url


def _site_name(html: str, fallback: str) -> str:
    try:
        doc = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return fallback
    for value in doc.xpath("//meta[@property='og:site_name']/@content | //title/text()"):
        if name := clean_line(str(value)):
            return name
    return fallback


def discover_source(
    url: str,
    *,
    role: str,
    language: str | None = None,
    name: str | None = None,
    settings: Settings | None = None,
    say: Callable[[str], None] = lambda _message: None,
) -> SourceSpec:
    """A source spec for the site at `url`, with the feeds and sitemaps it could find.

    Raises FetchError when the home page cannot be fetched (RefusedFetch when the network guard
    refuses it or a redirect on the way).
    """
    settings = settings or Settings.from_env()
    home = normalise_url(url)
    robots = RobotsRules(settings)
    if not robots.allowed(home):
        raise FetchError(f"{home}: robots.txt forbids fetching the home page")
    page = fetch(home, settings)
    html = decode_html(page.body, page.content_type)
    feeds = [u for u in (try_normalise_url(link) for link in feed_links(html, page.url)) if u]
    if feeds:
        say(f"feeds announced by the home page: {', '.join(feeds)}")
    else:
        for candidate in common_feed_urls(page.url):
            try:
                if not robots.allowed(candidate):
                    continue
                answer = fetch(candidate, settings)
            except FetchError:
                continue
            if looks_like_feed(answer.body, answer.content_type):
                feeds.append(normalise_url(answer.url))
                say(f"feed found at a common path: {answer.url}")
                break
    sitemaps = [u for u in (try_normalise_url(s) for s in sitemaps_from_robots(robots.robots_txt(home), home)) if u]
    if sitemaps:
        say(f"sitemaps from robots.txt: {', '.join(sitemaps)}")
    return SourceSpec(
        name=name or _site_name(html, host_of(home)),
        home=home,
        host=host_of(home),
        role=role,
        language=language,
        feeds=tuple(dict.fromkeys(feeds)),
        sitemaps=tuple(dict.fromkeys(sitemaps)),
    )
