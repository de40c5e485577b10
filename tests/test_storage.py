"""Storage writes are idempotent upserts, on both engines."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.articles import Article, Republication, UrlAlias, add_alias, upsert_article
from storage.engine import session_scope
from storage.migrations import upgrade
from storage.pages import FETCHED, PROCESSED, Page, mark_page, store_fetched_page
from storage.republications import republication_ids_to_match, set_match, upsert_republication
from storage.sources import Source, upsert_source


def _source(session: object, host: str = "blog.example") -> int:
    return upsert_source(session, host=host, name="Blog", home_url=f"http://{host}/", role="partner",  # type: ignore[arg-type]
                         language="en", sitemap_urls=[])


def test_upserts_never_duplicate(database_url: str) -> None:
    upgrade(database_url)
    with session_scope(database_url) as session:
        first = _source(session)
        again = upsert_source(session, host="blog.example", name="Renamed", home_url="http://blog.example/",
                              role="partner", language=None, sitemap_urls=["http://blog.example/sitemap.xml"])
        assert first == again
        for _ in range(2):
            article_id, _created = upsert_article(
                session, url="http://blog.example/a", source_id=first, page_id=None, title="A", author=None,
                published=None, updated=None, language="en", text="one two three", text_hash="h1")
            add_alias(session, url="http://blog.example/?p=1", article_id=article_id)
    with session_scope(database_url) as session:
        assert session.scalar(select(func.count()).select_from(Source)) == 1
        assert session.scalar(select(Source.name)) == "Renamed"
        assert session.scalar(select(func.count()).select_from(Article)) == 1
        assert session.scalar(select(func.count()).select_from(UrlAlias)) == 1


def test_an_unchanged_body_keeps_its_processing_state(database_url: str) -> None:
    upgrade(database_url)
    page = {"url": "http://blog.example/a", "final_url": "http://blog.example/a", "source_id": None, "status": 200,
            "content_type": "text/html", "etag": None, "last_modified": None, "body": b"<html>same</html>"}
    with session_scope(database_url) as session:
        page_id, changed = store_fetched_page(session, **page)
        assert changed
        mark_page(session, page_id=page_id, state=PROCESSED)
    with session_scope(database_url) as session:
        again, changed = store_fetched_page(session, **page)
        assert again == page_id and not changed
        assert session.scalar(select(Page.state)) == PROCESSED
        _, changed = store_fetched_page(session, **{**page, "body": b"<html>new</html>"})
        assert changed and session.scalar(select(Page.state)) == FETCHED
        assert session.scalar(select(func.count()).select_from(Page)) == 1


def test_a_changed_original_sends_its_copies_back_to_matching(database_url: str) -> None:
    upgrade(database_url)
    with session_scope(database_url) as session:
        source_id = _source(session)
        article_id, _ = upsert_article(
            session, url="http://blog.example/a", source_id=source_id, page_id=None, title="A", author=None,
            published=None, updated=None, language="en", text="original text", text_hash="h1")
        rep = upsert_republication(
            session, page_id=None, source_id=None, url="http://copy.example/a", site="copy.example", title="A",
            author=None, published=None, language="en", text="original text", match_text="original text",
            text_hash="h1", claims=[], credit_lines=[], claimed_source_host=None, claimed_source_url=None,
            claimed_author=None)
        set_match(session, republication_id=rep, article_id=article_id, kind="full", containment=1.0, coverage=1.0)
    with session_scope(database_url) as session:
        assert republication_ids_to_match(session) == []
        # The same text again: nothing to redo.
        upsert_article(session, url="http://blog.example/a", source_id=source_id, page_id=None, title="A",
                       author=None, published=None, updated=None, language="en", text="original text",
                       text_hash="h1")
        assert republication_ids_to_match(session) == []
        upsert_article(session, url="http://blog.example/a", source_id=source_id, page_id=None, title="A",
                       author=None, published=None, updated=None, language="en", text="edited text",
                       text_hash="h2")
        assert republication_ids_to_match(session) == [rep]
        assert session.scalar(select(Republication.article_id)) == article_id  # kept until matching decides
