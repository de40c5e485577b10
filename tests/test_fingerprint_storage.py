"""The fingerprint index table on SQLite and PostgreSQL: replace, look up, skip common hashes."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from sqlalchemy import delete, func, inspect, select, text
from sqlalchemy.orm import Session

from aggregator.match.fingerprints import index_fingerprints, query_fingerprints, words
from storage.articles import Article, upsert_article
from storage.base import Base
from storage.engine import get_engine
from storage.fingerprints import (
    ArticleFingerprint,
    find_candidates,
    lookup_hashes,
    replace_fingerprints,
    replace_republication_fingerprints,
    republications_looking_up,
)
from storage.republications import upsert_republication
from storage.sources import upsert_source

MIN_INT64 = -(2**63)
MAX_INT64 = 2**63 - 1


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    engine = get_engine(database_url)
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        yield s


def make_articles(session: Session, n: int) -> list[int]:
    source_id = upsert_source(
        session, host="blog.example.net", name="Blog", home_url="https://blog.example.net/",
        role="partner", language="en", sitemap_urls=[],
    )
    ids = []
    for i in range(n):
        article_id, _, _ = upsert_article(
            session, url=f"https://blog.example.net/post-{i}", url_key=f"blog.example.net/post-{i}",
            source_id=source_id, page_id=None,
            title=f"Post {i}", author=None, published=None, updated=None, language="en",
            text=f"text {i}", text_hash=f"{i:064x}",
        )
        ids.append(article_id)
    session.commit()
    return ids


def stored(session: Session, article_id: int) -> list[int]:
    return list(
        session.scalars(
            select(ArticleFingerprint.hash).where(ArticleFingerprint.article_id == article_id).order_by("hash")
        )
    )


def test_replace_fingerprints_is_idempotent_and_replaces(session: Session) -> None:
    [a] = make_articles(session, 1)
    replace_fingerprints(session, article_id=a, hashes=[3, 1, 2, 2])
    replace_fingerprints(session, article_id=a, hashes=[3, 1, 2])
    session.commit()
    assert stored(session, a) == [1, 2, 3]
    replace_fingerprints(session, article_id=a, hashes=[MIN_INT64, MAX_INT64])
    session.commit()
    assert stored(session, a) == [MIN_INT64, MAX_INT64]
    replace_fingerprints(session, article_id=a, hashes=[])
    session.commit()
    assert stored(session, a) == []


def test_find_candidates_counts_shared_hashes_most_first(session: Session) -> None:
    a, b, c = make_articles(session, 3)
    replace_fingerprints(session, article_id=a, hashes=[1, 2, 3, MIN_INT64])
    replace_fingerprints(session, article_id=b, hashes=[2, 3, 4])
    replace_fingerprints(session, article_id=c, hashes=[5])
    session.commit()
    # Duplicate query hashes count once; unknown hashes count nothing.
    assert find_candidates(session, hashes=[2, 3, 3, MIN_INT64, 99], limit=10) == [(a, 3), (b, 2)]
    assert find_candidates(session, hashes=[2, 3, 4], limit=10) == [(b, 3), (a, 2)]
    assert find_candidates(session, hashes=[2, 3, 4], limit=1) == [(b, 3)]
    # Ties go to the lower article id, so results are the same on every engine.
    assert find_candidates(session, hashes=[2], limit=10) == [(a, 1), (b, 1)]
    assert find_candidates(session, hashes=[], limit=10) == []
    assert find_candidates(session, hashes=[1], limit=0) == []


def test_find_candidates_skips_hashes_shared_by_too_many_articles(session: Session) -> None:
    ids = make_articles(session, 6)
    common = 777
    for article_id in ids:
        replace_fingerprints(session, article_id=article_id, hashes=[common, 1000 + article_id])
    session.commit()
    rare = 1000 + ids[2]
    # With the common hash skipped, only the article that shares the rare one is left.
    assert find_candidates(session, hashes=[common, rare], limit=10, max_per_hash=5) == [(ids[2], 1)]
    # At the cap the hash still counts.
    found = find_candidates(session, hashes=[common, rare], limit=10, max_per_hash=6)
    assert found[0] == (ids[2], 2)
    assert sorted(found[1:]) == [(i, 1) for i in ids if i != ids[2]]


def test_deleting_an_article_deletes_its_fingerprints(session: Session) -> None:
    a, b = make_articles(session, 2)
    replace_fingerprints(session, article_id=a, hashes=[1, 2])
    replace_fingerprints(session, article_id=b, hashes=[2])
    session.commit()
    session.execute(delete(Article).where(Article.id == a))
    session.commit()
    assert session.scalar(select(func.count()).select_from(ArticleFingerprint)) == 1
    assert find_candidates(session, hashes=[1, 2], limit=10) == [(b, 1)]


def test_schema_primary_key_starts_with_the_hash(session: Session) -> None:
    inspector = inspect(session.get_bind())
    assert inspector.get_pk_constraint("article_fingerprints")["constrained_columns"] == ["hash", "article_id"]
    indexed = [ix["column_names"] for ix in inspector.get_indexes("article_fingerprints")]
    assert ["article_id"] in indexed
    if session.get_bind().dialect.name == "sqlite":
        sql = session.execute(text("SELECT sql FROM sqlite_master WHERE name = 'article_fingerprints'")).scalar_one()
        assert "WITHOUT ROWID" in sql.upper()


def test_look_up_finds_the_original_of_an_excerpt(session: Session) -> None:
    # End to end through the product's functions: index originals, look up a copy's fingerprints.
    rng = random.Random(5)
    originals = [" ".join(f"w{rng.randrange(50_000)}" for _ in range(600)) for _ in range(5)]
    ids = make_articles(session, len(originals))
    for article_id, body in zip(ids, originals, strict=True):
        replace_fingerprints(session, article_id=article_id, hashes=index_fingerprints(words(body)))
    session.commit()
    excerpt = " ".join(originals[3].split()[:90]) + " Read more on blog.example.net"
    found = find_candidates(session, hashes=query_fingerprints(words(excerpt)), limit=3)
    assert found and found[0][0] == ids[3]
    assert all(article_id == ids[3] for article_id, _ in found)


def _copy(session: Session, n: int) -> int:
    return upsert_republication(
        session, page_id=None, source_id=None, url=f"https://copy.example/{n}", url_key=f"copy.example/{n}",
        site="copy.example", title=None, author=None, published=None, language=None, match_text="x",
        text_hash="x", claims=[], credit_lines=[], claimed_source_host=None, claimed_source_url=None,
        claimed_author=None,
    )


def test_republication_look_ups_are_kept_and_found(session: Session) -> None:
    first, second, third = (_copy(session, n) for n in range(3))
    replace_republication_fingerprints(session, republication_id=first, hashes=[5, 1, 1])
    replace_republication_fingerprints(session, republication_id=second, hashes=[1, 9])
    replace_republication_fingerprints(session, republication_id=second, hashes=[2, 9])  # replaces
    session.commit()
    assert lookup_hashes(session, [second, first, third]) == {first: [1, 5], second: [2, 9], third: []}
    assert republications_looking_up(session, hashes=[9, 5]) == [first, second]
    assert republications_looking_up(session, keys=[1]) == [first]
    assert republications_looking_up(session) == []


def test_look_ups_through_common_phrases_are_not_followed(session: Session) -> None:
    articles = make_articles(session, 3)
    for article_id in articles:
        replace_fingerprints(session, article_id=article_id, hashes=[7])
    copy = _copy(session, 0)
    replace_republication_fingerprints(session, republication_id=copy, hashes=[7, 8])
    session.commit()
    # 7 is held by three articles: with a cap of two, find_candidates ignores it, so the copy is
    # not sent back through it; an exact key is followed whatever its frequency.
    assert republications_looking_up(session, hashes=[7], max_per_hash=2) == []
    assert republications_looking_up(session, hashes=[7], max_per_hash=3) == [copy]
    assert republications_looking_up(session, hashes=[7], keys=[8], max_per_hash=2) == [copy]
