"""Extraction quality: the project's extraction, as the crawl uses it, against plain trafilatura.

On the article-extraction benchmark (181 real pages with ground-truth bodies): word 4-gram
shingles per page, precision and recall macro-averaged over pages, F1 of the two means (the
benchmark's own metric). Both extractors run on the same pages in the same run.

    python -m bench.extraction [--corpus DIR]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura

from aggregator.extract import article_text, decode_html, read_page

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "article-extraction-benchmark"
_WORD = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> set[tuple[str, ...]]:
    """Word n-gram shingles of a lower-cased text."""
    words = _WORD.findall(text.lower())
    if len(words) < n:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def precision_recall(predicted: str, truth: str) -> tuple[float, float]:
    """Shingle precision and recall of one page (an empty prediction scores 0 and 0)."""
    p, t = shingles(predicted), shingles(truth)
    if not p or not t:
        return (1.0, 1.0) if p == t else (0.0, 0.0)
    shared = len(p & t)
    return shared / len(p), shared / len(t)


def project_extract(html: str, url: str) -> str:
    """The text the crawl stores for a partner's page."""
    return article_text(read_page(html, url))


def plain_trafilatura(html: str, url: str) -> str:
    """trafilatura.extract with its defaults."""
    return trafilatura.extract(html, url=url) or ""


def evaluate(corpus: Path, extractor: Callable[[str, str], str]) -> dict[str, float]:
    """Macro precision, recall, F1 and seconds per page of one extractor over the corpus."""
    truth = json.loads((corpus / "ground-truth.json").read_text(encoding="utf-8"))
    precisions, recalls, seconds = [], [], []
    for page_id, item in sorted(truth.items()):
        html = decode_html(gzip.decompress((corpus / "html" / f"{page_id}.html.gz").read_bytes()), None)
        start = time.perf_counter()
        text = extractor(html, item["url"])
        seconds.append(time.perf_counter() - start)
        p, r = precision_recall(text, item["articleBody"])
        precisions.append(p)
        recalls.append(r)
    precision, recall = statistics.fmean(precisions), statistics.fmean(recalls)
    return {"pages": len(truth), "precision": precision, "recall": recall,
            "f1": 2 * precision * recall / (precision + recall), "ms_per_page": 1000 * statistics.fmean(seconds)}


def main(argv: list[str] | None = None) -> dict[str, dict[str, float]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args(argv)
    results = {"project": evaluate(args.corpus, project_extract),
               "trafilatura.extract": evaluate(args.corpus, plain_trafilatura)}
    print(f"{'extractor':<22}{'pages':>6}{'precision':>11}{'recall':>9}{'F1':>8}{'ms/page':>9}")
    for name, r in results.items():
        print(f"{name:<22}{r['pages']:>6.0f}{r['precision']:>11.4f}{r['recall']:>9.4f}{r['f1']:>8.4f}"
              f"{r['ms_per_page']:>9.1f}")
    return results


if __name__ == "__main__":
    main()
