"""Real text for generated webs: a pool of sentences from real articles and real feeds.

The pool is made of the article-extraction benchmark's ground-truth bodies and the entries of
the 200 real feeds (corpora/ in the shared test data beside the project): split into sentences,
filtered (no URLs, no credit lines, no share/subscribe chatter, no fragments), deduplicated, and
shuffled with the web's seed. Titles come from the real feeds' entry titles.

Articles draw their sentences with `SentenceStream`: pass after pass over the shuffled pool, each
pass with its own stride, chosen so that two articles never share more than one sentence (see
`SentenceStream`). Within one pass no sentence is used twice.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

MIN_SENTENCE_WORDS, MAX_SENTENCE_WORDS = 6, 45
MIN_LANGUAGE_SENTENCES = 3000
"""A language gets its own partner blogs only when the pool holds this many of its sentences."""

_SPLIT = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[\"“‘(]?[A-Z0-9À-Ý])")
_ABBREVIATION = re.compile(r"^(?:[A-Za-z]\.)+$|^(?:mr|mrs|ms|dr|prof|st|vs|no|fig|inc|jr|sr|approx)\.$", re.I)
_WORD = re.compile(r"\w+", re.UNICODE)
# Sentences that would read as a credit line, a call to action or page chrome in a generated
# page: the attribution parser must find credits only where the generator put them.
_JUNK = re.compile(
    r"https?:|www\.|@|©|\.com\b|\.org\b|\.net\b|\bsources?\s*:|\bvia\b|\bquelle\b|\bfuente\b|\bcredit"
    r"|originally|first (?:appeared|published)|appeared (?:first|on)|republish|reprint|syndicat"
    r"|read (?:more|the|full)|continue reading|click|subscribe|newsletter|sign up|unsubscribe|cookie"
    r"|all rights|copyright|comments?\b|share this|follow (?:us|me)|sponsor|advertis|podcast|episode"
    r"|patreon|donat|affiliate|\bpost\b|\bblog|\bfeed\b|\brss\b|\bemail\b|\btweet|twitter|facebook",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TextPool:
    """Sentences per language (deduplicated, shuffled) and real titles per language."""

    sentences: dict[str, tuple[str, ...]]
    titles: dict[str, tuple[str, ...]]
    vocabulary: tuple[str, ...]
    """Plain words of the English sentences, for edited copies' word changes."""

    def languages(self) -> list[str]:
        """Languages with enough sentences for articles of their own, English first."""
        usable = [lang for lang, s in self.sentences.items() if len(s) >= MIN_LANGUAGE_SENTENCES]
        return sorted(usable, key=lambda lang: (lang != "en", -len(self.sentences[lang]), lang))


def split_sentences(paragraph: str) -> list[str]:
    """The sentences of a paragraph (a simple punctuation-and-capital rule)."""
    return [s.strip() for s in _SPLIT.split(" ".join(paragraph.split())) if s.strip()]


def usable_sentence(sentence: str) -> bool:
    """Whether a sentence can stand alone in a generated article."""
    words = sentence.split()
    if not MIN_SENTENCE_WORDS <= len(words) <= MAX_SENTENCE_WORDS:
        return False
    if not (sentence[0].isupper() or sentence[0] in "\"“‘(") or sentence[-1] not in ".!?\"”’)":
        return False
    if _ABBREVIATION.search(words[-1]):  # "i.e.", "Mr.", "J.": the split came too early
        return False
    letters = sum(c.isalpha() for c in sentence)
    if letters < 0.75 * sum(not c.isspace() for c in sentence):
        return False
    return not _JUNK.search(sentence)


def sentence_key(sentence: str) -> str:
    """The sentence's words, lower-cased: equal keys are the same sentence."""
    return " ".join(_WORD.findall(sentence.lower()))


def _corpus_file(sites: Path, url: str) -> Path:
    # The layout of corpora/real-feeds: sites/host/path, index.html for directories.
    parts = urlsplit(url)
    rel = unquote(parts.path).lstrip("/")
    path = sites / (parts.hostname or "") / rel
    return path / "index.html" if rel == "" or rel.endswith("/") else path


def _html_paragraphs(markup: str) -> list[str]:
    import lxml.html

    if not markup.strip():
        return []
    try:
        root = lxml.html.fromstring(f"<div>{markup}</div>")
    except (ValueError, lxml.etree.ParserError):
        return []
    paragraphs = [p.text_content() for p in root.iter("p")]
    if not paragraphs:
        paragraphs = root.text_content().split("\n")
    return [" ".join(p.split()) for p in paragraphs if p.strip()]


def _feed_documents(corpus: Path) -> Iterator[tuple[str, list[str]]]:
    """(title, paragraphs) of every entry of every real feed, in the corpus's order."""
    import feedparser

    for record in json.loads((corpus / "feeds.json").read_text(encoding="utf-8")):
        path = _corpus_file(corpus / "sites", record["url"])
        if not path.is_file():
            continue
        body = path.read_bytes()
        if body.lstrip()[:1] == b"{":
            try:
                items = json.loads(body).get("items", [])
            except ValueError:
                continue
            for item in items:
                markup = item.get("content_html") or item.get("summary") or ""
                yield str(item.get("title") or ""), _html_paragraphs(markup)
            continue
        parsed = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
        for entry in parsed.entries:
            content = entry.get("content") or []
            markup = (content[0].get("value") if content else None) or entry.get("summary") or ""
            yield str(entry.get("title") or ""), _html_paragraphs(markup)


def _ground_truth_documents(corpus: Path) -> Iterator[tuple[str, list[str]]]:
    truth = json.loads((corpus / "ground-truth.json").read_text(encoding="utf-8"))
    for key in sorted(truth):
        yield "", [p for p in truth[key]["articleBody"].split("\n") if p.strip()]


def _usable_title(title: str) -> bool:
    title = " ".join(title.split())
    return 3 <= len(title.split()) <= 14 and not re.search(r"https?:|www\.|[<>{}|]|\.com\b", title)


POOL_FORMAT = 2
"""Bumped whenever the pool's making changes, so that a cached pool is rebuilt."""


def load_text_pool(corpora: Path, seed: int, cache_dir: Path | None = None) -> TextPool:
    """The sentence pool of the corpora under ``corpora``, shuffled with ``seed`` (deterministic).

    Reading the corpora takes some seconds (parsing 200 feeds, detecting languages); with
    ``cache_dir`` the unshuffled pool is kept there, keyed by the corpus files' sizes and times.
    """
    cache = None
    if cache_dir is not None:
        stamp: list[object] = [POOL_FORMAT]
        for name in ("article-extraction-benchmark/ground-truth.json", "real-feeds/feeds.json"):
            info = (corpora / name).stat()
            stamp += [name, info.st_size, int(info.st_mtime)]
        cache = cache_dir / f"text-pool-{hashlib.sha256(json.dumps(stamp).encode()).hexdigest()[:16]}.json.gz"
    if cache is not None and cache.is_file():
        data = json.loads(gzip.decompress(cache.read_bytes()))
        sentences, titles = data["sentences"], data["titles"]
    else:
        sentences, titles = _read_corpora(corpora)
        if cache is not None:
            cache.parent.mkdir(parents=True, exist_ok=True)
            part = cache.with_suffix(".part")
            part.write_bytes(gzip.compress(json.dumps({"sentences": sentences, "titles": titles}).encode()))
            part.replace(cache)
    rng = random.Random(f"{seed}-pool")
    for pool in (*sentences.values(), *titles.values()):
        rng.shuffle(pool)
    english = sentences.get("en", [])
    vocabulary = sorted({w for s in english[:20000] for w in s.split() if w.isalpha() and 3 <= len(w) <= 10
                         and w.islower()})
    return TextPool(sentences={k: tuple(v) for k, v in sentences.items()},
                    titles={k: tuple(v) for k, v in titles.items()}, vocabulary=tuple(vocabulary))


def _read_corpora(corpora: Path) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Usable sentences and titles per language, in corpus order, deduplicated."""
    import py3langid

    sentences: dict[str, list[str]] = {}
    titles: dict[str, list[str]] = {}
    seen: set[str] = set()
    documents = [
        *_ground_truth_documents(corpora / "article-extraction-benchmark"),
        *_feed_documents(corpora / "real-feeds"),
    ]
    for title, paragraphs in documents:
        if not paragraphs:
            continue
        language = py3langid.classify(" ".join(paragraphs)[:800])[0]
        kept = 0
        for paragraph in paragraphs:
            for sentence in split_sentences(paragraph):
                if not usable_sentence(sentence):
                    continue
                words = sentence_key(sentence).split()
                # The whole sentence, and its opening and closing words: near-repeats count as repeats.
                keys = (" ".join(words), "<" + " ".join(words[:7]), ">" + " ".join(words[-7:]))
                if any(k in seen for k in keys):
                    continue
                seen.update(keys)
                sentences.setdefault(language, []).append(sentence)
                kept += 1
        title = " ".join(title.split())
        if kept and _usable_title(title) and title.lower() not in seen:
            seen.add(title.lower())
            titles.setdefault(language, []).append(title)
    return sentences, titles


class SentenceStream:
    """Sentences for one language's articles, drawn so that two articles share at most one sentence.

    Pass p reads the pool at positions ``offset_p + k * stride_p`` (mod n), k = 0..n-1: a
    permutation, so no sentence repeats within a pass. An article takes ``count`` consecutive
    positions of one pass. Two articles of passes p and q share two sentences only if
    ``d1 * stride_p == d2 * stride_q`` (mod n) for some 0 < |d1|, |d2| < max_count; strides are
    picked (deterministically) so that this never holds. Articles of one pass share nothing.
    """

    def __init__(self, sentences: Sequence[str], rng: random.Random, max_count: int) -> None:
        if len(sentences) < 2 * max_count:
            raise ValueError(f"only {len(sentences)} sentences: too few for articles of {max_count}")
        self.sentences = sentences
        self.rng = rng
        self.max_count = max_count
        self.passes = 0
        self.strides: list[int] = []
        self._forbidden: set[int] = set()
        self._start_pass()

    def _start_pass(self) -> None:
        n, span = len(self.sentences), self.max_count
        stride = 1
        for attempt in range(2000):
            stride = 1 if not self.strides and attempt == 0 else self.rng.randrange(2, n - 1)
            if _gcd(stride, n) != 1:
                continue
            if all((d * stride) % n not in self._forbidden for d in range(1, span)):
                break
        # Every multiple a later pass must avoid (both signs: a pair may come back reversed).
        for d in range(1, span):
            self._forbidden.add((d * stride) % n)
            self._forbidden.add((-d * stride) % n)
        self.strides.append(stride)
        self.offset = self.rng.randrange(n)
        self.position = 0
        self.passes += 1

    def take(self, count: int) -> list[str]:
        """The next ``count`` sentences (count <= max_count), all from one pass."""
        count = min(count, self.max_count)
        n = len(self.sentences)
        if self.position + count > n:
            self._start_pass()
        stride, offset, start = self.strides[-1], self.offset, self.position
        self.position += count
        return [self.sentences[(offset + (start + k) * stride) % n] for k in range(count)]


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a


def longest_shared_run(a: Sequence[str], b: Sequence[str]) -> int:
    """The length of the longest run of consecutive words two word sequences have in common."""

    def shares(k: int) -> bool:
        grams = {tuple(a[i : i + k]) for i in range(len(a) - k + 1)}
        return any(tuple(b[i : i + k]) in grams for i in range(len(b) - k + 1))

    low, high = 0, min(len(a), len(b))  # shares(low) holds; find the largest such k
    while low < high:
        middle = (low + high + 1) // 2
        if shares(middle):
            low = middle
        else:
            high = middle - 1
    return low
