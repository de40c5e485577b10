"""The built-in demo web: partner blogs and republishing sites, rendered deterministically from a seed.

`build_demo_web(seed)` plans the web (which sites, which articles, who copies what), renders every
page to bytes once, and records what a correct crawl must find (`DemoWeb.expected()`). Each site
has its own template, URL scheme and feed dialect, because a crawler that only ever sees one
template has not been tested.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, timedelta

from aggregator.demo.content import ArticleGenerator
from aggregator.demo.model import (
    DemoExpectation,
    DemoPage,
    DemoSite,
    DemoWeb,
    ExpectedArticle,
    ExpectedRepublication,
)
from aggregator.demo.partners import render_fieldjournal, render_lesnotes, render_northwind, render_werkbank
from aggregator.demo.plan import (
    COPY_PLAN,
    EXCERPT_PARAGRAPHS,
    FIELDJOURNAL,
    LESNOTES,
    NACHRICHTEN,
    NEWEST_ARTICLE,
    NORTHWIND,
    PARTNER_PLAN,
    PLANET,
    REPUBLISHER_FORBIDDEN,
    REVUE,
    WERKBANK,
    PlannedArticle,
    PlannedCopy,
    SiteBuild,
    copy_path,
    partner_path,
    tracked_url,
)
from aggregator.demo.render import render_robots
from aggregator.demo.republishers import CREDITS_NAMING_AUTHOR, render_republisher

__all__ = [
    "DemoExpectation",
    "DemoPage",
    "DemoSite",
    "DemoWeb",
    "ExpectedArticle",
    "ExpectedRepublication",
    "build_demo_web",
]


def build_demo_web(seed: int = 2024) -> DemoWeb:
    """Generate the demo web for ``seed``: same seed, same sites, same bytes."""
    writer = ArticleGenerator(seed)
    builds: dict[str, SiteBuild] = {}
    newest = NEWEST_ARTICLE
    for site, count, forbidden in PARTNER_PLAN:
        build = SiteBuild(site, staff=writer.people(site.language, 1), forbidden_path=forbidden)
        authors = writer.people(site.language, 3)
        articles = writer.articles(site.language, count, authors=authors, newest=newest)
        first_number = 100 + 37 * len(builds)
        for offset, article in enumerate(articles):
            number = first_number + count - offset  # newest post has the highest id
            path = partner_path(site, number, article)
            build.articles.append(PlannedArticle(number, article, build.url(path), path,
                                                 writer.comments(site.language, 1 + number % 3)))
        builds[site.host] = build
        newest -= timedelta(hours=9, minutes=17)
    for site in (REVUE, PLANET, NACHRICHTEN):
        builds[site.host] = SiteBuild(site, staff=writer.people(site.language, 2),
                                      forbidden_path=REPUBLISHER_FORBIDDEN[site.host])
    for number, (site, partner, index, kind, credit) in enumerate(COPY_PLAN, start=1):
        original = builds[partner.host].articles[index]
        article = original.article
        if kind == "excerpt":
            paragraphs = article.paragraphs[:EXCERPT_PARAGRAPHS]
        elif kind == "edited":
            paragraphs = writer.edited_paragraphs(article)
        else:
            paragraphs = article.paragraphs
        title = article.title if kind != "edited" else f"{article.title} ({_EDITED_TAG[site.language]})"
        copy = PlannedCopy(number=500 + number, original=original, origin_host=partner.host, kind=kind,
                           credit=credit, paragraphs=paragraphs, title=title,
                           published=article.published + timedelta(days=1 + number % 3, hours=3))
        copy.path = copy_path(site, copy.number, title)
        copy.url = builds[site.host].url(copy.path)
        builds[site.host].copies.append(copy)
    for build in builds.values():
        build.copies.sort(key=lambda planned: planned.published, reverse=True)
        _RENDERERS[build.site.host](build)
        render_robots(build)
    return _assemble(builds)


_EDITED_TAG = {"en": "abridged", "fr": "version courte", "de": "gekürzt"}


def _assemble(builds: dict[str, SiteBuild]) -> DemoWeb:
    pages = {(host, path): page for host, build in builds.items() for path, page in build.pages.items()}
    redirects: dict[tuple[str, str], str] = {}
    aliases: dict[str, tuple[str, ...]] = {}
    articles: list[ExpectedArticle] = []
    for build in builds.values():
        for planned in build.articles:
            article = planned.article
            articles.append(ExpectedArticle(
                url=planned.url, site=build.site.host, title=article.title, author=article.author,
                published=article.published.astimezone(UTC).isoformat(), language=article.language,
                text=article.text))
            if build.site is LESNOTES:
                shortlink = f"/?p={planned.number}"
                redirects[(build.site.host, shortlink)] = planned.url
                aliases[planned.url] = (build.url(shortlink), tracked_url(planned))
    republications = [
        ExpectedRepublication(
            url=copy.url, site=build.site.host, original_url=copy.original.url, kind=copy.kind,
            claimed_host=None if copy.credit == "none" else copy.origin_host,
            claimed_author=copy.original.article.author if copy.credit in CREDITS_NAMING_AUTHOR else None,
            attribution="missing" if copy.credit == "none" else "correct")
        for build in builds.values() for copy in build.copies
    ]
    forbidden = tuple(build.url(build.forbidden_path) for build in builds.values())
    expectation = DemoExpectation(tuple(articles), tuple(republications), aliases, forbidden)
    sites = tuple(build.site for build in builds.values())
    return DemoWeb(sites=sites, pages=pages, redirects=redirects, expectation=expectation)


_RENDERERS: dict[str, Callable[[SiteBuild], None]] = {
    LESNOTES.host: render_lesnotes,
    NORTHWIND.host: render_northwind,
    WERKBANK.host: render_werkbank,
    FIELDJOURNAL.host: render_fieldjournal,
    REVUE.host: render_republisher,
    PLANET.host: render_republisher,
    NACHRICHTEN.host: render_republisher,
}
