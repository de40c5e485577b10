"""Page parts every demo site shares: the HTML document, bylines, sidebars, sitemaps, robots.txt, feed dates.

Page templates are `string.Template`s filled with already-escaped HTML.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime
from string import Template

from aggregator.demo.content import DemoArticle
from aggregator.demo.model import HTML_TYPE, XML_TYPE, esc, human_date, local_time, paragraphs_html
from aggregator.demo.plan import PlannedArticle, SiteBuild


def _document(language: str, head_and_body: str) -> str:
    """A complete HTML page around ``head_and_body`` (the head's content, then the body)."""
    return (f'<!DOCTYPE html>\n<html lang="{language}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"{head_and_body}\n</html>\n")


def add_page(build: SiteBuild, at: str, template: Template, last_modified: datetime, **values: str) -> None:
    """Add the HTML page ``template`` filled with ``values`` at path ``at`` of the site."""
    build.add(at, HTML_TYPE, _document(build.site.language, template.substitute(values)), last_modified)


def comments_html(comments: list[tuple[str, str]], heading: str) -> str:
    items = "\n".join(f'<li class="comment"><p class="comment-author">{esc(name)}</p><p>{esc(text)}</p></li>'
                      for name, text in comments)
    return (f'<section id="comments" class="comments"><h2>{esc(heading)} ({len(comments)})</h2>\n'
            f'<ol class="comment-list">\n{items}\n</ol></section>')


def recent_links(build: SiteBuild, exclude: str, heading: str) -> str:
    """The sidebar: links to a few other posts of the same site."""
    links = [(a.url, a.article.title) for a in build.articles if a.url != exclude][:3]
    links += [(c.url, c.title) for c in build.copies if c.url != exclude][:3]
    items = "\n".join(f'<li><a href="{esc(url)}">{esc(title)}</a></li>' for url, title in links)
    return f'<aside class="sidebar widget-area"><h2>{esc(heading)}</h2>\n<ul>\n{items}\n</ul></aside>'


def time_html(moment: datetime, language: str) -> str:
    local = local_time(moment, language)
    return f'<time datetime="{local.isoformat()}">{esc(human_date(local, language))}</time>'


def lead_sentence(article: DemoArticle) -> str:
    return article.paragraphs[0].split(". ")[0].rstrip(".") + "."


def article_values(build: SiteBuild, planned: PlannedArticle, sidebar_heading: str) -> dict[str, str]:
    """The template values every partner article page uses."""
    article = planned.article
    return {
        "site_name": esc(build.site.name), "title": esc(article.title), "url": esc(planned.url),
        "path": esc(planned.path),
        "author": esc(article.author), "time": time_html(article.published, article.language),
        "published": local_time(article.published, article.language).isoformat(),
        "paragraphs": paragraphs_html(article.paragraphs), "number": str(planned.number),
        "feed": build.site.feeds[0] if build.site.feeds else "", "lead": esc(lead_sentence(article)),
        "sidebar": recent_links(build, planned.url, sidebar_heading),
    }


SITEMAP = Template('<?xml version="1.0" encoding="UTF-8"?>\n'
                   '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n$urls\n</urlset>\n')
SITEMAP_INDEX = Template('<?xml version="1.0" encoding="UTF-8"?>\n'
                         '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n$sitemaps\n'
                         "</sitemapindex>\n")


def w3c_time(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"


def sitemap_xml(entries: list[tuple[str, datetime]]) -> str:
    urls = "\n".join(f"  <url><loc>{esc(loc)}</loc><lastmod>{w3c_time(moment)}</lastmod></url>"
                     for loc, moment in entries)
    return SITEMAP.substitute(urls=urls)


def add_sitemap(build: SiteBuild) -> None:
    entries = [(build.site.home, build.newest)]
    entries += [(a.url, a.article.published) for a in build.articles]
    entries += [(c.url, c.published) for c in build.copies]
    build.add("/sitemap.xml", XML_TYPE, sitemap_xml(entries), build.newest)


def render_robots(build: SiteBuild) -> None:
    disallowed = build.forbidden_path.split("?")[0]
    sitemaps = "".join(f"Sitemap: {url}\n" for url in build.site.sitemaps)
    body = f"User-agent: *\nDisallow: {disallowed}\n\n{sitemaps}"
    build.add("/robots.txt", "text/plain; charset=utf-8", body, build.newest)


FORBIDDEN_PAGE = Template('<title>$title</title>\n<meta name="robots" content="noindex">\n</head>\n'
                          "<body><main><h1>$title</h1><p>$site_name</p></main></body>")


def add_forbidden_page(build: SiteBuild, title: str) -> None:
    """The page robots.txt forbids: it exists, so only the crawler's politeness keeps it out."""
    add_page(build, build.forbidden_path.split("?")[0], FORBIDDEN_PAGE, build.newest, title=esc(title),
          site_name=esc(build.site.name))


def rss_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"
