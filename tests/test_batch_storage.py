"""Storing a processing batch at once leaves the database as storing its pages one by one."""

from __future__ import annotations

import random

from sqlalchemy import select, update

from aggregator.match.graph import requeue_after_site_paragraphs_changed, store_site_paragraphs
from storage.articles import Article, upsert_article, upsert_articles
from storage.base import utcnow
from storage.boilerplate import SiteParagraph, replace_site_paragraphs
from storage.engine import session_scope
from storage.fingerprints import (
    ArticleFingerprint,
    replace_fingerprints,
    replace_fingerprints_of,
)
from storage.migrations import upgrade
from storage.republications import Republication, republication_ids_to_match, upsert_republication
from storage.sources import upsert_source


def _article(url: str, text: str, source_id: int) -> dict[str, object]:
    return {"url": url, "url_key": url.split("//")[1], "source_id": source_id, "page_id": None, "title": "T",
            "author": None, "published": None, "updated": None, "language": "en", "text": text, "text_hash": text}


def test_articles_of_a_batch_are_upserted_in_turn(database_url: str) -> None:
    upgrade(database_url)
    with session_scope(database_url) as session:
        source_id = upsert_source(session, host="blog.example", name="Blog", home_url="http://blog.example/",
                                  role="partner", language="en", sitemap_urls=[])
        a, b = "http://blog.example/a", "http://blog.example/b"
        # The same address twice in one batch: created by the first, changed by the second.
        (first, created, changed), (again, created_again, changed_again), (other, _, _) = upsert_articles(
            session, [_article(a, "one", source_id), _article(a, "two", source_id), _article(b, "x", source_id)])
        assert first == again != other
        assert (created, changed, created_again, changed_again) == (True, True, False, True)
        assert session.scalar(select(Article.text).where(Article.id == first)) == "two"
        assert upsert_articles(session, [_article(a, "two", source_id)]) == [(first, False, False)]
        assert upsert_article(session, **_article(a, "two", source_id)) == (first, False, False)  # type: ignore[arg-type]

        replace_fingerprints(session, article_id=first, hashes=[1, 2, 3])
        replace_fingerprints_of(session, {first: [2, 3, 4], other: [5]})
        rows = session.execute(select(ArticleFingerprint.article_id, ArticleFingerprint.hash)).all()
        assert sorted(rows) == sorted([(first, 2), (first, 3), (first, 4), (other, 5)])


def test_site_paragraphs_of_a_batch_as_page_after_page(database_url: str) -> None:
    """Random batches of pages on one site stored at once, and the same on another site page after
    page: the same paragraphs recorded, and the same other pages sent back to matching."""
    upgrade(database_url)
    generator = random.Random(7)
    with session_scope(database_url) as session:
        sites = [upsert_source(session, host=f"s{n}.example", name=f"S{n}", home_url=f"http://s{n}.example/",
                               role="republisher", language=None, sitemap_urls=[]) for n in range(2)]
        pages = [[upsert_republication(
            session, page_id=None, source_id=site, url=f"http://s{n}.example/{i}", url_key=f"s{n}.example/{i}",
            site=f"s{n}.example", title=None, author=None, published=None, language=None, match_text="",
            text_hash="", claims=[], credit_lines=[], claimed_source_host=None, claimed_source_url=None,
            claimed_author=None) for i in range(8)] for n, site in enumerate(sites)]

        def state(n: int) -> tuple[list[tuple[int, int]], list[int]]:
            index = {rid: i for i, rid in enumerate(pages[n])}
            recorded = session.execute(select(SiteParagraph.republication_id, SiteParagraph.paragraph_key)
                                       .where(SiteParagraph.source_id == sites[n])).all()
            waiting = [index[rid] for rid in republication_ids_to_match(session) if rid in index]
            return sorted((index[rid], key) for rid, key in recorded), sorted(waiting)

        for _ in range(40):
            session.execute(update(Republication).values(matched_at=utcnow()))
            batch = [(generator.randrange(8), generator.sample(range(6), generator.randrange(4)))
                     for _ in range(generator.randrange(1, 5))]
            for i, keys in batch:  # one by one, as before
                added, removed = replace_site_paragraphs(session, republication_id=pages[0][i], source_id=sites[0],
                                                         keys=keys)
                requeue_after_site_paragraphs_changed(session, source_id=sites[0], republication_id=pages[0][i],
                                                      added=added, removed=removed)
            store_site_paragraphs(session, [(pages[1][i], sites[1], keys) for i, keys in batch])
            stored = {i for i, _ in batch}
            one_by_one, at_once = state(0), state(1)
            assert one_by_one[0] == at_once[0]
            # The batch's own pages were just stored: they wait for matching whatever either way says.
            assert [i for i in one_by_one[1] if i not in stored] == at_once[1]
