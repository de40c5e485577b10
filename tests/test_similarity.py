"""compare() and is_match(): kinds of copies, and the cases that must stay apart."""

from __future__ import annotations

import random

import pytest

from aggregator.match.similarity import (
    MATCH_COPIED_SHARE,
    MATCH_COPIED_SHARE_WITH_EVIDENCE,
    compare,
    is_match,
)

SYLLABLES = ["ka", "lo", "mi", "tra", "ven", "dos", "rü", "pé", "sil", "gno", "bar", "té", "quo", "zim"]


def paragraph(rng: random.Random, n_words: int = 60) -> str:
    """A paragraph of made-up words, in sentences."""
    words = ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3))) for _ in range(n_words)]
    sentences = [" ".join(words[i : i + 12]).capitalize() + "." for i in range(0, n_words, 12)]
    return " ".join(sentences)


def article(seed: int, n_paragraphs: int = 8) -> list[str]:
    rng = random.Random(seed)
    return [paragraph(rng, rng.randint(40, 90)) for _ in range(n_paragraphs)]


def edit_words(text: str, share: float, seed: int) -> str:
    rng = random.Random(seed)
    return " ".join(w if rng.random() >= share else "zzz" + str(rng.randrange(10**6)) for w in text.split())


ORIGINAL = article(1)
TITLE = "How the index finds excerpts"
OTHER = article(2)


def test_full_copy_with_boilerplate_and_typography() -> None:
    copy = [
        "SOURCE : blog.example.net",
        *[p.replace(". ", ".\u00a0 ").upper() for p in ORIGINAL],
        "Read more on blog.example.net",
        "Share this: Twitter, Facebook",
    ]
    c = compare(copy, ORIGINAL, copy_title=TITLE.upper(), original_title=TITLE)
    assert c.kind == "full"
    assert c.containment > 0.95 and c.coverage == 1.0
    assert c.paragraphs_present == c.paragraphs_total == len(ORIGINAL)
    assert not c.title_changed
    assert is_match(c, strong_evidence=False)


def test_identical_text_is_a_full_copy() -> None:
    c = compare(ORIGINAL, ORIGINAL)
    assert (c.kind, c.containment, c.coverage, c.copied_share) == ("full", 1.0, 1.0, 1.0)


@pytest.mark.parametrize("keep", [1, 2, 4])
def test_excerpt_is_a_leading_part(keep: int) -> None:
    copy = [*ORIGINAL[:keep], "Lire la suite sur: https://blog.example.net/article"]
    c = compare(copy, ORIGINAL, copy_title=TITLE, original_title=TITLE)
    assert c.kind == "excerpt"
    assert c.leading_part
    assert c.paragraphs_present == keep
    assert c.coverage < 0.7
    assert is_match(c, strong_evidence=False)


def test_excerpt_cut_mid_paragraph() -> None:
    cut = " ".join(ORIGINAL[2].split()[:15]) + " […]"
    c = compare([*ORIGINAL[:2], cut], ORIGINAL)
    assert c.kind == "excerpt" and c.leading_part
    assert is_match(c, strong_evidence=False)


def test_excerpt_cut_late_in_its_last_paragraph_is_an_excerpt_and_an_edit_there_is_not() -> None:
    words = ORIGINAL[2].split()
    cut = " ".join(words[: len(words) * 3 // 4])
    c = compare([*ORIGINAL[:2], cut, "Lire la suite sur: https://blog.example.net/article"], ORIGINAL)
    assert c.kind == "excerpt" and c.leading_part and c.paragraphs_present == 3
    edited = compare([*ORIGINAL[:2], edit_words(cut, 0.1, seed=4)], ORIGINAL)
    assert edited.kind == "edited"


def test_a_later_part_is_not_a_leading_part() -> None:
    c = compare(ORIGINAL[3:6], ORIGINAL)
    assert not c.leading_part
    assert c.kind == "edited"  # paragraphs removed
    assert is_match(c, strong_evidence=False)


def test_words_changed_make_an_edited_copy() -> None:
    copy = [edit_words(p, 0.10, seed=i) for i, p in enumerate(ORIGINAL)]
    c = compare(copy, ORIGINAL)
    assert c.kind == "edited"
    assert c.containment < 0.9
    assert c.copied_share == 1.0  # every paragraph still comes from the original
    assert is_match(c, strong_evidence=False)


@pytest.mark.parametrize(
    "copy",
    [
        [*ORIGINAL[:4], paragraph(random.Random(9), 70), *ORIGINAL[4:]],  # paragraph added inside
        ORIGINAL[:3] + ORIGINAL[4:],  # paragraph dropped
        [*ORIGINAL, paragraph(random.Random(9), 70)],  # long paragraph added: not boilerplate
    ],
    ids=["added", "dropped", "added-at-end"],
)
def test_paragraphs_added_or_dropped_make_an_edited_copy(copy: list[str]) -> None:
    c = compare(copy, ORIGINAL)
    assert c.kind == "edited"
    assert is_match(c, strong_evidence=False)


def test_title_change_alone_makes_an_edited_copy() -> None:
    c = compare(ORIGINAL, ORIGINAL, copy_title="A new title for the same text", original_title=TITLE)
    assert c.title_changed
    assert c.kind == "edited"
    assert is_match(c, strong_evidence=False)


@pytest.mark.parametrize("strong_evidence", [False, True])
def test_shared_title_alone_is_never_a_match(strong_evidence: bool) -> None:
    c = compare(OTHER, ORIGINAL, copy_title=TITLE, original_title=TITLE)
    assert c.paragraphs_present == 0
    assert not is_match(c, strong_evidence=strong_evidence)


@pytest.mark.parametrize("strong_evidence", [False, True])
@pytest.mark.parametrize("quoted", [0, 3, 7])
def test_one_quoted_paragraph_is_never_a_match(quoted: int, strong_evidence: bool) -> None:
    own = article(3, n_paragraphs=3)
    copy = [own[0], f"« {ORIGINAL[quoted]} »", *own[1:]]
    c = compare(copy, ORIGINAL)
    assert c.paragraphs_present == 1
    assert not is_match(c, strong_evidence=strong_evidence)


@pytest.mark.parametrize("strong_evidence", [False, True])
def test_unrelated_text_is_never_a_match(strong_evidence: bool) -> None:
    c = compare(OTHER, ORIGINAL)
    assert c.containment < 0.05
    assert not is_match(c, strong_evidence=strong_evidence)


def test_strong_evidence_lowers_the_threshold_but_keeps_the_text_check() -> None:
    # Two original paragraphs inside a longer text of the copy's own: 30%–50% copied.
    own = article(4, n_paragraphs=4)
    copy = [*ORIGINAL[:2], *own]
    c = compare(copy, ORIGINAL)
    assert MATCH_COPIED_SHARE_WITH_EVIDENCE <= c.copied_share < MATCH_COPIED_SHARE
    assert not is_match(c, strong_evidence=False)
    assert is_match(c, strong_evidence=True)


def test_a_short_sentence_in_common_is_not_enough() -> None:
    sentence = " ".join(ORIGINAL[0].split()[:6])
    c = compare([sentence], ORIGINAL)
    assert c.containment == 1.0
    assert not is_match(c, strong_evidence=True)


def test_empty_texts() -> None:
    assert not is_match(compare([], ORIGINAL), strong_evidence=True)
    assert not is_match(compare(ORIGINAL, []), strong_evidence=True)
    assert not is_match(compare(["", "  "], ["..."]), strong_evidence=True)


def test_single_paragraph_original() -> None:
    original = [ORIGINAL[0]]
    copy = ["PAR: alexis mouthon", ORIGINAL[0], "Read more"]
    c = compare(copy, original)
    assert c.kind == "full"
    assert is_match(c, strong_evidence=False)


def test_a_copy_that_reproduces_most_of_a_short_original_matches_whatever_it_adds() -> None:
    original = article(5, n_paragraphs=3)
    commentary = article(6, n_paragraphs=4)
    copy = [*original, *commentary]
    c = compare(copy, original)
    assert c.copied_share < MATCH_COPIED_SHARE
    assert c.coverage == 1.0
    assert c.kind == "edited"
    assert is_match(c, strong_evidence=False)


def test_a_heading_that_repeats_a_phrase_of_the_lead_does_not_break_an_excerpt() -> None:
    lead = "Today's best deals include laptops from $700. You will also find wireless earbuds with a charging case."
    original = [lead, *ORIGINAL[:3], "Wireless earbuds with a charging case", *ORIGINAL[3:]]
    c = compare([lead, "Read more on example.net"], original)
    assert c.paragraphs_present == 1
    assert c.leading_part
    assert c.kind == "excerpt"
    assert is_match(c, strong_evidence=False)


BYLINE = "Posted on January 28, 2019 by Ines Schneider"


@pytest.mark.parametrize("head", [BYLINE, "Von Jana Keller, 4. Mai 2022", "28/01/2019"])
def test_an_excerpt_may_leave_out_the_originals_byline_line(head: str) -> None:
    original = [head, *ORIGINAL]
    excerpt = [ORIGINAL[0], " ".join(ORIGINAL[1].split()[:20]), "Cet article a été initialement publié ailleurs."]
    c = compare(excerpt, original)
    assert c.leading_part and c.kind == "excerpt"
    assert is_match(c, strong_evidence=False)
    full = compare(ORIGINAL, original)
    assert full.kind == "full" and is_match(full, strong_evidence=False)


def test_a_long_first_paragraph_left_out_is_not_a_byline() -> None:
    # Only short lines at the top may be missing: an excerpt starting at the second paragraph of
    # a real first paragraph is not a leading part, and one quoted paragraph is no copy.
    c = compare([ORIGINAL[1]], ORIGINAL)
    assert not c.leading_part
    assert not is_match(c, strong_evidence=True)


SHORT_ORIGINAL = [
    "The town council approved a new bicycle lane on Main Street on Monday evening.",
    "Work starts in April and should last six weeks, the mayor said.",
    "Shop owners worry about parking during the works.",
]
SITE_LINES = ["Welcome to the Daily Digest", "Read more at the source", "Subscribe to our weekly newsletter today!"]


@pytest.mark.parametrize(
    ("copy", "kind"),
    [
        ([SITE_LINES[0], *SHORT_ORIGINAL, *SITE_LINES[1:]], "full"),
        ([SITE_LINES[0], SHORT_ORIGINAL[0], *SITE_LINES[1:]], "excerpt"),
        ([*SHORT_ORIGINAL[:2], SITE_LINES[1]], "excerpt"),
    ],
)
def test_copies_and_excerpts_of_a_short_original_match(copy: list[str], kind: str) -> None:
    c = compare(copy, SHORT_ORIGINAL)
    assert c.kind == kind
    assert is_match(c, strong_evidence=False)


def test_a_short_original_quoted_in_another_article_stays_apart() -> None:
    own = article(7, n_paragraphs=3)
    c = compare([own[0], f"« {SHORT_ORIGINAL[0]} »", *own[1:]], SHORT_ORIGINAL, copy_title="Bicycle lane",
                original_title="Bicycle lane")
    assert not is_match(c, strong_evidence=True)


def test_a_full_copy_without_the_originals_comment_count_and_copyright_line_is_full() -> None:
    # Old layouts bring the page's footer into the extracted text of the original.
    body = article(11, n_paragraphs=4)
    original = [*body, "Comments: 3", "© 2024 Northern Meadow. All rights reserved."]
    full = compare([*body, "Source: meadow.example"], original)
    assert full.kind == "full" and is_match(full, strong_evidence=False)
    excerpt = compare([*body[:2], "Source: meadow.example"], original)
    assert excerpt.kind == "excerpt" and is_match(excerpt, strong_evidence=False)
