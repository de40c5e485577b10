"""The read API against a real database on each engine: every endpoint, filter and error."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select, text

from aggregator.api import create_app
from aggregator.urls import url_match_key
from storage.articles import Article, Republication, add_alias, public_article_id, upsert_article
from storage.engine import get_engine, session_scope
from storage.migrations import upgrade
from storage.queue import is_queue_object
from storage.search import SEARCH_OBJECTS
from storage.sources import upsert_source

BLOG_A = "blog-a.example.org"
BLOG_B = "blog-b.example.org"
COPYCAT = "copycat.example.net"
BASE_DATE = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
A_DATED = 23  # dated articles of blog A, one day apart
A_UNDATED = 2


@dataclass
class Seeded:
    """A migrated, filled database and what the tests need to know about its contents."""

    url: str
    a_ids: list[str]  # blog A's public ids, newest first, undated last
    tomato_id: str  # blog B's article about tomatoes
    tomato_url: str
    tomato_db_id: int


def _article(session: Any, *, url: str, source_id: int, published: datetime | None, title: str, author: str,
             language: str, body: str) -> int:
    article_id, _, _ = upsert_article(
        session, url=url, url_key=url_match_key(url), source_id=source_id, page_id=None, title=title,
        author=author, published=published, updated=None, language=language, text=body,
        text_hash=public_article_id(body),
    )
    return article_id


def _republication(session: Any, *, article_id: int | None, url: str, attribution: str | None) -> None:
    session.add(Republication(
        article_id=article_id, url=url, url_key=url_match_key(url), site=COPYCAT,
        kind="full" if article_id else None, attribution=attribution,
        claimed_source_host=BLOG_B if attribution == "correct" else None, text="copied", match_text="copied",
        claims=[],
    ))


def seed(url: str) -> Seeded:
    """Blog A: 23 dated and 2 undated articles; blog B: 3 articles, one with aliases and copies."""
    upgrade(url)
    with session_scope(url) as session:
        a = upsert_source(session, host=BLOG_A, name="Blog A", home_url=f"https://{BLOG_A}/", role="partner",
                          language="fr", sitemap_urls=[])
        b = upsert_source(session, host=BLOG_B, name="Blog B", home_url=f"https://{BLOG_B}/", role="partner",
                          language="en", sitemap_urls=[])
        upsert_source(session, host=COPYCAT, name="Copycat", home_url=f"https://{COPYCAT}/", role="republisher",
                      language=None, sitemap_urls=[])
        for i in range(A_DATED + A_UNDATED):
            published = BASE_DATE - timedelta(days=i) if i < A_DATED else None
            _article(session, url=f"https://{BLOG_A}/posts/{i}", source_id=a, published=published,
                     title=f"Carnet numéro {i}", author="Alice Martin" if i % 2 else "Bruno Petit",
                     language="fr", body=f"Chronique {i} sur le jardinage urbain et les semis de printemps.")
        tomato_db_id = _article(
            session, url=f"https://{BLOG_B}/2026/tomatoes", source_id=b, published=BASE_DATE + timedelta(days=5),
            title="Growing tomatoes on a balcony", author="Carol Jones", language="en",
            body="Heirloom tomatoes need sun, water and patience. Stake them early.",
        )
        _article(session, url=f"https://{BLOG_B}/2026/bees", source_id=b, published=BASE_DATE + timedelta(days=3),
                 title="Bees in the city", author="Carol Jones", language="en",
                 body="Urban beekeeping is booming; rooftop hives feed on lime trees.")
        _article(session, url=f"https://{BLOG_B}/2026/compost", source_id=b, published=BASE_DATE + timedelta(days=4),
                 title="Compost basics", author="Dan Brown", language="en",
                 body="Compost turns kitchen waste into black gold for tomatoes and beans.")
        for alias in (f"https://{BLOG_B}/?p=42", "https://short.example/t0m"):
            add_alias(session, url=alias, url_key=url_match_key(alias), article_id=tomato_db_id)
        for i, attribution in enumerate(["correct", "missing", "missing", "wrong", "intermediary"]):
            _republication(session, article_id=tomato_db_id, url=f"https://{COPYCAT}/copy/{i}",
                           attribution=attribution)
        _republication(session, article_id=None, url=f"https://{COPYCAT}/provisional", attribution=None)
    a_ids = [public_article_id(f"https://{BLOG_A}/posts/{i}") for i in range(A_DATED)]
    # Undated articles come last, the most recently stored first.
    a_ids += [public_article_id(f"https://{BLOG_A}/posts/{i}") for i in reversed(range(A_DATED, A_DATED + A_UNDATED))]
    tomato_url = f"https://{BLOG_B}/2026/tomatoes"
    return Seeded(url, a_ids, public_article_id(tomato_url), tomato_url, tomato_db_id)


@pytest.fixture
def seeded(database_url: str) -> Seeded:
    """A seeded database on each engine."""
    return seed(database_url)


@pytest.fixture
def client(seeded: Seeded) -> TestClient:
    """A test client of the API over the seeded database, without keys or CORS."""
    return TestClient(create_app(seeded.url))


def ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def walk(client: TestClient, params: dict[str, Any]) -> tuple[list[str], int]:
    """Every id of a listing, following cursors to the last page; and the number of pages."""
    seen: list[str] = []
    pages = 0
    cursor = None
    while True:
        response = client.get("/articles", params={**params, **({"cursor": cursor} if cursor else {})})
        seen += ids(response)
        pages += 1
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return seen, pages
        assert pages < 100, "pagination does not terminate"


# ---------------------------------------------------------------------------------- articles


def test_healthz_names_the_engine(client: TestClient, seeded: Seeded) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": get_engine(seeded.url).dialect.name}


def test_articles_are_newest_first_with_undated_last(client: TestClient, seeded: Seeded) -> None:
    listed, _ = walk(client, {"source": BLOG_A, "limit": 100})
    assert listed == seeded.a_ids


def test_pagination_reaches_the_last_page_without_gaps_or_repeats(client: TestClient, seeded: Seeded) -> None:
    listed, pages = walk(client, {"source": BLOG_A, "limit": 4})
    assert listed == seeded.a_ids
    assert pages == 7  # 25 articles in pages of 4
    everything, _ = walk(client, {"limit": 6})
    assert len(everything) == len(set(everything)) == A_DATED + A_UNDATED + 3


def test_a_page_boundary_is_stable_when_newer_articles_arrive(client: TestClient, seeded: Seeded) -> None:
    first = client.get("/articles", params={"source": BLOG_A, "limit": 5}).json()
    with session_scope(seeded.url) as session:
        source_id = session.scalar(select(Article.source_id).where(Article.public_id == seeded.a_ids[0]))
        assert source_id is not None
        _article(session, url=f"https://{BLOG_A}/posts/new", source_id=source_id,
                 published=BASE_DATE + timedelta(days=30), title="Breaking", author="Alice Martin",
                 language="fr", body="Nouvelle chronique.")
    second = client.get("/articles", params={"source": BLOG_A, "limit": 5, "cursor": first["next_cursor"]})
    assert ids(second) == seeded.a_ids[5:10]


def test_filters_by_author_language_and_dates(client: TestClient, seeded: Seeded) -> None:
    assert len(walk(client, {"author": "Carol Jones"})[0]) == 2
    assert walk(client, {"author": "carol jones"})[0] == []  # exact match
    assert len(walk(client, {"language": "en"})[0]) == 3
    since = (BASE_DATE - timedelta(days=2)).isoformat()
    until = (BASE_DATE + timedelta(days=4)).isoformat()
    listed = ids(client.get("/articles", params={"source": BLOG_A, "since": since, "limit": 100}))
    assert listed == seeded.a_ids[:3]  # dates are inclusive; undated articles never match a range
    listed = ids(client.get("/articles", params={"since": since, "until": until, "limit": 100}))
    assert len(listed) == 3 + 2  # blog A's three newest, compost and bees
    naive = ids(client.get("/articles", params={"since": "2026-03-01T12:00:00", "source": BLOG_A}))
    assert naive == seeded.a_ids[:1]  # a date without zone is UTC


def test_unknown_source_lists_nothing(client: TestClient) -> None:
    response = client.get("/articles", params={"source": "nowhere.example"})
    assert response.json() == {"items": [], "next_cursor": None}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tomatoes", {"tomatoes", "compost"}),
        ("TOMATOES balcony", {"tomatoes"}),  # every term, any case
        ('"black gold"', {"compost"}),  # a phrase
        ('"gold black"', set()),  # a phrase is ordered
        ("Jones", {"tomatoes", "bees"}),  # the author is searched too
        ("beekeeping hives", {"bees"}),
        ("jardinage", {f"a{i}" for i in range(A_DATED + A_UNDATED)}),
        ("zucchini", set()),
        ("?!", set()),  # no word at all matches nothing
    ],
)
def test_full_text_search(client: TestClient, seeded: Seeded, query: str, expected: set[str]) -> None:
    names = {seeded.tomato_id: "tomatoes", public_article_id(f"https://{BLOG_B}/2026/bees"): "bees",
             public_article_id(f"https://{BLOG_B}/2026/compost"): "compost"}
    names.update({article_id: f"a{i}" for i, article_id in enumerate(seeded.a_ids)})
    found, _ = walk(client, {"q": query, "limit": 10})
    assert {names[i] for i in found} == expected


def test_search_combines_with_filters_and_pages(client: TestClient, seeded: Seeded) -> None:
    found, pages = walk(client, {"q": "semis", "author": "Alice Martin", "limit": 5})
    assert found == [i for n, i in enumerate(seeded.a_ids) if _author_index(seeded, n) % 2 == 1]
    assert pages == 3


def _author_index(seeded: Seeded, position: int) -> int:
    # Position in newest-first order -> the article number that decided its author.
    return position if position < A_DATED else A_DATED + A_UNDATED - 1 - (position - A_DATED)


def test_search_index_follows_updates_and_deletes(client: TestClient, seeded: Seeded) -> None:
    with session_scope(seeded.url) as session:
        source_id = session.scalar(select(Article.source_id).where(Article.id == seeded.tomato_db_id))
        assert source_id is not None
        _article(session, url=seeded.tomato_url, source_id=source_id, published=BASE_DATE, title="Growing peppers",
                 author="Carol Jones", language="en", body="Peppers like heat.")
    assert ids(client.get("/articles", params={"q": "peppers"})) == [seeded.tomato_id]
    assert ids(client.get("/articles", params={"q": "balcony"})) == []
    with session_scope(seeded.url) as session:
        session.execute(delete(Article).where(Article.id == seeded.tomato_db_id))
    assert ids(client.get("/articles", params={"q": "peppers"})) == []


def test_article_detail_has_text_aliases_and_republications(client: TestClient, seeded: Seeded) -> None:
    response = client.get(f"/articles/{seeded.tomato_id}")
    assert response.status_code == 200
    body = response.json()
    assert body["url"] == seeded.tomato_url
    assert body["source"] == BLOG_B
    assert body["text"].startswith("Heirloom tomatoes")
    assert body["aliases"] == ["https://blog-b.example.org/?p=42", "https://short.example/t0m"]
    assert body["republication_count"] == 5
    assert [r["attribution"] for r in body["republications"]] == ["correct", "missing", "missing", "wrong",
                                                                  "intermediary"]
    assert body["published"] == "2026-03-06T12:00:00Z"


def test_republications_page_to_the_end(client: TestClient, seeded: Seeded) -> None:
    urls: list[str] = []
    cursor = None
    for _ in range(10):
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get(f"/articles/{seeded.tomato_id}/republications", params=params).json()
        assert page["article_id"] == seeded.tomato_id
        urls += [r["url"] for r in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert urls == [f"https://{COPYCAT}/copy/{i}" for i in range(5)]


@pytest.mark.parametrize("path", ["/articles/{missing}", "/articles/{missing}/republications",
                                  "/sources/nowhere.example", "/feeds/sources/nowhere.example.atom"])
def test_unknown_resources_are_404_with_a_json_message(client: TestClient, path: str) -> None:
    response = client.get(path.format(missing="0123456789abcdef"))
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert response.json()["message"]


# ------------------------------------------------------------------------------------ lookup


@pytest.mark.parametrize(
    ("url", "role", "matched"),
    [
        ("https://blog-b.example.org/2026/tomatoes", "canonical", "https://blog-b.example.org/2026/tomatoes"),
        ("https://blog-b.example.org/?p=42", "alias", "https://blog-b.example.org/?p=42"),
        ("https://short.example/t0m", "alias", "https://short.example/t0m"),
        ("https://copycat.example.net/copy/3", "republication", "https://copycat.example.net/copy/3"),
    ],
)
def test_lookup_gives_the_canonical_article_and_the_role(client: TestClient, seeded: Seeded, url: str, role: str,
                                                         matched: str) -> None:
    body = client.get("/lookup", params={"url": url}).json()
    assert (body["role"], body["matched_url"], body["article"]["id"]) == (role, matched, seeded.tomato_id)
    assert body["url"] == url


@pytest.mark.parametrize(
    ("url", "role"),
    [
        ("https://blog-b.example.org/2026/tomatoes?utm_source=twitter&utm_medium=social", "canonical"),
        ("https://BLOG-B.example.org/2026/tomatoes#comments", "canonical"),
        ("http://www.blog-b.example.org/2026/tomatoes/", "canonical"),  # only the lossy key matches
        ("https://copycat.example.net/copy/1?fbclid=abc", "republication"),
    ],
)
def test_lookup_of_other_spellings(client: TestClient, seeded: Seeded, url: str, role: str) -> None:
    pytest.importorskip("aggregator.urls")
    body = client.get("/lookup", params={"url": url}).json()
    assert (body["role"], body["article"]["id"]) == (role, seeded.tomato_id)


@pytest.mark.parametrize("url", ["https://nowhere.example/x", "https://copycat.example.net/provisional",
                                 "https://blog-b.example.org/\x00", "http://[oops/"])
def test_lookup_of_unknown_urls_is_404(client: TestClient, url: str) -> None:
    response = client.get("/lookup", params={"url": url})
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


@pytest.mark.parametrize("url", ["not a url", "javascript:alert(1)", "/relative/path", "ftp://example.org/x"])
def test_lookup_of_what_is_no_url_is_422(client: TestClient, url: str) -> None:
    response = client.get("/lookup", params={"url": url})
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid_parameter" and body["details"][0]["loc"] == ["query", "url"]


# ----------------------------------------------------------------------------------- sources


def test_sources_with_counts(client: TestClient) -> None:
    body = client.get("/sources").json()
    assert [s["host"] for s in body["items"]] == [BLOG_A, BLOG_B, COPYCAT]
    counts = {s["host"]: s["counts"] for s in body["items"]}
    assert counts[BLOG_A] == {"articles": 25, "republications": 0, "unattributed": 0, "wrongly_attributed": 0,
                              "via_intermediary": 0}
    # The provisional republication belongs to no article yet, so to no source.
    assert counts[BLOG_B] == {"articles": 3, "republications": 5, "unattributed": 2, "wrongly_attributed": 1,
                              "via_intermediary": 1}
    assert counts[COPYCAT]["articles"] == 0


def test_one_source(client: TestClient) -> None:
    body = client.get(f"/sources/{BLOG_B}").json()
    assert body["host"] == BLOG_B
    assert body["role"] == "partner"
    assert body["counts"]["republications"] == 5


# ---------------------------------------------------------------------------------- HTTP


def test_every_get_has_an_etag_and_answers_304(client: TestClient, seeded: Seeded) -> None:
    for path in ["/articles", f"/articles/{seeded.tomato_id}", "/sources", "/feeds/articles.atom", "/healthz",
                 f"/lookup?url={seeded.tomato_url}"]:
        first = client.get(path)
        etag = first.headers["etag"]
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304, path
        assert again.content == b""
        assert again.headers["etag"] == etag
        listed = client.get(path, headers={"If-None-Match": f'"other", {etag.removeprefix("W/")}'})
        assert listed.status_code == 304
        assert client.get(path, headers={"If-None-Match": '"stale"'}).status_code == 200


def test_the_etag_changes_with_the_content(client: TestClient, seeded: Seeded) -> None:
    before = client.get("/articles").headers["etag"]
    with session_scope(seeded.url) as session:
        session.execute(delete(Article).where(Article.id == seeded.tomato_db_id))
    assert client.get("/articles", headers={"If-None-Match": before}).status_code == 200


def test_large_responses_are_gzipped(client: TestClient) -> None:
    response = client.get("/articles", params={"limit": 50}, headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert len(response.json()["items"]) == 28
    raw = client.get("/articles", params={"limit": 50}, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in raw.headers
    assert gzip.compress(raw.content)  # the identity body is plain JSON
    assert raw.json() == response.json()


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"limit": 101}, "limit"),
        ({"limit": 0}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"since": "yesterday"}, "since"),
        ({"since": "1273"}, "since"),  # not a Unix timestamp either
        ({"until": "2026-03-01"}, "until"),  # a date-time, not a date
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"q": ""}, "q"),
        ({"q": "x" * 501}, "q"),
    ],
)
def test_bad_parameters_are_422_with_a_message(client: TestClient, params: dict[str, Any], parameter: str) -> None:
    response = client.get("/articles", params=params)
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid_parameter"
    assert parameter in body["message"]
    assert body["details"][0]["loc"] == ["query", parameter]


def test_lookup_without_url_is_422(client: TestClient) -> None:
    response = client.get("/lookup")
    assert response.status_code == 422
    assert "url" in response.json()["message"]


def test_inputs_the_database_cannot_hold_never_fail(client: TestClient) -> None:
    for params in ({"author": "a\x00b"}, {"source": "\x00"}, {"q": "tomatoes\x00"},
                   {"since": "0001-01-01T00:00:00+05:00"}, {"until": "9999-12-31T23:59:59-05:00"},
                   {"cursor": "99999999999999999.9999999999"}, {"cursor": "-99999999999999999.1"},
                   {"cursor": "n.9999999999"}):
        assert client.get("/articles", params=params).status_code == 200, params
    assert client.get("/articles/%00").status_code == 404
    assert client.get("/articles/%00/republications", params={"cursor": "9999999999"}).status_code == 404
    assert client.get("/sources/%00").status_code == 404


def test_unknown_paths_and_methods_are_json_errors(client: TestClient) -> None:
    assert client.get("/nope").json()["error"] == "not_found"
    response = client.post("/articles")
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"


def test_api_keys_when_configured(seeded: Seeded) -> None:
    client = TestClient(create_app(seeded.url, api_keys={"k-one", "k-two"}))
    missing = client.get("/articles")
    assert missing.status_code == 401
    assert missing.json()["error"] == "unauthorized"
    assert missing.headers["www-authenticate"] == "Bearer"
    assert client.get("/articles", headers={"X-API-Key": "k-three"}).status_code == 401
    assert client.get("/feeds/articles.atom").status_code == 401
    assert client.get("/articles", headers={"X-API-Key": "k-two"}).status_code == 200
    assert client.get("/articles", headers={"Authorization": "Bearer k-one"}).status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/openapi.json").status_code == 200
    assert client.get("/docs").status_code == 200


def test_cors_when_configured(seeded: Seeded) -> None:
    client = TestClient(create_app(seeded.url, api_keys={"k"}, cors_origins=["https://site.example"]))
    response = client.get("/articles", headers={"Origin": "https://site.example", "X-API-Key": "k"})
    assert response.headers["access-control-allow-origin"] == "https://site.example"
    assert "etag" in response.headers["access-control-expose-headers"].lower()
    preflight = client.options("/articles", headers={
        "Origin": "https://site.example", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "x-api-key",
    })
    assert preflight.status_code == 200  # a preflight carries no key and must not need one
    other = client.get("/articles", headers={"Origin": "https://evil.example", "X-API-Key": "k"})
    assert "access-control-allow-origin" not in other.headers
    assert "access-control-allow-origin" not in TestClient(create_app(seeded.url)).get(
        "/articles", headers={"Origin": "https://site.example"}).headers


def test_openapi_document_and_docs(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    for path in ["/articles", "/articles/{article_id}", "/articles/{article_id}/republications", "/lookup",
                 "/sources", "/sources/{host}", "/healthz", "/feeds/articles.atom", "/feeds/articles.json",
                 "/feeds/sources/{host}.atom", "/feeds/sources/{host}.json"]:
        assert path in document["paths"], path
    assert "securitySchemes" not in document.get("components", {})  # no keys, no auth documented
    assert client.get("/docs").status_code == 200


# --------------------------------------------------------------------------------- SQL views


def test_sql_views(seeded: Seeded) -> None:
    with get_engine(seeded.url).connect() as conn:
        article = conn.execute(
            text("SELECT article_id, url, source_host, title, author, language FROM canonical_articles "
                 "WHERE article_id = :id"), {"id": seeded.tomato_id}
        ).one()
        assert tuple(article) == (seeded.tomato_id, seeded.tomato_url, BLOG_B, "Growing tomatoes on a balcony",
                                  "Carol Jones", "en")
        assert conn.execute(text("SELECT count(*) FROM canonical_articles")).scalar_one() == 28
        copies = conn.execute(
            text("SELECT republication_url, republisher_host, attribution, source_host FROM article_republications "
                 "WHERE article_id = :id ORDER BY republication_url"), {"id": seeded.tomato_id}
        ).all()
        assert [tuple(c) for c in copies][3] == (f"https://{COPYCAT}/copy/3", COPYCAT, "wrong", BLOG_B)
        assert len(copies) == 5
        grouped = conn.execute(text("SELECT role, count(*) FROM article_urls GROUP BY role"))
        roles: dict[str, int] = {role: count for role, count in grouped}
        assert roles == {"canonical": 28, "alias": 2, "republication": 5}


def _database_objects(url: str) -> set[str]:
    engine = get_engine(url)
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            return set(conn.execute(text("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")).scalars())
        # Each object with the table it belongs to: the job queue's (procrastinate's) are its own.
        rows = conn.execute(text(
            "SELECT relname, relname FROM pg_class JOIN pg_namespace n ON n.oid = relnamespace "
            "WHERE nspname = 'public' "
            "UNION SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal "
            "UNION SELECT proname, proname FROM pg_proc JOIN pg_namespace n ON n.oid = pronamespace "
            "WHERE nspname = 'public' "
            "UNION SELECT conname, conrelid::regclass::text FROM pg_constraint JOIN pg_namespace n "
            "ON n.oid = connamespace WHERE nspname = 'public'"
        ))
        return {name for name, owner in rows if not is_queue_object(owner)}


def test_every_object_outside_the_models_is_in_search_objects(seeded: Seeded) -> None:
    from storage import Base

    model_names: set[str] = {"alembic_version", "pk_alembic_version", "alembic_version_pkc"}
    for table in Base.metadata.tables.values():
        model_names.add(table.name)
        model_names.update(str(i.name) for i in table.indexes)
        model_names.update(str(c.name) for c in table.constraints if c.name)
        model_names.update(f"{table.name}_{c.name}_seq" for c in table.primary_key.columns)
    unknown = {n for n in _database_objects(seeded.url) - model_names - SEARCH_OBJECTS
               if not n.startswith("sqlite_autoindex")}
    assert unknown == set()


def test_common_and_rare_searches_take_both_plans(client: TestClient, seeded: Seeded) -> None:
    from storage import queries
    from storage.engine import session_factory

    dialect = get_engine(seeded.url).dialect.name
    with session_factory(seeded.url)() as session:
        assert queries._walk_index(session, dialect, ["jardinage"])  # in 25 of 28 articles
        assert not queries._walk_index(session, dialect, ["tomatoes"])
    # Both plans page the same way: newest first, to the end, nothing twice.
    assert walk(client, {"q": "jardinage", "limit": 4})[0] == seeded.a_ids
    assert walk(client, {"q": "tomatoes", "limit": 1})[0] == [seeded.tomato_id,
                                                              public_article_id(f"https://{BLOG_B}/2026/compost")]


def test_the_source_list_is_cached_for_a_while(seeded: Seeded) -> None:
    from aggregator.api.routes import SourceListCache
    from storage.engine import session_factory

    fresh, cached = SourceListCache(ttl=0), SourceListCache(ttl=3600)
    with session_factory(seeded.url)() as session:
        for cache in (fresh, cached):
            assert cache.get(session).items[0].counts.articles == 25
        with session_scope(seeded.url) as writer:
            source_id = writer.scalar(select(Article.source_id).where(Article.public_id == seeded.a_ids[0]))
            assert source_id is not None
            _article(writer, url=f"https://{BLOG_A}/posts/extra", source_id=source_id, published=None, title="x",
                     author="x", language="fr", body="x")
        session.rollback()  # end the read transaction so that the next read sees the new row
        assert fresh.get(session).items[0].counts.articles == 26
        assert cached.get(session).items[0].counts.articles == 25
