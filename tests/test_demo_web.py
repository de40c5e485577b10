"""The built-in demo web and its loopback server: deterministic, well-formed, and true to expected()."""

from __future__ import annotations

import gzip
import json
import socket
import urllib.error
import urllib.request
import urllib.robotparser
from collections.abc import Iterator
from datetime import datetime
from urllib.parse import urlsplit

import feedparser
import pytest
import yaml
from lxml import etree
from lxml import html as lxml_html

from aggregator.demo import DemoWeb, build_demo_web, serve_demo_web
from aggregator.demo.content import MAX_PARAGRAPH_WORDS, MIN_PARAGRAPH_WORDS
from aggregator.demo.server import accepts_gzip

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@pytest.fixture(scope="module")
def web() -> DemoWeb:
    return build_demo_web()


@pytest.fixture(scope="module")
def proxy(web: DemoWeb) -> Iterator[str]:
    with serve_demo_web(web) as base_url:
        yield base_url


def opener_for(proxy: str, *, follow_redirects: bool = True) -> urllib.request.OpenerDirector:
    handlers: list[urllib.request.BaseHandler] = [urllib.request.ProxyHandler({"http": proxy})]
    if not follow_redirects:
        handlers.append(NoRedirect())
    return urllib.request.build_opener(*handlers)


def fetch(proxy: str, url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener_for(proxy, follow_redirects=False).open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def same_host_links(url: str, body: bytes) -> set[str]:
    document = lxml_html.fromstring(body, base_url=url)
    document.make_links_absolute(url)
    host = urlsplit(url).hostname
    return {href.split("#")[0] for href in document.xpath("//a/@href") if urlsplit(href).hostname == host}


def sitemap_urls(proxy: str, sitemap: str) -> set[str]:
    """Every page URL a sitemap lists, following sitemap indexes."""
    status, _, body = fetch(proxy, sitemap)
    assert status == 200, sitemap
    root = etree.fromstring(body)
    found: set[str] = set()
    for nested in root.xpath("//sm:sitemap/sm:loc/text()", namespaces=SITEMAP_NS):
        found |= sitemap_urls(proxy, nested)
    found |= set(root.xpath("//sm:url/sm:loc/text()", namespaces=SITEMAP_NS))
    return found


def feed_urls(proxy: str, feed: str) -> set[str]:
    status, headers, body = fetch(proxy, feed)
    assert status == 200, feed
    if "json" in headers["Content-Type"]:
        # feedparser 6.0 does not read JSON Feed; check the format by hand.
        document = json.loads(body)
        assert document["version"] == "https://jsonfeed.org/version/1.1"
        assert all({"id", "url", "title", "content_html", "date_published", "authors"} <= set(item)
                   for item in document["items"])
        return {item["url"] for item in document["items"]}
    parsed = feedparser.parse(body)
    assert not parsed.bozo, (feed, parsed.get("bozo_exception"))
    assert parsed.entries
    return {entry.link for entry in parsed.entries}


def robots_for(proxy: str, home: str) -> urllib.robotparser.RobotFileParser:
    _, _, body = fetch(proxy, home + "robots.txt")
    robots = urllib.robotparser.RobotFileParser()
    robots.parse(body.decode().splitlines())
    return robots


def main_paragraphs(body: bytes) -> list[str]:
    """The article's own paragraphs: unclassed <p> inside <main>."""
    document = lxml_html.fromstring(body)
    return [p.text_content() for p in document.xpath("//main//p[not(@class)]")]


def shingles(text: str) -> set[tuple[str, ...]]:
    words = text.lower().split()
    return {tuple(words[i:i + 5]) for i in range(len(words) - 4)}


# ---------------------------------------------------------------------------------------------


def test_same_seed_gives_same_bytes_and_other_seeds_other_text(web: DemoWeb) -> None:
    again = build_demo_web(2024)
    assert again.pages == web.pages
    assert again.sources_yaml() == web.sources_yaml()
    assert again.expected() == web.expected()
    other = build_demo_web(7)
    assert {a.text for a in other.expected().articles}.isdisjoint(a.text for a in web.expected().articles)


def test_web_has_the_promised_shape(web: DemoWeb) -> None:
    expected = web.expected()
    partners = [site for site in web.sites if site.role == "partner"]
    republishers = [site for site in web.sites if site.role == "republisher"]
    assert 3 <= len(partners) <= 4 and 2 <= len(republishers) <= 3
    assert 15 <= len(expected.articles) <= 25 and 6 <= len(expected.republications) <= 10
    assert all(site.host.endswith(".example") for site in web.sites)
    assert {r.kind for r in expected.republications} == {"full", "excerpt", "edited"}
    assert {r.attribution for r in expected.republications} == {"correct", "missing"}
    assert sum(1 for site in partners if not site.feeds) == 1


def test_articles_have_realistic_length_and_are_clearly_different(web: DemoWeb) -> None:
    articles = web.expected().articles
    for article in articles:
        paragraphs = article.text.split("\n\n")
        assert 4 <= len(paragraphs) <= 12, article.url
        lengths = [len(p.split()) for p in paragraphs]
        assert all(MIN_PARAGRAPH_WORDS <= n <= MAX_PARAGRAPH_WORDS for n in lengths), article.url
    assert len({a.title for a in articles}) == len(articles)
    sets = [shingles(a.text) for a in articles]
    worst = max(len(a & b) / len(a) for i, a in enumerate(sets) for j, b in enumerate(sets) if i != j)
    assert worst < 0.2, f"two different articles share {worst:.0%} of their word 5-grams"


def test_sources_yaml_is_valid_and_in_the_sources_file_format(web: DemoWeb) -> None:
    document = yaml.safe_load(web.sources_yaml())
    entries = document["sources"]
    assert [entry["home"] for entry in entries] == [site.home for site in web.sites]
    for entry, site in zip(entries, web.sites, strict=True):
        assert set(entry) <= {"name", "home", "role", "language", "feeds", "sitemaps"}
        assert entry["name"] == site.name and entry["role"] in ("partner", "republisher")
        assert entry["language"] == site.language
        assert entry.get("feeds", []) == list(site.feeds)
        assert entry["sitemaps"] == list(site.sitemaps)
    assert sum(1 for entry in entries if "feeds" not in entry) == 1


def test_every_url_in_feeds_sitemaps_and_listings_answers_200(web: DemoWeb, proxy: str) -> None:
    for site in web.sites:
        robots = robots_for(proxy, site.home)
        urls: set[str] = set()
        for feed in site.feeds:
            urls |= feed_urls(proxy, feed)
        for sitemap in site.sitemaps:
            assert f"Sitemap: {sitemap}" in fetch(proxy, site.home + "robots.txt")[2].decode()
            urls |= sitemap_urls(proxy, sitemap)
        listings = [site.home] + [u for u in urls if "/page/" in u]
        for listing in listings:
            status, _, body = fetch(proxy, listing)
            assert status == 200, listing
            urls |= {link for link in same_host_links(listing, body) if robots.can_fetch("*", link)}
        assert len(urls) >= 3, site.host
        for url in sorted(urls):
            status, _, _ = fetch(proxy, url)
            assert status == 200, url


def test_robots_forbid_one_path_that_the_home_page_links_to(web: DemoWeb, proxy: str) -> None:
    forbidden = web.expected().forbidden_urls
    assert len(forbidden) == len(web.sites)
    for site in web.sites:
        robots = robots_for(proxy, site.home)
        (url,) = [u for u in forbidden if urlsplit(u).hostname == site.host]
        assert not robots.can_fetch("*", url)
        assert robots.can_fetch("*", site.home)
        _, _, home = fetch(proxy, site.home)
        assert url in same_host_links(site.home, home)


def test_rss_items_carry_tracking_parameters_and_aliases_lead_to_the_article(
    web: DemoWeb, proxy: str
) -> None:
    (rss_partner,) = [s for s in web.sites if s.role == "partner" and s.feeds[:1] == (s.home + "feed/",)]
    parsed = feedparser.parse(fetch(proxy, rss_partner.feeds[0])[2])
    entry = parsed.entries[0]
    assert "utm_source=" in entry.link and entry.author and entry.content[0].value.startswith("<p>")
    aliases = web.expected().aliases
    assert aliases
    for canonical, others in aliases.items():
        for alias in others:
            status, headers, _ = fetch(proxy, alias)
            assert status == 200 or (status == 301 and headers["Location"] == canonical), alias


def test_expected_articles_match_their_pages(web: DemoWeb, proxy: str) -> None:
    for article in web.expected().articles:
        status, _, body = fetch(proxy, article.url)
        assert status == 200, article.url
        document = lxml_html.fromstring(body)
        assert article.title in (document.findtext(".//title") or "")
        assert [h.text_content() for h in document.xpath("//h1")] == [article.title]
        assert document.xpath("//link[@rel='canonical']/@href") == [article.url]
        (stamp,) = document.xpath("//main//time/@datetime")
        assert datetime.fromisoformat(stamp) == datetime.fromisoformat(article.published)
        assert article.author in document.xpath("string(//main)")
        assert "\n\n".join(main_paragraphs(body)) == article.text
        for chrome in ("//nav", "//footer", "//aside", "//*[@id='comments']"):
            assert document.xpath(chrome), (article.url, chrome)


def test_expected_republications_match_their_pages(web: DemoWeb, proxy: str) -> None:
    originals = {article.url: article for article in web.expected().articles}
    for copy in web.expected().republications:
        original = originals[copy.original_url]
        status, _, body = fetch(proxy, copy.url)
        assert status == 200, copy.url
        page = body.decode()
        paragraphs = main_paragraphs(body)
        original_paragraphs = original.text.split("\n\n")
        if copy.kind == "full":
            assert paragraphs == original_paragraphs, copy.url
        elif copy.kind == "excerpt":
            assert paragraphs == original_paragraphs[: len(paragraphs)]
            assert len(paragraphs) < len(original_paragraphs)
        else:
            copied = shingles("\n\n".join(paragraphs))
            kept = len(copied & shingles(original.text)) / len(copied)
            assert 0.5 < kept < 1.0, (copy.url, kept)
        if copy.claimed_host is None:
            assert original.site not in page and original.author not in page
            assert copy.attribution == "missing"
        else:
            assert copy.claimed_host in page and copy.attribution == "correct"
        if copy.claimed_author is not None:
            assert copy.claimed_author in page


def test_conditional_get_answers_304(web: DemoWeb, proxy: str) -> None:
    url = web.sites[0].feeds[0]
    status, headers, _ = fetch(proxy, url)
    assert status == 200 and headers["ETag"] and headers["Last-Modified"]
    assert fetch(proxy, url, {"If-None-Match": headers["ETag"]})[0] == 304
    assert fetch(proxy, url, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert fetch(proxy, url, {"If-None-Match": '"something-else"'})[0] == 200
    assert fetch(proxy, url, {"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"})[0] == 200


def test_gzip_when_asked_and_identity_otherwise(web: DemoWeb, proxy: str) -> None:
    url = web.expected().articles[0].url
    _, plain_headers, plain = fetch(proxy, url)
    status, headers, body = fetch(proxy, url, {"Accept-Encoding": "gzip, deflate"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert int(headers["Content-Length"]) == len(body) and gzip.decompress(body) == plain
    assert "Content-Encoding" not in plain_headers and int(plain_headers["Content-Length"]) == len(plain)
    assert fetch(proxy, url, {"Accept-Encoding": "gzip", "If-None-Match": plain_headers["ETag"]})[0] == 304
    assert accepts_gzip("br;q=1.0, gzip;q=0.8") and not accepts_gzip("gzip;q=0") and not accepts_gzip("")


def test_unknown_paths_and_hosts_are_404_and_slashless_paths_redirect(web: DemoWeb, proxy: str) -> None:
    home = web.sites[0].home
    assert fetch(proxy, home + "no-such-page")[0] == 404
    assert fetch(proxy, "http://unknown-host.example/")[0] == 404
    fieldjournal = next(site for site in web.sites if not site.feeds)
    status, headers, _ = fetch(proxy, fieldjournal.home + "page/2")
    assert status == 301 and headers["Location"] == fieldjournal.home + "page/2/"


def test_plain_requests_are_answered_by_host_header(web: DemoWeb, proxy: str) -> None:
    site = web.sites[1]
    request = urllib.request.Request(proxy + "/robots.txt", headers={"Host": site.host})
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=10) as response:
        assert response.status == 200 and b"Sitemap:" in response.read()


def test_connect_is_refused_at_once_and_server_is_quiet(
    web: DemoWeb, capfd: pytest.CaptureFixture[str]
) -> None:
    with serve_demo_web(web) as base_url:
        host, port = urlsplit(base_url).hostname, urlsplit(base_url).port
        with socket.create_connection((host, port), timeout=5) as connection:
            connection.sendall(b"CONNECT lesnotes.example:443 HTTP/1.1\r\nHost: lesnotes.example:443\r\n\r\n")
            assert connection.recv(100).startswith(b"HTTP/1.1 404")
        fetch(base_url, web.sites[0].home)
    assert capfd.readouterr().err == ""
    with pytest.raises(OSError):
        socket.create_connection((host, port), timeout=1).close()


def test_request_log_records_what_was_fetched(web: DemoWeb) -> None:
    log: list[str] = []
    with serve_demo_web(web, request_log=log) as base_url:
        fetch(base_url, web.sites[0].home + "robots.txt")
    assert log == [f"GET {web.sites[0].home}robots.txt"]


def test_keep_alive_serves_several_requests_on_one_connection(web: DemoWeb, proxy: str) -> None:
    import http.client

    host, port = urlsplit(proxy).hostname, urlsplit(proxy).port
    assert host and port
    connection = http.client.HTTPConnection(host, port, timeout=5)
    try:
        for site in web.sites[:3]:
            connection.request("GET", site.home)
            response = connection.getresponse()
            assert response.status == 200 and response.read()
    finally:
        connection.close()
