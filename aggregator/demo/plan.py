"""The plan of the demo web: its sites, how many articles each has, who copies what, and URL schemes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from aggregator.demo.content import DemoArticle
from aggregator.demo.model import DemoPage, DemoSite, slugify

# Fixed, not "now": the same seed must give the same bytes on every machine and every day.
NEWEST_ARTICLE = datetime(2024, 6, 14, 7, 30, tzinfo=UTC)


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
    credit: str  # which attribution the page carries; see republishers.CREDIT_LINES
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


def partner_path(site: DemoSite, number: int, article: DemoArticle) -> str:
    slug = slugify(article.title)
    if site is LESNOTES:
        return f"/{article.published:%Y/%m}/{slug}/"
    if site is NORTHWIND:
        return f"/posts/{slug}.html"
    if site is WERKBANK:
        return f"/artikel/{number}-{slug}"
    return f"/stories/{slug}/"


def copy_path(site: DemoSite, number: int, title: str) -> str:
    slug = slugify(title)
    if site is REVUE:
        return f"/articles/{slug}/"
    if site is PLANET:
        return f"/p/{number}/{slug}"
    return f"/beitraege/{slug}.html"


def tracked_url(planned: PlannedArticle) -> str:
    """The article's link as the RSS feed gives it, with tracking parameters."""
    return f"{planned.url}?utm_source=rss&utm_medium=rss&utm_campaign={slugify(planned.article.title, 30)}"
