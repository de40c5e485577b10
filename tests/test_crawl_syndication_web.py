"""End to end: serve the shared syndication web, crawl it through the real CLI, check the export.

Runs once per engine (SQLite, PostgreSQL); the two exports must be the same.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import temporary_postgres_database
from tests.syndication_web import cli_env, iri, precision_recall, run_cli, serve_web, sources_yaml, truth

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def truth_data() -> dict[str, Any]:
    return truth()


def _crawl(tmp: Path, database_url: str, truth_data: dict[str, Any]) -> dict[str, Any]:
    sources_file = tmp / "sources.yaml"
    sources_file.write_text(sources_yaml(truth_data["sites"]), encoding="utf-8")
    with serve_web(tmp / "requests.jsonl") as web:
        env = cli_env(database_url, web.proxy)
        run_cli("db", "upgrade", env=env)
        run_cli("sources", "import", str(sources_file), env=env)
        crawl = run_cli("crawl", env=env)
        export = run_cli("export", "--format", "jsonl", env=env)
        requests = web.requests()
        # Resolving aliases may fetch a short link once: done after the crawl's own checks.
        aliases = [a["url"] for a in truth_data["aliases"]]
        explained = run_cli("explain", "--format", "json", *aliases, env=env)
        export_after = run_cli("export", "--format", "jsonl", env=env)
    records = [json.loads(line) for line in export.stdout.splitlines()]
    return {
        "crawl": crawl,
        "export": export,
        "records": records,
        "requests": requests,
        "explained": [json.loads(line) for line in explained.stdout.splitlines()],
        "records_after_explain": [json.loads(line) for line in export_after.stdout.splitlines()],
    }


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def crawled(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, truth_data: dict[str, Any]
) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp(f"web-{request.param}")
    if request.param == "sqlite":
        yield {"engine": "sqlite", **_crawl(tmp, f"sqlite:///{tmp / 'crawl.db'}", truth_data)}
        return
    with temporary_postgres_database() as url:
        yield {"engine": "postgresql", **_crawl(tmp, url, truth_data)}


_EXPORTS: dict[str, list[dict[str, Any]]] = {}


def _by_url(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {iri(r["url"]): r for r in records}


def test_export_is_only_json_lines(crawled: dict[str, Any]) -> None:
    for line in crawled["export"].stdout.splitlines():
        assert isinstance(json.loads(line), dict)
    assert "crawl finished" in crawled["crawl"].stdout


def test_every_canonical_article_at_its_canonical_url(crawled: dict[str, Any], truth_data: dict[str, Any]) -> None:
    exported = _by_url(crawled["records"])
    expected = {iri(a["url"]) for a in truth_data["articles"]}
    assert expected <= set(exported), f"missing: {sorted(expected - set(exported))}"
    for url in exported:
        assert "utm_" not in url and "?p=" not in url


def test_no_republisher_page_is_a_canonical_article(crawled: dict[str, Any], truth_data: dict[str, Any]) -> None:
    republishers = {s["host"] for s in truth_data["sites"] if s["role"] == "republisher"}
    expected = {iri(a["url"]) for a in truth_data["articles"]}
    for record in crawled["records"]:
        assert record["site"] not in republishers
        assert iri(record["url"]) in expected, f"unexpected canonical article {record['url']}"


def test_text_f1(crawled: dict[str, Any], truth_data: dict[str, Any]) -> None:
    exported = _by_url(crawled["records"])
    precisions, recalls, per_article = [], [], {}
    for article in truth_data["articles"]:
        record = exported[iri(article["url"])]
        p, r = precision_recall(record["text"], article["text"])
        precisions.append(p)
        recalls.append(r)
        per_article[article["id"]] = 2 * p * r / (p + r) if p + r else 0.0
        assert "\n\n" in record["text"], "paragraphs are kept apart"
    mean_p, mean_r = sum(precisions) / len(precisions), sum(recalls) / len(recalls)
    f1 = 2 * mean_p * mean_r / (mean_p + mean_r)
    assert f1 >= 0.95, f"mean F1 {f1:.3f}"
    worst = min(per_article.items(), key=lambda kv: kv[1])
    assert worst[1] >= 0.85, f"worst article {worst}"


def test_metadata(crawled: dict[str, Any], truth_data: dict[str, Any]) -> None:
    exported = _by_url(crawled["records"])
    right = {"title": 0, "author": 0, "date": 0, "language": 0}
    for article in truth_data["articles"]:
        record = exported[iri(article["url"])]
        right["title"] += record["title"] == article["title"]
        right["author"] += (record["author"] or "").casefold() == article["author"].casefold()
        # The calendar date: some pages show a date without a time of day.
        right["date"] += (record["published"] or "")[:10] == article["published"][:10]
        right["language"] += record["language"] == article["language"]
    total = len(truth_data["articles"])
    for field, count in right.items():
        assert count / total >= 0.9, f"{field}: {count}/{total} right"


def test_politeness(crawled: dict[str, Any], truth_data: dict[str, Any]) -> None:
    requests = crawled["requests"]
    requested = {iri(r["url"]) for r in requests}
    for forbidden in truth_data["forbidden_urls"]:
        assert iri(forbidden) not in requested
    ok_counts: dict[str, int] = {}
    for r in requests:
        if r["status"] == 200:
            ok_counts[r["url"]] = ok_counts.get(r["url"], 0) + 1
    twice = {u: n for u, n in ok_counts.items() if n > 1}
    assert not twice, f"fetched more than once: {twice}"
    assert all("syndication-aggregator/" in r["user_agent"] for r in requests)


def _republications(records: list[dict[str, Any]]) -> dict[str, tuple[str, dict[str, Any]]]:
    return {iri(rep["url"]): (iri(record["url"]), rep) for record in records for rep in record["republications"]}


def test_every_republication_linked_with_kind_claim_and_verdict(
    crawled: dict[str, Any], truth_data: dict[str, Any]
) -> None:
    found = _republications(crawled["records"])
    originals = {a["id"]: iri(a["url"]) for a in truth_data["articles"]}
    problems = []
    for expected in truth_data["republications"]:
        url = iri(expected["url"])
        if url not in found:
            problems.append(f"not linked: {url}")
            continue
        article_url, rep = found[url]
        claimed = expected["claimed"] or {}
        got_claimed = rep["claimed"] or {}
        want = (
            originals[expected["of"]],
            expected["kind"],
            expected["attribution"],
            claimed.get("source_host"),
            (claimed.get("author") or "").casefold(),
            iri(expected.get("via") or ""),
        )
        got = (
            article_url,
            rep["kind"],
            rep["attribution"],
            got_claimed.get("source_host"),
            (got_claimed.get("author") or "").casefold(),
            iri(rep["via"] or ""),
        )
        if want != got:
            problems.append(f"{url}: expected {want}, got {got}")
    assert not problems, "\n".join(problems)


def test_no_false_links(crawled: dict[str, Any], truth_data: dict[str, Any]) -> None:
    expected = {iri(r["url"]) for r in truth_data["republications"]}
    assert set(_republications(crawled["records"])) <= expected


def test_distinct_pairs_stay_apart(crawled: dict[str, Any], truth_data: dict[str, Any]) -> None:
    by_id = {a["id"]: iri(a["url"]) for a in truth_data["articles"]}
    exported = _by_url(crawled["records"])
    for first, second, _why in truth_data["distinct_pairs"]:
        assert by_id[first] in exported and by_id[second] in exported
        assert exported[by_id[first]]["id"] != exported[by_id[second]]["id"]
        linked_to_first = {iri(r["url"]) for r in exported[by_id[first]]["republications"]}
        assert by_id[second] not in linked_to_first


def test_every_alias_resolves(crawled: dict[str, Any], truth_data: dict[str, Any]) -> None:
    explained = crawled["explained"]
    assert len(explained) == len(truth_data["aliases"])
    for alias, result in zip(truth_data["aliases"], explained, strict=True):
        assert result["role"] in ("alias", "canonical"), result
        assert iri(result["article"]["url"]) == iri(alias["canonical"]), result
    exported = _by_url(crawled["records_after_explain"])
    for alias in truth_data["aliases"]:
        record = exported[iri(alias["canonical"])]
        known = {iri(u) for u in record["aliases"]} | {iri(record["url"])}
        assert iri(alias["url"]) in known or iri(alias["url"]).split("?utm_")[0] in known


def test_same_export_on_both_engines(crawled: dict[str, Any]) -> None:
    def comparable(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for record in records:
            reps = [{k: v for k, v in rep.items() if k != "first_seen"} for rep in record["republications"]]
            out.append({**record, "republications": reps})
        return out

    _EXPORTS[crawled["engine"]] = comparable(crawled["records"])
    if len(_EXPORTS) == 2:
        assert _EXPORTS["sqlite"] == _EXPORTS["postgresql"]
