"""Storage writes are idempotent upserts, on both engines."""

from __future__ import annotations

from sqlalchemy import func, select, update

from aggregator.crawl.items import body_hash
from aggregator.match.fingerprints import TEXT_KEY, URL_KEY, exact_key
from aggregator.match.graph import requeue_after_original_changed, requeue_after_site_paragraphs_changed
from storage.articles import Article, Republication, UrlAlias, add_alias, upsert_article
from storage.base import utcnow
from storage.boilerplate import replace_site_paragraphs
from storage.engine import session_scope
from storage.fingerprints import MAX_ARTICLES_PER_HASH, replace_fingerprints, replace_republication_fingerprints
from storage.migrations import upgrade
from storage.pages import FETCHED, PROCESSED, Page, mark_page, store_fetched_page, store_fetched_pages
from storage.republications import republication_ids_to_match, upsert_republication, write_decisions
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
            article_id, _created, _changed = upsert_article(
                session, url="http://blog.example/a", url_key="blog.example/a", source_id=first, page_id=None,
                title="A", author=None, published=None, updated=None, language="en", text="one two three",
                text_hash="h1")
            add_alias(session, url="http://blog.example/?p=1", url_key="blog.example/?p=1", article_id=article_id)
    with session_scope(database_url) as session:
        assert session.scalar(select(func.count()).select_from(Source)) == 1
        assert session.scalar(select(Source.name)) == "Renamed"
        assert session.scalar(select(func.count()).select_from(Article)) == 1
        assert session.scalar(select(func.count()).select_from(UrlAlias)) == 1


def test_an_unchanged_body_keeps_its_processing_state(database_url: str) -> None:
    upgrade(database_url)
    page = {"url": "http://blog.example/a", "final_url": "http://blog.example/a", "source_id": None, "status": 200,
            "content_type": "text/html", "etag": None, "last_modified": None, "body": b"<html>same</html>",
            "body_hash": body_hash(b"<html>same</html>")}
    with session_scope(database_url) as session:
        page_id, changed = store_fetched_page(session, **page)
        assert changed
        mark_page(session, page_id=page_id, state=PROCESSED)
    with session_scope(database_url) as session:
        again, changed = store_fetched_page(session, **page)
        assert again == page_id and not changed
        assert session.scalar(select(Page.state)) == PROCESSED
        new = b"<html>new</html>"
        _, changed = store_fetched_page(session, **{**page, "body": new, "body_hash": body_hash(new)})
        assert changed and session.scalar(select(Page.state)) == FETCHED
        assert session.scalar(select(func.count()).select_from(Page)) == 1


def test_pages_stored_as_a_batch_are_stored_as_one_by_one(database_url: str) -> None:
    """A new page, an unchanged one (keeps its state), a changed one (waits for processing again)."""
    upgrade(database_url)

    def row(url: str, body: bytes) -> dict[str, object]:
        return {"url": url, "final_url": url, "source_id": None, "status": 200, "content_type": "text/html",
                "etag": '"e"', "last_modified": None, "body": body, "body_hash": body_hash(body),
                "hints": {"title": url}}

    with session_scope(database_url) as session:
        first = [row("http://b.example/same", b"same"), row("http://b.example/old", b"v1")]
        assert store_fetched_pages(session, first) == [True, True]
        session.execute(update(Page).values(state=PROCESSED))
    with session_scope(database_url) as session:
        again = [row("http://b.example/same", b"same"), row("http://b.example/old", b"v2"),
                 row("http://b.example/new", b"new")]
        changes = store_fetched_pages(session, again)
        assert changes == [False, True, True]
    with session_scope(database_url) as session:
        stored = {p.url: p for p in session.scalars(select(Page))}
        assert {url: p.state for url, p in stored.items()} == {
            "http://b.example/same": PROCESSED, "http://b.example/old": FETCHED, "http://b.example/new": FETCHED}
        assert stored["http://b.example/old"].raw_body() == b"v2"
        assert stored["http://b.example/new"].hints == {"title": "http://b.example/new"}
        try:
            store_fetched_pages(session, [row("http://b.example/x", b"1"), row("http://b.example/x", b"2")])
        except ValueError:
            pass
        else:
            raise AssertionError("a URL twice in one batch must be refused")


def _article(session: object, source_id: int, text: str) -> tuple[int, bool, bool]:
    return upsert_article(
        session, url="http://blog.example/a", url_key="blog.example/a", source_id=source_id,  # type: ignore[arg-type]
        page_id=None, title="A", author=None, published=None, updated=None, language="en", text=text,
        text_hash=text)


def _copy(session: object, n: int, hashes: list[int]) -> int:
    republication_id = upsert_republication(
        session, page_id=None, source_id=None, url=f"http://copy.example/{n}",  # type: ignore[arg-type]
        url_key=f"copy.example/{n}", site="copy.example", title="A", author=None, published=None, language="en",
        match_text="original text", text_hash="h1", claims=[], credit_lines=[], claimed_source_host=None,
        claimed_source_url=None, claimed_author=None)
    replace_republication_fingerprints(session, republication_id=republication_id, hashes=hashes)  # type: ignore[arg-type]
    return republication_id


def test_upsert_article_says_whether_its_text_changed(database_url: str) -> None:
    upgrade(database_url)
    with session_scope(database_url) as session:
        source_id = _source(session)
        article_id, created, changed = _article(session, source_id, "original text")
        assert created and changed
        assert _article(session, source_id, "original text") == (article_id, False, False)
        assert _article(session, source_id, "edited text") == (article_id, False, True)


def test_a_changed_original_sends_back_the_copies_that_could_find_it(database_url: str) -> None:
    upgrade(database_url)
    with session_scope(database_url) as session:
        source_id = _source(session)
        article_id, _, _ = _article(session, source_id, "edited text")
        replace_fingerprints(session, article_id=article_id, hashes=[42, 77])
        for n in range(MAX_ARTICLES_PER_HASH):  # 77 is a common phrase: held by too many articles
            other, _, _ = upsert_article(
                session, url=f"http://blog.example/o{n}", url_key=f"blog.example/o{n}", source_id=source_id,
                page_id=None, title=None, author=None, published=None, updated=None, language=None, text="x",
                text_hash=f"x{n}")
            replace_fingerprints(session, article_id=other, hashes=[77])
        attached = _copy(session, 0, [7])
        lookalike = _copy(session, 1, [42])
        same_text = _copy(session, 2, [exact_key(TEXT_KEY, "edited text")])
        names_it = _copy(session, 3, [exact_key(URL_KEY, "blog.example/a")])
        common_phrase_only = _copy(session, 4, [77])
        unrelated = _copy(session, 5, [9, exact_key(URL_KEY, "blog.example/other")])
        decided = {"kind": None, "containment": None, "coverage": None, "attribution": None, "via": None,
                   "matched_at": utcnow()}
        write_decisions(session, [{"id": attached, **decided, "article_id": article_id, "kind": "full"}] + [
            {"id": rid, **decided, "article_id": None}
            for rid in (lookalike, same_text, names_it, common_phrase_only, unrelated)
        ])
    with session_scope(database_url) as session:
        # Decided copies, provisional ones included, wait for nothing.
        assert republication_ids_to_match(session) == []
        requeue_after_original_changed(session, article_id=article_id, fingerprints=[42, 77, 43],
                                       text_hash="edited text", urls=["http://blog.example/a"])
        assert set(republication_ids_to_match(session)) == {attached, lookalike, same_text, names_it}
        assert session.scalar(select(Republication.article_id).where(Republication.id == attached)) == article_id


def test_a_paragraph_that_starts_or_stops_recurring_sends_the_site_pages_back(database_url: str) -> None:
    upgrade(database_url)
    with session_scope(database_url) as session:
        site = upsert_source(session, host="copy.example", name="Copy", home_url="http://copy.example/",
                             role="republisher", language=None, sitemap_urls=[])
        first, second, third = (_copy(session, n, []) for n in range(3))

        def store(page: int, keys: list[int]) -> None:
            added, removed = replace_site_paragraphs(session, republication_id=page, source_id=site, keys=keys)
            requeue_after_site_paragraphs_changed(session, source_id=site, republication_id=page, added=added,
                                                  removed=removed)

        def settle() -> None:
            session.execute(update(Republication).values(matched_at=utcnow()))

        settle()
        store(first, [1, 2])
        assert republication_ids_to_match(session) == []  # nothing recurs yet
        store(second, [2, 3])
        assert republication_ids_to_match(session) == [first]  # 2 is now the site's boilerplate
        settle()
        store(third, [2, 4])
        assert republication_ids_to_match(session) == []  # 2 recurred already
        store(third, [2, 4])
        assert republication_ids_to_match(session) == []  # the same paragraphs again: no change
        store(second, [3])
        assert republication_ids_to_match(session) == []  # 2 is still on two pages
        store(third, [4])
        assert republication_ids_to_match(session) == [first]  # 2 is on one page again
