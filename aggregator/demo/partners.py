"""Partner blogs of the demo web: each with its own template, URL scheme and feed dialect."""

from __future__ import annotations

import json
from string import Template

from aggregator.demo.model import XML_TYPE, esc, local_time, paragraphs_html
from aggregator.demo.plan import PlannedArticle, SiteBuild, tracked_url
from aggregator.demo.render import (
    SITEMAP_INDEX,
    add_forbidden_page,
    add_page,
    add_sitemap,
    article_values,
    cdata,
    comments_html,
    lead_sentence,
    rss_date,
    sitemap_xml,
    w3c_time,
)

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


def render_lesnotes(build: SiteBuild) -> None:
    """Les Notes de Terrain: article pages, a home listing, an RSS 2.0 feed, a sitemap."""
    site = build.site
    for planned in build.articles:
        add_page(build, planned.path, LESNOTES_ARTICLE, planned.article.published,
              **article_values(build, planned, "Articles récents"),
              shortlink=esc(build.url(f"/?p={planned.number}")),
              comments=comments_html(planned.comments, "Commentaires"))
    items = "\n".join(LESNOTES_ITEM.substitute(article_values(build, p, "")) for p in build.articles)
    add_page(build, "/", LESNOTES_HOME, build.newest, site_name=esc(site.name), feed=site.feeds[0], items=items)
    feed_items = "\n".join(
        LESNOTES_FEED_ITEM.substitute(
            title=esc(p.article.title), tracked_link=esc(tracked_url(p)), url=esc(p.url),
            author=cdata(p.article.author), published=rss_date(p.article.published),
            shortlink=esc(build.url(f"/?p={p.number}")), summary=cdata(lead_sentence(p.article) + " […]"),
            content=cdata(paragraphs_html(p.article.paragraphs)))
        for p in build.articles)
    feed = LESNOTES_FEED.substitute(site_name=esc(site.name), home=site.home, feed=site.feeds[0],
                                    updated=rss_date(build.newest), items=feed_items)
    build.add("/feed/", "application/rss+xml; charset=utf-8", feed, build.newest)
    add_sitemap(build)
    add_forbidden_page(build, "Connexion")


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


def render_northwind(build: SiteBuild) -> None:
    """Northwind Field Notes: article pages, a home listing, an Atom feed, a sitemap."""
    site = build.site
    for planned in build.articles:
        add_page(build, planned.path, NORTHWIND_ARTICLE, planned.article.published,
              **article_values(build, planned, "More field notes"),
              comments=comments_html(planned.comments, "Responses"))
    items = "\n".join(NORTHWIND_ITEM.substitute(article_values(build, p, "")) for p in build.articles)
    add_page(build, "/", NORTHWIND_HOME, build.newest, site_name=esc(site.name), feed=site.feeds[0], items=items)
    entries = "\n".join(
        NORTHWIND_ENTRY.substitute(article_values(build, p, ""), host=site.host,
                                   published=p.article.published.isoformat(),
                                   content=esc(paragraphs_html(p.article.paragraphs)))
        for p in build.articles)
    feed = NORTHWIND_FEED.substitute(site_name=esc(site.name), home=site.home, feed=site.feeds[0],
                                     host=site.host, updated=build.newest.isoformat(), entries=entries)
    build.add("/atom.xml", "application/atom+xml; charset=utf-8", feed, build.newest)
    add_sitemap(build)
    add_forbidden_page(build, "Draft: next issue")


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


def render_werkbank(build: SiteBuild) -> None:
    """Die Werkbank: article pages with JSON-LD, a home listing, a JSON Feed 1.1, a sitemap."""
    site = build.site
    footer = WERKBANK_FOOTER.substitute(editor=esc(build.staff[0]))
    for planned in build.articles:
        add_page(build, planned.path, WERKBANK_ARTICLE, planned.article.published,
              **article_values(build, planned, "Weitere Beiträge"), schema=_werkbank_schema(planned),
              comments=comments_html(planned.comments, "Kommentare"), footer=footer)
    items = "\n".join(WERKBANK_ITEM.substitute(article_values(build, p, "")) for p in build.articles)
    add_page(build, "/", WERKBANK_HOME, build.newest, site_name=esc(site.name), feed=site.feeds[0], items=items,
          footer=footer)
    feed = {
        "version": "https://jsonfeed.org/version/1.1", "title": site.name, "home_page_url": site.home,
        "feed_url": site.feeds[0], "language": "de",
        "items": [{"id": f"{site.host}-{p.number}", "url": p.url, "title": p.article.title,
                   "content_html": paragraphs_html(p.article.paragraphs),
                   "summary": lead_sentence(p.article),
                   "date_published": local_time(p.article.published, "de").isoformat(),
                   "authors": [{"name": p.article.author}], "language": "de"} for p in build.articles],
    }
    build.add("/feed.json", "application/feed+json; charset=utf-8",
              json.dumps(feed, ensure_ascii=False, indent=1) + "\n", build.newest)
    add_sitemap(build)
    add_forbidden_page(build, "Redaktionsplan (intern)")


# --------------------------------------------------------------------------------------------------
# The Field Journal: an English blog with no feed; a paginated home listing and a sitemap index.

FIELDJOURNAL_PAGE_SIZE = 3
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


def render_fieldjournal(build: SiteBuild) -> None:
    """The Field Journal: article pages, listing pages /, /page/2/…, and a sitemap index."""
    site = build.site
    for planned in build.articles:
        add_page(build, planned.path, FIELDJOURNAL_ARTICLE, planned.article.published,
              **article_values(build, planned, "Recent stories"),
              comments=comments_html(planned.comments, "Letters"))
    size = FIELDJOURNAL_PAGE_SIZE
    listings = [build.articles[start:start + size] for start in range(0, len(build.articles), size)]
    listing_dates = [build.newest] + [chunk[0].article.published for chunk in listings[1:]]
    for number, chunk in enumerate(listings, start=1):
        pager = []
        if number > 1:
            pager.append(f'<a rel="prev" href="{_listing_path(number - 1)}">Newer stories</a>')
        if number < len(listings):
            pager.append(f'<a rel="next" href="{_listing_path(number + 1)}">Older stories</a>')
        items = "\n".join(FIELDJOURNAL_ITEM.substitute(article_values(build, p, "")) for p in chunk)
        title = site.name if number == 1 else f"{site.name} — page {number}"
        add_page(build, _listing_path(number), FIELDJOURNAL_LISTING, listing_dates[number - 1], title=esc(title),
              items=items, pager=" ".join(pager))
    stories = [(p.url, p.article.published) for p in build.articles]
    listing_entries = [(build.url(_listing_path(number)), moment)
                       for number, moment in enumerate(listing_dates, start=1)]
    build.add("/sitemap-stories.xml", XML_TYPE, sitemap_xml(stories), build.newest)
    build.add("/sitemap-pages.xml", XML_TYPE, sitemap_xml(listing_entries), build.newest)
    index = "\n".join(f"  <sitemap><loc>{build.url(path)}</loc><lastmod>{w3c_time(build.newest)}</lastmod>"
                      "</sitemap>" for path in ("/sitemap-stories.xml", "/sitemap-pages.xml"))
    build.add("/sitemap.xml", XML_TYPE, SITEMAP_INDEX.substitute(sitemaps=index), build.newest)
    add_forbidden_page(build, "Search")
