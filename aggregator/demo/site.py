"""The built-in demo web: partner blogs and republishing sites, rendered deterministically from a seed.

`build_demo_web(seed)` plans the web (which sites, which articles, who copies what), renders every
page to bytes once, and records what a correct crawl must find (`DemoWeb.expected()`). Each site
has its own template, URL scheme and feed dialect, because a crawler that only ever sees one
template has not been tested.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime

from aggregator.demo.content import ArticleGenerator, DemoArticle

# Fixed, not "now": the same seed must give the same bytes on every machine and every day.
NEWEST_ARTICLE = datetime(2024, 6, 14, 7, 30, tzinfo=UTC)
# French and German sites show local summer time, to exercise offset handling.
CENTRAL_EUROPEAN_SUMMER = timezone(timedelta(hours=2))
FIELDJOURNAL_PAGE_SIZE = 3

HTML_TYPE = "text/html; charset=utf-8"
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
            return 404, {"Content-Type": HTML_TYPE}, b"<!DOCTYPE html><title>Not found</title><h1>Not found</h1>\n"
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


# --------------------------------------------------------------------------------------------------
# The plan: sites, their articles, and who copies what.


@dataclass
class PlannedArticle:
    """A partner article placed on its site."""

    number: int  # the site's own post id
    article: DemoArticle
    url: str
    path: str
    comments: list[tuple[str, str]]


@dataclass
class PlannedCopy:
    """A republication placed on a republishing site."""

    number: int
    original: PlannedArticle
    origin_host: str
    kind: str
    credit: str  # which attribution the page carries; see _credit_html
    paragraphs: tuple[str, ...]
    title: str
    published: datetime
    url: str = ""
    path: str = ""


@dataclass
class SiteBuild:
    """A site while it is being rendered: its description, articles or copies, and pages."""

    site: DemoSite
    staff: list[str]
    articles: list[PlannedArticle] = field(default_factory=list)
    copies: list[PlannedCopy] = field(default_factory=list)
    forbidden_path: str = ""
    pages: dict[str, DemoPage] = field(default_factory=dict)

    @property
    def newest(self) -> datetime:
        dates = [a.article.published for a in self.articles] + [c.published for c in self.copies]
        return max(dates)

    def url(self, path: str) -> str:
        return f"http://{self.site.host}{path}"

    def add(self, path: str, content_type: str, body: str, last_modified: datetime) -> None:
        self.pages[path] = DemoPage(content_type, body.encode("utf-8"), last_modified)


def _partner_site(host: str, name: str, language: str, feed_path: str | None) -> DemoSite:
    return DemoSite(host=host, name=name, role="partner", language=language, home=f"http://{host}/",
                    feeds=(f"http://{host}{feed_path}",) if feed_path else (),
                    sitemaps=(f"http://{host}/sitemap.xml",))


def _republisher_site(host: str, name: str, language: str, feed_path: str) -> DemoSite:
    return DemoSite(host=host, name=name, role="republisher", language=language, home=f"http://{host}/",
                    feeds=(f"http://{host}{feed_path}",), sitemaps=(f"http://{host}/sitemap.xml",))


LESNOTES = _partner_site("lesnotes.example", "Les Notes de Terrain", "fr", "/feed/")
NORTHWIND = _partner_site("northwind.example", "Northwind Field Notes", "en", "/atom.xml")
WERKBANK = _partner_site("werkbank.example", "Die Werkbank", "de", "/feed.json")
FIELDJOURNAL = _partner_site("fieldjournal.example", "The Field Journal", "en", None)
REVUE = _republisher_site("revuedelaweb.example", "La Revue du Web", "fr", "/feed/")
PLANET = _republisher_site("planetdigest.example", "Planet Digest", "en", "/rss.xml")
NACHRICHTEN = _republisher_site("nachrichtenhaus.example", "Nachrichtenhaus", "de", "/feed.xml")

# (site, article count, path of the page robots.txt forbids, linked from the home page)
PARTNER_PLAN = (
    (LESNOTES, 6, "/wp-admin/"),
    (NORTHWIND, 5, "/drafts/next-issue.html"),
    (WERKBANK, 5, "/intern/redaktionsplan"),
    (FIELDJOURNAL, 6, "/search/?q=garden"),
)
REPUBLISHER_FORBIDDEN = {REVUE.host: "/recherche/", PLANET.host: "/admin/", NACHRICHTEN.host: "/suche/"}

# (republisher, partner, index of the partner's article, kind, credit style)
COPY_PLAN = (
    (REVUE, LESNOTES, 1, "full", "source-par"),
    (REVUE, LESNOTES, 2, "excerpt", "lire-la-suite"),
    (REVUE, LESNOTES, 4, "full", "none"),
    (PLANET, NORTHWIND, 0, "full", "originally-published"),
    (PLANET, FIELDJOURNAL, 1, "full", "canonical"),
    (PLANET, NORTHWIND, 2, "excerpt", "read-more"),
    (PLANET, FIELDJOURNAL, 4, "edited", "originally-published"),
    (NACHRICHTEN, WERKBANK, 0, "full", "quelle-text"),
    (NACHRICHTEN, WERKBANK, 2, "edited", "quelle"),
)
EXCERPT_PARAGRAPHS = 2


def _partner_path(site: DemoSite, number: int, article: DemoArticle) -> str:
    slug = slugify(article.title)
    if site is LESNOTES:
        return f"/{article.published:%Y/%m}/{slug}/"
    if site is NORTHWIND:
        return f"/posts/{slug}.html"
    if site is WERKBANK:
        return f"/artikel/{number}-{slug}"
    return f"/stories/{slug}/"


def _copy_path(site: DemoSite, number: int, title: str) -> str:
    slug = slugify(title)
    if site is REVUE:
        return f"/articles/{slug}/"
    if site is PLANET:
        return f"/p/{number}/{slug}"
    return f"/beitraege/{slug}.html"


def build_demo_web(seed: int = 2024) -> DemoWeb:
    """Generate the demo web for ``seed``: same seed, same sites, same bytes."""
    writer = ArticleGenerator(seed)
    builds: dict[str, SiteBuild] = {}
    newest = NEWEST_ARTICLE
    for site, count, forbidden in PARTNER_PLAN:
        build = SiteBuild(site, staff=writer.people(site.language, 1), forbidden_path=forbidden)
        articles = writer.articles(site.language, count, authors=writer.people(site.language, 3), newest=newest)
        first_number = 100 + 37 * len(builds)
        for offset, article in enumerate(articles):
            number = first_number + count - offset  # newest post has the highest id
            path = _partner_path(site, number, article)
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
        copy.path = _copy_path(site, copy.number, title)
        copy.url = builds[site.host].url(copy.path)
        builds[site.host].copies.append(copy)
    for build in builds.values():
        build.copies.sort(key=lambda planned: planned.published, reverse=True)
        _RENDERERS[build.site.host](build)
        _render_robots(build)
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
                aliases[planned.url] = (build.url(shortlink), _tracked(planned))
    republications = [
        ExpectedRepublication(
            url=copy.url, site=build.site.host, original_url=copy.original.url, kind=copy.kind,
            claimed_host=None if copy.credit == "none" else copy.origin_host,
            claimed_author=copy.original.article.author if copy.credit in _CREDITS_NAMING_AUTHOR else None,
            attribution="missing" if copy.credit == "none" else "correct")
        for build in builds.values() for copy in build.copies
    ]
    forbidden = tuple(build.url(build.forbidden_path) for build in builds.values())
    expectation = DemoExpectation(tuple(articles), tuple(republications), aliases, forbidden)
    sites = tuple(build.site for build in builds.values())
    return DemoWeb(sites=sites, pages=pages, redirects=redirects, expectation=expectation)


def _tracked(planned: PlannedArticle) -> str:
    """The article's link as the RSS feed gives it, with tracking parameters."""
    return f"{planned.url}?utm_source=rss&utm_medium=rss&utm_campaign={slugify(planned.article.title, 30)}"


# --------------------------------------------------------------------------------------------------
# Shared page parts.


def _document(language: str, head: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="{language}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n{head}\n</head>\n'
            f"{body}\n</html>\n")


def _comments_html(comments: list[tuple[str, str]], heading: str) -> str:
    items = "\n".join(f'<li class="comment"><p class="comment-author">{esc(name)}</p><p>{esc(text)}</p></li>'
                      for name, text in comments)
    return (f'<section id="comments" class="comments"><h2>{esc(heading)} ({len(comments)})</h2>\n'
            f'<ol class="comment-list">\n{items}\n</ol></section>')


def _recent_links(build: SiteBuild, exclude: str, heading: str) -> str:
    links = [(a.url, a.article.title) for a in build.articles if a.url != exclude][:3]
    links += [(c.url, c.title) for c in build.copies if c.url != exclude][:3]
    items = "\n".join(f'<li><a href="{esc(url)}">{esc(title)}</a></li>' for url, title in links)
    return f'<aside class="sidebar widget-area"><h2>{esc(heading)}</h2>\n<ul>\n{items}\n</ul></aside>'


def _time(moment: datetime, language: str) -> str:
    local = local_time(moment, language)
    return f'<time datetime="{local.isoformat()}">{esc(human_date(local, language))}</time>'


def _sitemap(entries: list[tuple[str, datetime]]) -> str:
    urls = "\n".join(f"  <url><loc>{esc(loc)}</loc><lastmod>{moment.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"
                     f"</lastmod></url>" for loc, moment in entries)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}\n</urlset>\n')


def _add_sitemap(build: SiteBuild) -> None:
    entries = [(build.site.home, build.newest)]
    entries += [(a.url, a.article.published) for a in build.articles]
    entries += [(c.url, c.published) for c in build.copies]
    build.add("/sitemap.xml", XML_TYPE, _sitemap(entries), build.newest)


def _render_robots(build: SiteBuild) -> None:
    disallowed = build.forbidden_path.split("?")[0]
    sitemaps = "".join(f"Sitemap: {url}\n" for url in build.site.sitemaps)
    body = f"User-agent: *\nDisallow: {disallowed}\n\n{sitemaps}"
    build.add("/robots.txt", "text/plain; charset=utf-8", body, build.newest)


def _add_forbidden_page(build: SiteBuild, title: str) -> None:
    """The page robots.txt forbids: it exists, so only the crawler's politeness keeps it out."""
    body = f"<body><main><h1>{esc(title)}</h1><p>{esc(build.site.name)}</p></main></body>"
    build.add(build.forbidden_path.split("?")[0], HTML_TYPE, _document(build.site.language,
              f"<title>{esc(title)}</title>\n<meta name=\"robots\" content=\"noindex\">", body), build.newest)


def _rss_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


# --------------------------------------------------------------------------------------------------
# Partner blogs, one template each.


def _render_lesnotes(build: SiteBuild) -> None:
    """A WordPress-like French blog: RSS 2.0 with tracking links, dc:creator and content:encoded."""
    site = build.site
    nav = ('<header class="site-header"><a class="site-title" href="/">Les Notes de Terrain</a>\n'
           '<nav class="main-navigation"><ul><li><a href="/">Accueil</a></li>'
           '<li><a href="/feed/">Flux RSS</a></li><li><a href="/wp-admin/">Connexion</a></li></ul></nav></header>')
    footer = ('<footer class="site-footer"><p>© 2024 Les Notes de Terrain. Carnets de terrain sur les organisations '
              'qui changent. Fièrement propulsé par un vieux serveur.</p></footer>')
    for planned in build.articles:
        article = planned.article
        head = (f"<title>{esc(article.title)} – {esc(site.name)}</title>\n"
                f'<link rel="canonical" href="{esc(planned.url)}">\n'
                f'<link rel="shortlink" href="{esc(build.url(f"/?p={planned.number}"))}">\n'
                f'<link rel="alternate" type="application/rss+xml" title="{esc(site.name)}" href="{site.feeds[0]}">\n'
                f'<meta property="og:title" content="{esc(article.title)}">\n'
                f'<meta property="article:published_time" content="{local_time(article.published, "fr").isoformat()}">')
        body = (f'<body class="single single-post postid-{planned.number}">\n{nav}\n<div id="page">\n'
                f'<main id="main" class="site-main"><article id="post-{planned.number}" class="post">\n'
                f'<h1 class="entry-title">{esc(article.title)}</h1>\n'
                f'<p class="entry-meta">Par <span class="author vcard">{esc(article.author)}</span>, le '
                f'{_time(article.published, "fr")}</p>\n'
                f'<div class="entry-content">\n{paragraphs_html(article.paragraphs)}\n</div>\n'
                f'<footer class="entry-footer">Classé dans <a href="/">Carnets</a></footer>\n</article></main>\n'
                f'{_comments_html(planned.comments, "Commentaires")}\n'
                f'{_recent_links(build, planned.url, "Articles récents")}\n</div>\n{footer}\n</body>')
        build.add(planned.path, HTML_TYPE, _document("fr", head, body), article.published)
    items = "\n".join(
        f'<article class="post-summary"><h2><a href="{esc(p.url)}">{esc(p.article.title)}</a></h2>'
        f'<p>Par {esc(p.article.author)}, le {_time(p.article.published, "fr")}</p>'
        f'<p>{esc(p.article.paragraphs[0].split(". ")[0])}…</p></article>' for p in build.articles)
    home = (f"<title>{esc(site.name)}</title>\n"
            f'<link rel="alternate" type="application/rss+xml" title="{esc(site.name)}" href="{site.feeds[0]}">')
    build.add("/", HTML_TYPE, _document("fr", home, f'<body class="home blog">\n{nav}\n<main id="main">\n'
                                                     f"{items}\n</main>\n{footer}\n</body>"), build.newest)
    feed_items = "\n".join(
        f"<item><title>{esc(p.article.title)}</title>\n<link>{esc(_tracked(p))}</link>\n"
        f"<comments>{esc(p.url)}#comments</comments>\n<dc:creator>{_cdata(p.article.author)}</dc:creator>\n"
        f"<pubDate>{_rss_date(p.article.published)}</pubDate>\n<category>{_cdata('Carnets')}</category>\n"
        f'<guid isPermaLink="false">{esc(build.url(f"/?p={p.number}"))}</guid>\n'
        f"<description>{_cdata(p.article.paragraphs[0].split('. ')[0] + ' […]')}</description>\n"
        f"<content:encoded>{_cdata(paragraphs_html(p.article.paragraphs))}</content:encoded></item>"
        for p in build.articles)
    feed = ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n'
            f"<title>{esc(site.name)}</title>\n<link>{site.home}</link>\n"
            f"<description>Carnets de terrain sur les organisations qui changent</description>\n"
            f'<atom:link href="{site.feeds[0]}" rel="self" type="application/rss+xml"/>\n'
            f"<language>fr-FR</language>\n<lastBuildDate>{_rss_date(build.newest)}</lastBuildDate>\n"
            f"{feed_items}\n</channel>\n</rss>\n")
    build.add("/feed/", "application/rss+xml; charset=utf-8", feed, build.newest)
    _add_sitemap(build)
    _add_forbidden_page(build, "Connexion")


def _render_northwind(build: SiteBuild) -> None:
    """An English engineering blog: HTML5 with meta author, and an Atom feed."""
    site = build.site
    nav = ('<header><p class="brand"><a href="/">Northwind Field Notes</a></p>\n<nav aria-label="Main">'
           '<a href="/">Posts</a> · <a href="/atom.xml">Atom</a> · <a href="/drafts/next-issue.html">Next issue</a>'
           "</nav></header>")
    footer = ("<footer><p>Northwind Field Notes is written by a small team of practitioners. "
              "Opinions are our own. Text licensed CC BY 4.0.</p></footer>")
    for planned in build.articles:
        article = planned.article
        head = (f"<title>{esc(article.title)} | {esc(site.name)}</title>\n"
                f'<link rel="canonical" href="{esc(planned.url)}">\n<meta name="author" content="{esc(article.author)}">\n'
                f'<link rel="alternate" type="application/atom+xml" href="{site.feeds[0]}">')
        body = (f"<body>\n{nav}\n<main>\n<article>\n<header><h1>{esc(article.title)}</h1>\n"
                f'<p class="byline">By <a rel="author" href="/">{esc(article.author)}</a> · '
                f"{_time(article.published, 'en')}</p></header>\n{paragraphs_html(article.paragraphs)}\n"
                f"</article>\n</main>\n{_comments_html(planned.comments, 'Responses')}\n"
                f"{_recent_links(build, planned.url, 'More field notes')}\n{footer}\n</body>")
        build.add(planned.path, HTML_TYPE, _document("en", head, body), article.published)
    items = "\n".join(f'<li><a href="{esc(p.url)}">{esc(p.article.title)}</a> — {esc(p.article.author)}, '
                      f"{_time(p.article.published, 'en')}</li>" for p in build.articles)
    build.add("/", HTML_TYPE, _document("en", f"<title>{esc(site.name)}</title>\n"
                                              f'<link rel="alternate" type="application/atom+xml" href="{site.feeds[0]}">',
                                        f"<body>\n{nav}\n<main><h1>Latest posts</h1>\n<ul class=\"posts\">\n{items}\n"
                                        f"</ul></main>\n{footer}\n</body>"), build.newest)
    entries = "\n".join(
        f"<entry><title>{esc(p.article.title)}</title>\n"
        f'<link rel="alternate" type="text/html" href="{esc(p.url)}"/>\n'
        f"<id>tag:{site.host},2024:post-{p.number}</id>\n"
        f"<published>{p.article.published.isoformat()}</published>\n"
        f"<updated>{p.article.published.isoformat()}</updated>\n"
        f"<author><name>{esc(p.article.author)}</name></author>\n"
        f"<summary>{esc(p.article.paragraphs[0].split('. ')[0])}.</summary>\n"
        f'<content type="html">{esc(paragraphs_html(p.article.paragraphs))}</content></entry>'
        for p in build.articles)
    feed = ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">\n'
            f"<title>{esc(site.name)}</title>\n<subtitle>Practical notes from people who run things</subtitle>\n"
            f'<link rel="alternate" type="text/html" href="{site.home}"/>\n<link rel="self" href="{site.feeds[0]}"/>\n'
            f"<id>tag:{site.host},2024:feed</id>\n<updated>{build.newest.isoformat()}</updated>\n{entries}\n</feed>\n")
    build.add("/atom.xml", "application/atom+xml; charset=utf-8", feed, build.newest)
    _add_sitemap(build)
    _add_forbidden_page(build, "Draft: next issue")


def _render_werkbank(build: SiteBuild) -> None:
    """A German blog with schema.org JSON-LD and a JSON Feed 1.1."""
    site = build.site
    nav = ('<div class="kopf"><a class="logo" href="/">Die Werkbank</a>\n<nav><ul><li><a href="/">Startseite</a></li>'
           '<li><a href="/feed.json">JSON-Feed</a></li><li><a href="/intern/redaktionsplan">Redaktionsplan</a></li>'
           "</ul></nav></div>")
    footer = ('<footer class="fuss"><p>Die Werkbank – Praxisberichte aus Vereinen und Werkstätten. '
              f"Impressum: verantwortlich {esc(build.staff[0])}.</p></footer>")
    for planned in build.articles:
        article = planned.article
        published = local_time(article.published, "de").isoformat()
        schema = json.dumps({"@context": "https://schema.org", "@type": "BlogPosting", "headline": article.title,
                             "author": {"@type": "Person", "name": article.author}, "datePublished": published,
                             "inLanguage": "de", "mainEntityOfPage": planned.url}, ensure_ascii=False)
        head = (f"<title>{esc(article.title)} · {esc(site.name)}</title>\n"
                f'<link rel="canonical" href="{esc(planned.url)}">\n'
                f'<link rel="alternate" type="application/feed+json" href="{site.feeds[0]}">\n'
                f'<script type="application/ld+json">{schema}</script>')
        body = (f"<body>\n{nav}\n<div class=\"spalten\">\n<main class=\"beitrag\">\n<h1>{esc(article.title)}</h1>\n"
                f'<p class="autor-zeile">Von <span class="autor">{esc(article.author)}</span> · '
                f"{_time(article.published, 'de')}</p>\n{paragraphs_html(article.paragraphs)}\n</main>\n"
                f"{_recent_links(build, planned.url, 'Weitere Beiträge')}\n</div>\n"
                f"{_comments_html(planned.comments, 'Kommentare')}\n{footer}\n</body>")
        build.add(planned.path, HTML_TYPE, _document("de", head, body), article.published)
    items = "\n".join(f'<div class="teaser"><h2><a href="{esc(p.url)}">{esc(p.article.title)}</a></h2>'
                      f"<p>{_time(p.article.published, 'de')} · {esc(p.article.author)}</p></div>"
                      for p in build.articles)
    build.add("/", HTML_TYPE, _document("de", f"<title>{esc(site.name)}</title>", f"<body>\n{nav}\n<main>\n{items}\n"
                                                                                  f"</main>\n{footer}\n</body>"),
              build.newest)
    feed = {
        "version": "https://jsonfeed.org/version/1.1", "title": site.name, "home_page_url": site.home,
        "feed_url": site.feeds[0], "language": "de",
        "items": [{"id": f"{site.host}-{p.number}", "url": p.url, "title": p.article.title,
                   "content_html": paragraphs_html(p.article.paragraphs),
                   "summary": p.article.paragraphs[0].split(". ")[0] + ".",
                   "date_published": local_time(p.article.published, "de").isoformat(),
                   "authors": [{"name": p.article.author}], "language": "de"} for p in build.articles],
    }
    build.add("/feed.json", "application/feed+json; charset=utf-8",
              json.dumps(feed, ensure_ascii=False, indent=1) + "\n", build.newest)
    _add_sitemap(build)
    _add_forbidden_page(build, "Redaktionsplan (intern)")


def _render_fieldjournal(build: SiteBuild) -> None:
    """An English blog with no feed: a paginated home listing and a sitemap index."""
    site = build.site
    nav = ('<div id="top"><h2 class="site-name"><a href="/">The Field Journal</a></h2>\n<nav><a href="/">Home</a> | '
           '<a href="/search/?q=garden">Search</a></nav></div>')
    footer = '<div id="footer"><footer>The Field Journal — independent since 2011. No cookies, no ads.</footer></div>'
    for planned in build.articles:
        article = planned.article
        head = (f"<title>{esc(article.title)}</title>\n<link rel=\"canonical\" href=\"{esc(planned.url)}\">\n"
                f'<meta name="description" content="{esc(article.paragraphs[0].split(". ")[0])}.">')
        body = (f'<body>\n{nav}\n<div id="wrap"><div id="left">\n<main role="main" class="story">\n'
                f"<h1>{esc(article.title)}</h1>\n<div class=\"story-meta\">Written by <b>{esc(article.author)}</b> on "
                f"{_time(article.published, 'en')}</div>\n<div class=\"story-body\">\n"
                f"{paragraphs_html(article.paragraphs)}\n</div>\n</main>\n"
                f"{_comments_html(planned.comments, 'Letters')}\n</div>\n<div id=\"right\">"
                f"{_recent_links(build, planned.url, 'Recent stories')}</div></div>\n{footer}\n</body>")
        build.add(planned.path, HTML_TYPE, _document("en", head, body), article.published)
    pages = [build.articles[i:i + FIELDJOURNAL_PAGE_SIZE]
             for i in range(0, len(build.articles), FIELDJOURNAL_PAGE_SIZE)]
    for number, chunk in enumerate(pages, start=1):
        path = "/" if number == 1 else f"/page/{number}/"
        links = []
        if number > 1:
            links.append(f'<a rel="prev" href="{"/" if number == 2 else f"/page/{number - 1}/"}">Newer stories</a>')
        if number < len(pages):
            links.append(f'<a rel="next" href="/page/{number + 1}/">Older stories</a>')
        stories = "\n".join(f'<div class="story-card"><h2><a href="{esc(p.url)}">{esc(p.article.title)}</a></h2>'
                            f"<p>{esc(p.article.author)} · {_time(p.article.published, 'en')}</p></div>"
                            for p in chunk)
        title = site.name if number == 1 else f"{site.name} — page {number}"
        build.add(path, HTML_TYPE, _document("en", f"<title>{esc(title)}</title>",
                                             f'<body>\n{nav}\n<main>\n{stories}\n<div class="pager">{" ".join(links)}'
                                             f"</div>\n</main>\n{footer}\n</body>"),
                  chunk[0].article.published if number > 1 else build.newest)
    story_entries = [(p.url, p.article.published) for p in build.articles]
    page_entries = [(build.url("/"), build.newest)] + [(build.url(f"/page/{n}/"), pages[n - 1][0].article.published)
                                                         for n in range(2, len(pages) + 1)]
    build.add("/sitemap-stories.xml", XML_TYPE, _sitemap(story_entries), build.newest)
    build.add("/sitemap-pages.xml", XML_TYPE, _sitemap(page_entries), build.newest)
    index = "\n".join(f"  <sitemap><loc>{build.url(path)}</loc><lastmod>{build.newest:%Y-%m-%dT%H:%M:%SZ}</lastmod>"
                      "</sitemap>" for path in ("/sitemap-stories.xml", "/sitemap-pages.xml"))
    build.add("/sitemap.xml", XML_TYPE, '<?xml version="1.0" encoding="UTF-8"?>\n'
              f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{index}\n</sitemapindex>\n',
              build.newest)
    _add_forbidden_page(build, "Search")


# --------------------------------------------------------------------------------------------------
# Republishers.

_CREDITS_NAMING_AUTHOR = {"source-par", "originally-published", "quelle-text"}


def _credit_html(copy: PlannedCopy) -> str:
    """The attribution at the tail of a republished body, in the phrasing its site uses."""
    host, url, author = copy.origin_host, copy.original.url, copy.original.article.author
    if copy.credit == "source-par":
        return f'<p class="credit">SOURCE : {esc(host)}<br>PAR : {esc(author)}</p>'
    if copy.credit == "lire-la-suite":
        return f'<p class="suite">Lire la suite sur : <a href="{esc(url)}">{esc(host)}</a></p>'
    if copy.credit == "originally-published":
        return f'<p class="origin"><em>Originally published at <a href="{esc(url)}">{esc(url)}</a>.</em></p>'
    if copy.credit == "read-more":
        return f'<p class="read-more"><a href="{esc(url)}">Read more at {esc(host)} »</a></p>'
    if copy.credit == "quelle-text":
        return f'<p class="quelle">Quelle: {esc(host)}<br>Text: {esc(author)}</p>'
    if copy.credit == "quelle":
        return f'<p class="quelle">Quelle: <a href="{esc(url)}">{esc(host)}</a></p>'
    return ""  # "none" (no attribution at all) and "canonical" (only the <link> in the head)


@dataclass(frozen=True)
class RepublisherTemplate:
    """The chrome of one republishing site."""

    home_heading: str
    byline: Callable[[PlannedCopy, SiteBuild], str]
    footer: Callable[[SiteBuild], str]
    nav: str
    sidebar_heading: str


def _revue_byline(copy: PlannedCopy, build: SiteBuild) -> str:
    return f"<p class=\"meta\">Publié le {_time(copy.published, 'fr')} dans <a href=\"/\">Veille</a></p>"


def _planet_byline(copy: PlannedCopy, build: SiteBuild) -> str:
    if copy.credit == "originally-published":
        return f'<p class="meta">Posted by {esc(copy.original.article.author)} · {_time(copy.published, "en")}</p>'
    return f'<p class="meta">Curated by {esc(build.staff[0])} · {_time(copy.published, "en")}</p>'


def _nachrichten_byline(copy: PlannedCopy, build: SiteBuild) -> str:
    return f'<p class="datum">Veröffentlicht am {_time(copy.published, "de")}</p>'


REPUBLISHER_TEMPLATES = {
    REVUE.host: RepublisherTemplate(
        home_heading="Les derniers articles repris",
        byline=_revue_byline,
        # The staff line is a deliberate trap: "dirigée par" names the publisher, never an author.
        footer=lambda b: (f'<footer id="pied"><p>La Revue du Web — publication DIRIGÉE PAR : {esc(b.staff[0])}. '
                          "Reproduction interdite sans accord écrit.</p></footer>"),
        nav='<nav class="menu"><a href="/">Accueil</a> <a href="/feed/">RSS</a> <a href="/recherche/">Rechercher</a></nav>',
        sidebar_heading="À lire aussi",
    ),
    PLANET.host: RepublisherTemplate(
        home_heading="Fresh from the blogs we follow",
        byline=_planet_byline,
        footer=lambda b: (f"<footer><p>Planet Digest gathers writing from around the web. Edited by "
                          f"{esc(b.staff[0])} and {esc(b.staff[1])}. All trademarks belong to their owners.</p></footer>"),
        nav='<nav><a href="/">Digest</a> · <a href="/rss.xml">RSS</a> · <a href="/admin/">Admin</a></nav>',
        sidebar_heading="Also in the digest",
    ),
    NACHRICHTEN.host: RepublisherTemplate(
        home_heading="Neu im Nachrichtenhaus",
        byline=_nachrichten_byline,
        footer=lambda b: (f'<footer class="seitenfuss"><p>Nachrichtenhaus – Herausgeberin: {esc(b.staff[0])}. '
                          "Alle Rechte vorbehalten.</p></footer>"),
        nav='<nav><a href="/">Start</a> | <a href="/feed.xml">Feed</a> | <a href="/suche/">Suche</a></nav>',
        sidebar_heading="Mehr lesen",
    ),
}


def _render_republisher(build: SiteBuild) -> None:
    """A republishing site: copied articles with their credits, an RSS feed, a sitemap, a footer."""
    site, template = build.site, REPUBLISHER_TEMPLATES[build.site.host]
    language = site.language
    header = f'<header class="masthead"><a href="/">{esc(site.name)}</a>\n{template.nav}</header>'
    footer = template.footer(build)
    for copy in build.copies:
        canonical = copy.original.url if copy.credit == "canonical" else copy.url
        head = (f"<title>{esc(copy.title)} | {esc(site.name)}</title>\n<link rel=\"canonical\" href=\"{esc(canonical)}\">\n"
                f'<link rel="alternate" type="application/rss+xml" href="{site.feeds[0]}">')
        body = (f"<body>\n{header}\n<main>\n<article class=\"repris\">\n<h1>{esc(copy.title)}</h1>\n"
                f"{template.byline(copy, build)}\n<div class=\"corps\">\n{paragraphs_html(copy.paragraphs)}\n"
                f"{_credit_html(copy)}\n</div>\n</article>\n</main>\n"
                f"{_recent_links(build, copy.url, template.sidebar_heading)}\n{footer}\n</body>")
        build.add(copy.path, HTML_TYPE, _document(language, head, body), copy.published)
    items = "\n".join(f'<li><a href="{esc(c.url)}">{esc(c.title)}</a> {_time(c.published, language)}</li>'
                      for c in build.copies)
    build.add("/", HTML_TYPE, _document(language, f"<title>{esc(site.name)}</title>",
                                        f"<body>\n{header}\n<main><h1>{esc(template.home_heading)}</h1>\n<ul>\n{items}"
                                        f"\n</ul></main>\n{footer}\n</body>"), build.newest)
    feed_items = "\n".join(
        f"<item><title>{esc(c.title)}</title><link>{esc(c.url)}</link>"
        f'<guid isPermaLink="true">{esc(c.url)}</guid><pubDate>{_rss_date(c.published)}</pubDate>'
        f"<description>{esc(c.paragraphs[0])}</description></item>" for c in build.copies)
    feed = ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n<channel>\n'
            f"<title>{esc(site.name)}</title>\n<link>{site.home}</link>\n<description>{esc(template.home_heading)}"
            f"</description>\n<language>{language}</language>\n<lastBuildDate>{_rss_date(build.newest)}</lastBuildDate>\n"
            f"{feed_items}\n</channel>\n</rss>\n")
    build.add(site.feeds[0].removeprefix(f"http://{site.host}"), "application/rss+xml; charset=utf-8", feed,
              build.newest)
    _add_sitemap(build)
    _add_forbidden_page(build, "Admin")


_RENDERERS: dict[str, Callable[[SiteBuild], None]] = {
    LESNOTES.host: _render_lesnotes,
    NORTHWIND.host: _render_northwind,
    WERKBANK.host: _render_werkbank,
    FIELDJOURNAL.host: _render_fieldjournal,
    REVUE.host: _render_republisher,
    PLANET.host: _render_republisher,
    NACHRICHTEN.host: _render_republisher,
}

