"""The network guard: which addresses are refused, the allow-list, and a loopback canary that
no path of the product reaches while the guard is on (and every path reaches once allowed)."""

from __future__ import annotations

import asyncio
import ipaddress
import re
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from sqlalchemy import select

from aggregator.crawl.fetch import FetchError, RefusedFetch, fetch
from aggregator.crawl.guard import NetworkGuardMiddleware, RefusedRequest, SharedLookups
from aggregator.crawl.netguard import AllowListError, NetworkPolicy, address_kind, parse_allow_list
from aggregator.settings import Settings
from storage.articles import Article
from storage.engine import session_scope
from storage.feeds import Feed, FeedEntry
from storage.pages import Page
from storage.sources import Source
from tests.canary import CANARY_WORD, Canary, Pages, serve_canary, serve_proxied_web
from tests.little_site import free_port, sources_file_for
from tests.syndication_web import cli_env, run_cli

GUARD_OFF_LOOPBACK = "127.0.0.1/32"  # the allow-list of the runs where the canary is to be reached
REFUSED_LITERAL = "refused: 127.0.0.1 is a loopback address; set AGGREGATOR_ALLOW_PRIVATE_NETWORKS to allow it"


# -- the judgement ----------------------------------------------------------------------------

@pytest.mark.parametrize(("address", "kind"), [
    ("127.0.0.1", "loopback"), ("127.8.9.10", "loopback"), ("::1", "loopback"),
    ("::ffff:127.0.0.1", "loopback"), ("::ffff:10.1.2.3", "private"), ("::ffff:169.254.169.254", "link-local"),
    ("0.0.0.0", "unspecified"), ("::", "unspecified"),
    ("169.254.169.254", "link-local"), ("fe80::1", "link-local"), ("febf::1", "link-local"),
    ("10.0.0.1", "private"), ("10.255.255.255", "private"), ("172.16.0.1", "private"), ("172.31.255.254", "private"),
    ("192.168.0.1", "private"), ("fc00::1", "private"), ("fdff:ffff::1", "private"),
    ("224.0.0.1", "multicast"), ("239.255.255.250", "multicast"), ("ff02::1", "multicast"),
    ("240.0.0.1", "reserved"), ("::127.0.0.1", "reserved"),
    ("100.64.0.1", "not publicly routable"), ("192.0.2.1", "private"),
])
def test_non_public_addresses_are_named_for_what_they_are(address: str, kind: str) -> None:
    found = address_kind(ipaddress.ip_address(address))
    assert found is not None and kind in found
    reason = NetworkPolicy().refusal(address)
    assert reason is not None and reason.startswith("refused: ") and "AGGREGATOR_ALLOW_PRIVATE_NETWORKS" in reason


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "172.32.0.1", "172.15.255.255", "192.169.0.1",
                                     "2001:4860:4860::8888", "::ffff:8.8.8.8", "11.0.0.1"])
def test_public_addresses_pass(address: str) -> None:
    assert address_kind(ipaddress.ip_address(address)) is None
    assert NetworkPolicy().refusal(address) is None


def test_the_reason_says_what_and_how_to_allow_it() -> None:
    assert NetworkPolicy().refusal("127.0.0.1") == REFUSED_LITERAL
    assert NetworkPolicy().refusal("[::1]") == (
        "refused: ::1 is a loopback address; set AGGREGATOR_ALLOW_PRIVATE_NETWORKS to allow it")
    assert NetworkPolicy().refusal("10.0.0.7", host="intranet.test") == (
        "refused: intranet.test resolves to 10.0.0.7, a private address; "
        "set AGGREGATOR_ALLOW_PRIVATE_NETWORKS to allow it")
    assert NetworkPolicy().refusal("intranet.test") is None  # a name is judged by what it resolves to


def test_the_allow_list_lets_its_networks_through_and_no_others() -> None:
    policy = parse_allow_list(" 10.20.0.0/16, 127.0.0.1 ,fd00::/8,")
    assert policy.refusal("10.20.3.4") is None and policy.refusal("127.0.0.1") is None
    assert policy.refusal("::ffff:10.20.3.4") is None  # an IPv4-mapped address is its IPv4 address
    assert policy.refusal("fd12::1") is None
    for refused in ("10.21.0.1", "127.0.0.2", "::1", "fe80::1", "169.254.169.254", "fc00::1"):
        assert policy.refusal(refused) is not None, refused
    assert parse_allow_list("all").refusal("169.254.169.254") is None
    assert parse_allow_list("ALL").allow_all
    assert parse_allow_list("").refusal("127.0.0.1") is not None
    assert parse_allow_list(None) == NetworkPolicy()


@pytest.mark.parametrize(("value", "said"), [
    ("intranet", "'intranet' is not a network"),
    ("10.0.0.1/8", "(its network is 10.0.0.0/8)"),
    ("10.0.0.0/33", "'10.0.0.0/33' is not a network"),
    ("300.1.2.3", "'300.1.2.3' is not a network"),
    ("127.0.0.1;10.0.0.0/8", "is not a network"),
])
def test_a_bad_allow_list_is_refused_clearly(value: str, said: str) -> None:
    with pytest.raises(AllowListError) as raised:
        parse_allow_list(value)
    assert str(raised.value).startswith("AGGREGATOR_ALLOW_PRIVATE_NETWORKS: ") and said in str(raised.value)
    assert "comma-separated CIDRs" in str(raised.value)


def test_the_command_line_says_a_bad_allow_list_before_any_work(tmp_path: Path) -> None:
    env = {**cli_env(f"sqlite:///{tmp_path / 'a.db'}"), "AGGREGATOR_ALLOW_PRIVATE_NETWORKS": "10.0.0.1/8"}
    result = run_cli("db", "upgrade", env=env, check=False)
    assert result.returncode == 2 and result.stderr.startswith("error: AGGREGATOR_ALLOW_PRIVATE_NETWORKS: ")
    assert not (tmp_path / "a.db").exists()


def test_the_crawl_middleware_judges_literal_addresses_as_they_are() -> None:
    guard = NetworkGuardMiddleware(NetworkPolicy())
    for url in ("http://127.0.0.1:9/x", "http://[::1]:9/", "http://[::ffff:7f00:1]/", "http://0.0.0.0/",
                "http://169.254.169.254/latest/meta-data/", "https://10.0.0.1/", "http://[fe80::1]/"):
        with pytest.raises(RefusedRequest, match=r"^refused: "):
            asyncio.run(guard.process_request(Request(url)))
    assert asyncio.run(guard.process_request(Request("http://8.8.8.8/"))) is None
    allowed = NetworkGuardMiddleware(parse_allow_list("127.0.0.0/8"))
    assert asyncio.run(allowed.process_request(Request("http://127.0.0.1:9/x"))) is None


# -- one-off fetches (explain, sources add) ----------------------------------------------------

def _settings(allow: str = "") -> Settings:
    return Settings(allow_private_networks=allow, download_timeout=10)


def test_requests_to_one_host_share_one_lookup_and_a_failed_lookup_is_tried_again() -> None:
    async def scenario() -> tuple[list[str], list[str | None], str | None, str | None]:
        lookups: SharedLookups[str, str | None] = SharedLookups()
        calls: list[str] = []
        gate = asyncio.Event()

        async def refused() -> str | None:
            calls.append("refused")
            await gate.wait()
            return "a private address"

        async def failing() -> str | None:
            calls.append("failing")
            raise OSError("no answer")

        async def allowed() -> str | None:
            calls.append("allowed")
            return None

        waiting = [asyncio.create_task(lookups.get("h", refused)) for _ in range(5)]
        await asyncio.sleep(0)
        gate.set()
        first = await waiting[0]
        # Asked when the lookup has ended but before the other waiters have resumed.
        late = await lookups.get("h", refused)
        answers = [first, *[await task for task in waiting[1:]]]
        with pytest.raises(OSError):
            await lookups.get("other", failing)
        retried = await lookups.get("other", allowed)
        return calls, answers, late, retried

    calls, answers, late, retried = asyncio.run(scenario())
    assert calls == ["refused", "failing", "allowed"]
    assert answers == ["a private address"] * 5 and late == "a private address"
    assert retried is None


def test_a_one_off_fetch_is_judged_by_the_address_it_connects_to(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    with serve_canary() as canary:
        port = canary.base.rsplit(":", 1)[1]
        with pytest.raises(RefusedFetch, match=re.escape(f"{canary.base}/a: {REFUSED_LITERAL}")):
            fetch(f"{canary.base}/a", _settings())
        # A name that resolves to loopback here ("localhost" does) is judged by that address.
        with pytest.raises(RefusedFetch, match=re.escape("localhost resolves to 127.0.0.1, a loopback address")):
            fetch(f"http://localhost:{port}/b", _settings("10.0.0.0/8"))
        assert canary.requested == []
        assert fetch(f"http://localhost:{port}/c", _settings(GUARD_OFF_LOOPBACK)).status == 200
        assert canary.requested == ["/c"]


def test_a_proxied_fetch_is_judged_by_its_target_before_the_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    with serve_canary() as canary, serve_proxied_web({}) as web:
        monkeypatch.setenv("http_proxy", web.proxy)
        monkeypatch.delenv("no_proxy", raising=False)
        monkeypatch.delenv("NO_PROXY", raising=False)
        with pytest.raises(RefusedFetch, match=re.escape(REFUSED_LITERAL)):
            fetch(f"{canary.base}/through-the-proxy", _settings())
        assert web.requested == [] and canary.requested == []
        # A name that resolves nowhere here is the proxy's to resolve.
        with pytest.raises(FetchError, match="HTTP 404"):
            fetch("http://nowhere.test/x", _settings())
        assert web.requested == ["http://nowhere.test/x"]


def test_sources_add_on_a_closed_loopback_port_says_the_connection_was_refused(tmp_path: Path) -> None:
    env = cli_env(f"sqlite:///{tmp_path / 'a.db'}")
    run_cli("db", "upgrade", env=env)
    result = run_cli("sources", "add", f"http://127.0.0.1:{free_port()}/", env=env, check=False)
    assert result.returncode == 1 and "connection refused" in result.stderr, result.stderr
    assert "robots.txt forbids" not in result.stderr


# -- the canary: every path of the product ------------------------------------------------------

def _partner_web(canary: Canary) -> Pages:
    """Partner sites (made-up names, served by the proxy) whose documents point at the canary."""
    c = canary.base
    local = c.replace("127.0.0.1", "localhost")
    html = "text/html; charset=utf-8"
    article = ("<html><head><title>{0}</title></head><body><main><article><h1>{0}</h1>"
               + "<p>Plain words about gardening, written for a partner blog, long enough to read.</p>" * 5
               + "</article></main></body></html>")
    return {
        "http://partner.test/": (200, html, '<html><head><title>Partner</title></head><body><main>'
                                 '<a href="/posts/plain/">Plain</a></main></body></html>'),
        "http://partner.test/robots.txt": (200, "text/plain",
                                           f"User-agent: *\nAllow: /\nSitemap: {c}/robots-sitemap.xml\n"),
        "http://partner.test/feed.xml": (200, "application/rss+xml", (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Partner</title><link>http://partner.test/</link>'
            "<item><title>One</title><link>http://partner.test/posts/one/</link><guid>one</guid></item>"
            "<item><title>Plain</title><link>http://partner.test/posts/plain/</link><guid>plain</guid></item>"
            "</channel></rss>")),
        "http://partner.test/posts/one/": (302, f"{c}/stolen-page/", ""),
        "http://partner.test/posts/plain/": (200, html, article.format("Plain")),
        "http://partner.test/short/abc": (302, f"{c}/short-target/", ""),
        "http://partner.test/sitemap_index.xml": (200, "application/xml", (
            '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>{c}/child-sitemap.xml</loc></sitemap></sitemapindex>")),
        "http://redirfeed.test/": (200, html, "<html><head><title>Redirfeed</title></head><body></body></html>"),
        "http://redirfeed.test/feed.xml": (302, f"{c}/redirected-feed.xml", ""),
        "http://homefeed.test/": (200, html, (
            '<html><head><title>Homefeed</title><link rel="alternate" type="application/rss+xml" '
            f'href="{local}/discovered-feed.xml"></head><body></body></html>')),
        "http://redirhome.test/": (302, f"{c}/home-target/", ""),
    }


CANARY_PATHS = {"/robots-sitemap.xml", "/child-sitemap.xml", "/stolen-page/", "/redirected-feed.xml",
                "/discovered-feed.xml"}


def _run(database_url: str, tmp_path: Path, allow: str | None) -> dict[str, Any]:
    """Crawl the partner web, then explain a short link and add a site; what the canary and the database saw."""
    with serve_canary() as canary, serve_proxied_web(_partner_web(canary)) as web:
        env = cli_env(database_url, web.proxy)
        env["no_proxy"] = "127.0.0.1,localhost"  # the canary is reached directly, around the proxy
        env.pop("AGGREGATOR_ALLOW_PRIVATE_NETWORKS", None)
        if allow is not None:
            env["AGGREGATOR_ALLOW_PRIVATE_NETWORKS"] = allow
        run_cli("db", "upgrade", env=env)
        run_cli("sources", "import", sources_file_for(tmp_path / "sources.yaml", [
            {"name": "Partner", "home": "http://partner.test/", "role": "partner",
             "feeds": ["http://partner.test/feed.xml"], "sitemaps": ["http://partner.test/sitemap_index.xml"]},
            {"name": "Redirfeed", "home": "http://redirfeed.test/", "role": "partner",
             "feeds": ["http://redirfeed.test/feed.xml"]},
            {"name": "Homefeed", "home": "http://homefeed.test/", "role": "partner"},
        ]), env=env)
        crawl = run_cli("crawl", env=env)
        crawled_paths = set(canary.requested)
        explained = run_cli("explain", "http://partner.test/short/abc", "http://partner.test/posts/one/", env=env)
        explained_paths = set(canary.requested) - crawled_paths
        added = run_cli("sources", "add", "http://redirhome.test/", env=env, check=False)
        feeds_listed = run_cli("feeds", "list", env=env)
    with session_scope(database_url) as session:
        stored = {
            "pages.body": [p.raw_body().decode("utf-8", "replace") for p in session.scalars(select(Page))],
            "articles.text": [a.text or "" for a in session.scalars(select(Article))],
            "sources.name": [s.name for s in session.scalars(select(Source))],
            "feed_entries.title": [e.title or "" for e in session.scalars(select(FeedEntry))],
        }
        page_errors = {p.url: p.error for p in session.scalars(select(Page))}
        feed_errors = {f.url: f.last_error for f in session.scalars(select(Feed))}
        hosts = {s.host for s in session.scalars(select(Source))}
    return {"canary": list(canary.requested), "crawled": crawled_paths, "explained": explained_paths,
            "crawl": crawl, "explain": explained, "add": added, "feeds": feeds_listed, "stored": stored,
            "page_errors": page_errors, "feed_errors": feed_errors, "hosts": hosts, "proxied": web.requested}


def _leaks(stored: dict[str, list[str]]) -> dict[str, int]:
    return {column: sum(CANARY_WORD in value for value in values) for column, values in stored.items()}


@pytest.mark.integration
def test_with_the_guard_on_no_path_reaches_the_canary(tmp_path: Path, database_url: str) -> None:
    seen = _run(database_url, tmp_path, allow=None)
    assert seen["canary"] == []
    assert _leaks(seen["stored"]) == {"pages.body": 0, "articles.text": 0, "sources.name": 0, "feed_entries.title": 0}
    assert "http://partner.test/posts/plain/" in seen["page_errors"]  # the crawl itself went on
    c = "http://127.0.0.1:"
    # The reason is recorded where errors are: on the page that redirected, the sitemaps, the feeds.
    refused = {url: error for url, error in seen["page_errors"].items() if error and REFUSED_LITERAL in error}
    assert "http://partner.test/posts/one/" in refused
    assert {url.rsplit("/", 1)[1] for url in refused if url.startswith(c)} == {"robots-sitemap.xml",
                                                                              "child-sitemap.xml"}
    assert REFUSED_LITERAL in (seen["feed_errors"]["http://redirfeed.test/feed.xml"] or "")
    discovered = [error for url, error in seen["feed_errors"].items() if url.endswith("/discovered-feed.xml")]
    assert len(discovered) == 1 and "localhost resolves to 127.0.0.1, a loopback address" in (discovered[0] or "")
    # Counted in the crawl's errors, shown by `feeds list` and `explain`.
    errors = re.search(r"errors: (\d+)", seen["crawl"].stdout)
    assert errors is not None and int(errors.group(1)) >= 5, seen["crawl"].stdout  # 2 sitemaps, 2 feeds, 1 page
    assert "refused: " in seen["feeds"].stdout
    explained = seen["explain"].stdout
    assert f"fetching it failed: http://partner.test/short/abc: {REFUSED_LITERAL}" in explained, explained
    assert f"failed (page: {REFUSED_LITERAL})" in explained, explained
    # `sources add` on a site that redirects to the canary fails with the reason and writes nothing.
    assert seen["add"].returncode == 1 and REFUSED_LITERAL in seen["add"].stderr
    assert "redirhome.test" not in seen["hosts"]


@pytest.mark.integration
def test_with_the_allow_list_every_path_reaches_the_canary(tmp_path: Path, sqlite_url: str) -> None:
    seen = _run(sqlite_url, tmp_path, allow=GUARD_OFF_LOOPBACK)
    assert seen["crawled"] >= CANARY_PATHS, seen["crawled"]
    assert "/short-target/" in seen["explained"]
    assert "/home-target/" in seen["canary"] and seen["add"].returncode == 0
    leaks = _leaks(seen["stored"])
    assert leaks["pages.body"] > 0 and leaks["feed_entries.title"] > 0 and leaks["sources.name"] == 1
    assert not any(error and "refused: " in error for error in seen["page_errors"].values())


def test_the_crawl_resolver_judges_the_address_a_connection_is_about_to_use(monkeypatch: pytest.MonkeyPatch) -> None:
    """DNS rebinding: a name the middleware saw public resolves to loopback when the crawl connects."""
    from scrapy.resolver import dnscache
    from twisted.internet.error import DNSLookupError
    from twisted.python.failure import Failure

    from aggregator.crawl.failures import describe_failure
    from aggregator.crawl.guard import GuardedResolver

    monkeypatch.setenv("http_proxy", "http://proxy.rebind.test:3128")
    resolver = GuardedResolver(None, 100, 5.0, NetworkPolicy())  # type: ignore[arg-type]  # no lookup runs
    assert "proxy.rebind.test" in resolver.exempt  # the operator's proxy is not judged
    for name, address in (("rebound.rebind.test", "127.0.0.1"), ("public.rebind.test", "8.8.8.8"),
                          ("proxy.rebind.test", "127.0.0.1")):
        dnscache[name] = address  # what the lookup answered just now
    try:
        outcomes: dict[str, Any] = {}
        for name in ("rebound.rebind.test", "public.rebind.test", "proxy.rebind.test"):
            resolver.getHostByName(name).addBoth(lambda result, name=name: outcomes.__setitem__(name, result))
        assert outcomes["public.rebind.test"] == "8.8.8.8" and outcomes["proxy.rebind.test"] == "127.0.0.1"
        refused = outcomes["rebound.rebind.test"]
        assert isinstance(refused, Failure) and refused.check(DNSLookupError)
        # The connection then fails with "no results for hostname lookup": the reason is the guard's.
        failure = Failure(DNSLookupError("no results for hostname lookup: rebound.rebind.test"))
        failure.request = Request("http://rebound.rebind.test/feed.xml")  # type: ignore[attr-defined]
        assert describe_failure(failure)[1] == (
            "refused: rebound.rebind.test resolves to 127.0.0.1, a loopback address; "
            "set AGGREGATOR_ALLOW_PRIVATE_NETWORKS to allow it")
    finally:
        for name in ("rebound.rebind.test", "public.rebind.test", "proxy.rebind.test"):
            dnscache.pop(name, None)
