"""Extraction with metadata: the project's extraction against plain `trafilatura.bare_extraction`.

On the article-extraction benchmark's 181 real pages, in the same run:

- text: word 4-gram shingle precision and recall per page, macro-averaged, F1 of the means
  (the project's stored text of a partner's article against `bare_extraction`'s text);
- authors, against `bench/data/extraction-metadata.json` (the person or people the page names
  as its authors, None where it names none: an agency, a desk, an account): right (the first
  person matches, or both name none) and false (a name given that is not the author's);
- dates: the page's own calendar date (its local date), right when equal.

    python -m bench.extraction_metadata [--corpus DIR]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any

import trafilatura

from aggregator.extract import article_text, decode_html, read_page
from aggregator.extract.attribution.forms import keys
from bench.extraction import DEFAULT_CORPUS, precision_recall

EXPECTED = Path(__file__).resolve().parent / "data" / "extraction-metadata.json"
_PEOPLE_SPLIT = re.compile(r"\s*(?:;|,|\band\b|&)\s*")


def first_person(author: str | None) -> str | None:
    """The first person of an author string, as folded words ("Sarah E. Needleman" -> "sarah e needleman")."""
    if not author:
        return None
    for part in _PEOPLE_SPLIT.split(author):
        words = keys(part)
        if words:
            return " ".join(words)
    return None


def project(html: str, url: str) -> dict[str, Any]:
    """The project's extraction as the crawl stores a partner's article."""
    reading = read_page(html, url)
    published = reading.extracted.published
    return {"text": article_text(reading), "author": reading.extracted.author,
            "date": published.date().isoformat() if published else None}


def plain(html: str, url: str) -> dict[str, Any]:
    """`trafilatura.bare_extraction` with its metadata, defaults otherwise."""
    document = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    data = document.as_dict() if document is not None and not isinstance(document, dict) else (document or {})
    return {"text": data.get("text") or "", "author": data.get("author"), "date": data.get("date")}


def evaluate(corpus: Path, extractor: Callable[[str, str], dict[str, Any]]) -> dict[str, float]:
    """Text F1 and author and date scores of one extractor over the corpus."""
    truth = json.loads((corpus / "ground-truth.json").read_text(encoding="utf-8"))
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    precisions, recalls = [], []
    authors_right = authors_false = dates_right = 0
    for page_id, item in sorted(truth.items()):
        html = decode_html(gzip.decompress((corpus / "html" / f"{page_id}.html.gz").read_bytes()), None)
        got = extractor(html, item["url"])
        p, r = precision_recall(got["text"], item["articleBody"])
        precisions.append(p)
        recalls.append(r)
        want = expected[page_id]
        wanted, found = first_person(want["author"]), first_person(got["author"])
        authors_right += wanted == found
        authors_false += found is not None and found != wanted
        dates_right += (got["date"] or None) == want["date"]
    pages = len(truth)
    precision, recall = statistics.fmean(precisions), statistics.fmean(recalls)
    return {"pages": pages, "precision": precision, "recall": recall,
            "f1": 2 * precision * recall / (precision + recall), "authors": authors_right / pages,
            "false_authors": authors_false / pages, "dates": dates_right / pages}


def main(argv: list[str] | None = None) -> dict[str, dict[str, float]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args(argv)
    results = {"project": evaluate(args.corpus, project),
               "trafilatura.bare_extraction": evaluate(args.corpus, plain)}
    print(f"{'extractor':<29}{'pages':>6}{'text F1':>9}{'authors':>9}{'false authors':>15}{'dates':>7}")
    for name, r in results.items():
        print(f"{name:<29}{r['pages']:>6.0f}{r['f1']:>9.4f}{r['authors']:>9.1%}{r['false_authors']:>15.1%}"
              f"{r['dates']:>7.1%}")
    return results


if __name__ == "__main__":
    main()
