"""Republishing sites of the demo web: their copies of partner articles and the credit lines they carry."""

from __future__ import annotations

from dataclasses import dataclass
from string import Template

from aggregator.demo.model import esc, paragraphs_html
from aggregator.demo.plan import NACHRICHTEN, PLANET, REVUE, PlannedCopy, SiteBuild
from aggregator.demo.render import add_forbidden_page, add_page, add_sitemap, recent_links, rss_date, time_html

# --------------------------------------------------------------------------------------------------
# Republishers: one shared page structure, each site with its own chrome, byline and credit phrasing.

CREDITS_NAMING_AUTHOR = {"source-par", "originally-published", "quelle-text"}
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


def render_republisher(build: SiteBuild) -> None:
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
        byline = template.byline.substitute(time=time_html(copy.published, language), who=who)
        canonical = copy.original.url if copy.credit == "canonical" else copy.url
        add_page(build, copy.path, REPUBLISHED_PAGE, copy.published, title=esc(copy.title),
              site_name=esc(site.name), canonical=esc(canonical), feed=site.feeds[0], header=header,
              byline=byline,
              paragraphs=paragraphs_html(copy.paragraphs), credit=_credit_html(copy),
              sidebar=recent_links(build, copy.url, template.sidebar_heading), footer=footer)
    items = "\n".join(f'<li><a href="{esc(c.url)}">{esc(c.title)}</a> {time_html(c.published, language)}</li>'
                      for c in build.copies)
    add_page(build, "/", REPUBLISHER_HOME, build.newest, site_name=esc(site.name), feed=site.feeds[0],
          header=header, heading=esc(template.home_heading), items=items, footer=footer)
    feed_items = "\n".join(
        REPUBLISHER_FEED_ITEM.substitute(title=esc(c.title), url=esc(c.url), published=rss_date(c.published),
                                         summary=esc(c.paragraphs[0]))
        for c in build.copies)
    feed = REPUBLISHER_FEED.substitute(site_name=esc(site.name), home=site.home,
                                       heading=esc(template.home_heading), language=language,
                                       updated=rss_date(build.newest), items=feed_items)
    build.add(site.feeds[0].removeprefix(f"http://{site.host}"), "application/rss+xml; charset=utf-8", feed,
              build.newest)
    add_sitemap(build)
    add_forbidden_page(build, "Admin")
