"""The 200 real feeds, served on loopback: every one polled, every entry recorded, nothing fatal."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import feedparser
import pytest
import yaml
from sqlalchemy import func, select

from storage.engine import session_scope
from storage.feeds import Feed, FeedEntry
from storage.pages import FAILED, Page
from tests.conftest import shared_path
from tests.syndication_web import cli_env, run_cli, serve_web

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def plain_entry_count(body: bytes) -> int:
    """Entries plain feedparser finds; feedparser 6.0 cannot read JSON Feed, so those are counted as JSON."""
    if body.lstrip().startswith(b"{"):
        return len(json.loads(body).get("items") or [])
    return len(feedparser.parse(body).entries)


def served_body(root: Path, url: str) -> bytes:
    """The file serve.py answers for `url` (queries live under __query__)."""
    rest = url.split("://", 1)[1]
    path, _, query = rest.partition("?")
    base = root / "sites" / path
    if query:
        return (base / "__query__" / (query.replace("/", "_") + ".html")).read_bytes()
    return (base / "index.html" if base.is_dir() else base).read_bytes()


def test_all_real_feeds_polled_with_every_entry(tmp_path: Path) -> None:
    root = shared_path("corpora", "real-feeds")
    feeds = json.loads((root / "feeds.json").read_text(encoding="utf-8"))
    by_host: dict[str, list[str]] = defaultdict(list)
    for feed in feeds:
        by_host[feed["url"].split("/")[2]].append(feed["url"])
    sources = [{"name": host, "home": f"http://{host}/", "role": "partner", "feeds": urls}
               for host, urls in sorted(by_host.items())]
    sources_file = tmp_path / "sources.yaml"
    sources_file.write_text(yaml.safe_dump({"sources": sources}), encoding="utf-8")
    database_url = f"sqlite:///{tmp_path / 'real.db'}"
    with serve_web(tmp_path / "requests.jsonl", root=root) as web:
        env = cli_env(database_url, web.proxy)
        run_cli("db", "upgrade", env=env)
        run_cli("sources", "import", str(sources_file), env=env)
        run_cli("crawl", "--feeds-only", env=env, timeout=1500)

    with session_scope(database_url) as session:
        recorded = {url: count for url, count in session.execute(
            select(Feed.url, func.count(FeedEntry.id)).outerjoin(FeedEntry, FeedEntry.feed_id == Feed.id)
            .group_by(Feed.url))}
        never_polled = list(session.scalars(select(Feed.url).where(Feed.last_polled_at.is_(None))))
        feed_errors = {f.url: f.last_error for f in session.scalars(select(Feed).where(Feed.last_error.is_not(None)))}
        failed_pages = session.scalar(select(func.count()).select_from(Page).where(Page.state == FAILED))
    assert len(recorded) == len(feeds) and not never_polled
    mismatches = {}
    for feed in feeds:
        count = plain_entry_count(served_body(root, feed["url"]))
        if recorded[feed["url"]] != count:
            mismatches[feed["url"]] = (recorded[feed["url"]], count)
        if feed["url"] in feed_errors:
            # A feed recorded as broken is one plain feedparser finds nothing in either.
            assert count == 0, (feed["url"], feed_errors[feed["url"]])
    assert not mismatches
    # The feeds' article pages are not in the corpus: their 404s are recorded, not fatal.
    assert failed_pages and failed_pages > 0
