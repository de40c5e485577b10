"""Incremental polling on the shared web: conditional GET, new entries only, schedule, OPML, discovery."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.syndication_web import cli_env, iri, run_cli, serve_web, sources_yaml, truth

pytestmark = pytest.mark.integration


def _crawl_twice(tmp_path: Path, database_url: str) -> dict[str, Any]:
    data = truth()
    sources_file = tmp_path / "sources.yaml"
    sources_file.write_text(sources_yaml(data["sites"]), encoding="utf-8")
    with serve_web(tmp_path / "epoch1.jsonl") as web:
        env = cli_env(database_url, web.proxy)
        run_cli("db", "upgrade", env=env)
        run_cli("sources", "import", str(sources_file), env=env)
        run_cli("crawl", env=env)
        first = web.requests()
    with serve_web(tmp_path / "epoch2.jsonl", "--epoch", "2") as web:
        env = cli_env(database_url, web.proxy)
        second_crawl = run_cli("crawl", env=env)
        second = web.requests()
        feeds = [
            json.loads(line) for line in run_cli("feeds", "list", "--format", "jsonl", env=env).stdout.splitlines()
        ]
        export = [json.loads(line) for line in run_cli("export", env=env).stdout.splitlines()]
    return {"first": first, "second": second, "feeds": feeds, "export": export, "crawl": second_crawl.stdout}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def polled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    from tests.conftest import temporary_postgres_database

    tmp = tmp_path_factory.mktemp(f"poll-{request.param}")
    if request.param == "sqlite":
        yield _crawl_twice(tmp, f"sqlite:///{tmp / 'poll.db'}")
        return
    with temporary_postgres_database() as url:
        yield _crawl_twice(tmp, url)


def test_unchanged_feeds_answer_304(polled: dict[str, Any]) -> None:
    by_url = {r["url"]: r for r in polled["second"]}
    for feed in truth()["epoch2"]["unchanged_feeds"]:
        assert by_url[feed]["conditional"], feed
        assert by_url[feed]["status"] == 304, feed


def test_new_articles_are_exported(polled: dict[str, Any]) -> None:
    exported = {iri(r["url"]): r for r in polled["export"]}
    for article in truth()["epoch2"]["new_articles"]:
        record = exported[iri(article["url"])]
        assert record["title"] == article["title"]


def test_no_stored_article_page_is_fetched_again(polled: dict[str, Any]) -> None:
    data = truth()
    article_pages = {iri(a["url"]) for a in data["articles"]} | {iri(r["url"]) for r in data["republications"]}
    stored = {iri(r["url"]) for r in polled["first"] if r["status"] == 200} & article_pages
    assert stored, "the first crawl fetched the article pages"
    again = {iri(r["url"]) for r in polled["second"]} & stored
    assert not again, f"fetched again: {sorted(again)}"


def test_feeds_list_shows_the_schedule(polled: dict[str, Any]) -> None:
    now = datetime.now(UTC)
    assert len(polled["feeds"]) == sum(1 for s in truth()["sites"] if s["feed"])
    for feed in polled["feeds"]:
        assert feed["last_status"] in (200, 304)
        assert feed["consecutive_errors"] == 0 and not feed["failing"]
        assert feed["entries_seen"] > 0
        next_poll = datetime.fromisoformat(feed["next_poll"])
        # Default policy: between 15 minutes and 24 hours ahead, jitter included.
        assert 14 * 60 <= (next_poll - now).total_seconds() <= 24 * 3600 + 60


def test_due_polls_nothing_before_its_time(tmp_path: Path) -> None:
    sites = [s for s in truth()["sites"] if s["feed"]][:3]
    sources_file = tmp_path / "sources.yaml"
    sources_file.write_text(sources_yaml(sites), encoding="utf-8")
    database_url = f"sqlite:///{tmp_path / 'due.db'}"
    with serve_web(tmp_path / "requests.jsonl") as web:
        env = cli_env(database_url, web.proxy)
        run_cli("db", "upgrade", env=env)
        run_cli("sources", "import", str(sources_file), env=env)
        first = run_cli("crawl", "--due", env=env)  # never polled: every feed is due
        first_requests = web.requests()
        second = run_cli("crawl", "--due", env=env)  # just polled: nothing is due yet
        second_requests = web.requests()[len(first_requests) :]
    assert "3 feeds polled" in first.stdout
    assert "0 feeds polled" in second.stdout and not second_requests
    # --due polls feeds (and fetches their new entries' pages): no home page, listing or sitemap.
    feeds = {s["feed"] for s in sites}
    homes = {s["home"] for s in sites}
    asked = {r["url"] for r in first_requests}
    assert feeds <= asked
    assert not asked & homes
    assert not any(url.endswith("sitemap.xml") for url in asked)


def test_opml_round_trip_and_sources_add(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'opml.db'}"
    with serve_web(tmp_path / "requests.jsonl") as web:
        env = cli_env(database_url, web.proxy)
        run_cli("db", "upgrade", env=env)
        added = run_cli("sources", "add", "http://techjournal.example/", "--role", "partner", env=env)
        assert "http://techjournal.example/rss/" in added.stdout
        nofeed = run_cli("sources", "add", "http://greenfield.example/", env=env)
        assert "feeds: none" in nofeed.stdout
        assert not any("/private/" in r["url"] for r in web.requests())
        opml = tmp_path / "sources.opml"
        run_cli("sources", "export-opml", "--output", str(opml), env=env)
    other = f"sqlite:///{tmp_path / 'other.db'}"
    env2 = cli_env(other)
    run_cli("db", "upgrade", env=env2)
    run_cli("sources", "import-opml", str(opml), env=env2)
    listed = {
        json.loads(line)["host"]: json.loads(line)
        for line in run_cli("sources", "list", "--format", "jsonl", env=env2).stdout.splitlines()
    }
    assert set(listed) == {"techjournal.example", "greenfield.example"}
    assert listed["techjournal.example"]["feeds"] == ["http://techjournal.example/rss/"]
    assert listed["techjournal.example"]["role"] == "partner"
    bad = tmp_path / "bad.opml"
    bad.write_text("<html><body>not opml</body></html>", encoding="utf-8")
    result = run_cli("sources", "import-opml", str(bad), env=env2, check=False)
    assert result.returncode == 2 and "not OPML" in result.stderr
