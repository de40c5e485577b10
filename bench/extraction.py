"""Extraction quality: the project's extraction, as the crawl uses it, against plain trafilatura.

On the article-extraction benchmark (181 real pages with ground-truth bodies): word 4-gram
shingles per page, precision and recall macro-averaged over pages, F1 of the two means (the
benchmark's own metric). Both extractors run on the same pages in the same run.

Whether the difference is more than noise: a paired bootstrap over pages (pages drawn with
replacement, the same draw for both extractors, the corpus F1 of each recomputed) gives a 95%
interval of F1(project) - F1(trafilatura); per page, wins / losses / ties of the page F1.

    python -m bench.extraction [--corpus DIR] [--resamples 10000] [--seed 1]
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
from typing import Any

import numpy as np
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


def evaluate(corpus: Path, extractor: Callable[[str, str], str]) -> dict[str, Any]:
    """Macro precision, recall, F1 and seconds per page of one extractor over the corpus, and the
    per-page precisions and recalls (in page-id order)."""
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
            "f1": 2 * precision * recall / (precision + recall), "ms_per_page": 1000 * statistics.fmean(seconds),
            "page_precisions": precisions, "page_recalls": recalls}


def _f1(p: np.ndarray, r: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(p + r > 0, 2 * p * r / (p + r), 0.0)


def paired_comparison(a: dict[str, Any], b: dict[str, Any], *, resamples: int = 10_000, seed: int = 1,
                      tie: float = 1e-9) -> dict[str, Any]:
    """F1(a) - F1(b) over the corpus, its paired bootstrap 95% interval (percentile method: the
    same resampled pages for both, each side's F1 of macro precision and recall recomputed), and
    per-page wins / losses / ties of a against b on the page F1 (a tie: within `tie`)."""
    pa, ra = np.array(a["page_precisions"]), np.array(a["page_recalls"])
    pb, rb = np.array(b["page_precisions"]), np.array(b["page_recalls"])
    draws = np.random.default_rng(seed).integers(0, len(pa), size=(resamples, len(pa)))
    diffs = _f1(pa[draws].mean(axis=1), ra[draws].mean(axis=1)) - _f1(pb[draws].mean(axis=1), rb[draws].mean(axis=1))
    low, high = np.percentile(diffs, [2.5, 97.5])
    page = _f1(pa, ra) - _f1(pb, rb)
    return {"difference": a["f1"] - b["f1"], "ci95": [float(low), float(high)], "resamples": resamples,
            "share_of_resamples_above_0": float((diffs > 0).mean()),
            "wins": int((page > tie).sum()), "losses": int((page < -tie).sum()),
            "ties": int((abs(page) <= tie).sum())}


def main(argv: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """Run both extractors over the corpus; print the scores and the paired comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--resamples", type=int, default=10_000, help="bootstrap resamples")
    parser.add_argument("--seed", type=int, default=1, help="bootstrap seed")
    args = parser.parse_args(argv)
    results = {"project": evaluate(args.corpus, project_extract),
               "trafilatura.extract": evaluate(args.corpus, plain_trafilatura)}
    print(f"{'extractor':<22}{'pages':>6}{'precision':>11}{'recall':>9}{'F1':>8}{'ms/page':>9}")
    for name, r in results.items():
        print(f"{name:<22}{r['pages']:>6.0f}{r['precision']:>11.4f}{r['recall']:>9.4f}{r['f1']:>8.4f}"
              f"{r['ms_per_page']:>9.1f}")
    paired = paired_comparison(results["project"], results["trafilatura.extract"], resamples=args.resamples,
                               seed=args.seed)
    low, high = paired["ci95"]
    print(f"F1 project - trafilatura: {paired['difference']:+.4f}, paired bootstrap 95% interval "
          f"{low:+.4f} .. {high:+.4f} ({paired['resamples']} resamples; above 0 in "
          f"{paired['share_of_resamples_above_0']:.1%})")
    print(f"per page (F1): project wins {paired['wins']}, loses {paired['losses']}, ties {paired['ties']}")
    results["paired"] = paired
    return results


if __name__ == "__main__":
    main()
