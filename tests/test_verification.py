"""Verification: a matched copy is searched for its original's source and author in its credit
positions, and matching judges it with what it finds (pure functions, no database)."""

from __future__ import annotations

from typing import Any

import pytest

from aggregator.extract.attribution import parse_attribution
from aggregator.extract.attribution.verify import Origin, find_person, verify_credit
from aggregator.match.decide import CopyRecord, MatchBatch, Original, decide
from aggregator.match.verdicts import CORRECT, INTERMEDIARY, MISSING
from aggregator.process import claims_as_data

ORIGIN_TEXT = (
    "The harbour authority approved the new ferry timetable on Tuesday after three months of consultation with "
    "residents, shop owners and the two operators that serve the islands.\n\n"
    "Under the plan, the first crossing leaves at six in the morning and the last returns shortly before midnight, "
    "which the council says will let commuters reach the mainland hospital for early shifts.\n\n"
    "Critics argue that the fares rise faster than wages, and that the winter service still leaves the smallest "
    "island without a boat for two days each week.\n\n"
    "More on islandnews.example"
)
ORIGIN = Origin(host="islandnews.example", names=("Island News", "The Harbour Gazette"),
                url="http://islandnews.example/2024/ferry/", author="Kim Larsen", text=ORIGIN_TEXT)
COPY_URL = "http://copier.example/ferry/"


def copy_page(*credits: str, before: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in ORIGIN_TEXT.split("\n\n"))
    tail = "".join(f"<p>{c}</p>" for c in credits)
    return f"<html><body><article><h1>Ferry</h1>{before}{body}{tail}</article></body></html>"


def positions(html: str) -> tuple[dict[str, Any], ...]:
    return parse_attribution(html, COPY_URL).positions


@pytest.mark.parametrize(
    ("credit", "how", "written"),
    [
        ("Article paru dans Island News du 3 mai", "name", "Island News"),
        ("Un article du HARBOUR GAZETTE", "name", "HARBOUR GAZETTE"),  # an alias, without its article, in capitals
        ("Source: islandnews.example", "host", "islandnews.example"),
        ("<a href='http://islandnews.example/2024/ferry/'>the original</a>", "link", "the original"),
        ("Merci à Island-News", "name", "Island-News"),  # no cue needed: the origin is known
    ],
)
def test_the_origin_is_found_in_every_form(credit: str, how: str, written: str) -> None:
    found = verify_credit(positions(copy_page(credit)), page_url=COPY_URL, origin=ORIGIN).source
    assert found is not None
    assert (found.how, found.text) == (how, written)


@pytest.mark.parametrize(
    "credit",
    [
        "More on islandnews.example",  # the original's own line, copied with it: not the copier's credit
        "Photo: Island News",  # an image credit
        "Lire aussi: Island News sur le même sujet",  # an aside
        "Subscribe to the Island News newsletter",  # a plug
    ],
)
def test_no_credit_in_copied_text_captions_asides_and_plugs(credit: str) -> None:
    assert verify_credit(positions(copy_page(credit)), page_url=COPY_URL, origin=ORIGIN).source is None


def test_a_link_to_the_original_counts_anywhere_but_a_mention_between_paragraphs_does_not() -> None:
    body = ORIGIN_TEXT.split("\n\n")
    linked = ("<html><body><article>" + f"<p>{body[0]}</p><p>As <a href='http://islandnews.example/2024/ferry/'>"
              f"reported</a> here.</p><p>{body[1]}</p><p>{body[2]}</p></article></body></html>")
    named = linked.replace("<a href='http://islandnews.example/2024/ferry/'>reported</a>", "Island News said")
    assert verify_credit(positions(linked), page_url=COPY_URL, origin=ORIGIN).source is not None
    assert verify_credit(positions(named), page_url=COPY_URL, origin=ORIGIN).source is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("By KIM LARSEN", "KIM LARSEN"),
        ("Texte : K. Larsen", "K. Larsen"),
        ("Larsen, Kim (Island News)", "Larsen, Kim"),
        ("kim larsen", "kim larsen"),
        ("Kím Lársen", "Kím Lársen"),  # accents as the copy writes them
        ("By Kimberly Larsen", None),
        ("Photos by Jo Smith", None),
    ],
)
def test_the_author_is_found_as_the_copy_writes_the_name(text: str, expected: str | None) -> None:
    assert find_person(text, "Kim Larsen") == expected


def record(rid: int, html: str, *, site: str = "copier.example", article_id: int | None = None) -> CopyRecord:
    url = f"http://{site}/{rid}/"
    attribution = parse_attribution(html, url, known_sources={"Island News": "islandnews.example",
                                                              "Mid Site": "mid.example"})
    return CopyRecord(
        id=rid, url=url, site=site, source_id=None, title="Ferry", match_text=ORIGIN_TEXT, text_hash=None,
        claimed_host=attribution.source_host, claimed_url=attribution.source_url, claim_urls=(), credit_lines=(),
        published=None, article_id=article_id, claimed_author=attribution.author,
        claims=tuple(claims_as_data(attribution)), positions=attribution.positions,
    )


ORIGINAL = Original(1, "Ferry", ORIGIN_TEXT, "islandnews.example", url=ORIGIN.url, author="Kim Larsen",
                    names=ORIGIN.names)


def judge(*copies: CopyRecord) -> dict[int, dict[str, Any]]:
    batch = MatchBatch(pending=list(copies), candidates={c.id: [1] for c in copies},
                       named={c.id: frozenset() for c in copies}, originals={1: ORIGINAL})
    return {row["id"]: row for row in decide(batch).rows}


def test_a_copy_that_credits_the_origin_by_an_alias_is_correct_under_its_registered_host() -> None:
    rows = judge(record(5, copy_page("Merci à la Harbour Gazette", "Texte : K. LARSEN")))
    row = rows[5]
    assert (row["attribution"], row["claimed_source_host"], row["claimed_author"]) == (
        CORRECT, "islandnews.example", "K. Larsen")
    assert row["attribution_evidence"]["decided_by"] == "verification"
    assert row["attribution_evidence"]["text"] == "Harbour Gazette"


def test_a_claim_copied_from_the_original_names_nobody() -> None:
    row = judge(record(6, copy_page()))[6]  # only the original's own "More on islandnews.example"
    assert (row["attribution"], row["claimed_source_host"], row["attribution_evidence"]) == (MISSING, None, None)


def test_naming_an_intermediary_wins_over_a_credit_of_the_origin() -> None:
    mid = record(7, copy_page("Source: Island News"), site="mid.example")
    late = record(8, copy_page("Source: Mid Site", "Article paru dans Island News"))
    rows = judge(mid, late)
    assert rows[7]["attribution"] == CORRECT
    assert (rows[8]["attribution"], rows[8]["via"], rows[8]["claimed_source_host"]) == (
        INTERMEDIARY, "http://mid.example/7/", "mid.example")


def test_an_unmatched_copy_keeps_its_own_claims() -> None:
    copy = record(9, copy_page("Source: Island News", "By Kim Larsen"))
    batch = MatchBatch(pending=[copy], candidates={9: []}, named={9: frozenset()}, originals={})
    row = {r["id"]: r for r in decide(batch).rows}[9]
    assert (row["article_id"], row["claimed_source_host"], row["claimed_author"]) == (
        None, "islandnews.example", "Kim Larsen")


def test_the_source_s_own_boilerplate_pasted_with_the_copy_credits_it() -> None:
    credit = "Island News is a nonprofit newsroom that covers the islands. Sign up for our newsletter."
    found = verify_credit(positions(copy_page(credit)), page_url=COPY_URL, origin=ORIGIN).source
    assert found is not None and found.text == "Island News"
