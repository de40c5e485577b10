"""URL normalisation and alias keys."""

from __future__ import annotations

import pytest

from aggregator.urls import (
    InvalidURLError,
    absolute_http_url,
    declared_canonical,
    display_url,
    host_of,
    is_tracking_param,
    looks_like_pagination,
    normalise_url,
    requestable_url,
    same_site,
    site_key,
    try_normalise_url,
    url_match_key,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("http://Example.COM/a/b/", "http://example.com/a/b/"),
        ("HTTP://example.com:80/x", "http://example.com/x"),
        ("https://example.com:443/x", "https://example.com/x"),
        ("https://example.com:8443/x", "https://example.com:8443/x"),
        ("http://example.com", "http://example.com/"),
        ("http://example.com/a#section-2", "http://example.com/a"),
        ("http://example.com/a?utm_source=rss&utm_medium=rss&utm_campaign=feed", "http://example.com/a"),
        ("http://example.com/a?fbclid=XYZ&id=3", "http://example.com/a?id=3"),
        ("http://example.com/a?b=2&a=1", "http://example.com/a?a=1&b=2"),
        ("http://example.com/?p=131", "http://example.com/?p=131"),
        ("http://example.com/caf\u00e9/", "http://example.com/caf%C3%A9/"),
        ("http://example.com/caf%C3%A9/", "http://example.com/caf%C3%A9/"),
        ("http://example.com/a%20b", "http://example.com/a%20b"),
        ("  http://example.com/a  ", "http://example.com/a"),
        ("http://blog.example./x", "http://blog.example/x"),
    ],
)
def test_normalise_url(raw: str, expected: str) -> None:
    assert normalise_url(raw) == expected


def test_relative_urls_resolve_against_base() -> None:
    assert normalise_url("../b?utm_term=x", "http://example.com/a/c/") == "http://example.com/a/b"


@pytest.mark.parametrize("bad", ["", "not a url", "ftp://example.com/x", "mailto:a@b.c", "http://", "/relative"])
def test_invalid_urls_are_rejected(bad: str) -> None:
    with pytest.raises(InvalidURLError):
        normalise_url(bad)


def test_tracking_params() -> None:
    assert is_tracking_param("utm_content")
    assert is_tracking_param("UTM_Source")
    assert is_tracking_param("gclid")
    assert not is_tracking_param("page")
    assert not is_tracking_param("p")
    assert not is_tracking_param("id")


def test_match_key_ignores_scheme_www_slash_and_encoding() -> None:
    keys = {
        url_match_key(u)
        for u in (
            "http://www.example.com/caf\u00e9/",
            "https://example.com/caf%C3%A9",
            "http://EXAMPLE.com/caf%c3%a9/?utm_source=x",
        )
    }
    assert len(keys) == 1
    assert url_match_key("http://example.com/a") != url_match_key("http://example.com/b")
    assert url_match_key("http://example.com/?p=1") != url_match_key("http://example.com/?p=2")


def test_hosts() -> None:
    assert host_of("http://WWW.Example.com:8080/x") == "www.example.com"
    assert host_of("http://[oops/") == ""


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("www.example.com", "example.com", True),
        ("WWW.Example.COM.", "example.com", True),
        ("www2.origin.example", "origin.example", True),  # one rule for every "www" mirror
        ("www3.origin.example", "www.origin.example", True),
        ("blog.example.com", "example.com", False),
        ("wwwexample.com", "example.com", False),
        ("www.example.com", "example.org", False),
        ("", "", False),
        (None, "example.com", False),
    ],
)
def test_same_site(a: str | None, b: str | None, same: bool) -> None:
    assert same_site(a, b) is same
    assert same_site(b, a) is same


def test_site_key() -> None:
    assert site_key("www.example.com") == "example.com"
    assert site_key("www2.Example.com") == "example.com"
    assert site_key("news.example.com") == "news.example.com"


@pytest.mark.parametrize(
    "url",
    ["http://[oops/", "http://[::1", "javascript:alert(1)", "mailto:a@b.c", "", "   ", "ftp://x.example/"],
)
def test_malformed_urls_give_none_not_an_exception(url: str) -> None:
    assert try_normalise_url(url) is None
    assert requestable_url(url) is None
    assert absolute_http_url(url, "http://base.example/") in (None, "http://base.example/")


def test_ipv6_literals_keep_their_brackets() -> None:
    assert normalise_url("http://[2001:DB8::1]:8080/a") == "http://[2001:db8::1]:8080/a"
    assert host_of(normalise_url("http://[::1]/x")) == "::1"


def test_absolute_http_url() -> None:
    assert absolute_http_url(" /a/b ", "http://x.example/c/") == "http://x.example/a/b"
    assert absolute_http_url("mailto:me@x.example", "http://x.example/") is None
    assert absolute_http_url(None, "http://x.example/") is None


@pytest.mark.parametrize(
    ("canonical", "og_url", "expected"),
    [
        ("/2020/a/", None, "http://www.blog.example/2020/a/"),
        (None, "http://blog.example/2020/a?utm_source=x", "http://blog.example/2020/a"),
        ("https://other.example/a", None, None),  # another site's URL is a claim, not an address
        (None, None, None),
        ("http://[oops/", None, None),
    ],
)
def test_declared_canonical(canonical: str | None, og_url: str | None, expected: str | None) -> None:
    assert declared_canonical("http://www.blog.example/2020/a/?p=1", canonical, og_url) == expected


def test_display_url_decodes_utf8_only() -> None:
    assert display_url("http://example.com/caf%C3%A9/") == "http://example.com/caf\u00e9/"
    assert display_url("http://example.com/a%20b") == "http://example.com/a%20b"
    assert display_url("http://example.com/a%2Fb") == "http://example.com/a%2Fb"
    assert display_url("http://example.com/%FF") == "http://example.com/%FF"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://x.example/page/2/", True),
        ("http://x.example/page/12", True),
        ("http://x.example/?page=3", True),
        ("http://x.example/blog?paged=3", True),
        ("http://x.example/?p=3", False),
        ("http://x.example/pages/about/", False),
    ],
)
def test_pagination(url: str, expected: bool) -> None:
    assert looks_like_pagination(url) is expected
