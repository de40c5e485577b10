"""The matching benchmark measures the product's path, on a corpus with near-duplicate originals;
the extraction benchmark's paired comparison."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from aggregator.match.graph import find_original
from bench.extraction import paired_comparison
from bench.matching import (
    FAMILY_PERIOD,
    CorpusGenerator,
    copy_record,
    family_of,
    load,
    look_up,
    make_queries,
    run_queries,
)
from storage.engine import get_engine

ARTICLES = 1200


@pytest.fixture(scope="module")
def gen() -> CorpusGenerator:
    return CorpusGenerator(3)


def test_near_duplicate_originals(gen: CorpusGenerator) -> None:
    base = FAMILY_PERIOD
    # The same press release on two partners: same title and text, another source.
    assert gen.article(base + 2) == gen.article(base + 1)
    assert (gen.source_of(base + 1), gen.source_of(base + 2)) == (1, 2)
    assert family_of(base + 2)[1] == family_of(base + 1)[1] == frozenset({base + 1, base + 2})
    # An updated version: the lead rewritten, a paragraph added, the rest the same.
    old, new = gen.article(base + 3), gen.article(base + 4)
    assert new.paragraphs[0] != old.paragraphs[0]
    assert new.paragraphs[1:-1] == old.paragraphs[1:]
    assert family_of(base + 4)[1] == frozenset({base + 4})
    # Another article opening with the same first paragraph.
    first, second = gen.article(base + 5), gen.article(base + 6)
    assert second.paragraphs[0] == first.paragraphs[0]
    assert set(second.paragraphs[1:]).isdisjoint(first.paragraphs)
    assert gen.article(base + 7) == gen.base_article(base + 7)


def test_lookups_are_the_products_find_original(database_url: str, tmp_path: Path, gen: CorpusGenerator) -> None:
    load({"db": database_url}, seed=3, articles=ARTICLES, workers=1)
    engine = get_engine(database_url)
    queries = make_queries(gen, articles=ARTICLES, per_kind=4, seed=11, family_share=0.5)
    assert {q.family for q in queries} >= {"press_release", "updated_base", "shared_intro"}
    with Session(engine) as session:
        for i, query in enumerate(queries[:12]):
            copy, lookups = copy_record(query.doc, i + 1)
            assert look_up(session, query.doc, i + 1).matched_id == find_original(
                session, copy, lookups=lookups).article_id
    summary = run_queries(engine, queries, queries[:6])
    assert summary["recall"]["full"] == 1.0
    assert min(summary["recall"].values()) >= 0.9
    assert sum(summary["false_matches"][kind] for kind in ("unrelated", "quote", "same_title")) == 0
    # A wrong original can only be a near-duplicate of the right one here (the benchmark's
    # figures say how often); the right answers of a press release are both its copies.
    for case in summary["false_examples"]:
        assert case["family"] and abs(case["matched"] - case["original"]) == 1, case
    assert sum(n["queries"] for n in summary["near_duplicates"].values()) >= 2 * 3 * 2 * 3


def test_paired_bootstrap() -> None:
    def scores(precisions: list[float], recalls: list[float]) -> dict[str, object]:
        p, r = sum(precisions) / len(precisions), sum(recalls) / len(recalls)
        return {"f1": 2 * p * r / (p + r), "page_precisions": precisions, "page_recalls": recalls}

    worse = scores([0.8, 0.9, 0.7, 0.95] * 10, [0.9] * 40)
    better = scores([0.9, 0.95, 0.8, 0.97] * 10, [0.9] * 40)
    result = paired_comparison(better, worse, resamples=2000)
    assert result["wins"] == 40 and result["losses"] == 0
    assert 0 < result["ci95"][0] < result["difference"] < result["ci95"][1]
    same = paired_comparison(worse, worse, resamples=500)
    assert same["ties"] == 40 and same["ci95"] == [0.0, 0.0]
