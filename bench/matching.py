"""Matching benchmark: find the original of full copies, excerpts and edited copies at scale.

Generates a corpus of synthetic articles (Zipfian vocabulary, stock phrases shared across
articles, realistic paragraph and article lengths) with near-duplicate originals among them (the
same press release on two partners, an updated version, articles sharing an intro), and stores
them as processing does (text, text hash, `article_fingerprints`) in the real `articles` and
`article_fingerprints` tables. Then each query goes through the product's own matching function,
`aggregator.match.graph.find_original` (candidates from claims, exact text and the fingerprint
index; every candidate verified; the best kept), after deriving the copy's keys as processing
does. Reports recall per kind, false matches (near-duplicates included), p50/p99 wall and CPU
time per look-up and index bytes per article, on SQLite and/or PostgreSQL; optionally the same
queries against datasketch MinHashLSH (several Jaccard thresholds) and MinHashLSHEnsemble
(containment), built from MinHashes computed outside the timed build.

The scheme and the common-hash cap were tuned on TUNING_SEED; scoring runs use SCORING_SEED.

    python -m bench.matching --articles 200000 --engines sqlite,postgresql
    python -m bench.matching --articles 20000 --queries 200          # smoke run
    python -m bench.matching --articles 20000 --minhash              # beside MinHash LSH
    python -m bench.matching --articles 20000 --seed 20241128 --tune  # cap sweep on the tuning seed

SQLite databases are written under .bench/ (gitignored), PostgreSQL ones as
bench_matching_<articles>_<seed> on the --postgres-url server; both are reused by later runs with
the same corpus parameters (pass --rebuild to regenerate).
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import multiprocessing
import os
import platform
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

import aggregator.match.graph as match_graph
from aggregator.match.decide import CopyRecord, MatchDecision, evaluate
from aggregator.match.fingerprints import (
    DEFAULT_SCHEME,
    FingerprintScheme,
    article_fingerprints,
    index_fingerprints,
    lookup_fingerprints,
    query_fingerprints,
    shingle_hashes,
    text_hash,
    winnow,
)
from aggregator.match.graph import MAX_INDEX_CANDIDATES, find_original, load_originals
from aggregator.match.keys import copy_keys
from aggregator.match.similarity import paragraph_words
from aggregator.textutil import join_paragraphs
from storage.articles import Article, public_article_id
from storage.base import Base
from storage.engine import get_engine
from storage.fingerprints import MAX_ARTICLES_PER_HASH, find_candidates

MINHASH_SHINGLE_WORDS = 5
"""MinHash LSH estimates Jaccard similarity of word 5-gram sets, its usual set-up."""

POSITIVE_KINDS = ("full", "excerpt", "edited")
NEGATIVE_KINDS = ("unrelated", "quote", "same_title")
BENCH_HOST = "bench.example.org"
SECOND_HOST = "wire.example.org"
"""A second partner: the other home of a press release published on two partners."""
COPY_SITE = "republisher.example.net"

TUNING_SEED = 20241128
"""The seed the fingerprint scheme and the common-hash cap were chosen on (`--tune`, `--schemes`).
Scoring runs use another seed (`SCORING_SEED`): corpus and queries the parameters never saw."""
SCORING_SEED = 7

FAMILY_PERIOD = 500
"""Every FAMILY_PERIOD articles, three near-duplicates of the article just before them are
stored (see `CorpusGenerator.family`)."""
FAMILIES = {2: "press_release", 4: "updated", 6: "shared_intro"}
"""Position in the period -> kind of near-duplicate of the previous article."""

# ---------------------------------------------------------------------------------------------
# Corpus


@dataclass(frozen=True)
class Doc:
    """A generated article or copy: title and paragraphs."""

    title: str
    paragraphs: tuple[str, ...]


_CONSONANTS = [*"bcdfghjklmnprstvz", "ch", "tr", "br", "st", "gn", "qu"]
_VOWELS = [*"aeiou", "é", "è", "à", "ou", "ai", "ü", "ei"]
BOILERPLATE_BEFORE = (
    "SOURCE : {host}",
    "Originally published at https://{host}/ by the author.",
    "PAR: {author}",
    "This article first appeared on {host}. Republished with permission.",
)
BOILERPLATE_AFTER = (
    "Read more on {host}",
    "Share this: Twitter, Facebook, LinkedIn, Email",
    "Lire la suite sur: https://{host}/",
    "Related posts: subscribe to our newsletter to receive the next articles.",
)


class CorpusGenerator:
    """Deterministic synthetic articles: article `i` is the same on every run and machine."""

    def __init__(self, seed: int, vocabulary_size: int = 40_000, phrases: int = 5_000) -> None:
        self.seed = seed
        rng = np.random.default_rng(seed)
        vocabulary: set[str] = set()
        while len(vocabulary) < vocabulary_size:
            syllables = int(rng.integers(1, 5))
            vocabulary.add(
                "".join(
                    _CONSONANTS[int(rng.integers(len(_CONSONANTS)))] + _VOWELS[int(rng.integers(len(_VOWELS)))]
                    for _ in range(syllables)
                )
            )
        # Short words are the frequent ones, as in natural language.
        self.vocabulary = np.array(sorted(vocabulary, key=lambda w: (len(w), w)), dtype=object)
        # Zipf–Mandelbrot rank frequencies, like word frequencies in real text.
        ranks = np.arange(1, vocabulary_size + 1, dtype=np.float64)
        self.word_cdf = np.cumsum(1.0 / (ranks + 2.7))
        self.word_cdf /= self.word_cdf[-1]
        # Stock phrases ("as a matter of fact"...) recur across articles, some very often:
        # they are what the index must learn to ignore.
        self.phrases = [
            " ".join(self._words(rng, int(rng.integers(4, 9)))) for _ in range(phrases)
        ]
        phrase_ranks = np.arange(1, phrases + 1, dtype=np.float64)
        self.phrase_cdf = np.cumsum(1.0 / phrase_ranks)
        self.phrase_cdf /= self.phrase_cdf[-1]

    def _words(self, rng: np.random.Generator, n: int) -> list[str]:
        words_: list[str] = self.vocabulary[np.searchsorted(self.word_cdf, rng.random(n))].tolist()
        return words_

    def _paragraphs(self, rng: np.random.Generator, lengths: Sequence[int]) -> tuple[str, ...]:
        """Paragraphs of the given word counts: sentences of 6 to 23 words, a stock phrase in a
        quarter of them, a comma in some."""
        total = int(sum(lengths))
        tokens = self._words(rng, total)
        # Every random choice of the article at once: numpy calls are the slow part.
        n = total // 6 + len(lengths) + 1
        sentence_lengths = rng.integers(6, 24, size=n).tolist()
        with_phrase = (rng.random(n) < 0.25).tolist()
        phrases = np.searchsorted(self.phrase_cdf, rng.random(n)).tolist()
        positions = rng.random(n).tolist()
        with_comma = (rng.random(n) < 0.3).tolist()
        paragraphs = []
        i = 0
        start = 0
        for length in lengths:
            stop = start + int(length)
            sentences = []
            while start < stop:
                end = min(stop, start + sentence_lengths[i])
                sentence = tokens[start:end]
                if with_phrase[i]:
                    sentence.insert(int(positions[i] * (len(sentence) + 1)), self.phrases[phrases[i]])
                if with_comma[i] and len(sentence) > 8:
                    sentence[len(sentence) // 2] += ","
                line = " ".join(sentence)
                sentences.append(line[0].upper() + line[1:] + ".")
                start = end
                i += 1
            paragraphs.append(" ".join(sentences))
        return tuple(paragraphs)

    def _rng(self, key: int) -> np.random.Generator:
        return np.random.default_rng([self.seed, key])

    @staticmethod
    def family(article_id: int) -> str | None:
        """The kind of near-duplicate stored article `article_id` is of article `article_id - 1`:

        - press_release: the same title and text, on the other partner (the same release
          published by two partners);
        - updated: the same article updated: its lead paragraph rewritten (a fifth of its words
          changed) and a paragraph added at the end;
        - shared_intro: another article opening with the same first paragraph.
        """
        return FAMILIES.get(article_id % FAMILY_PERIOD)

    def article(self, article_id: int) -> Doc:
        """Stored article `article_id` (with its near-duplicates, see `family`)."""
        family = self.family(article_id)
        if family is None:
            return self.base_article(article_id)
        before = self.base_article(article_id - 1)
        if family == "press_release":
            return before
        if family == "updated":
            rng = self._rng(10**12 + article_id)  # not the key of any generated article
            lead = self.replace_words(rng, before.paragraphs[0], 0.2)
            return Doc(before.title, (lead, *before.paragraphs[1:], self.extra_paragraph(rng)))
        own = self.base_article(article_id)
        return Doc(own.title, (before.paragraphs[0], *own.paragraphs[1:]))

    def source_of(self, article_id: int) -> int:
        """The source (1 or 2) of stored article `article_id`."""
        return 2 if self.family(article_id) == "press_release" else 1

    def base_article(self, article_id: int) -> Doc:
        """Article `article_id` before any near-duplicate: 3 to 40 paragraphs of 12 to 300 words
        (median about 500 words)."""
        rng = self._rng(article_id)
        n_paragraphs = int(np.clip(round(rng.lognormal(math.log(7), 0.45)), 3, 40))
        lengths = np.clip(rng.lognormal(math.log(60), 0.5, n_paragraphs), 12, 300).astype(int).tolist()
        title = " ".join(self._words(rng, int(rng.integers(4, 11)))).capitalize()
        return Doc(title, self._paragraphs(rng, lengths))

    def extra_paragraph(self, rng: np.random.Generator) -> str:
        """A new paragraph of typical length."""
        return self._paragraphs(rng, [int(np.clip(rng.lognormal(math.log(60), 0.5), 12, 300))])[0]

    def replace_words(self, rng: np.random.Generator, paragraph: str, share: float) -> str:
        """`paragraph` with about `share` of its words replaced by other words."""
        tokens = paragraph.split(" ")
        for i in np.flatnonzero(rng.random(len(tokens)) < share):
            tokens[i] = self._words(rng, 1)[0]
        return " ".join(tokens)


def article_url(article_id: int, source_id: int = 1) -> str:
    """The URL of generated article `article_id`."""
    return f"https://{BENCH_HOST if source_id == 1 else SECOND_HOST}/{article_id}"


def boilerplate(rng: np.random.Generator, templates: Sequence[str]) -> str:
    """One boilerplate line, as a republisher adds around a copy."""
    line = templates[int(rng.integers(len(templates)))]
    return line.format(host=f"blog{int(rng.integers(1000))}.example.net", author="Alexis Mouthon")


def typographic(paragraph: str) -> str:
    """The same text as a CMS with typographic conventions would render it."""
    return paragraph.replace(", ", "\u202f, ").replace(" ", "\u00a0", 3)


def make_full_copy(gen: CorpusGenerator, rng: np.random.Generator, original: Doc) -> Doc:
    """The whole article with typographic changes and boilerplate before and after."""
    body = [typographic(p) for p in original.paragraphs]
    before = [boilerplate(rng, BOILERPLATE_BEFORE)] if rng.random() < 0.7 else []
    after = [boilerplate(rng, BOILERPLATE_AFTER) for _ in range(int(rng.integers(1, 3)))]
    return Doc(original.title, (*before, *body, *after))


def make_excerpt(gen: CorpusGenerator, rng: np.random.Generator, original: Doc, min_keep: int = 1) -> Doc:
    """The first 20% to 50% of the paragraphs (at least `min_keep`) and a read-more line."""
    n = len(original.paragraphs)
    keep = max(min_keep, round(n * rng.uniform(0.2, 0.5)))
    return Doc(original.title, (*original.paragraphs[:keep], boilerplate(rng, BOILERPLATE_AFTER)))


def make_edited(gen: CorpusGenerator, rng: np.random.Generator, original: Doc) -> Doc:
    """About 10% of the words changed, one paragraph added or dropped, the title changed half the time."""
    paragraphs = [gen.replace_words(rng, p, 0.10) for p in original.paragraphs]
    position = int(rng.integers(len(paragraphs)))
    if rng.random() < 0.5:
        paragraphs.insert(position, gen.extra_paragraph(rng))
    else:
        del paragraphs[position]
    title = gen.replace_words(rng, original.title, 0.5) if rng.random() < 0.5 else original.title
    return Doc(title, tuple(paragraphs))


def make_quote(gen: CorpusGenerator, rng: np.random.Generator, own: Doc, quoted: Doc) -> Doc:
    """An unrelated article that quotes one paragraph of a stored article."""
    paragraphs = list(own.paragraphs)
    paragraph = quoted.paragraphs[int(rng.integers(len(quoted.paragraphs)))]
    paragraphs.insert(int(rng.integers(len(paragraphs) + 1)), f"\u201c{paragraph}\u201d")
    return Doc(own.title, tuple(paragraphs))


@dataclass(frozen=True)
class Query:
    """A look-up: the copy's text, the stored article it comes from (None for negatives), and the
    stored articles a match to which is right (its own, and an identical twin: a press release
    stored on two partners has two right answers)."""

    kind: str
    doc: Doc
    original_id: int | None
    accepted: frozenset[int] = frozenset()
    family: str | None = None
    """For a copy of a near-duplicate original: press_release, updated or shared_intro (of the
    near-duplicate), or the same followed by "_base" (of the article it duplicates)."""


def family_of(target: int) -> tuple[str | None, frozenset[int]]:
    """Which near-duplicate family stored article `target` belongs to, and the right answers for
    a copy of it."""
    own = CorpusGenerator.family(target)
    if own is not None:
        return own, frozenset({target, target - 1} if own == "press_release" else {target})
    after = CorpusGenerator.family(target + 1)
    if after is not None:
        return f"{after}_base", frozenset({target, target + 1} if after == "press_release" else {target})
    return None, frozenset({target})


def make_copy(gen: CorpusGenerator, rng: np.random.Generator, kind: str, target: int) -> Query:
    """A copy of stored article `target` of a positive `kind`."""
    original = gen.article(target)
    family, accepted = family_of(target)
    if kind == "full":
        doc = make_full_copy(gen, rng, original)
    elif kind == "excerpt":
        # Articles sharing their first paragraph: an excerpt of that paragraph alone is a copy of
        # both, so their excerpts keep two paragraphs at least.
        doc = make_excerpt(gen, rng, original, min_keep=2 if family and "shared_intro" in family else 1)
    else:
        doc = make_edited(gen, rng, original)
    return Query(kind, doc, target, accepted, family)


def make_queries(gen: CorpusGenerator, *, articles: int, per_kind: int, seed: int,
                 family_share: float = 0.1) -> list[Query]:
    """`per_kind` queries of every positive and negative kind, interleaved; then, for each kind of
    near-duplicate family, side of it (the near-duplicate, the article it duplicates) and positive
    kind, `family_share * per_kind` copies of family members."""
    rng = np.random.default_rng([seed, 7919])
    fresh = iter(range(10 * articles + 1, 10**12))  # generated but never stored
    out: list[Query] = []
    for _ in range(per_kind):
        for kind in (*POSITIVE_KINDS, *NEGATIVE_KINDS):
            target = int(rng.integers(1, articles + 1))
            original = gen.article(target)
            if kind in POSITIVE_KINDS:
                out.append(make_copy(gen, rng, kind, target))
            elif kind == "unrelated":
                out.append(Query(kind, gen.article(next(fresh)), None))
            elif kind == "quote":
                out.append(Query(kind, make_quote(gen, rng, gen.article(next(fresh)), original), None))
            else:
                own = gen.article(next(fresh))
                out.append(Query(kind, Doc(original.title, own.paragraphs), None))
    groups = articles // FAMILY_PERIOD
    if groups:
        for _ in range(max(1, round(per_kind * family_share))):
            for position in FAMILIES:
                for side in (0, -1):
                    for kind in POSITIVE_KINDS:
                        target = int(rng.integers(groups)) * FAMILY_PERIOD + position + side
                        if target >= 1:
                            out.append(make_copy(gen, rng, kind, target))
    return out


# ---------------------------------------------------------------------------------------------
# Loading


def text_words(paragraphs: Sequence[str]) -> list[str]:
    """Words of a text given as paragraphs (the same as `words` of the joined text), through the
    memo that `compare` then reuses for the copy's paragraphs."""
    return [w for paragraph in paragraphs for w in paragraph_words(paragraph)]


def _generate_chunk(args: tuple[int, int, int]) -> tuple[list[tuple[Any, ...]], np.ndarray]:
    seed, first, last = args
    gen = _worker_generator(seed)
    rows = []
    pairs: list[tuple[int, int]] = []
    for article_id in range(first, last):
        doc = gen.article(article_id)
        source_id = gen.source_of(article_id)
        # The rows processing stores for a partner's article: its text, `text_hash` and
        # `article_fingerprints` (the same functions `aggregator.process.derive` calls).
        body = join_paragraphs(list(doc.paragraphs))
        url = article_url(article_id, source_id)
        rows.append((article_id, public_article_id(url), url, doc.title, body, text_hash(body), source_id))
        pairs.extend((h, article_id) for h in article_fingerprints(doc.paragraphs))
    return rows, np.array(pairs, dtype=np.int64).reshape(-1, 2)


_GENERATORS: dict[int, CorpusGenerator] = {}


def _worker_generator(seed: int) -> CorpusGenerator:
    if seed not in _GENERATORS:
        _GENERATORS[seed] = CorpusGenerator(seed)
    return _GENERATORS[seed]


def generate(seed: int, articles: int, workers: int, chunk: int = 2000) -> Iterator[
    tuple[list[tuple[Any, ...]], np.ndarray]
]:
    """Article rows and (hash, article_id) fingerprint pairs, chunk by chunk, in id order."""
    tasks = [(seed, first, min(first + chunk, articles + 1)) for first in range(1, articles + 1, chunk)]
    if workers <= 1:
        yield from map(_generate_chunk, tasks)
        return
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        yield from pool.imap(_generate_chunk, tasks)


class Loader:
    """Bulk-loads one database: articles, then fingerprints, then the secondary index."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self.raw: Any = None
        self.pairs: list[np.ndarray] = []
        self.now = datetime.now(UTC).replace(tzinfo=None)

    def start(self) -> None:
        """Create the schema from the models, a source row, and drop what is rebuilt after loading."""
        Base.metadata.drop_all(self.engine)
        Base.metadata.create_all(self.engine)
        self.engine.dispose()
        self.raw = self.engine.raw_connection()
        cur = self.raw.cursor()
        if self.dialect == "sqlite":
            # Bench-only: no durability needed while bulk loading a throw-away database.
            for pragma in ("synchronous=OFF", "foreign_keys=OFF", "cache_size=-1000000"):
                cur.execute(f"PRAGMA {pragma}")
            cur.execute("DROP INDEX ix_article_fingerprints_article_id")
        else:
            cur.execute("ALTER TABLE article_fingerprints DROP CONSTRAINT fk_article_fingerprints_article_id_articles")
            cur.execute("ALTER TABLE article_fingerprints DROP CONSTRAINT pk_article_fingerprints")
            cur.execute("DROP INDEX ix_article_fingerprints_article_id")
        for source_id, host in ((1, BENCH_HOST), (2, SECOND_HOST)):
            cur.execute(
                "INSERT INTO sources (id, host, name, home_url, role, sitemap_urls, settings, created_at, updated_at) "
                f"VALUES ({source_id}, '{host}', '{host}', 'https://{host}/', 'partner', '[]', '{{}}', "
                f"'{self.now.isoformat(' ')}', '{self.now.isoformat(' ')}')"
            )
        self.raw.commit()

    def add(self, rows: list[tuple[Any, ...]], pairs: np.ndarray) -> None:
        """Insert a chunk of articles; keep their fingerprints for the end."""
        cur = self.raw.cursor()
        columns = ["id", "public_id", "url", "title", "text", "text_hash", "source_id", "created_at", "updated_at"]
        full = [(*r, self.now, self.now) for r in rows]
        # Columns the article model gained that a bench row must fill: the URL is already in
        # normal form, so it is its own key.
        if "url_key" in Article.__table__.columns:
            columns.append("url_key")
            full = [(*r, r[2]) for r in full]
        names = ", ".join(columns)
        if self.dialect == "sqlite":
            cur.executemany(f"INSERT INTO articles ({names}) VALUES ({', '.join('?' * len(columns))})", full)
        else:
            with cur.copy(f"COPY articles ({names}) FROM STDIN") as copy:
                for row in full:
                    copy.write_row(row)
        self.raw.commit()
        self.pairs.append(pairs)

    def finish(self) -> None:
        """Insert every fingerprint (sorted by the primary key) and build the indexes."""
        pairs = np.concatenate(self.pairs) if self.pairs else np.zeros((0, 2), dtype=np.int64)
        self.pairs = []
        pairs = pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]
        cur = self.raw.cursor()
        if self.dialect == "sqlite":
            cur.executemany(
                "INSERT INTO article_fingerprints (hash, article_id) VALUES (?, ?)",
                ((int(h), int(a)) for h, a in pairs),
            )
            cur.execute("CREATE INDEX ix_article_fingerprints_article_id ON article_fingerprints (article_id)")
            self.raw.commit()
            cur.execute("ANALYZE")
        else:
            with cur.copy("COPY article_fingerprints (hash, article_id) FROM STDIN") as copy:
                for h, a in pairs:
                    copy.write_row((int(h), int(a)))
            cur.execute(
                "ALTER TABLE article_fingerprints ADD CONSTRAINT pk_article_fingerprints PRIMARY KEY (hash, article_id)"
            )
            cur.execute("CREATE INDEX ix_article_fingerprints_article_id ON article_fingerprints (article_id)")
            cur.execute(
                "ALTER TABLE article_fingerprints ADD CONSTRAINT fk_article_fingerprints_article_id_articles "
                "FOREIGN KEY (article_id) REFERENCES articles (id) ON DELETE CASCADE"
            )
            self.raw.commit()
            driver = self.raw.driver_connection
            driver.autocommit = True  # VACUUM runs outside a transaction
            driver.execute("VACUUM ANALYZE article_fingerprints")
            driver.execute("VACUUM ANALYZE articles")
            driver.autocommit = False
        self.raw.close()


def index_bytes(engine: Engine) -> dict[str, int]:
    """Bytes used by the fingerprint table and its indexes, and the row count."""
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT count(*) FROM article_fingerprints")).scalar_one()
        if engine.dialect.name == "sqlite":
            sizes: dict[str, int] = dict(
                conn.execute(
                    text(
                        "SELECT name, sum(pgsize) FROM dbstat WHERE name IN "
                        "('article_fingerprints', 'ix_article_fingerprints_article_id') GROUP BY name"
                    )
                ).all()
            )
            table = int(sizes.get("article_fingerprints", 0))
            secondary = int(sizes.get("ix_article_fingerprints_article_id", 0))
        else:
            table = conn.execute(text("SELECT pg_table_size('article_fingerprints') + "
                                      "pg_relation_size('pk_article_fingerprints')")).scalar_one()
            total = conn.execute(text("SELECT pg_total_relation_size('article_fingerprints')")).scalar_one()
            secondary = int(total) - int(table)
    return {"rows": int(rows), "primary": int(table), "by_article": secondary, "total": int(table) + secondary}


# ---------------------------------------------------------------------------------------------
# Look-ups


@dataclass
class Outcome:
    """What one look-up found and how long it took (seconds)."""

    matched_id: int | None
    kind: str | None
    seconds: float
    """`find_original`: candidate look-up and verification, what matching does per copy."""
    candidates: int
    cpu_seconds: float = 0.0
    """CPU time of this process (the SQL engine too for SQLite, not the PostgreSQL server)."""
    fingerprint_seconds: float = 0.0
    """Computing the copy's look-up keys (done by processing, before matching; not in `seconds`)."""


def copy_record(doc: Doc, index: int) -> tuple[CopyRecord, list[int]]:
    """A copy as processing stores it for a republisher's page, and the keys it looks up.

    The same functions as `aggregator.process.derive` for a page that is not a partner's: the
    copy's text (paragraphs joined), its exact-text hash, `lookup_fingerprints` of its paragraphs
    and `copy_keys` (its text; it gives no claim, so no address)."""
    match_text = join_paragraphs(list(doc.paragraphs))
    copy_hash = text_hash(match_text)
    lookups = lookup_fingerprints(doc.paragraphs)
    lookups += copy_keys(site=COPY_SITE, text_hash=copy_hash, claim_urls=())
    copy = CopyRecord(
        id=index, url=f"https://{COPY_SITE}/{index}", site=COPY_SITE, source_id=None, title=doc.title,
        match_text=match_text, text_hash=copy_hash, claimed_host=None, claimed_url=None, claim_urls=(),
        credit_lines=(), published=None, article_id=None,
    )
    return copy, sorted(set(lookups))


def look_up(session: Session, doc: Doc, index: int = 0) -> Outcome:
    """The product's path: the copy's keys as processing derives them, then
    `aggregator.match.graph.find_original`, the function matching runs for every waiting copy
    (`candidates_for`: claimed addresses, exact text, MAX_INDEX_CANDIDATES from the index; then
    `evaluate`: every candidate verified on the exact texts, the best passing one chosen)."""
    started = time.perf_counter()
    copy, lookups = copy_record(doc, index)
    fingerprinted = time.perf_counter()
    cpu_started = time.process_time()
    decision: MatchDecision = find_original(session, copy, lookups=lookups)
    ended = time.perf_counter()
    chosen = decision.chosen
    return Outcome(
        matched_id=decision.article_id,
        kind=chosen.comparison.kind if chosen else None,
        seconds=ended - fingerprinted,
        candidates=len(decision.candidates),
        cpu_seconds=time.process_time() - cpu_started,
        fingerprint_seconds=fingerprinted - started,
    )


@dataclass
class Tally:
    """Results of a run of look-ups, per query kind."""

    found: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)
    kind_right: Counter[str] = field(default_factory=Counter)
    false_matches: Counter[str] = field(default_factory=Counter)
    seconds: list[float] = field(default_factory=list)
    fingerprint_seconds: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)
    candidates: list[int] = field(default_factory=list)
    family_total: Counter[str] = field(default_factory=Counter)
    family_found: Counter[str] = field(default_factory=Counter)
    family_false: Counter[str] = field(default_factory=Counter)
    false_examples: list[dict[str, Any]] = field(default_factory=list)

    def add(self, query: Query, outcome: Outcome) -> None:
        """Count one look-up: right when the match is one of the query's accepted originals."""
        self.total[query.kind] += 1
        self.seconds.append(outcome.seconds)
        self.fingerprint_seconds.append(outcome.fingerprint_seconds)
        self.cpu_seconds.append(outcome.cpu_seconds)
        self.candidates.append(outcome.candidates)
        family = f"{query.family}/{query.kind}" if query.family else None
        if family:
            self.family_total[family] += 1
        if outcome.matched_id is None:
            return
        if outcome.matched_id in query.accepted:
            self.found[query.kind] += 1
            self.kind_right[query.kind] += outcome.kind == query.kind
            if family:
                self.family_found[family] += 1
        else:
            self.false_matches[query.kind] += 1
            if family:
                self.family_false[family] += 1
            if len(self.false_examples) < 20:
                self.false_examples.append({"kind": query.kind, "family": query.family,
                                            "original": query.original_id, "matched": outcome.matched_id})

    def summary(self) -> dict[str, Any]:
        """Recall, kind accuracy, false matches and latency percentiles (ms)."""
        return {
            "recall": {k: self.found[k] / self.total[k] for k in POSITIVE_KINDS if self.total[k]},
            "kind_accuracy": {k: self.kind_right[k] / max(1, self.found[k]) for k in POSITIVE_KINDS if self.total[k]},
            "false_matches": {k: self.false_matches[k] for k in self.total},
            "queries": dict(self.total),
            "p50_ms": percentile(self.seconds, 50) * 1e3,
            "p99_ms": percentile(self.seconds, 99) * 1e3,
            "max_ms": max(self.seconds, default=0.0) * 1e3,
            "fingerprint_p50_ms": percentile(self.fingerprint_seconds, 50) * 1e3,
            "fingerprint_p99_ms": percentile(self.fingerprint_seconds, 99) * 1e3,
            "cpu_p50_ms": percentile(self.cpu_seconds, 50) * 1e3,
            "cpu_p99_ms": percentile(self.cpu_seconds, 99) * 1e3,
            "mean_candidates": statistics.fmean(self.candidates) if self.candidates else 0.0,
            "near_duplicates": {f: {"queries": n, "right": self.family_found[f], "false": self.family_false[f]}
                                for f, n in sorted(self.family_total.items())},
            "false_examples": self.false_examples,
        }


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (nearest rank) of `values`."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


def run_queries(engine: Engine, queries: Sequence[Query], warmup: Sequence[Query]) -> dict[str, Any]:
    """Run every query through `look_up` (after the untimed `warmup` ones) and tally the results."""
    tally = Tally()
    with Session(engine) as session:
        for i, query in enumerate(warmup):
            look_up(session, query.doc, -1 - i)
        server = server_process(session)
        server_cpu = process_cpu_seconds(server) if server else None
        process_cpu = time.process_time()
        gc.collect()
        gc.disable()  # collector pauses would be the machine's noise, not the look-up's cost
        try:
            for i, query in enumerate(queries):
                tally.add(query, look_up(session, query.doc, i + 1))
        finally:
            gc.enable()
        process_cpu = time.process_time() - process_cpu
        server_after = process_cpu_seconds(server) if server else None
    summary = tally.summary()
    # Mean CPU per query over the whole pass: this process (with SQLite, the SQL engine too),
    # and for PostgreSQL its server process; unlike wall times, these hardly depend on the load
    # other work puts on the machine.
    summary["client_cpu_ms_per_query_mean"] = process_cpu / max(1, len(queries)) * 1e3
    if server_cpu is not None and server_after is not None:
        summary["server_cpu_ms_per_query_mean"] = (server_after - server_cpu) / max(1, len(queries)) * 1e3
    return summary


def server_process(session: Session) -> int | None:
    """The PostgreSQL server process serving this session when it runs on this machine, else None."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    pid = int(session.execute(text("SELECT pg_backend_pid()")).scalar_one())
    return pid if Path(f"/proc/{pid}/stat").exists() else None


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process of this machine (Linux /proc), None if unreadable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def with_cap(max_per_hash: int) -> Callable[[], None]:
    """Make matching's candidate look-up skip hashes held by more than `max_per_hash` articles
    (tuning only: the product's cap is storage.fingerprints.MAX_ARTICLES_PER_HASH); returns the
    function that restores it."""
    original = match_graph.find_candidates
    match_graph.find_candidates = partial(find_candidates, max_per_hash=max_per_hash)

    def restore() -> None:
        match_graph.find_candidates = original

    return restore


# ---------------------------------------------------------------------------------------------
# MinHash LSH baseline


def resident_bytes() -> int:
    """Resident memory of this process (Linux /proc; 0 where unavailable)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def minhash_of(paragraphs: Sequence[str], num_perm: int) -> tuple[Any, int]:
    """The MinHash of a text's word 5-gram set (its words as matching normalises them), and the
    set's size (MinHashLSHEnsemble needs it)."""
    from datasketch import MinHash

    # Our 64-bit shingle hashes, cut to the 32 bits datasketch's permutations expect.
    hashes = np.unique(np.array(shingle_hashes(text_words(paragraphs), MINHASH_SHINGLE_WORDS), dtype=np.int64))
    m = MinHash(num_perm=num_perm, hashfunc=lambda h: h)
    m.update_batch(hashes.view(np.uint64) & 0xFFFFFFFF)
    return m, len(hashes)


@dataclass(frozen=True)
class MinHashSetup:
    """One LSH configuration: MinHashLSH at a Jaccard threshold, or MinHashLSHEnsemble at a
    containment threshold."""

    method: str
    threshold: float

    @property
    def name(self) -> str:
        """e.g. lsh_jaccard_0.2, ensemble_containment_0.5."""
        kind = "lsh_jaccard" if self.method == "lsh" else "ensemble_containment"
        return f"{kind}_{self.threshold}"


def _minhash_run(setup: MinHashSetup, url: str, signatures: dict[int, tuple[Any, int]],
                 queries: Sequence[Query], num_perm: int) -> dict[str, Any]:
    """Build one LSH over the precomputed `signatures` (timed: the build only), then answer the
    queries: the copy's MinHash, the LSH query, the candidates ranked by estimated Jaccard (the
    LSH gives them unranked), the best MAX_INDEX_CANDIDATES verified by the product's `evaluate`."""
    from datasketch import MinHashLSH, MinHashLSHEnsemble

    gc.collect()
    before = resident_bytes()
    started = time.perf_counter()
    index: Any
    if setup.method == "lsh":
        index = MinHashLSH(threshold=setup.threshold, num_perm=num_perm)
        with index.insertion_session() as session_:
            for article_id, (m, _size) in signatures.items():
                session_.insert(article_id, m)
    else:
        index = MinHashLSHEnsemble(threshold=setup.threshold, num_perm=num_perm, num_part=16)
        index.index((article_id, m, size) for article_id, (m, size) in signatures.items())
    build_seconds = time.perf_counter() - started
    gc.collect()
    memory = resident_bytes() - before

    engine = get_engine(url)
    tally = Tally()
    lsh_seconds = []
    with Session(engine) as session:
        for i, query in enumerate(queries):
            started = time.perf_counter()
            copy, _lookups = copy_record(query.doc, i + 1)
            m, size = minhash_of(query.doc.paragraphs, num_perm)
            found = list(index.query(m) if setup.method == "lsh" else index.query(m, size))
            ranked = sorted(found, key=lambda a: (-signatures[a][0].jaccard(m), a))[:MAX_INDEX_CANDIDATES]
            looked_up = time.perf_counter()
            decision = evaluate(copy, ranked, frozenset(), load_originals(session, ranked))
            ended = time.perf_counter()
            lsh_seconds.append(looked_up - started)
            chosen = decision.chosen
            tally.add(query, Outcome(decision.article_id, chosen.comparison.kind if chosen else None,
                                     ended - started, len(found)))
    engine.dispose()
    summary = tally.summary()
    summary.update({
        "build_seconds": build_seconds,
        "memory_bytes_per_article": memory / max(1, len(signatures)),
        "lsh_query_p50_ms": percentile(lsh_seconds, 50) * 1e3,
        "lsh_query_p99_ms": percentile(lsh_seconds, 99) * 1e3,
    })
    return summary


_FORKED: dict[str, Any] = {}
"""What the forked MinHash processes inherit (the signatures are not pickled over)."""


def _minhash_child(setup: MinHashSetup) -> dict[str, Any]:
    return _minhash_run(setup, _FORKED["url"], _FORKED["signatures"], _FORKED["queries"], _FORKED["num_perm"])


def run_minhash(url: str, gen: CorpusGenerator, articles: int, queries: Sequence[Query],
                setups: Sequence[MinHashSetup], num_perm: int) -> dict[str, Any]:
    """The same queries against in-memory datasketch LSH indexes over the first `articles` stored
    articles. The articles' MinHashes are computed first, outside every timed part; each setup
    then runs in a fresh forked process, so that its memory figure is its own."""
    started = time.perf_counter()
    signatures = {article_id: minhash_of(gen.article(article_id).paragraphs, num_perm)
                  for article_id in range(1, articles + 1)}
    out: dict[str, Any] = {"articles": articles, "num_perm": num_perm,
                           "signatures_seconds_untimed": time.perf_counter() - started}
    print(f"  MinHash: {articles} signatures in {out['signatures_seconds_untimed']:.0f} s (not timed)", flush=True)
    context = multiprocessing.get_context("fork")
    _FORKED.update(url=url, signatures=signatures, queries=queries, num_perm=num_perm)
    for setup in setups:
        with context.Pool(1) as pool:
            summary = pool.apply(_minhash_child, (setup,))
        out[setup.name] = summary
        print(json.dumps({setup.name: {k: v for k, v in summary.items() if k != "false_examples"}}), flush=True)
    return out


# ---------------------------------------------------------------------------------------------
# Fingerprint schemes side by side (no database: which stored fingerprints a copy's look-up hits)


def _winnowed(tokens: Sequence[str], k: int, window: int) -> set[int]:
    hashes = shingle_hashes(tokens, k)
    return {hashes[i] for i in winnow(hashes, window)}


def _sampled(tokens: Sequence[str], k: int, rate: int) -> set[int]:
    return {h for h in shingle_hashes(tokens, k) if h % rate == 0}


def _indexed(tokens: Sequence[str], scheme: FingerprintScheme) -> set[int]:
    return set(index_fingerprints(tokens, scheme))


def _queried(tokens: Sequence[str], scheme: FingerprintScheme) -> set[int]:
    return set(query_fingerprints(tokens, scheme))


def compare_schemes(gen: CorpusGenerator, queries: Sequence[Query]) -> dict[str, Any]:
    """For each candidate scheme: index rows per article, hashes sent per look-up, and the share
    of copies of each kind whose look-up hits at least 1 / 2 of the original's stored fingerprints."""
    Select = Callable[[Sequence[str]], set[int]]
    schemes: dict[str, tuple[Select, Select]] = {}
    for k, body in ((5, 5), (4, 6), (3, 6)):
        scheme = FingerprintScheme(shingle_words=k, body_count=body)
        schemes[f"lead-weighted sampling, k={k}, body={body}"] = (
            partial(_indexed, scheme=scheme),
            partial(_queried, scheme=scheme),
        )
    for window in (50, 100):
        # Plain winnowing, the same selection on both sides (Schleimer et al.).
        schemes[f"winnowing k=5, w={window}"] = (
            partial(_winnowed, k=5, window=window),
            partial(_winnowed, k=5, window=window),
        )
    # Uniform content-defined sampling at a rate that gives about as many rows as ours.
    schemes["uniform 0 mod 48 sampling, k=4"] = (partial(_sampled, k=4, rate=48), partial(_sampled, k=4, rate=48))
    originals = {q.original_id: text_words(gen.article(q.original_id).paragraphs)
                 for q in queries if q.original_id is not None}
    copies = [(q, text_words(q.doc.paragraphs)) for q in queries if q.original_id is not None]
    out: dict[str, Any] = {}
    for name, (stored_of, query_of) in schemes.items():
        stored = {article_id: stored_of(tokens) for article_id, tokens in originals.items()}
        hits: dict[str, list[int]] = {kind: [] for kind in POSITIVE_KINDS}
        sent = []
        for query, tokens in copies:
            looked_up = query_of(tokens)
            sent.append(len(looked_up))
            assert query.original_id is not None
            hits[query.kind].append(len(looked_up & stored[query.original_id]))
        out[name] = {
            "rows_per_article": statistics.fmean(len(v) for v in stored.values()),
            "hashes_per_lookup": statistics.fmean(sent),
            **{f"{kind}_hit1": statistics.fmean(h >= 1 for h in v) for kind, v in hits.items()},
            **{f"{kind}_hit2": statistics.fmean(h >= 2 for h in v) for kind, v in hits.items()},
        }
        print(name, json.dumps(out[name]), flush=True)
    return out


# ---------------------------------------------------------------------------------------------
# Driver


def database_url(engine_name: str, workdir: Path, postgres_url: str, articles: int, seed: int) -> str:
    """Where the benchmark database of this size lives."""
    name = f"bench_matching_{articles}_{seed}"
    if engine_name == "sqlite":
        return f"sqlite:///{workdir / (name + '.db')}"
    return make_url(postgres_url).set(database=name).render_as_string(hide_password=False)


def ensure_postgres_database(url: str) -> None:
    """Create the PostgreSQL database of `url` if it does not exist."""
    from sqlalchemy import create_engine

    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}).first()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def load(urls: dict[str, str], *, seed: int, articles: int, workers: int) -> dict[str, float]:
    """Generate the corpus once and bulk-load it into every database in `urls`."""
    loaders = {name: Loader(get_engine(url)) for name, url in urls.items()}
    for loader in loaders.values():
        loader.start()
    started = time.perf_counter()
    done = 0
    for rows, pairs in generate(seed, articles, workers):
        for loader in loaders.values():
            loader.add(rows, pairs)
        done += len(rows)
        if done % 100_000 < len(rows):
            print(f"  generated and loaded {done} articles in {time.perf_counter() - started:.0f} s", flush=True)
    generated = time.perf_counter() - started
    timings = {"generate_and_load_articles_s": generated}
    for name, loader in loaders.items():
        t = time.perf_counter()
        loader.finish()
        timings[f"{name}_fingerprints_and_indexes_s"] = time.perf_counter() - t
    return timings


def machine() -> dict[str, str]:
    """CPU model, core count and software versions."""
    model = ""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        model = next((line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith("Model name")), "")
    except OSError:
        pass
    import sqlite3

    return {
        "cpu": model or platform.processor(),
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the matching benchmark; print and save (JSON) the results."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1_000_000, help="stored articles (default 1,000,000)")
    parser.add_argument("--queries", type=int, default=1000, help="look-ups per kind (default 1000)")
    parser.add_argument("--engines", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--postgres-url", default=os.environ.get(
        "AGGREGATOR_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"),
        help="server to create the benchmark database bench_matching_<articles>_<seed> on")
    parser.add_argument("--workdir", type=Path, default=Path(".bench"), help="where SQLite databases go")
    parser.add_argument("--seed", type=int, default=SCORING_SEED,
                        help=f"corpus and queries (default {SCORING_SEED}; the parameters were tuned on "
                             f"{TUNING_SEED}, use it with --tune or --schemes)")
    parser.add_argument("--workers", type=int, default=max(1, (os.cpu_count() or 1)))
    parser.add_argument("--rebuild", action="store_true", help="regenerate even when the database exists")
    parser.add_argument("--minhash", action="store_true", help="also run datasketch MinHash LSH on the same queries")
    parser.add_argument("--minhash-articles", type=int, default=20_000,
                        help="articles in the MinHash indexes (default 20,000; they live in RAM)")
    parser.add_argument("--minhash-thresholds", default="0.2,0.3,0.5", help="MinHashLSH Jaccard thresholds")
    parser.add_argument("--ensemble-thresholds", default="0.3,0.5",
                        help="MinHashLSHEnsemble containment thresholds")
    parser.add_argument("--minhash-perm", type=int, default=128)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--schemes", action="store_true",
                        help="only compare fingerprint schemes on the queries (no database)")
    parser.add_argument("--tune", action="store_true",
                        help="sweep the common-hash cap (--caps) instead of scoring the product's settings")
    parser.add_argument("--caps", default="5,10,20,50,100", help="caps swept by --tune")
    parser.add_argument("--output", type=Path, help="JSON results file (default: under workdir)")
    args = parser.parse_args(argv)

    args.workdir.mkdir(parents=True, exist_ok=True)
    if args.schemes:
        gen = CorpusGenerator(args.seed)
        queries = make_queries(gen, articles=args.articles, per_kind=args.queries, seed=args.seed)
        result = {"machine": machine(), "seed": args.seed, "queries_per_kind": args.queries,
                  "schemes": compare_schemes(gen, queries)}
        (args.output or args.workdir / f"matching-schemes-{args.seed}.json").write_text(json.dumps(result, indent=2))
        return 0
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    urls = {e: database_url(e, args.workdir, args.postgres_url, args.articles, args.seed) for e in engines}
    marker = args.workdir / f"bench_matching_{args.articles}_{args.seed}.loaded.json"
    loaded: dict[str, Any] = json.loads(marker.read_text()) if marker.exists() and not args.rebuild else {}
    results: dict[str, Any] = {
        "machine": machine(),
        "articles": args.articles,
        "seed": args.seed,
        "queries_per_kind": args.queries,
        "scheme": DEFAULT_SCHEME.__dict__,
        "max_per_hash": MAX_ARTICLES_PER_HASH,
        "candidates_per_lookup": MAX_INDEX_CANDIDATES,
        "engines": {},
    }
    # A marker outlives a deleted SQLite file: load again when the file is gone.
    to_load = {e: u for e, u in urls.items() if e not in loaded.get("engines", [])
               or (e == "sqlite" and not Path(str(make_url(u).database)).exists())}
    if to_load:
        for engine_name, url in to_load.items():
            if engine_name == "postgresql":
                ensure_postgres_database(url)
        print(f"loading {args.articles} articles into {', '.join(to_load)}", flush=True)
        timings = load(to_load, seed=args.seed, articles=args.articles, workers=args.workers)
        loaded = {
            "engines": sorted({*loaded.get("engines", []), *to_load}),
            "timings": {**loaded.get("timings", {}), **timings},
        }
        marker.write_text(json.dumps(loaded, indent=2))
    results["load_timings"] = loaded.get("timings", {})

    gen = CorpusGenerator(args.seed)
    queries = make_queries(gen, articles=args.articles, per_kind=args.queries, seed=args.seed)
    # Warm-up look-ups come from another query seed: none of them is timed or counted.
    warmup = make_queries(gen, articles=args.articles, per_kind=max(1, args.warmup // 6), seed=args.seed + 1,
                          family_share=0)
    results["queries"] = len(queries)
    for engine_name, url in urls.items():
        engine = get_engine(url)
        size = index_bytes(engine)
        if args.tune:
            sweep = {}
            for cap in [int(c) for c in args.caps.split(",")]:
                restore = with_cap(cap)
                try:
                    sweep[cap] = run_queries(engine, queries, warmup)
                finally:
                    restore()
                print(json.dumps({engine_name: {"max_per_hash": cap, **{
                    k: v for k, v in sweep[cap].items() if k not in ("false_examples", "near_duplicates")}}}),
                    flush=True)
            results["engines"][engine_name] = {"cap_sweep": sweep}
            continue
        summary = run_queries(engine, queries, warmup)
        summary["index"] = size
        summary["index_bytes_per_article"] = size["total"] / args.articles
        summary["fingerprints_per_article"] = size["rows"] / args.articles
        results["engines"][engine_name] = summary
        print(json.dumps({engine_name: summary}, indent=2), flush=True)
    if args.minhash:
        # The indexes hold the first --minhash-articles articles in memory; the comparison uses
        # queries on those articles only, answered by both methods on the same database.
        size = min(args.minhash_articles, args.articles)
        url = next(iter(urls.values()))
        same = queries if size == args.articles else make_queries(
            gen, articles=size, per_kind=args.queries, seed=args.seed + 2
        )
        if same is not queries:
            engine = get_engine(url)
            results["index_on_the_minhash_queries"] = run_queries(engine, same, warmup)
        setups = [MinHashSetup("lsh", float(t)) for t in args.minhash_thresholds.split(",") if t]
        setups += [MinHashSetup("ensemble", float(t)) for t in args.ensemble_thresholds.split(",") if t]
        results["minhash"] = run_minhash(url, gen, size, same, setups, args.minhash_perm)
    output = args.output or args.workdir / f"matching-{args.articles}-{args.seed}{'-tune' if args.tune else ''}.json"
    output.write_text(json.dumps(results, indent=2))
    print(f"results written to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
