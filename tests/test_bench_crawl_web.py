"""The crawl benchmark's generated web: deterministic, fully reachable, distinct originals, real copies."""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import urllib.request
from html import escape
from pathlib import Path
from typing import Any

import feedparser
import lxml.etree
import pytest

from bench.crawl_text import SentenceStream, longest_shared_run
from bench.crawl_web import MIN_EXCERPT_WORDS, Web, build_web, serve_web
from tests.conftest import shared_path

PAGES = 60
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def pool_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pool-cache")


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory, pool_cache: Path) -> Web:
    return build_web(tmp_path_factory.mktemp("web"), pages=PAGES, seed=7, corpora=shared_path("corpora"),
                     cache_dir=pool_cache, with_text=True)


def _tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.name != "manifest.json"):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _words(text: str) -> list[str]:
    return text.lower().split()


def test_same_seed_same_web(web: Web, tmp_path: Path, pool_cache: Path) -> None:
    again = build_web(tmp_path, pages=PAGES, seed=7, corpora=shared_path("corpora"), cache_dir=pool_cache,
                      with_text=True)
    assert _tree_digest(again.root) == _tree_digest(web.root)
    other = build_web(tmp_path / "other", pages=PAGES, seed=8, corpora=shared_path("corpora"), cache_dir=pool_cache)
    assert {r["url"] for r in other.originals()} != {r["url"] for r in web.originals()}


def test_page_counts_and_shares(web: Web) -> None:
    originals, copies = list(web.originals()), list(web.copies())
    assert len(originals) + len(copies) == PAGES
    assert len(originals) == round(PAGES * 0.8)
    assert {c["kind"] for c in copies} <= {"full", "excerpt", "edited"}
    partners = {s["host"] for s in web.manifest["sites"] if s["role"] == "partner"}
    assert {r["site"] for r in originals} <= partners
    assert {c["site"] for c in copies}.isdisjoint(partners)
    for record in (*originals, *copies):
        assert (web.root / record["file"]).is_file()


def _sitemap_urls(web: Web, url: str) -> set[str]:
    host, path = url.split("/", 3)[2], "/" + url.split("/", 3)[3]
    file = web.sites_dir / host / (path.lstrip("/") or "index.html")
    root = lxml.etree.fromstring(file.read_bytes())
    locs = {loc.text.strip() for loc in root.iter(f"{SITEMAP_NS}loc") if loc.text}
    if root.tag == f"{SITEMAP_NS}sitemapindex":
        return set().union(*(_sitemap_urls(web, loc) for loc in locs))
    return locs


def _feed_urls(web: Web, site: dict[str, Any]) -> set[str]:
    path = site["feed_path"].lstrip("/")
    file = web.sites_dir / site["host"] / (path + "index.html" if path.endswith("/") else path)
    body = file.read_bytes()
    if site["feed_format"] == "json":
        return {item["url"] for item in json.loads(body)["items"]}
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return {entry.link for entry in parsed.entries}


def test_every_page_is_reachable_from_a_sitemap_or_feed(web: Web) -> None:
    sources = web.sources_file.read_text(encoding="utf-8")
    reachable: set[str] = set()
    for site in web.manifest["sites"]:
        robots = (web.sites_dir / site["host"] / "robots.txt").read_text(encoding="utf-8")
        # The crawler finds the sitemap in the sources file or in robots.txt, the feed in either
        # the sources file or the home page's <link rel=alternate>.
        assert f"Sitemap: {site['sitemap_url']}" in robots
        home = (web.sites_dir / site["host"] / "index.html").read_text(encoding="utf-8")
        assert site["feed"] in sources or f'href="{site["feed"]}"' in home
        in_sitemaps = _sitemap_urls(web, site["sitemap_url"])
        in_feed = _feed_urls(web, site)
        assert in_feed <= in_sitemaps
        reachable |= in_sitemaps | in_feed
    pages = {r["url"] for r in web.originals()} | {c["url"] for c in web.copies()}
    assert pages <= reachable
    assert not {u for u in reachable if "/" in u.split("://", 1)[1].strip("/")} - pages  # only pages


def test_originals_share_no_long_run_of_words(web: Web) -> None:
    texts = [_words(r["text"]) for r in web.originals()]
    assert all(len(t) >= 60 for t in texts)
    worst = max(longest_shared_run(a, b) for i, a in enumerate(texts) for b in texts[i + 1:])
    assert worst < 10


def test_copies_contain_their_original(web: Web) -> None:
    originals = {r["url"]: r for r in web.originals()}
    for copy in web.copies():
        original = originals[copy["of"]]
        page = (web.root / copy["file"]).read_text(encoding="utf-8")
        copied = copy["text"].split("\n\n")
        for paragraph in copied:
            assert escape(paragraph) in page
        original_words, copy_words = _words(original["text"]), _words(copy["text"])
        if copy["kind"] == "full":
            assert copy["text"] == original["text"]
        elif copy["kind"] == "excerpt":
            assert copy_words == original_words[: len(copy_words)]
            assert len(copy_words) < len(original_words)
            assert len(copy_words) <= max(0.5 * len(original_words), MIN_EXCERPT_WORDS)
            assert len(copy_words) >= min(0.2 * len(original_words), MIN_EXCERPT_WORDS) - 45  # whole sentences
        else:
            assert copy["text"] != original["text"]
            assert longest_shared_run(copy_words, original_words) >= 5
            grams = {tuple(original_words[i:i + 3]) for i in range(len(original_words) - 2)}
            copy_grams = [tuple(copy_words[i:i + 3]) for i in range(len(copy_words) - 2)]
            assert sum(g in grams for g in copy_grams) >= 0.4 * len(copy_grams)
        if copy["credit"] == "canonical":
            assert f'<link rel="canonical" href="{escape(copy["of"])}">' in page
        if copy["claimed_host"]:
            assert copy["claimed_host"] in page
        if copy["attribution"] == "missing":
            assert original["site"] not in page


def test_sentence_stream_never_repeats_a_pair() -> None:
    pool = [f"s{i}" for i in range(1000)]
    stream = SentenceStream(pool, random.Random(3), max_count=8)
    rng = random.Random(4)
    articles = [set(stream.take(rng.randrange(3, 9))) for _ in range(1200)]
    assert stream.passes >= 5
    assert max(len(a & b) for i, a in enumerate(articles) for b in articles[i + 1:]) <= 1


def test_server_answers_as_a_proxy(web: Web) -> None:
    page = next(web.originals())
    with serve_web(web) as server:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": server.proxy}))
        request = urllib.request.Request(page["url"], headers={"Accept-Encoding": "gzip"})
        with opener.open(request, timeout=10) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            etag = response.headers["ETag"]
            body = gzip.decompress(response.read()).decode("utf-8")
        assert body == (web.root / page["file"]).read_text(encoding="utf-8")
        with opener.open(page["url"], timeout=10) as response:
            assert "Content-Encoding" not in response.headers
        conditional = urllib.request.Request(page["url"], headers={"If-None-Match": etag})
        with pytest.raises(urllib.error.HTTPError) as not_modified:
            opener.open(conditional, timeout=10)
        assert not_modified.value.code == 304
        with pytest.raises(urllib.error.HTTPError) as missing:
            opener.open(page["url"] + "nothing-here", timeout=10)
        assert missing.value.code == 404
