"""What partners and operators see, on a crawl of the shared web (both engines): the per-partner
report in every format, its API endpoint and CSV, the dashboard, /metrics, offline /docs, `explain`
on an original, /lookup on a copy, `runs list` and `stats`."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from aggregator.api import create_app
from tests.conftest import temporary_postgres_database
from tests.syndication_web import cli_env, iri, run_cli, serve_web, sources_yaml, truth

pytestmark = pytest.mark.integration


def _crawl(tmp: Path, database_url: str) -> dict[str, Any]:
    sources_file = tmp / "sources.yaml"
    sources_file.write_text(sources_yaml(truth()["sites"]), encoding="utf-8")
    with serve_web(tmp / "requests.jsonl") as web:
        env = cli_env(database_url, web.proxy)
        run_cli("db", "upgrade", env=env)
        run_cli("sources", "import", str(sources_file), env=env)
        crawl = run_cli("crawl", env=env)
    return {"database_url": database_url, "env": cli_env(database_url), "crawl": crawl}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def crawled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp(f"report-{request.param}")
    if request.param == "sqlite":
        yield _crawl(tmp, f"sqlite:///{tmp / 'report.db'}")
        return
    with temporary_postgres_database() as url:
        yield _crawl(tmp, url)


@pytest.fixture(scope="module")
def client(crawled: dict[str, Any]) -> TestClient:
    return TestClient(create_app(crawled["database_url"]))


def _expected_copies(host: str) -> dict[str, tuple[str, str, str]]:
    """truth.json's copies of `host`'s articles: copy URL -> (article URL, kind, verdict)."""
    data = truth()
    articles = {a["id"]: a for a in data["articles"]}
    return {
        iri(r["url"]): (iri(articles[r["of"]]["url"]), r["kind"], r["attribution"])
        for r in data["republications"] if articles[r["of"]]["site"] == host
    }


def _partners() -> list[str]:
    return [s["host"] for s in truth()["sites"] if s["role"] == "partner"]


def test_each_partners_json_report_lists_exactly_its_copies(crawled: dict[str, Any]) -> None:
    data = truth()
    for host in _partners():
        document = json.loads(run_cli("report", "--source", host, "--format", "json", env=crawled["env"]).stdout)
        assert document["source"] == host
        got = {iri(c["url"]): (iri(c["article_url"]), c["kind"], c["attribution"]) for c in document["copies"]}
        assert got == _expected_copies(host), host
        for copy in document["copies"]:
            assert {"url", "site", "article_url", "kind", "attribution", "first_seen"} <= set(copy)
        # Totals agree with the copies, by verdict and by site.
        verdicts = Counter(c["attribution"] for c in document["copies"])
        totals = document["totals"]
        assert totals["copies"] == len(document["copies"])
        assert all(totals[v] == verdicts[v] for v in ("correct", "missing", "wrong", "intermediary"))
        assert totals["uncredited"] == len(document["copies"]) - verdicts["correct"]
        sites = Counter(c["site"] for c in document["copies"])
        assert {site: row["copies"] for site, row in document["by_site"].items()} == dict(sites)
        # Copies without credit come first.
        credited = [c["attribution"] == "correct" for c in document["copies"]]
        assert credited == sorted(credited)
        own = {iri(a["url"]) for a in data["articles"] if a["site"] == host}
        assert {iri(a["url"]) for a in document["articles"]} == own
        assert sum(a["copies"] for a in document["articles"]) == len(document["copies"])


def test_report_text_csv_html_and_since(crawled: dict[str, Any]) -> None:
    env = crawled["env"]
    host = max(_partners(), key=lambda h: len(_expected_copies(h)))
    expected = _expected_copies(host)
    text = run_cli("report", "--source", host, env=env).stdout
    assert f"Republications of {host}" in text
    assert f"{len(expected)} copies" in text
    uncredited = [url for url, (_a, _k, verdict) in expected.items() if verdict != "correct"]
    if uncredited:
        assert text.index("Copies without credit") < text.index(uncredited[0])
    rows = list(csv.DictReader(io.StringIO(run_cli("report", "--source", host, "--format", "csv", env=env).stdout)))
    assert {iri(r["url"]): (iri(r["article_url"]), r["kind"], r["attribution"]) for r in rows} == expected
    html = run_cli("report", "--source", f"http://{host}/", "--format", "html", env=env).stdout
    assert html.lstrip().lower().startswith("<!doctype html>") and host in html
    assert "<script" not in html and "http://cdn" not in html
    later = json.loads(run_cli("report", "--source", host, "--since", "2999-01-01", "--format", "json",
                               env=env).stdout)
    assert later["copies"] == [] and later["since"].startswith("2999-01-01")
    missing = run_cli("report", "--source", "nowhere.invalid", env=env, check=False)
    assert missing.returncode == 2 and "no source" in missing.stderr
    bad_date = run_cli("report", "--source", host, "--since", "yesterday", env=env, check=False)
    assert bad_date.returncode == 2 and "--since" in bad_date.stderr


def test_api_pages_through_a_partners_copies_with_filters_and_csv(client: TestClient) -> None:
    for host in _partners():
        expected = _expected_copies(host)
        seen: list[dict[str, Any]] = []
        cursor = None
        while True:
            params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
            page = client.get(f"/sources/{host}/republications", params=params)
            assert page.status_code == 200, page.text
            body = page.json()
            seen += body["items"]
            cursor = body["next_cursor"]
            if cursor is None:
                break
        assert {iri(c["url"]): (iri(c["article_url"]), c["kind"], c["attribution"]) for c in seen} == expected
        missing = client.get(f"/sources/{host}/republications", params={"attribution": "missing"}).json()["items"]
        assert {iri(c["url"]) for c in missing} == {u for u, v in expected.items() if v[2] == "missing"}
        for site in {c["site"] for c in seen}:
            on_site = client.get(f"/sources/{host}/republications", params={"site": site}).json()["items"]
            assert on_site and all(c["site"] == site for c in on_site)
        download = client.get(f"/sources/{host}/republications.csv")
        assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
        assert "attachment" in download.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(download.text)))
        assert {iri(r["url"]): r["attribution"] for r in rows} == {u: v[2] for u, v in expected.items()}
    assert client.get("/sources/nowhere.invalid/republications").status_code == 404
    assert client.get(f"/sources/{_partners()[0]}/republications", params={"attribution": "bogus"}).status_code == 422


def test_sources_counts_republishers_by_the_copies_on_their_site(client: TestClient) -> None:
    data = truth()
    copies_on = Counter(r["site"] for r in data["republications"])
    uncredited_on = Counter(r["site"] for r in data["republications"] if r["attribution"] == "missing")
    listed = {s["host"]: s for s in client.get("/sources").json()["items"]}
    for site in data["sites"]:
        counts = listed[site["host"]]["counts"]
        if site["role"] == "republisher":
            assert counts["republications"] == copies_on[site["host"]], site["host"]
            assert counts["unattributed"] == uncredited_on[site["host"]], site["host"]
        else:
            assert counts["republications"] == len(_expected_copies(site["host"])), site["host"]


def test_lookup_on_a_copy_gives_kind_and_verdict_and_refuses_non_urls(client: TestClient) -> None:
    for expected in truth()["republications"]:
        body = client.get("/lookup", params={"url": expected["url"]}).json()
        assert body["role"] == "republication"
        assert (body["kind"], body["attribution"]) == (expected["kind"], expected["attribution"])
        assert body["republication"]["attribution"] == expected["attribution"]
    article = truth()["articles"][0]
    canonical = client.get("/lookup", params={"url": article["url"]}).json()
    assert canonical["role"] == "canonical" and canonical["kind"] is None and canonical["attribution"] is None
    for not_a_url in ("not-a-url", "ftp://example.org/x", "http://"):
        answer = client.get("/lookup", params={"url": not_a_url})
        assert answer.status_code == 422, not_a_url
        assert answer.json()["error"] == "invalid_parameter"


def test_dashboard_names_every_source_and_links_to_their_pages(client: TestClient) -> None:
    index = client.get("/")
    assert index.status_code == 200 and index.headers["content-type"].startswith("text/html")
    assert "<script" not in index.text
    for site in truth()["sites"]:
        assert site["host"] in index.text
        assert f'href="/sites/{site["host"]}"' in index.text
    assert 'name="viewport"' in index.text


def test_partner_page_shows_its_uncredited_copies_first(client: TestClient) -> None:
    host = max(_partners(), key=lambda h: sum(v[2] != "correct" for v in _expected_copies(h).values()))
    page = client.get(f"/sites/{host}")
    assert page.status_code == 200
    text = page.text
    uncredited = [url for url, v in _expected_copies(host).items() if v[2] != "correct"]
    credited = [url for url, v in _expected_copies(host).items() if v[2] == "correct"]
    assert uncredited, "the shared web has uncredited copies"
    without, with_credit = text.index("Copies without credit"), text.index("Copies that credit the source")
    assert without < with_credit
    for url in uncredited:  # shown as IRIs
        assert without < text.index(html.escape(url), without) < with_credit, url
    for url in credited:
        assert html.escape(url) in text[with_credit:], url
    assert client.get("/sites/nowhere.invalid").status_code == 404


def test_copy_page_shows_what_explain_shows(client: TestClient) -> None:
    copy = next(r for r in truth()["republications"] if r["attribution"] == "missing")
    page = client.get("/copy", params={"url": copy["url"]})
    assert page.status_code == 200
    assert "republication" in page.text and "missing" in page.text and "Compared with" in page.text
    assert client.get("/copy", params={"url": "http://unknown.invalid/x"}).status_code == 404


def test_docs_are_served_offline_and_metrics_answer(crawled: dict[str, Any]) -> None:
    client = TestClient(create_app(crawled["database_url"]))  # its own request counters
    for path in ("/docs", "/redoc"):
        page = client.get(path)
        assert page.status_code == 200
        assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert assets and all(a.startswith("/") for a in assets), assets  # nothing from a CDN
        for asset in assets:
            assert client.get(asset).status_code == 200, asset
    client.get("/sources")
    metrics = client.get("/metrics")
    assert metrics.status_code == 200 and metrics.headers["content-type"].startswith("text/plain")
    names = {line.split("{")[0].split(" ")[0] for line in metrics.text.splitlines() if line and line[0] != "#"}
    assert names and all(name.startswith("aggregator_") for name in names), names
    assert re.search(r'aggregator_http_requests_total\{method="GET",route="/sources",status="200"\} 1\.0',
                     metrics.text)
    assert re.search(r"^aggregator_crawl_runs_total 1\.0$", metrics.text, re.MULTILINE)
    assert re.search(r'^aggregator_copies\{attribution="missing"\} [1-9]', metrics.text, re.MULTILINE)


def test_explain_on_an_original_lists_its_copies(crawled: dict[str, Any]) -> None:
    data = truth()
    article = max(data["articles"], key=lambda a: sum(r["of"] == a["id"] for r in data["republications"]))
    copies = {iri(r["url"]): r["attribution"] for r in data["republications"] if r["of"] == article["id"]}
    result = json.loads(run_cli("explain", "--format", "json", article["url"], env=crawled["env"]).stdout)
    assert result["role"] == "canonical"
    assert {iri(c["url"]): c["attribution"] for c in result["copies"]} == copies
    text = run_cli("explain", article["url"], env=crawled["env"]).stdout
    assert f"copies:     {len(copies)} found elsewhere" in text


def test_runs_list_and_stats(crawled: dict[str, Any]) -> None:
    env = crawled["env"]
    runs = run_cli("runs", "list", env=env).stdout.splitlines()
    assert len(runs) == 1 and runs[0].startswith("#1 ") and "finished" in runs[0]
    jsonl = [json.loads(line) for line in run_cli("runs", "list", "--format", "jsonl", env=env).stdout.splitlines()]
    assert jsonl[0]["stats"]["pages_processed"] > 0 and jsonl[0]["finished"]
    stats = json.loads(run_cli("stats", "--format", "json", env=env).stdout)
    data = truth()
    assert stats["articles"] == len(data["articles"])
    assert stats["copies"] == dict(Counter(r["attribution"] for r in data["republications"]))
    assert stats["sources"] == dict(Counter(s["role"] for s in data["sites"]))
    assert stats["crawl_runs"] == 1 and stats["last_run"]["id"] == 1
    text = run_cli("stats", env=env).stdout
    assert f"articles:      {len(data['articles'])}" in text
