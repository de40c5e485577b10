"""parse_feed on small hand-written documents of every dialect, and entry identity over polls."""

from __future__ import annotations

import json
import warnings
from datetime import UTC, datetime

import feedparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aggregator.crawl.feeds import ParsedEntry, SeenEntry, classify_entries, parse_feed
from aggregator.crawl.items import body_hash, body_unchanged
from tests.conftest import shared_path

FEED_URL = "http://blog.example.org/feed/"


def rss(items: str, channel_extra: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Example blog</title>'
        f"<link>http://blog.example.org/</link>{channel_extra}{items}</channel></rss>"
    ).encode()


def item(guid: str | None = None, link: str | None = None, title: str = "A post", body: str = "<p>Text</p>",
         permalink: bool = False) -> str:
    parts = [f"<title>{title}</title>"]
    if link is not None:
        parts.append(f"<link>{link}</link>")
    if guid is not None:
        parts.append(f'<guid isPermaLink="{str(permalink).lower()}">{guid}</guid>')
    parts.append(f"<content:encoded><![CDATA[{body}]]></content:encoded>")
    return "<item>" + "".join(parts) + "</item>"


def plain_feedparser_count(body: bytes) -> int:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return len(feedparser.parse(body).entries)


# --- RSS 2.0 ----------------------------------------------------------------------------------


def test_rss20_entry_fields() -> None:
    body = rss(
        "<item><title>Télétravail et information</title>"
        "<link>/2019/11/teletravail/?utm_source=rss&amp;utm_medium=rss</link>"
        "<dc:creator><![CDATA[Hugo Martin]]></dc:creator>"
        "<pubDate>Mon, 11 Nov 2019 03:41:00 +0100</pubDate>"
        '<guid isPermaLink="false">http://blog.example.org/?p=131</guid>'
        "<description><![CDATA[Short [&#8230;]]]></description>"
        '<content:encoded><![CDATA[<p>Full <a href="/x">text</a></p>]]></content:encoded></item>',
        channel_extra="<ttl>90</ttl>",
    )
    feed = parse_feed(body, url=FEED_URL)
    assert feed.ok and feed.error is None
    assert feed.format == "rss20"
    assert feed.title == "Example blog"
    assert feed.link == "http://blog.example.org/"
    assert feed.ttl_minutes == 90
    (entry,) = feed.entries
    assert entry.key == "http://blog.example.org/?p=131"  # a non-permalink GUID is still the identity
    assert entry.link == "http://blog.example.org/2019/11/teletravail/?utm_source=rss&utm_medium=rss"
    assert entry.title == "Télétravail et information"
    assert entry.author == "Hugo Martin"
    assert entry.published == datetime(2019, 11, 11, 2, 41, tzinfo=UTC)
    assert entry.updated is None
    assert entry.summary_html == "Short [&#8230;]"  # HTML as given
    assert entry.content_html == '<p>Full <a href="/x">text</a></p>'  # raw: not sanitized, not rewritten
    assert feed.entry_times == (datetime(2019, 11, 11, 2, 41, tzinfo=UTC),)


def test_rss_ttl_absent_or_nonsense_is_none() -> None:
    assert parse_feed(rss(item("a")), url=FEED_URL).ttl_minutes is None
    assert parse_feed(rss(item("a"), "<ttl>soon</ttl>"), url=FEED_URL).ttl_minutes is None
    assert parse_feed(rss(item("a"), "<ttl>-5</ttl>"), url=FEED_URL).ttl_minutes is None


def test_permalink_guid_gives_the_link_when_there_is_no_link_element() -> None:
    (entry,) = parse_feed(rss(item("http://blog.example.org/p/1", permalink=True)), url=FEED_URL).entries
    assert entry.key == "http://blog.example.org/p/1"
    assert entry.link == "http://blog.example.org/p/1"


def test_key_falls_back_to_link_then_content_hash() -> None:
    feed = parse_feed(rss(item(link="/a") + item(title="No id", body="<p>only text</p>")), url=FEED_URL)
    by_link, by_hash = feed.entries
    assert by_link.key == "http://blog.example.org/a"
    assert by_hash.link is None
    assert by_hash.key == f"sha256:{by_hash.content_hash}"


def test_repeated_guid_keeps_every_entry_with_distinct_stable_keys() -> None:
    body = rss(item("same", "/a", "A") + item("same", "/b", "B") + item("same", "/c", "C"))
    first = parse_feed(body, url=FEED_URL)
    keys = [e.key for e in first.entries]
    assert len(first.entries) == 3 == plain_feedparser_count(body)
    assert len(set(keys)) == 3
    assert all(k.startswith("same#http://blog.example.org/") for k in keys)
    assert keys == [e.key for e in parse_feed(body, url=FEED_URL).entries]  # deterministic


def test_exact_duplicate_entries_are_kept_and_told_apart_by_rank() -> None:
    body = rss(item("dup", "/a") * 3)
    keys = [e.key for e in parse_feed(body, url=FEED_URL).entries]
    assert len(keys) == 3 == len(set(keys)) == plain_feedparser_count(body)


def test_repeated_guid_without_links_uses_content() -> None:
    body = rss(item("g", title="One") + item("g", title="Two"))
    one, two = parse_feed(body, url=FEED_URL).entries
    assert one.key == f"g#{one.content_hash[:16]}" and two.key == f"g#{two.content_hash[:16]}"


def test_content_hash_changes_with_title_or_content_only() -> None:
    base = parse_feed(rss(item("k", "/a", "Title", "<p>x</p>")), url=FEED_URL).entries[0]
    relinked = parse_feed(rss(item("k", "/other", "Title", "<p>x</p>")), url=FEED_URL).entries[0]
    retitled = parse_feed(rss(item("k", "/a", "Title 2", "<p>x</p>")), url=FEED_URL).entries[0]
    edited = parse_feed(rss(item("k", "/a", "Title", "<p>y</p>")), url=FEED_URL).entries[0]
    assert base.content_hash == relinked.content_hash
    assert len({base.content_hash, retitled.content_hash, edited.content_hash}) == 3


def test_links_that_are_not_web_pages_are_dropped() -> None:
    feed = parse_feed(rss(item("k", "javascript:alert(1)") + item("m", "mailto:a@b.example")), url=FEED_URL)
    assert [e.link for e in feed.entries] == [None, None]


# --- Atom, RDF, JSON Feed ---------------------------------------------------------------------


ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://news.example.com/blog/">
  <title type="text">News</title><link href="/"/><id>urn:x</id><updated>2024-05-01T10:00:00Z</updated>
  <entry><title>First</title><link rel="alternate" type="text/html" href="posts/1.html"/>
    <link rel="replies" href="posts/1/comments"/>
    <id>tag:news.example.com,2024:1</id>
    <published>2024-04-30T08:00:00+02:00</published><updated>2024-05-01T10:00:00Z</updated>
    <author><name>Ana Lima</name><email>ana@example.com</email></author>
    <summary>Sum</summary>
    <content type="html">&lt;p&gt;Body&lt;/p&gt;</content></entry>
</feed>"""


def test_atom_entry_fields_and_xml_base() -> None:
    feed = parse_feed(ATOM, url="http://feeds.example.net/news.atom")
    assert feed.format == "atom10"
    assert feed.link == "http://news.example.com/"
    (entry,) = feed.entries
    assert entry.key == "tag:news.example.com,2024:1"
    assert entry.link == "http://news.example.com/blog/posts/1.html"
    assert entry.author == "Ana Lima"
    assert entry.published == datetime(2024, 4, 30, 6, 0, tzinfo=UTC)
    assert entry.updated == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert entry.updated_iso == "2024-05-01T10:00:00+00:00"
    assert entry.summary_html == "Sum"
    assert entry.content_html == "<p>Body</p>"


def test_atom03_and_rss091_formats() -> None:
    atom03 = (b'<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>t</title>'
              b"<entry><title>e</title><id>x</id></entry></feed>")
    rss091 = b'<rss version="0.91"><channel><title>t</title><item><title>e</title></item></channel></rss>'
    assert parse_feed(atom03, url=FEED_URL).format == "atom03"
    assert parse_feed(rss091, url=FEED_URL).format == "rss09x"


def test_rss10_rdf() -> None:
    body = b"""<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
      xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
      <channel rdf:about="http://x.example/"><title>X</title><link>http://x.example/</link></channel>
      <item rdf:about="http://x.example/1"><title>One</title><link>http://x.example/1</link>
      <dc:creator>Bo</dc:creator><dc:date>2020-01-02T03:04:05Z</dc:date></item>
      <item rdf:about="http://x.example/2"><title>Two</title><link>http://x.example/2</link></item></rdf:RDF>"""
    feed = parse_feed(body, url="http://x.example/index.rdf")
    assert feed.format == "rss10"
    assert [e.key for e in feed.entries] == ["http://x.example/1", "http://x.example/2"]
    assert feed.entries[0].author == "Bo"
    # feedparser reads dc:date as the update time
    assert feed.entries[0].updated == datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert feed.entry_times == (datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC),)


def test_json_feed_11() -> None:
    document = {
        "version": "https://jsonfeed.org/version/1.1", "title": "Notes", "home_page_url": "/",
        "items": [
            {"id": "438", "url": "/posts/a/", "title": "A", "content_html": "<p>a</p>",
             "date_published": "2019-11-06T10:00:00+01:00", "date_modified": "2019-11-07T10:00:00Z",
             "authors": [{"name": "Li Wei"}, {"name": "Sam"}]},
            {"id": 7, "external_url": "http://elsewhere.example/b", "content_text": "Para one\n\nPara <two>"},
            {"url": "http://notes.example/c", "summary": "c"},
            "not an item",
        ],
    }
    feed = parse_feed(json.dumps(document).encode(), url="http://notes.example/feed.json",
                      content_type="application/feed+json")
    assert feed.ok and feed.format == "json"
    assert feed.title == "Notes" and feed.link == "http://notes.example/"
    a, b, c = feed.entries
    assert (a.key, a.link, a.author) == ("438", "http://notes.example/posts/a/", "Li Wei, Sam")
    assert a.published == datetime(2019, 11, 6, 9, 0, tzinfo=UTC)
    assert a.updated == datetime(2019, 11, 7, 10, 0, tzinfo=UTC)
    assert (b.key, b.link) == ("7", "http://elsewhere.example/b")
    assert b.content_html == "<p>Para one</p><p>Para &lt;two&gt;</p>"
    assert (c.key, c.summary_html, c.content_html) == ("http://notes.example/c", "c", None)


def test_json_errors() -> None:
    broken = parse_feed(b'{"version": "https://jsonfeed.org/version/1.1",\n "items": [', url=FEED_URL)
    assert not broken.ok and broken.error is not None and broken.error.startswith("JSON syntax error at line 2")
    other = parse_feed(b'{"name": "not a feed"}', url=FEED_URL)
    assert other.error == "not a feed: JSON document without a JSON Feed version"


# --- documents that are not feeds ------------------------------------------------------------


@pytest.mark.parametrize("body", [b"", b"   \n", b"\xef\xbb\xbf"])
def test_empty_body(body: bytes) -> None:
    feed = parse_feed(body, url=FEED_URL)
    assert not feed.ok and feed.error == "empty body" and feed.entries == ()


def test_html_page_is_not_a_feed() -> None:
    page = b"<!DOCTYPE html><html><head><title>Blog</title></head><body><p>Hello</p></body></html>"
    assert parse_feed(page, url=FEED_URL).error == "not a feed: HTML page"
    assert parse_feed(b"<p>hi</p>", url=FEED_URL, content_type="text/html; charset=utf-8").error == \
        "not a feed: HTML page"


def test_broken_xml_reports_the_line() -> None:
    feed = parse_feed(b'<?xml version="1.0"?>\n<rss version="2.0">\n<channel><title>a &</titl', url=FEED_URL)
    assert not feed.ok
    assert feed.error is not None and feed.error.startswith("XML syntax error at line 3:")


def test_plain_text_and_other_xml_are_not_feeds() -> None:
    assert parse_feed(b"User-agent: *\nDisallow: /", url=FEED_URL).error == "not a feed: neither XML nor JSON"
    sitemap = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>x</loc></url></urlset>'
    assert parse_feed(sitemap, url=FEED_URL).error == "not a feed: no RSS, Atom or RDF root element"


def test_feed_with_a_flaw_is_usable_and_says_so() -> None:
    body = rss(item("a", "/a") + item("b", "/b")).replace(b"</channel></rss>", b"<bad &></channel></rss>")
    feed = parse_feed(body, url=FEED_URL)
    assert feed.ok and len(feed.entries) == 2 == plain_feedparser_count(body)
    assert feed.warning is not None and feed.warning.startswith("XML syntax error")


def test_an_empty_but_valid_feed_is_ok() -> None:
    feed = parse_feed(rss(""), url=FEED_URL)
    assert feed.ok and feed.entries == () and feed.format == "rss20"


def test_charset_from_content_type_is_honoured() -> None:
    body = '<rss version="2.0"><channel><title>Café</title><item><title>é</title></item></channel></rss>'
    feed = parse_feed(body.encode("iso-8859-1"), url=FEED_URL, content_type="application/rss+xml; charset=iso-8859-1")
    assert feed.title == "Café" and feed.entries[0].title == "é"


# --- conditional GET by body hash, new and changed entries -----------------------------------


def test_body_hash_detects_an_unchanged_body() -> None:
    body = rss(item("a"))
    assert body_unchanged(body, body_hash(body))
    assert not body_unchanged(body + b" ", body_hash(body))
    assert not body_unchanged(body, None)
    assert len(body_hash(body)) == 64


def test_classify_entries_new_changed_unchanged() -> None:
    first = parse_feed(rss(item("a", "/a") + item("b", "/b")), url=FEED_URL).entries
    seen = {e.key: SeenEntry(e.updated_iso, e.content_hash) for e in first}
    later = parse_feed(rss(item("a", "/a") + item("b", "/b", body="<p>edited</p>") + item("c", "/c")),
                       url=FEED_URL).entries
    changes = classify_entries(later, seen)
    assert [e.key for e in changes.new] == ["c"]
    assert [e.key for e in changes.changed] == ["b"]
    assert [e.key for e in changes.unchanged] == ["a"]


def test_a_new_updated_date_is_a_change() -> None:
    entry = ParsedEntry(key="k", link=None, title="t", author=None, published=None,
                      updated=datetime(2024, 1, 2, tzinfo=UTC), content_hash="h", summary_html=None,
                      content_html=None)
    seen = {"k": SeenEntry("2024-01-01T00:00:00+00:00", "h")}
    assert classify_entries([entry], seen).changed == (entry,)
    assert classify_entries([entry], {"k": SeenEntry(entry.updated_iso, "h")}).unchanged == (entry,)


def test_an_entry_with_only_a_publication_date_stays_unchanged() -> None:
    (entry,) = parse_feed(rss(item("k", "/k").replace("</item>", "<pubDate>Mon, 11 Nov 2019 03:41:00 GMT"
                                                                  "</pubDate></item>")), url=FEED_URL).entries
    assert entry.updated is None and entry.published is not None
    assert classify_entries([entry], {"k": SeenEntry(None, entry.content_hash)}).unchanged == (entry,)


# --- the feeds of the shared syndication web -------------------------------------------------


@pytest.mark.parametrize(("site_path", "url", "fmt"), [
    ("blog.useo.net/feed/index.html", "http://blog.useo.net/feed/", "rss20"),
    ("planet.example/atom.xml", "http://planet.example/atom.xml", "atom10"),
    ("openbuild.example/index.rdf", "http://openbuild.example/index.rdf", "rss10"),
    ("datanotes.example/feed.json", "http://datanotes.example/feed.json", "json"),
    ("lesechos-du-web.example/feeds/posts/default", "http://lesechos-du-web.example/feeds/posts/default",
     "atom10"),
])
def test_syndication_web_feeds(site_path: str, url: str, fmt: str) -> None:
    body = shared_path("syndication-web", "sites", *site_path.split("/")).read_bytes()
    feed = parse_feed(body, url=url)
    assert feed.ok and feed.format == fmt and feed.entries
    keys = [e.key for e in feed.entries]
    assert len(keys) == len(set(keys))
    for entry in feed.entries:
        assert entry.link is not None and entry.link.startswith("http://")
        assert entry.title and (entry.content_html or entry.summary_html)
        assert entry.published is None or entry.published.tzinfo is not None
    if fmt != "json":
        assert len(feed.entries) == plain_feedparser_count(body)


# --- nothing escapes ---------------------------------------------------------------------------

_SEED_DOCUMENTS = [rss(item("a", "/a") + item(None, None)), ATOM,
                   b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1"}]}']


@given(seed=st.sampled_from(_SEED_DOCUMENTS), cut=st.integers(min_value=0, max_value=2000),
       noise=st.binary(max_size=40), content_type=st.sampled_from([None, "text/html", "application/json",
                                                                   "text/xml; charset=utf-16", "bogus"]))
@settings(max_examples=300, deadline=None)
def test_mangled_documents_never_raise(seed: bytes, cut: int, noise: bytes, content_type: str | None) -> None:
    body = seed[:cut] + noise + seed[cut:]
    feed = parse_feed(body, url=FEED_URL, content_type=content_type)
    assert feed.ok != bool(feed.error)
    assert len({e.key for e in feed.entries}) == len(feed.entries)


def test_deeply_nested_documents_are_errors() -> None:
    assert parse_feed(b"[" * 100_000, url=FEED_URL).error is not None
    assert parse_feed(b'{"version": "https://jsonfeed.org/version/1.1", "items": ' + b"[" * 100_000,
                      url=FEED_URL).error is not None
    nested = b'<rss version="2.0"><channel>' + b"<a>" * 5_000 + b"</a>" * 5_000 + b"</channel></rss>"
    assert parse_feed(nested, url=FEED_URL).ok or parse_feed(nested, url=FEED_URL).error
