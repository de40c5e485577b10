"""Outgoing Atom 1.0 and JSON Feed 1.1 feeds: valid by their specs, complete for every entry.

Atom is checked with feedparser. feedparser 6.0.x (the latest release) does not read JSON Feed,
so JSON Feed documents are checked against the rules of the JSON Feed 1.1 spec, written below
as a JSON Schema (validated with jsonschema_rs, which schemathesis brings), and for the same
per-entry fields.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import feedparser
import jsonschema_rs
import pytest
from fastapi.testclient import TestClient

from aggregator.api import create_app
from aggregator.api.feed_documents import FeedSpec, render_atom, render_json_feed
from storage.queries import ArticleRow
from tests.test_api import BLOG_A, BLOG_B, Seeded, seed

ATOM_FEEDS = ["/feeds/articles.atom", f"/feeds/sources/{BLOG_B}.atom", f"/feeds/sources/{BLOG_A}.atom"]
JSON_FEEDS = ["/feeds/articles.json", f"/feeds/sources/{BLOG_B}.json", f"/feeds/sources/{BLOG_A}.json"]

RFC3339 = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
_AUTHOR = {"type": "object", "minProperties": 1,
           "properties": {"name": {"type": "string"}, "url": {"type": "string"}, "avatar": {"type": "string"}}}
# JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/): version, title and items are required;
# an item needs an id and content_html or content_text; authors are objects with at least one
# of name, url or avatar; dates are RFC 3339.
JSON_FEED_1_1 = {
    "type": "object",
    "required": ["version", "title", "items"],
    "properties": {
        "version": {"const": "https://jsonfeed.org/version/1.1"},
        "title": {"type": "string"},
        "home_page_url": {"type": "string", "format": "uri"},
        "feed_url": {"type": "string", "format": "uri"},
        "authors": {"type": "array", "items": _AUTHOR},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id"],
                "anyOf": [{"required": ["content_text"]}, {"required": ["content_html"]}],
                "properties": {
                    "id": {"type": "string"},
                    "url": {"type": "string", "format": "uri"},
                    "title": {"type": "string"},
                    "content_text": {"type": "string"},
                    "summary": {"type": "string"},
                    "date_published": {"type": "string", "pattern": RFC3339},
                    "date_modified": {"type": "string", "pattern": RFC3339},
                    "authors": {"type": "array", "items": _AUTHOR},
                    "language": {"type": "string"},
                },
            },
        },
    },
}


@pytest.fixture
def seeded(database_url: str) -> Seeded:
    """The API tests' seeded database, on each engine."""
    return seed(database_url)


@pytest.fixture
def client(seeded: Seeded) -> TestClient:
    """A client of the API over the seeded database."""
    return TestClient(create_app(seeded.url))


def _parse(client: TestClient, path: str) -> feedparser.FeedParserDict:
    response = client.get(path)
    assert response.status_code == 200, response.text
    # Give feedparser the served content type, as a feed reader would.
    return feedparser.parse(response.content, response_headers={"content-type": response.headers["content-type"]})


@pytest.mark.parametrize("path", ATOM_FEEDS)
def test_atom_feeds_parse_cleanly_with_complete_entries(client: TestClient, path: str) -> None:
    parsed = _parse(client, path)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.entries
    for entry in parsed.entries:
        assert entry.id.startswith("https://")
        assert entry.title
        assert entry.link == entry.id
        assert entry.updated_parsed
        assert entry.author


@pytest.mark.parametrize("path", JSON_FEEDS)
def test_json_feeds_follow_the_spec_with_complete_items(client: TestClient, path: str) -> None:
    document = client.get(path).json()
    jsonschema_rs.validate(JSON_FEED_1_1, document)
    assert document["items"]
    for item in document["items"]:
        assert item["id"].startswith("https://")
        assert item["title"]
        assert item["url"] == item["id"]
        assert item["date_modified"]
        assert item["authors"][0]["name"]


def test_json_feed_schema_rejects_what_the_spec_forbids() -> None:
    # The spec check must be able to fail: an item without content, a bad date.
    good = render_json_feed(SPEC, [_row()])
    jsonschema_rs.validate(JSON_FEED_1_1, good)
    for broken in ({**good["items"][0], "content_text": None}, {**good["items"][0], "date_modified": "yesterday"}):
        item = {k: v for k, v in broken.items() if v is not None}
        assert not jsonschema_rs.is_valid(JSON_FEED_1_1, {**good, "items": [item]})


def test_the_all_articles_feed_is_newest_first_and_bounded(client: TestClient) -> None:
    parsed = _parse(client, "/feeds/articles.atom?limit=5")
    assert [e.id for e in parsed.entries][:1] == [f"https://{BLOG_B}/2026/tomatoes"]
    assert len(parsed.entries) == 5
    published = [e.published_parsed for e in parsed.entries]
    assert published == sorted(published, reverse=True)


def test_a_source_feed_holds_only_that_source(client: TestClient) -> None:
    parsed = _parse(client, f"/feeds/sources/{BLOG_A}.atom?limit=100")
    assert len(parsed.entries) == 25
    assert all(e.id.startswith(f"https://{BLOG_A}/") for e in parsed.entries)
    undated = [e for e in parsed.entries if not e.get("published")]
    assert len(undated) == 2 and all(e.updated for e in undated)  # undated entries still say when they changed
    items = client.get(f"/feeds/sources/{BLOG_A}.json", params={"limit": 100}).json()["items"]
    assert [i["id"] for i in items] == [e.id for e in parsed.entries]


def test_feed_documents_name_themselves(client: TestClient) -> None:
    atom = _parse(client, f"/feeds/sources/{BLOG_B}.atom")
    assert atom.feed.title == f"Articles from {BLOG_B}"
    assert any(link.rel == "self" and link.href.endswith(f"/feeds/sources/{BLOG_B}.atom") for link in atom.feed.links)
    document = client.get("/feeds/articles.json").json()
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["feed_url"].endswith("/feeds/articles.json")
    assert client.get("/feeds/articles.json").headers["content-type"].startswith("application/feed+json")
    assert client.get("/feeds/articles.atom").headers["content-type"].startswith("application/atom+xml")


def _row(**overrides: object) -> ArticleRow:
    values: dict[str, object] = dict(
        id=1, public_id="abc", url="https://blog.example/a?x=1&y=2", source_host="blog.example", title=None,
        author=None, language=None, published=None, updated=None,
        first_seen=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), excerpt="",
    )
    values.update(overrides)
    return ArticleRow(**values)  # type: ignore[arg-type]


SPEC = FeedSpec(title="T & <co>", feed_url="https://api.example/feeds/articles.atom?limit=5&x=1",
                home_url="https://api.example/articles", author="syndication-aggregator")


def test_sparse_and_hostile_rows_still_make_valid_feeds() -> None:
    hostile = _row(title="Fish & <chips>\x0c", excerpt="ok\x00 \x1b]0;\x07 fine", author="Zoë")
    sparse = _row(id=2, url="https://blog.example/b")
    atom = feedparser.parse(render_atom(SPEC, [hostile, sparse]))
    assert not atom.bozo, atom.get("bozo_exception")
    assert atom.entries[0].title == "Fish & <chips>"
    assert atom.entries[0].author == "Zoë"
    assert atom.entries[1].title == "(untitled)"
    assert atom.entries[1].author == "blog.example"  # no author: the source stands in
    assert atom.entries[1].updated == "2026-01-02T03:04:05Z"  # no dates: when it was first seen
    document = json.loads(json.dumps(render_json_feed(SPEC, [hostile, sparse])))
    jsonschema_rs.validate(JSON_FEED_1_1, document)
    assert document["items"][1]["title"] == "(untitled)"


def test_an_empty_feed_is_still_valid() -> None:
    atom = feedparser.parse(render_atom(SPEC, []))
    assert not atom.bozo
    assert atom.feed.updated == "1970-01-01T00:00:00Z"
    assert render_json_feed(SPEC, [])["items"] == []
