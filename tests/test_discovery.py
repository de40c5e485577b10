"""Feed and sitemap discovery: <link rel=alternate>, robots.txt, sitemap XML, feed sniffing."""

from __future__ import annotations

import gzip
import zlib
from datetime import UTC, datetime

import pytest

from aggregator.crawl.feed_discovery import (
    COMMON_FEED_PATHS,
    common_feed_urls,
    feed_candidates,
    feed_links,
    looks_like_feed,
)
from aggregator.crawl.sitemaps import MAX_SITEMAP_BYTES, parse_sitemap, sitemaps_from_robots
from tests.conftest import shared_path

PAGE = """<!DOCTYPE html><html><head>
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/rss+xml" title="Posts" href="/feed/">
<link rel="alternate" type="application/rss+xml" title="Comments" href="/comments/feed/">
<LINK REL="Alternate" TYPE="application/atom+xml" HREF="http://blog.example.org/atom.xml">
<link rel="alternate" type="application/feed+json" href="feed.json">
<link rel="alternate" type="application/json" href="/wp-json/wp/v2/pages/2">
<link rel="alternate" hreflang="fr" href="/fr/">
<link rel="alternate" type="application/rss+xml" href="/feed/">
<link rel="alternate" type="application/rss+xml" href="javascript:void(0)">
</head><body><a rel="alternate" type="application/rss+xml" href="/not-a-link-element">x</a></body></html>"""


def test_feed_links_in_page_order_deduplicated_and_absolute() -> None:
    assert feed_links(PAGE, "http://blog.example.org/2024/05/post/") == [
        "http://blog.example.org/feed/",
        "http://blog.example.org/comments/feed/",
        "http://blog.example.org/atom.xml",
        "http://blog.example.org/2024/05/post/feed.json",
    ]


def test_feed_links_honour_base_href_and_rel_lists() -> None:
    html = ('<head><base href="https://cdn.example.net/site/"><link rel="alternate feed" '
            'type="application/atom+xml; charset=utf-8" href="atom.xml"></head>')
    assert feed_links(html, "http://www.example.net/") == ["https://cdn.example.net/site/atom.xml"]


def test_json_feed_announced_as_plain_json() -> None:
    html = '<link rel="alternate" type="application/json" title="JSON Feed" href="/feed.json">'
    assert feed_links(html, "https://micro.example/") == ["https://micro.example/feed.json"]


@pytest.mark.parametrize("html", ["", "<html>", "no markup at all", "<link rel=alternate href=/x>", "<<<>>>"])
def test_feed_links_on_pages_without_feeds(html: str) -> None:
    assert feed_links(html, "http://x.example/") == []


def test_common_feed_paths() -> None:
    for path in ("/feed/", "/rss/", "/atom.xml", "/feed.json", "/index.rdf", "/rss.xml", "/feeds/posts/default"):
        assert path in COMMON_FEED_PATHS
    urls = common_feed_urls("http://blog.example.org/some/page.html")
    assert urls[0] == "http://blog.example.org/feed/"
    assert "http://blog.example.org/feeds/posts/default" in urls


def test_feed_candidates_put_announced_feeds_first() -> None:
    html = '<link rel="alternate" type="application/atom+xml" href="/atom.xml">'
    candidates = feed_candidates(html, "http://x.example/post/1")
    assert candidates[0] == "http://x.example/atom.xml"
    assert candidates.count("http://x.example/atom.xml") == 1
    assert candidates[1:] == [u for u in common_feed_urls("http://x.example/") if u != "http://x.example/atom.xml"]


def test_sitemaps_from_robots() -> None:
    robots = """# robots for example
User-agent: *
Disallow: /private/
sitemap: /sitemap.xml   # relative, lower case
Sitemap: https://cdn.example.org/sitemaps/index.xml.gz
SITEMAP:https://cdn.example.org/sitemaps/index.xml.gz
Sitemap: ftp://example.org/x.xml
Allow: /sitemap-not-this.xml
"""
    assert sitemaps_from_robots(robots, "http://example.org/robots.txt") == [
        "http://example.org/sitemap.xml",
        "https://cdn.example.org/sitemaps/index.xml.gz",
    ]
    assert sitemaps_from_robots("", "http://example.org/") == []


URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc> http://example.org/a </loc><lastmod>2019-11-11</lastmod></url>
  <url><loc>http://example.org/b</loc><lastmod>2020-01-02T10:00:00+01:00</lastmod><priority>1</priority></url>
  <url><loc>http://example.org/c</loc><lastmod>yesterday</lastmod></url>
  <url><lastmod>2020-01-01</lastmod></url>
</urlset>"""


def test_parse_urlset() -> None:
    sitemap = parse_sitemap(URLSET)
    assert sitemap.kind == "urlset" and sitemap.error is None and sitemap.sitemaps == ()
    assert [(p.loc, p.lastmod) for p in sitemap.pages] == [
        ("http://example.org/a", datetime(2019, 11, 11, tzinfo=UTC)),
        ("http://example.org/b", datetime(2020, 1, 2, 9, 0, tzinfo=UTC)),
        ("http://example.org/c", None),
    ]


def test_parse_sitemapindex_gzipped() -> None:
    index = (b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             b"<sitemap><loc>http://example.org/s1.xml</loc><lastmod>2024-02-03T04:05:06Z</lastmod></sitemap>"
             b"<sitemap><loc>http://example.org/s2.xml.gz</loc></sitemap></sitemapindex>")
    sitemap = parse_sitemap(gzip.compress(index))
    assert sitemap.kind == "sitemapindex" and sitemap.pages == ()
    assert [s.loc for s in sitemap.sitemaps] == ["http://example.org/s1.xml", "http://example.org/s2.xml.gz"]
    assert sitemap.sitemaps[0].lastmod == datetime(2024, 2, 3, 4, 5, 6, tzinfo=UTC)


def test_sitemap_without_namespace_is_read() -> None:
    sitemap = parse_sitemap(b"<urlset><url><loc>http://example.org/x</loc></url></urlset>")
    assert [p.loc for p in sitemap.pages] == ["http://example.org/x"]


def test_broken_sitemap_gives_an_error_and_what_could_be_salvaged() -> None:
    broken = URLSET.replace(b"</urlset>", b"<url><loc>http://example.org/d</lo")
    sitemap = parse_sitemap(broken)
    assert sitemap.error is not None and sitemap.error.startswith("XML syntax error at line")
    assert "http://example.org/a" in [p.loc for p in sitemap.pages]


@pytest.mark.parametrize(("body", "reason"), [
    (b"", "empty body"),
    (b"\x1f\x8b\x08\x00garbage", "gzip error"),
    (gzip.compress(URLSET)[:40], "gzip error"),
    (b"<html><body>Not found</body></html>", "not a sitemap: root element <html>"),
    (b"<<<", "XML syntax error"),
    (b"Just some text", "not a sitemap"),
])
def test_unreadable_sitemaps_give_errors_not_exceptions(body: bytes, reason: str) -> None:
    sitemap = parse_sitemap(body)
    assert sitemap.kind is None and sitemap.pages == () and sitemap.error is not None
    assert sitemap.error.startswith(reason)


def test_gzip_bomb_is_refused() -> None:
    bomb = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    data = bomb.compress(b"\0" * (MAX_SITEMAP_BYTES + 1024)) + bomb.flush()
    sitemap = parse_sitemap(data)
    assert sitemap.error is not None and "larger than" in sitemap.error


def test_entities_are_not_expanded() -> None:
    xxe = (b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           b"<urlset><url><loc>http://e.example/&x;</loc></url></urlset>")
    sitemap = parse_sitemap(xxe)
    assert all("root:" not in p.loc for p in sitemap.pages)


def test_text_sitemap() -> None:
    sitemap = parse_sitemap(b"http://example.org/a\nhttps://example.org/b\n\n")
    assert sitemap.kind == "text"
    assert [p.loc for p in sitemap.pages] == ["http://example.org/a", "https://example.org/b"]


@pytest.mark.parametrize(("body", "content_type", "expected"), [
    (b'<?xml version="1.0"?>\n<rss version="2.0"><channel/></rss>', "text/html", True),
    (b'\xef\xbb\xbf<?xml version="1.0"?><!-- hi --><feed xmlns="http://www.w3.org/2005/Atom"/>', None, True),
    (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">',
     None, True),
    (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description/>', None, False),
    (b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "x.dtd">\n<rss version="0.91">',
     None, True),
    ('<?xml version="1.0" encoding="utf-16"?><feed/>'.encode("utf-16"), None, True),
    (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', None, True),
    (b'{"version": "https:\\/\\/jsonfeed.org\\/version\\/1", "items": []}', None, True),
    (b'{"name": "api"}', "application/json", False),
    (b"<!DOCTYPE html><html><head></head></html>", "application/rss+xml", False),
    (b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>', "application/xml", False),
    (b"", "application/rss+xml", False),
    (b'<?xml version="1.0"?>', "application/atom+xml", True),
    (b'<?xml version="1.0"?>', "text/xml", False),
])
def test_looks_like_feed(body: bytes, content_type: str | None, expected: bool) -> None:
    assert looks_like_feed(body, content_type) is expected


def test_syndication_web_home_pages_and_robots() -> None:
    sites = shared_path("syndication-web", "sites")
    home = (sites / "blog.useo.net" / "index.html").read_text(encoding="utf-8")
    assert feed_links(home, "http://blog.useo.net/") == ["http://blog.useo.net/feed/"]
    json_home = (sites / "datanotes.example" / "index.html").read_text(encoding="utf-8")
    assert feed_links(json_home, "http://datanotes.example/") == ["http://datanotes.example/feed.json"]
    robots = (sites / "blog.useo.net" / "robots.txt").read_text(encoding="utf-8")
    assert sitemaps_from_robots(robots, "http://blog.useo.net/robots.txt") == ["http://blog.useo.net/sitemap.xml"]
    sitemap = parse_sitemap((sites / "blog.useo.net" / "sitemap.xml").read_bytes())
    assert sitemap.kind == "urlset" and sitemap.error is None and len(sitemap.pages) >= 1
    for feed in ("blog.useo.net/feed/index.html", "planet.example/atom.xml", "openbuild.example/index.rdf",
                 "datanotes.example/feed.json"):
        assert looks_like_feed((sites / feed).read_bytes(), None), feed
    assert not looks_like_feed((sites / "blog.useo.net" / "index.html").read_bytes(), None)
