"""Matching's pure rules, as tables: the attribution verdict, the republisher's boilerplate, and
`decide` on a whole batch (no database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from aggregator.match.boilerplate import paragraph_key, paragraph_keys, without_boilerplate
from aggregator.match.decide import CopyRecord, MatchBatch, Original, claimed_urls, decide
from aggregator.match.verdicts import CORRECT, INTERMEDIARY, MISSING, WRONG, CopyFacts, attribution_verdict

ORIGIN = "blog.origin.example"
EARLY = datetime(2024, 1, 1, tzinfo=UTC)
LATE = datetime(2024, 2, 1, tzinfo=UTC)


def facts(url: str, claimed: str | None = None, claimed_url: str | None = None,
          published: datetime | None = None) -> CopyFacts:
    return CopyFacts(url=url, site=url.split("/")[2], claimed_host=claimed, claimed_url=claimed_url,
                     published=published)


@pytest.mark.parametrize(
    ("copy", "others", "expected", "via"),
    [
        # Names nothing.
        (facts("http://copy.example/a"), [], MISSING, None),
        # Names the origin, under any www-equivalent spelling of its host.
        (facts("http://copy.example/a", ORIGIN), [], CORRECT, None),
        (facts("http://copy.example/a", "www.blog.origin.example"), [], CORRECT, None),
        (facts("http://copy.example/a", "www2.blog.origin.example"), [], CORRECT, None),
        # Names a site that carried no copy: wrong, even a subdomain of the origin's domain.
        (facts("http://copy.example/a", "elsewhere.example"), [], WRONG, None),
        (facts("http://copy.example/a", "news.origin.example"), [], WRONG, None),
        # Names a site that carried the article too, earlier: an intermediary (via its copy).
        (facts("http://copy.example/a", "mid.example", published=LATE),
         [facts("http://mid.example/x", ORIGIN, published=EARLY)], INTERMEDIARY, "http://mid.example/x"),
        # ... undated copies cannot be ruled later: still an intermediary.
        (facts("http://copy.example/a", "mid.example"), [facts("http://mid.example/x", ORIGIN)], INTERMEDIARY,
         "http://mid.example/x"),
        # ... but a site that carried it only later is not where this copy came from.
        (facts("http://copy.example/a", "mid.example", published=EARLY),
         [facts("http://mid.example/x", ORIGIN, published=LATE)], WRONG, None),
        # Several copies on the intermediary: the one the claim links to wins, else the earliest.
        (facts("http://copy.example/a", "mid.example", claimed_url="http://mid.example/second"),
         [facts("http://mid.example/first", published=EARLY), facts("http://mid.example/second", published=LATE)],
         INTERMEDIARY, "http://mid.example/second"),
        (facts("http://copy.example/a", "mid.example"),
         [facts("http://mid.example/second", published=LATE), facts("http://mid.example/first", published=EARLY)],
         INTERMEDIARY, "http://mid.example/first"),
        # The copy itself is not a carrier of its own claim.
        (facts("http://copy.example/a", "copy.example"), [facts("http://copy.example/a", "copy.example")],
         WRONG, None),
    ],
)
def test_attribution_verdict(copy: CopyFacts, others: list[CopyFacts], expected: str, via: str | None) -> None:
    verdict = attribution_verdict(ORIGIN, copy, [copy, *others])
    assert (verdict.attribution, verdict.via) == (expected, via)
    assert verdict.reason


PARAS = ["First paragraph of the article.", "Second paragraph, still the article.", "Subscribe to our newsletter!"]


@pytest.mark.parametrize(
    ("recurring", "original", "kept"),
    [
        ([], [], PARAS),  # nothing recurs: everything stays
        ([PARAS[2]], [], PARAS[:2]),  # the site's recurring plug goes
        ([PARAS[2]], [PARAS[2]], PARAS),  # ... unless the original has it too
        ([PARAS[0], PARAS[2]], [PARAS[0]], PARAS[:2]),
        (["Unrelated paragraph."], [], PARAS),
    ],
)
def test_without_boilerplate(recurring: list[str], original: list[str], kept: list[str]) -> None:
    assert without_boilerplate(PARAS, set(paragraph_keys(recurring)), set(paragraph_keys(original))) == kept


def test_paragraph_keys_ignore_case_punctuation_and_accents() -> None:
    assert paragraph_key("Élan, vital!") == paragraph_key("elan vital")
    assert paragraph_keys(["A b", "a B.", "", "..."]) == [paragraph_key("a b")]


TEXT = (
    "The harbour authority approved the new ferry timetable on Tuesday after three months of consultation "
    "with residents, shop owners and the two operators that serve the islands.\n\n"
    "Under the plan, the first crossing leaves at six in the morning and the last returns shortly before "
    "midnight, which the council says will let commuters reach the mainland hospital for early shifts.\n\n"
    "Critics argue that the fares rise faster than wages, and that the winter service still leaves the "
    "smallest island without a boat for two days each week."
)
OTHER = (
    "A completely different story about a library that extends its opening hours in the evening, with a "
    "new self-service lending system and automatic returns near the entrance.\n\n"
    "The staff council welcomes the change but asks for more advisers in the evening shifts, which the "
    "director promised to discuss at the next budget meeting in the autumn."
)


def copy(rid: int, text: str, *, claimed: str | None = None, article_id: int | None = None,
         credit: tuple[str, ...] = (), source_id: int | None = 9, attribution: str | None = None) -> CopyRecord:
    return CopyRecord(id=rid, url=f"http://copy.example/{rid}", site="copy.example", source_id=source_id,
                      title="Ferry timetable approved", match_text=text, text_hash=None, claimed_host=claimed,
                      claimed_url=None, claim_urls=(), credit_lines=credit, published=None, article_id=article_id,
                      attribution=attribution)


ORIGINALS = {
    1: Original(1, "Ferry timetable approved", TEXT, ORIGIN),
    2: Original(2, "Library open later", OTHER, "other.example"),
}


def test_decide_matches_judges_and_cleans_a_batch() -> None:
    credit = "Source: blog.origin.example"
    full = copy(10, TEXT + "\n\n" + credit + "\n\nSubscribe to our newsletter!", claimed=ORIGIN, credit=(credit,))
    excerpt = copy(11, TEXT.split("\n\n")[0] + "\n\nSubscribe to our newsletter!")
    unrelated = copy(12, "A few words about something else entirely, nothing copied from anywhere at all here.")
    plug = paragraph_key("Subscribe to our newsletter!")
    batch = MatchBatch(
        pending=[full, excerpt, unrelated],
        candidates={10: [2, 1], 11: [1], 12: [1, 2]},
        named={10: frozenset(), 11: frozenset(), 12: frozenset()},
        originals=ORIGINALS,
        paragraph_counts={9: {plug: 2}},
    )
    outcome = decide(batch)
    rows = {row["id"]: row for row in outcome.rows}
    assert (rows[10]["article_id"], rows[10]["kind"], rows[10]["attribution"]) == (1, "full", CORRECT)
    assert (rows[11]["article_id"], rows[11]["kind"], rows[11]["attribution"]) == (1, "excerpt", MISSING)
    assert (rows[12]["article_id"], rows[12]["kind"], rows[12]["attribution"]) == (None, None, None)
    # Clean texts: no credit line, no recurring plug; the copied text stays whole.
    assert rows[10]["text"] == TEXT
    assert rows[11]["text"] == TEXT.split("\n\n")[0]
    assert outcome.articles_judged == 1


def test_decide_rejudges_the_other_copies_of_an_article() -> None:
    # An earlier copy on mid.example was judged "wrong" for naming copy.example before this copy
    # (on copy.example) was known: now copy.example carried the article too, an intermediary.
    earlier = CopyRecord(id=20, url="http://mid.example/x", site="mid.example", source_id=8, title=None,
                         match_text=TEXT, text_hash=None, claimed_host="copy.example", claimed_url=None,
                         claim_urls=(), credit_lines=(), published=None, article_id=1, attribution=WRONG, text=TEXT)
    batch = MatchBatch(pending=[copy(21, TEXT)], candidates={21: [1]}, named={21: frozenset()},
                       originals=ORIGINALS, others=[earlier])
    rows = {row["id"]: row for row in decide(batch).rows}
    assert rows[20] == {"id": 20, "attribution": INTERMEDIARY, "via": "http://copy.example/21",
                        "claimed_source_host": "copy.example", "claimed_source_url": None, "claimed_author": None,
                        "attribution_evidence": {"decided_by": "claim", "what": "source", "how": "claim",
                                                 "text": "copy.example", "line": "(structured data)",
                                                 "where": "page"}}
    assert rows[21]["attribution"] == MISSING


def test_decide_writes_other_copies_only_when_their_verdict_changes() -> None:
    settled = replace(copy(40, TEXT, article_id=1, attribution=MISSING), text=TEXT)
    batch = MatchBatch(pending=[copy(41, TEXT)], candidates={41: [1]}, named={41: frozenset()},
                       originals=ORIGINALS, others=[settled])
    rows = {row["id"]: row for row in decide(batch).rows}
    assert set(rows) == {41}


def test_claimed_urls_are_normalised_and_off_site() -> None:
    record = CopyRecord(id=1, url="http://copy.example/a", site="copy.example", source_id=None, title=None,
                        match_text="", text_hash=None, claimed_host=None,
                        claimed_url="http://blog.origin.example/post?utm_source=x",
                        claim_urls=("http://copy.example/next-page", "http://blog.origin.example/post",
                                    "http://[oops/", "mailto:x@y.example"),
                        credit_lines=(), published=None, article_id=None)
    assert claimed_urls(record) == ["http://blog.origin.example/post"]


def test_the_bounded_memo_computes_once_per_key_and_forgets_the_least_recently_used() -> None:
    from aggregator.match.decide import BoundedMemo

    memo: BoundedMemo[str, int] = BoundedMemo(2)
    calls: list[str] = []

    def computed(key: str) -> int:
        calls.append(key)
        return len(key)

    assert memo.get("a", lambda: computed("a")) == 1
    assert memo.get("bb", lambda: computed("bb")) == 2
    assert memo.get("a", lambda: computed("a")) == 1  # remembered, and now the most recent
    assert memo.get("ccc", lambda: computed("ccc")) == 3  # "bb" goes
    assert memo.get("bb", lambda: computed("bb")) == 2
    assert calls == ["a", "bb", "ccc", "bb"]
