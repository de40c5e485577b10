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
from string import Template

from aggregator.demo.content import ArticleGenerator, DemoArticle

# Fixed, not "now": the same seed must give the same bytes on every machine and every day.
NEWEST_ARTICLE = datetime(2024, 6, 14, 7, 30, tzinfo=UTC)
# French and German sites show local summer time, to exercise offset handling.
CENTRAL_EUROPEAN_SUMMER = timezone(timedelta(hours=2))
FIELDJOURNAL_PAGE_SIZE = 3

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
        """When the site last published: the Last-Modified of its listings, feeds and sitemaps."""
        dates = [a.article.published for a in self.articles] + [c.published for c in self.copies]
        return max(dates)

    def url(self, path: str) -> str:
        """The absolute URL of ``path`` on this site."""
        return f"http://{self.site.host}{path}"

    def add(self, path: str, content_type: str, body: str, last_modified: datetime) -> None:
        """Store a rendered resource at ``path`` (UTF-8 encoded)."""
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
        authors = writer.people(site.language, 3)
        articles = writer.articles(site.language, count, authors=authors, newest=newest)
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
# Shared page parts. Page templates are `string.Template`s filled with already-escaped HTML.


def _document(language: str, head_and_body: str) -> str:
    """A complete HTML page around ``head_and_body`` (the head's content, then the body)."""
    return (f'<!DOCTYPE html>\n<html lang="{language}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"{head_and_body}\n</html>\n")


def _page(build: SiteBuild, at: str, template: Template, last_modified: datetime, **values: str) -> None:
    """Add the HTML page ``template`` filled with ``values`` at path ``at`` of the site."""
    build.add(at, HTML_TYPE, _document(build.site.language, template.substitute(values)), last_modified)


def _comments_html(comments: list[tuple[str, str]], heading: str) -> str:
    items = "\n".join(f'<li class="comment"><p class="comment-author">{esc(name)}</p><p>{esc(text)}</p></li>'
                      for name, text in comments)
    return (f'<section id="comments" class="comments"><h2>{esc(heading)} ({len(comments)})</h2>\n'
            f'<ol class="comment-list">\n{items}\n</ol></section>')


def _recent_links(build: SiteBuild, exclude: str, heading: str) -> str:
    """The sidebar: links to a few other posts of the same site."""
    links = [(a.url, a.article.title) for a in build.articles if a.url != exclude][:3]
    links += [(c.url, c.title) for c in build.copies if c.url != exclude][:3]
    items = "\n".join(f'<li><a href="{esc(url)}">{esc(title)}</a></li>' for url, title in links)
    return f'<aside class="sidebar widget-area"><h2>{esc(heading)}</h2>\n<ul>\n{items}\n</ul></aside>'


def _time(moment: datetime, language: str) -> str:
    local = local_time(moment, language)
    return f'<time datetime="{local.isoformat()}">{esc(human_date(local, language))}</time>'


def _lead_sentence(article: DemoArticle) -> str:
    return article.paragraphs[0].split(". ")[0].rstrip(".") + "."


def _article_values(build: SiteBuild, planned: PlannedArticle, sidebar_heading: str) -> dict[str, str]:
    """The template values every partner article page uses."""
    article = planned.article
    return {
        "site_name": esc(build.site.name), "title": esc(article.title), "url": esc(planned.url),
        "path": esc(planned.path),
        "author": esc(article.author), "time": _time(article.published, article.language),
        "published": local_time(article.published, article.language).isoformat(),
        "paragraphs": paragraphs_html(article.paragraphs), "number": str(planned.number),
        "feed": build.site.feeds[0] if build.site.feeds else "", "lead": esc(_lead_sentence(article)),
        "sidebar": _recent_links(build, planned.url, sidebar_heading),
    }


SITEMAP = Template('<?xml version="1.0" encoding="UTF-8"?>\n'
                   '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n$urls\n</urlset>\n')
SITEMAP_INDEX = Template('<?xml version="1.0" encoding="UTF-8"?>\n'
                         '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n$sitemaps\n'
                         "</sitemapindex>\n")


def _w3c_time(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"


def _sitemap(entries: list[tuple[str, datetime]]) -> str:
    urls = "\n".join(f"  <url><loc>{esc(loc)}</loc><lastmod>{_w3c_time(moment)}</lastmod></url>"
                     for loc, moment in entries)
    return SITEMAP.substitute(urls=urls)


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


FORBIDDEN_PAGE = Template('<title>$title</title>\n<meta name="robots" content="noindex">\n</head>\n'
                          "<body><main><h1>$title</h1><p>$site_name</p></main></body>")


def _add_forbidden_page(build: SiteBuild, title: str) -> None:
    """The page robots.txt forbids: it exists, so only the crawler's politeness keeps it out."""
    _page(build, build.forbidden_path.split("?")[0], FORBIDDEN_PAGE, build.newest, title=esc(title),
          site_name=esc(build.site.name))


def _rss_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


# --------------------------------------------------------------------------------------------------
# Les Notes de Terrain: a WordPress-like French blog; RSS 2.0 with tracking links, dc:creator and
# content:encoded; WordPress short links.

LESNOTES_NAV = ('<header class="site-header"><a class="site-title" href="/">Les Notes de Terrain</a>\n'
                '<nav class="main-navigation"><ul><li><a href="/">Accueil</a></li>'
                '<li><a href="/feed/">Flux RSS</a></li><li><a href="/wp-admin/">Connexion</a></li></ul></nav>'
                "</header>")
LESNOTES_FOOTER = ('<footer class="site-footer"><p>© 2024 Les Notes de Terrain. Carnets de terrain sur les '
                   "organisations qui changent. Fièrement propulsé par un vieux serveur.</p></footer>")
LESNOTES_ARTICLE = Template(f"""\
<title>$title – $site_name</title>
<link rel="canonical" href="$url">
<link rel="shortlink" href="$shortlink">
<link rel="alternate" type="application/rss+xml" title="$site_name" href="$feed">
<meta property="og:title" content="$title">
<meta property="article:published_time" content="$published">
</head>
<body class="single single-post postid-$number">
{LESNOTES_NAV}
<div id="page">
<main id="main" class="site-main"><article id="post-$number" class="post">
<h1 class="entry-title">$title</h1>
<p class="entry-meta">Par <span class="author vcard">$author</span>, le $time</p>
<div class="entry-content">
$paragraphs
</div>
<footer class="entry-footer">Classé dans <a href="/">Carnets</a></footer>
</article></main>
$comments
$sidebar
</div>
{LESNOTES_FOOTER}
</body>""")
LESNOTES_HOME = Template(f"""\
<title>$site_name</title>
<link rel="alternate" type="application/rss+xml" title="$site_name" href="$feed">
</head>
<body class="home blog">
{LESNOTES_NAV}
<main id="main">
$items
</main>
{LESNOTES_FOOTER}
</body>""")
LESNOTES_ITEM = Template("""\
<article class="post-summary"><h2><a href="$url">$title</a></h2>
<p>Par $author, le $time</p>
<p>$lead</p></article>""")
LESNOTES_FEED = Template("""\
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" \
xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>$site_name</title>
<link>$home</link>
<description>Carnets de terrain sur les organisations qui changent</description>
<atom:link href="$feed" rel="self" type="application/rss+xml"/>
<language>fr-FR</language>
<lastBuildDate>$updated</lastBuildDate>
$items
</channel>
</rss>
""")
LESNOTES_FEED_ITEM = Template("""\
<item><title>$title</title>
<link>$tracked_link</link>
<comments>$url#comments</comments>
<dc:creator>$author</dc:creator>
<pubDate>$published</pubDate>
<category><![CDATA[Carnets]]></category>
<guid isPermaLink="false">$shortlink</guid>
<description>$summary</description>
<content:encoded>$content</content:encoded></item>""")


def _render_lesnotes(build: SiteBuild) -> None:
    """Les Notes de Terrain: article pages, a home listing, an RSS 2.0 feed, a sitemap."""
    site = build.site
    for planned in build.articles:
        _page(build, planned.path, LESNOTES_ARTICLE, planned.article.published,
              **_article_values(build, planned, "Articles récents"),
              shortlink=esc(build.url(f"/?p={planned.number}")),
              comments=_comments_html(planned.comments, "Commentaires"))
    items = "\n".join(LESNOTES_ITEM.substitute(_article_values(build, p, "")) for p in build.articles)
    _page(build, "/", LESNOTES_HOME, build.newest, site_name=esc(site.name), feed=site.feeds[0], items=items)
    feed_items = "\n".join(
        LESNOTES_FEED_ITEM.substitute(
            title=esc(p.article.title), tracked_link=esc(_tracked(p)), url=esc(p.url),
            author=_cdata(p.article.author), published=_rss_date(p.article.published),
            shortlink=esc(build.url(f"/?p={p.number}")), summary=_cdata(_lead_sentence(p.article) + " […]"),
            content=_cdata(paragraphs_html(p.article.paragraphs)))
        for p in build.articles)
    feed = LESNOTES_FEED.substitute(site_name=esc(site.name), home=site.home, feed=site.feeds[0],
                                    updated=_rss_date(build.newest), items=feed_items)
    build.add("/feed/", "application/rss+xml; charset=utf-8", feed, build.newest)
    _add_sitemap(build)
    _add_forbidden_page(build, "Connexion")


# --------------------------------------------------------------------------------------------------
# Northwind Field Notes: an English engineering blog; HTML5 with meta author; an Atom feed.

NORTHWIND_NAV = ('<header><p class="brand"><a href="/">Northwind Field Notes</a></p>\n<nav aria-label="Main">'
                 '<a href="/">Posts</a> · <a href="/atom.xml">Atom</a> · '
                 '<a href="/drafts/next-issue.html">Next issue</a></nav></header>')
NORTHWIND_FOOTER = ("<footer><p>Northwind Field Notes is written by a small team of practitioners. "
                    "Opinions are our own. Text licensed CC BY 4.0.</p></footer>")
NORTHWIND_ARTICLE = Template(f"""\
<title>$title | $site_name</title>
<link rel="canonical" href="$url">
<meta name="author" content="$author">
<link rel="alternate" type="application/atom+xml" href="$feed">
</head>
<body>
{NORTHWIND_NAV}
<main>
<article>
<header><h1>$title</h1>
<p class="byline">By <a rel="author" href="/">$author</a> · $time</p></header>
$paragraphs
</article>
</main>
$comments
$sidebar
{NORTHWIND_FOOTER}
</body>""")
NORTHWIND_HOME = Template(f"""\
<title>$site_name</title>
<link rel="alternate" type="application/atom+xml" href="$feed">
</head>
<body>
{NORTHWIND_NAV}
<main><h1>Latest posts</h1>
<ul class="posts">
$items
</ul></main>
{NORTHWIND_FOOTER}
</body>""")
NORTHWIND_ITEM = Template('<li><a href="$url">$title</a> — $author, $time</li>')
NORTHWIND_FEED = Template("""\
<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
<title>$site_name</title>
<subtitle>Practical notes from people who run things</subtitle>
<link rel="alternate" type="text/html" href="$home"/>
<link rel="self" href="$feed"/>
<id>tag:$host,2024:feed</id>
<updated>$updated</updated>
$entries
</feed>
""")
NORTHWIND_ENTRY = Template("""\
<entry><title>$title</title>
<link rel="alternate" type="text/html" href="$url"/>
<id>tag:$host,2024:post-$number</id>
<published>$published</published>
<updated>$published</updated>
<author><name>$author</name></author>
<summary>$lead</summary>
<content type="html">$content</content></entry>""")


def _render_northwind(build: SiteBuild) -> None:
    """Northwind Field Notes: article pages, a home listing, an Atom feed, a sitemap."""
    site = build.site
    for planned in build.articles:
        _page(build, planned.path, NORTHWIND_ARTICLE, planned.article.published,
              **_article_values(build, planned, "More field notes"),
              comments=_comments_html(planned.comments, "Responses"))
    items = "\n".join(NORTHWIND_ITEM.substitute(_article_values(build, p, "")) for p in build.articles)
    _page(build, "/", NORTHWIND_HOME, build.newest, site_name=esc(site.name), feed=site.feeds[0], items=items)
    entries = "\n".join(
        NORTHWIND_ENTRY.substitute(_article_values(build, p, ""), host=site.host,
                                   published=p.article.published.isoformat(),
                                   content=esc(paragraphs_html(p.article.paragraphs)))
        for p in build.articles)
    feed = NORTHWIND_FEED.substitute(site_name=esc(site.name), home=site.home, feed=site.feeds[0],
                                     host=site.host, updated=build.newest.isoformat(), entries=entries)
    build.add("/atom.xml", "application/atom+xml; charset=utf-8", feed, build.newest)
    _add_sitemap(build)
    _add_forbidden_page(build, "Draft: next issue")


# --------------------------------------------------------------------------------------------------
# Die Werkbank: a German blog with schema.org JSON-LD and a JSON Feed 1.1.

WERKBANK_NAV = ('<div class="kopf"><a class="logo" href="/">Die Werkbank</a>\n<nav><ul>'
                '<li><a href="/">Startseite</a></li><li><a href="/feed.json">JSON-Feed</a></li>'
                '<li><a href="/intern/redaktionsplan">Redaktionsplan</a></li></ul></nav></div>')
WERKBANK_FOOTER = Template('<footer class="fuss"><p>Die Werkbank – Praxisberichte aus Vereinen und '
                           "Werkstätten. Impressum: verantwortlich $editor.</p></footer>")
WERKBANK_ARTICLE = Template(f"""\
<title>$title · $site_name</title>
<link rel="canonical" href="$url">
<link rel="alternate" type="application/feed+json" href="$feed">
<script type="application/ld+json">$schema</script>
</head>
<body>
{WERKBANK_NAV}
<div class="spalten">
<main class="beitrag">
<h1>$title</h1>
<p class="autor-zeile">Von <span class="autor">$author</span> · $time</p>
$paragraphs
</main>
$sidebar
</div>
$comments
$footer
</body>""")
WERKBANK_HOME = Template(f"""\
<title>$site_name</title>
<link rel="alternate" type="application/feed+json" href="$feed">
</head>
<body>
{WERKBANK_NAV}
<main>
$items
</main>
$footer
</body>""")
WERKBANK_ITEM = Template('<div class="teaser"><h2><a href="$url">$title</a></h2><p>$time · $author</p></div>')


def _werkbank_schema(planned: PlannedArticle) -> str:
    article = planned.article
    schema = {"@context": "https://schema.org", "@type": "BlogPosting", "headline": article.title,
              "author": {"@type": "Person", "name": article.author},
              "datePublished": local_time(article.published, "de").isoformat(), "inLanguage": "de",
              "mainEntityOfPage": planned.url}
    # "</" must not end the script element early; JSON allows escaping the slash.
    return json.dumps(schema, ensure_ascii=False).replace("</", "<\\/")


def _render_werkbank(build: SiteBuild) -> None:
    """Die Werkbank: article pages with JSON-LD, a home listing, a JSON Feed 1.1, a sitemap."""
    site = build.site
    footer = WERKBANK_FOOTER.substitute(editor=esc(build.staff[0]))
    for planned in build.articles:
        _page(build, planned.path, WERKBANK_ARTICLE, planned.article.published,
              **_article_values(build, planned, "Weitere Beiträge"), schema=_werkbank_schema(planned),
              comments=_comments_html(planned.comments, "Kommentare"), footer=footer)
    items = "\n".join(WERKBANK_ITEM.substitute(_article_values(build, p, "")) for p in build.articles)
    _page(build, "/", WERKBANK_HOME, build.newest, site_name=esc(site.name), feed=site.feeds[0], items=items,
          footer=footer)
    feed = {
        "version": "https://jsonfeed.org/version/1.1", "title": site.name, "home_page_url": site.home,
        "feed_url": site.feeds[0], "language": "de",
        "items": [{"id": f"{site.host}-{p.number}", "url": p.url, "title": p.article.title,
                   "content_html": paragraphs_html(p.article.paragraphs),
                   "summary": _lead_sentence(p.article),
                   "date_published": local_time(p.article.published, "de").isoformat(),
                   "authors": [{"name": p.article.author}], "language": "de"} for p in build.articles],
    }
    build.add("/feed.json", "application/feed+json; charset=utf-8",
              json.dumps(feed, ensure_ascii=False, indent=1) + "\n", build.newest)
    _add_sitemap(build)
    _add_forbidden_page(build, "Redaktionsplan (intern)")


# --------------------------------------------------------------------------------------------------
# The Field Journal: an English blog with no feed; a paginated home listing and a sitemap index.

FIELDJOURNAL_NAV = ('<div id="top"><h2 class="site-name"><a href="/">The Field Journal</a></h2>\n'
                    '<nav><a href="/">Home</a> | <a href="/search/?q=garden">Search</a></nav></div>')
FIELDJOURNAL_FOOTER = ('<div id="footer"><footer>The Field Journal — independent since 2011. '
                       "No cookies, no ads.</footer></div>")
FIELDJOURNAL_ARTICLE = Template(f"""\
<title>$title</title>
<link rel="canonical" href="$url">
<meta name="description" content="$lead">
</head>
<body>
{FIELDJOURNAL_NAV}
<div id="wrap"><div id="left">
<main role="main" class="story">
<h1>$title</h1>
<div class="story-meta">Written by <b>$author</b> on $time</div>
<div class="story-body">
$paragraphs
</div>
</main>
$comments
</div>
<div id="right">$sidebar</div></div>
{FIELDJOURNAL_FOOTER}
</body>""")
FIELDJOURNAL_LISTING = Template(f"""\
<title>$title</title>
</head>
<body>
{FIELDJOURNAL_NAV}
<main>
$items
<div class="pager">$pager</div>
</main>
{FIELDJOURNAL_FOOTER}
</body>""")
# Relative links, unlike the other sites: a listing crawler must resolve them against the page.
FIELDJOURNAL_ITEM = Template('<div class="story-card"><h2><a href="$path">$title</a></h2>'
                             "<p>$author · $time</p></div>")


def _listing_path(number: int) -> str:
    return "/" if number == 1 else f"/page/{number}/"


def _render_fieldjournal(build: SiteBuild) -> None:
    """The Field Journal: article pages, listing pages /, /page/2/…, and a sitemap index."""
    site = build.site
    for planned in build.articles:
        _page(build, planned.path, FIELDJOURNAL_ARTICLE, planned.article.published,
              **_article_values(build, planned, "Recent stories"),
              comments=_comments_html(planned.comments, "Letters"))
    size = FIELDJOURNAL_PAGE_SIZE
    listings = [build.articles[start:start + size] for start in range(0, len(build.articles), size)]
    listing_dates = [build.newest] + [chunk[0].article.published for chunk in listings[1:]]
    for number, chunk in enumerate(listings, start=1):
        pager = []
        if number > 1:
            pager.append(f'<a rel="prev" href="{_listing_path(number - 1)}">Newer stories</a>')
        if number < len(listings):
            pager.append(f'<a rel="next" href="{_listing_path(number + 1)}">Older stories</a>')
        items = "\n".join(FIELDJOURNAL_ITEM.substitute(_article_values(build, p, "")) for p in chunk)
        title = site.name if number == 1 else f"{site.name} — page {number}"
        _page(build, _listing_path(number), FIELDJOURNAL_LISTING, listing_dates[number - 1], title=esc(title),
              items=items, pager=" ".join(pager))
    stories = [(p.url, p.article.published) for p in build.articles]
    listing_entries = [(build.url(_listing_path(number)), moment)
                       for number, moment in enumerate(listing_dates, start=1)]
    build.add("/sitemap-stories.xml", XML_TYPE, _sitemap(stories), build.newest)
    build.add("/sitemap-pages.xml", XML_TYPE, _sitemap(listing_entries), build.newest)
    index = "\n".join(f"  <sitemap><loc>{build.url(path)}</loc><lastmod>{_w3c_time(build.newest)}</lastmod>"
                      "</sitemap>" for path in ("/sitemap-stories.xml", "/sitemap-pages.xml"))
    build.add("/sitemap.xml", XML_TYPE, SITEMAP_INDEX.substitute(sitemaps=index), build.newest)
    _add_forbidden_page(build, "Search")


# --------------------------------------------------------------------------------------------------
# Republishers: one shared page structure, each site with its own chrome, byline and credit phrasing.

_CREDITS_NAMING_AUTHOR = {"source-par", "originally-published", "quelle-text"}
CREDIT_LINES = {
    "source-par": Template('<p class="credit">SOURCE : $host<br>PAR : $author</p>'),
    "lire-la-suite": Template('<p class="suite">Lire la suite sur : <a href="$url">$host</a></p>'),
    "originally-published": Template(
        '<p class="origin"><em>Originally published at <a href="$url">$url</a>.</em></p>'
    ),
    "read-more": Template('<p class="read-more"><a href="$url">Read more at $host »</a></p>'),
    "quelle-text": Template('<p class="quelle">Quelle: $host<br>Text: $author</p>'),
    "quelle": Template('<p class="quelle">Quelle: <a href="$url">$host</a></p>'),
    # "none" has no attribution at all; "canonical" has only the <link rel=canonical> in the head.
    "none": Template(""),
    "canonical": Template(""),
}


def _credit_html(copy: PlannedCopy) -> str:
    """The attribution at the tail of a republished body, in the phrasing its site uses."""
    return CREDIT_LINES[copy.credit].substitute(host=esc(copy.origin_host), url=esc(copy.original.url),
                                                author=esc(copy.original.article.author))


@dataclass(frozen=True)
class RepublisherTemplate:
    """The chrome of one republishing site."""

    home_heading: str
    nav: str
    sidebar_heading: str
    footer: Template  # $first_editor, $second_editor
    byline: Template  # $time, $who


REPUBLISHER_TEMPLATES = {
    REVUE.host: RepublisherTemplate(
        home_heading="Les derniers articles repris",
        nav=('<nav class="menu"><a href="/">Accueil</a> <a href="/feed/">RSS</a> '
             '<a href="/recherche/">Rechercher</a></nav>'),
        sidebar_heading="À lire aussi",
        # A deliberate trap: "DIRIGÉE PAR" names the site's publisher, never an article's author.
        footer=Template('<footer id="pied"><p>La Revue du Web — publication DIRIGÉE PAR : $first_editor. '
                        "Reproduction interdite sans accord écrit.</p></footer>"),
        byline=Template('<p class="meta">Publié le $time dans <a href="/">Veille</a></p>'),
    ),
    PLANET.host: RepublisherTemplate(
        home_heading="Fresh from the blogs we follow",
        nav='<nav><a href="/">Digest</a> · <a href="/rss.xml">RSS</a> · <a href="/admin/">Admin</a></nav>',
        sidebar_heading="Also in the digest",
        footer=Template("<footer><p>Planet Digest gathers writing from around the web. Edited by "
                        "$first_editor and $second_editor. All trademarks belong to their owners."
                        "</p></footer>"),
        byline=Template('<p class="meta">$who · $time</p>'),
    ),
    NACHRICHTEN.host: RepublisherTemplate(
        home_heading="Neu im Nachrichtenhaus",
        nav='<nav><a href="/">Start</a> | <a href="/feed.xml">Feed</a> | <a href="/suche/">Suche</a></nav>',
        sidebar_heading="Mehr lesen",
        footer=Template('<footer class="seitenfuss"><p>Nachrichtenhaus – Herausgeberin: $first_editor. '
                        "Alle Rechte vorbehalten.</p></footer>"),
        byline=Template('<p class="datum">Veröffentlicht am $time</p>'),
    ),
}
REPUBLISHED_PAGE = Template("""\
<title>$title | $site_name</title>
<link rel="canonical" href="$canonical">
<link rel="alternate" type="application/rss+xml" href="$feed">
</head>
<body>
$header
<main>
<article class="repris">
<h1>$title</h1>
$byline
<div class="corps">
$paragraphs
$credit
</div>
</article>
</main>
$sidebar
$footer
</body>""")
REPUBLISHER_HOME = Template("""\
<title>$site_name</title>
<link rel="alternate" type="application/rss+xml" href="$feed">
</head>
<body>
$header
<main><h1>$heading</h1>
<ul>
$items
</ul></main>
$footer
</body>""")
REPUBLISHER_FEED = Template("""\
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel>
<title>$site_name</title>
<link>$home</link>
<description>$heading</description>
<language>$language</language>
<lastBuildDate>$updated</lastBuildDate>
$items
</channel>
</rss>
""")
REPUBLISHER_FEED_ITEM = Template("""\
<item><title>$title</title><link>$url</link><guid isPermaLink="true">$url</guid>\
<pubDate>$published</pubDate><description>$summary</description></item>""")


def _render_republisher(build: SiteBuild) -> None:
    """A republishing site: copied articles with their credits, a home listing, RSS, a sitemap."""
    site, template = build.site, REPUBLISHER_TEMPLATES[build.site.host]
    language = site.language
    header = f'<header class="masthead"><a href="/">{esc(site.name)}</a>\n{template.nav}</header>'
    footer = template.footer.substitute(first_editor=esc(build.staff[0]), second_editor=esc(build.staff[1]))
    for copy in build.copies:
        # Only a credited copy shows the author; otherwise the byline names the site's own curator.
        if copy.credit == "originally-published":
            who = f"Posted by {esc(copy.original.article.author)}"
        else:
            who = f"Curated by {esc(build.staff[0])}"
        byline = template.byline.substitute(time=_time(copy.published, language), who=who)
        canonical = copy.original.url if copy.credit == "canonical" else copy.url
        _page(build, copy.path, REPUBLISHED_PAGE, copy.published, title=esc(copy.title),
              site_name=esc(site.name), canonical=esc(canonical), feed=site.feeds[0], header=header,
              byline=byline,
              paragraphs=paragraphs_html(copy.paragraphs), credit=_credit_html(copy),
              sidebar=_recent_links(build, copy.url, template.sidebar_heading), footer=footer)
    items = "\n".join(f'<li><a href="{esc(c.url)}">{esc(c.title)}</a> {_time(c.published, language)}</li>'
                      for c in build.copies)
    _page(build, "/", REPUBLISHER_HOME, build.newest, site_name=esc(site.name), feed=site.feeds[0],
          header=header, heading=esc(template.home_heading), items=items, footer=footer)
    feed_items = "\n".join(
        REPUBLISHER_FEED_ITEM.substitute(title=esc(c.title), url=esc(c.url), published=_rss_date(c.published),
                                         summary=esc(c.paragraphs[0]))
        for c in build.copies)
    feed = REPUBLISHER_FEED.substitute(site_name=esc(site.name), home=site.home,
                                       heading=esc(template.home_heading), language=language,
                                       updated=_rss_date(build.newest), items=feed_items)
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
