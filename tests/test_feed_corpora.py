"""parse_feed over the shared corpora: 200 real feeds and feedparser's own hostile test documents.

Every real feed must yield as many entries as plain `feedparser.parse` finds in the same bytes
(JSON Feed aside: feedparser 6.0 does not read it and finds none). Every feedparser test document
must pass without an exception escaping, and those feedparser cannot read must come back as errors.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import feedparser
import pytest

from aggregator.crawl.feeds import parse_feed
from tests.conftest import shared_path


def site_file(sites: Path, url: str) -> Path:
    """Where the corpus keeps the body served at `url` (the layout syndication-web/serve.py reads)."""
    parts = urlsplit(url)
    base = sites / (parts.hostname or "")
    rel = unquote(parts.path).lstrip("/")
    if parts.query:
        queried = base / (rel + "/" if rel else "") / "__query__" / (parts.query.replace("/", "_") + ".html")
        if queried.is_file():
            return queried
    path = base / rel
    return path / "index.html" if rel == "" or rel.endswith("/") else path


def real_feeds() -> Iterator[tuple[str, bytes]]:
    root = shared_path("corpora", "real-feeds")
    for record in json.loads((root / "feeds.json").read_text()):
        yield record["url"], site_file(root / "sites", record["url"]).read_bytes()


def plain_parse(body: bytes, **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return feedparser.parse(body, **kwargs)


def test_real_feeds_yield_every_entry_plain_feedparser_finds() -> None:
    feeds = list(real_feeds())
    assert len(feeds) == 200
    mismatches, json_feeds = [], 0
    for url, body in feeds:
        parsed = parse_feed(body, url=url)
        if parsed.format == "json":
            json_feeds += 1
            assert len(parsed.entries) == len(json.loads(body)["items"]) > 0, url
            continue
        expected = len(plain_parse(body).entries)
        if len(parsed.entries) != expected:
            mismatches.append((url, expected, len(parsed.entries)))
        if expected:
            assert parsed.ok, (url, parsed.error)
        keys = [entry.key for entry in parsed.entries]
        assert len(keys) == len(set(keys)), url
    assert mismatches == []
    assert json_feeds <= 1


def feedparser_documents() -> list[Path]:
    root = shared_path("corpora", "feedparser-feeds")
    return sorted(p for p in root.rglob("*") if p.is_file())


_HEADER = re.compile(rb"^Header:\s*Content-type:\s*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)


def test_feedparser_test_documents_never_crash_and_unreadable_ones_are_errors() -> None:
    documents = feedparser_documents()
    assert len(documents) >= 1770
    errors = 0
    for path in documents:
        body = path.read_bytes()
        parsed = parse_feed(body, url="http://example.org/feed/")
        plain = plain_parse(body)
        assert len(parsed.entries) == len(plain.entries), path
        if not plain.entries and not plain.get("version"):
            assert not parsed.ok and parsed.error, path
        if parsed.error is not None:
            errors += 1
            assert parsed.entries == () and parsed.error.strip(), path
        # The documents that declare a Content-Type are parsed under it too, without crashing.
        declared = _HEADER.search(body[:2000])
        if declared:
            content_type = declared.group(1).decode("latin-1")
            typed = parse_feed(body, url="http://example.org/feed/", content_type=content_type)
            assert len(typed.entries) == len(plain_parse(body, response_headers={"content-type": content_type})
                                             .entries), path
    assert 0 < errors < len(documents) // 10


@pytest.mark.parametrize("cut", [0.1, 0.5, 0.9])
def test_truncated_real_feeds_never_crash(cut: float) -> None:
    for url, body in list(real_feeds())[::10]:
        parsed = parse_feed(body[: int(len(body) * cut)], url=url)
        assert parsed.ok or parsed.error
