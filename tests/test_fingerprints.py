"""Text normalisation, hashes, shingles, winnowing and the index/query fingerprint samples."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aggregator.match.fingerprints import (
    DEFAULT_SCHEME,
    FingerprintScheme,
    article_fingerprints,
    containment,
    index_fingerprints,
    lookup_fingerprints,
    normalise,
    query_fingerprints,
    resemblance,
    shingle_hashes,
    shingles,
    text_hash,
    to_signed64,
    winnow,
    words,
    words_hash,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello,   World!", "hello world"),
        ("  leading and trailing\n\n", "leading and trailing"),
        ("L’été dernier, «déjà» vu", "l ete dernier deja vu"),
        ("L'ete dernier, \"deja\" vu", "l ete dernier deja vu"),
        ("ÉCOLE Straße", "ecole strasse"),
        ("naïve café—crème", "naive cafe creme"),
        ("price: 42\u00a0€ (net)", "price 42 net"),
        ("snake_case words", "snake case words"),
        ("हिन्दी भाषा", "हिन्दी भाषा"),
        ("", ""),
        ("¡¿…!?", ""),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


def test_words_are_the_normalised_text_split() -> None:
    text = "Un «texte» — avec des accents: é, è, à."
    assert words(text) == normalise(text).split()


def test_text_hash_ignores_case_typography_and_spacing_only() -> None:
    original = "It's the original text.\n\nSecond paragraph, with a quote: \"yes\"."
    retyped = "IT’S  the original text. Second paragraph — with a quote: «yes»"
    changed = "It's the original text. Second paragraph, with a quote: \"no\"."
    assert text_hash(original) == text_hash(retyped)
    assert text_hash(original) != text_hash(changed)
    assert len(text_hash(original)) == 64
    assert int(text_hash(original), 16) >= 0
    assert words_hash(words(original)) == text_hash(original)


def test_shingles_are_word_k_grams() -> None:
    tokens = ["a", "b", "c", "d", "e"]
    assert shingles(tokens, 3) == {("a", "b", "c"), ("b", "c", "d"), ("c", "d", "e")}
    assert shingles(tokens, 5) == {tuple(tokens)}
    assert shingles(["a", "b"], 3) == {("a", "b")}
    assert shingles([], 3) == set()
    with pytest.raises(ValueError):
        shingles(tokens, 0)


def test_shingle_hashes_are_stable_signed_64_bit_values_in_text_order() -> None:
    # Pinned values: the index stores them, so any change of hash function or of the shingle
    # encoding would silently orphan every stored fingerprint.
    assert shingle_hashes(["the", "quick", "brown", "fox", "jumps"], 4) == [8136938508107280505, -9104566112417160934]
    assert shingle_hashes(["a"], 4) == [-1817709641818812897]
    assert shingle_hashes([], 4) == []
    tokens = [f"w{i % 7}" for i in range(50)]
    hashes = shingle_hashes(tokens, 4)
    assert len(hashes) == len(tokens) - 3
    assert all(-(2**63) <= h < 2**63 for h in hashes)
    # Equal shingles, equal hashes; the order follows the text.
    assert hashes[0] == hashes[7] and hashes[1] == hashes[8]


def test_to_signed64() -> None:
    assert to_signed64(0) == 0
    assert to_signed64(2**63 - 1) == 2**63 - 1
    assert to_signed64(2**63) == -(2**63)
    assert to_signed64(2**64 - 1) == -1


def test_containment_and_resemblance() -> None:
    part, whole = {1, 2, 3}, {1, 2, 3, 4, 5, 6}
    assert containment(part, whole) == 1.0
    assert containment(whole, part) == 0.5
    assert resemblance(part, whole) == 0.5
    assert containment(set(), whole) == 0.0
    assert resemblance(set(), set()) == 0.0
    # The asymmetry that excerpts need: a 30% excerpt has Jaccard near 0.3 with its original.
    original = set(range(100))
    excerpt = set(range(30))
    assert containment(excerpt, original) == 1.0
    assert resemblance(excerpt, original) == pytest.approx(0.3)


@given(st.lists(st.integers(-100, 100), max_size=200), st.integers(1, 20))
def test_winnowing_selects_the_minimum_of_every_window(hashes: list[int], window: int) -> None:
    selected = winnow(hashes, window)
    assert selected == sorted(set(selected))
    if not hashes:
        assert selected == []
        return
    chosen = set(selected)
    for start in range(max(1, len(hashes) - window + 1)):
        span = range(start, min(len(hashes), start + window))
        # Every window holds a selected position, and it is the window's minimum.
        picked = [i for i in span if i in chosen]
        assert picked
        assert min(hashes[i] for i in picked) == min(hashes[i] for i in span)


def test_winnowing_density_and_shared_runs() -> None:
    rng = random.Random(1)
    tokens = [f"w{rng.randrange(5000)}" for _ in range(3000)]
    hashes = shingle_hashes(tokens, 4)
    window = 20
    selected = winnow(hashes, window)
    # Expected density 2 / (w + 1).
    assert len(selected) / len(hashes) == pytest.approx(2 / (window + 1), rel=0.25)
    # A copy sharing any run of `window` shingles shares a selected fingerprint.
    copy = [f"x{rng.randrange(5000)}" for _ in range(100)] + tokens[1000 : 1000 + window + 3]
    copy_selected = {shingle_hashes(copy, 4)[i] for i in winnow(shingle_hashes(copy, 4), window)}
    assert copy_selected & {hashes[i] for i in selected}
    with pytest.raises(ValueError):
        winnow(hashes, 0)


def _text(rng: random.Random, n_words: int) -> list[str]:
    return [f"w{rng.randrange(20_000)}" for _ in range(n_words)]


@pytest.mark.parametrize("seed", range(20))
def test_query_finds_every_index_fingerprint_of_a_full_copy(seed: int) -> None:
    rng = random.Random(seed)
    original = _text(rng, rng.randrange(50, 3000))
    copy = ["originally", "published", "at", "example", "net", *original, "share", "this"]
    stored = set(index_fingerprints(original))
    assert stored
    assert stored <= set(query_fingerprints(copy))


@pytest.mark.parametrize("seed", range(20))
def test_query_of_an_excerpt_finds_the_stored_lead_inside_it(seed: int) -> None:
    rng = random.Random(seed)
    original = _text(rng, rng.randrange(300, 2000))
    excerpt = original[: rng.randrange(40, 150)]
    stored = set(index_fingerprints(original))
    shared_shingles = set(shingle_hashes(excerpt, DEFAULT_SCHEME.shingle_words))
    # Everything stored that lies inside the excerpt is looked up...
    assert stored & shared_shingles <= set(query_fingerprints(excerpt))
    # ...and the lead is dense enough that an excerpt of a paragraph or two shares some.
    lead = set(shingle_hashes(original[: DEFAULT_SCHEME.lead_shingles + 3], DEFAULT_SCHEME.shingle_words))
    assert len(stored & lead) >= 1 or len(excerpt) < DEFAULT_SCHEME.lead_shingles


def test_index_fingerprints_per_article_are_bounded_whatever_the_length() -> None:
    rng = random.Random(3)
    scheme = DEFAULT_SCHEME
    bound = scheme.lead_shingles + scheme.body_count
    sizes = [len(index_fingerprints(_text(rng, n))) for n in (100, 1000, 10_000, 50_000)]
    assert all(size <= bound for size in sizes)
    # Long texts do not store more than short ones: the body sample is a fixed count.
    assert sizes[-1] <= scheme.lead_shingles // scheme.lead_rate * 3 + scheme.body_count
    assert index_fingerprints([]) == []
    assert query_fingerprints([]) == []


def test_unrelated_texts_share_no_index_fingerprints() -> None:
    rng = random.Random(4)
    stored = set(index_fingerprints(_text(rng, 800)))
    assert not stored & set(query_fingerprints(_text(rng, 800)))


def test_scheme_validation() -> None:
    with pytest.raises(ValueError):
        FingerprintScheme(lead_rate=0)
    with pytest.raises(ValueError):
        FingerprintScheme(lead_shingles=100, query_lead_shingles=50)


def test_a_short_original_is_found_by_an_excerpt_of_its_first_paragraph() -> None:
    # Three short paragraphs: the excerpt's dozen shingles often include no sampled one, but the
    # short original also keeps its paragraphs' keys, which the excerpt looks up.
    rng = random.Random(11)
    missed = 0
    for _ in range(200):
        paragraphs = [" ".join(_text(rng, rng.randint(12, 20))) for _ in range(3)]
        stored = set(article_fingerprints(paragraphs))
        excerpt = lookup_fingerprints(["Welcome to the digest", paragraphs[0], "Read more at the source"])
        missed += not stored & set(excerpt)
    assert missed == 0


def test_long_originals_keep_no_paragraph_keys() -> None:
    rng = random.Random(12)
    paragraphs = [" ".join(_text(rng, 80)) for _ in range(5)]
    tokens = [w for p in paragraphs for w in words(p)]
    assert article_fingerprints(paragraphs) == index_fingerprints(tokens)


@given(st.lists(st.text(alphabet=st.sampled_from("aZé e\u0301ß_-’ \u00a0\u0915\u093f\u0e31\u0301.ÅΣ9"), max_size=12),
                max_size=6))
def test_text_hash_is_the_hash_of_the_texts_words(lines: list[str]) -> None:
    # text_hash tokenises line by line (memoised per line): the words must be the whole text's.
    for separator in ("\n", "\n\n", "\n \n"):
        text = separator.join(lines)
        assert text_hash(text) == words_hash(words(text))
