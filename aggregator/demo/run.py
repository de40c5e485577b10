"""`aggregator demo`: serve the built-in demo web on loopback, crawl it, and report."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from typing import Any

from aggregator.crawl.run import run_crawl
from aggregator.demo import build_demo_web, serve_demo_web
from aggregator.export import article_records
from aggregator.sources.file import parse_sources
from aggregator.sources.importer import import_sources
from aggregator.urls import normalise_url
from storage.engine import display_database_url, session_scope
from storage.migrations import upgrade

LOOPBACK = "127.0.0.0/8,::1/128"


def run_demo(database_url: str, *, echo: Callable[[str], None], jobs: int = 0) -> dict[str, Any]:
    """Migrate `database_url`, serve the demo web, crawl it, and print what was found."""
    from sqlalchemy import func, select

    from storage.articles import Article, UrlAlias
    from storage.pages import Page

    web = build_demo_web()
    expected = web.expected()
    upgrade(database_url)
    specs = parse_sources(web.sources_yaml())
    import_sources(database_url, specs)
    echo(f"demo web: {len(specs)} sites ({sum(s.role == 'partner' for s in specs)} partner blogs), "
         f"served on loopback")
    with serve_demo_web(web) as proxy:
        # Scrapy reads the standard proxy variables when the crawl starts.
        os.environ["http_proxy"] = proxy
        os.environ.pop("no_proxy", None)
        os.environ.pop("NO_PROXY", None)
        echo(f"crawling through {proxy} into {database_url} ...")
        # The demo web is served on this machine's loopback: the one network the crawl may reach.
        summary = run_crawl(database_url, jobs=jobs, allow_private_networks=LOOPBACK)
    with session_scope(database_url) as session:
        urls = set(session.scalars(select(Article.url)))
        articles = len(urls)
        aliases = session.scalar(select(func.count()).select_from(UrlAlias)) or 0
        pages = session.scalar(select(func.count()).select_from(Page)) or 0
    wanted = {normalise_url(a.url) for a in expected.articles}
    found = len(wanted & urls)
    echo("")
    echo(f"pages stored:        {pages}")
    echo(f"canonical articles:  {articles} ({found} of the {len(wanted)} the demo web holds)")
    echo(f"aliases:             {aliases}")
    linked = {
        normalise_url(rep["url"]): (normalise_url(record["url"]), rep["kind"], rep["attribution"])
        for record in article_records(database_url) for rep in record["republications"]
    }
    right = sum(
        linked.get(normalise_url(r.url)) == (normalise_url(r.original_url), r.kind, r.attribution)
        for r in expected.republications
    )
    verdicts = Counter(attribution for _url, _kind, attribution in linked.values())
    echo(f"republications:      {len(linked)} linked to their original "
         f"({right} of the {len(expected.republications)} the demo web holds with the right kind and verdict)")
    echo("attribution:         " + ", ".join(f"{n} {v}" for v, n in sorted(verdicts.items())))
    echo(f"errors recorded:     {summary.get('errors', 0)}")
    echo("")
    echo("Query the result:")
    echo("  .venv/bin/aggregator export --format jsonl | head -n 1")
    echo("  .venv/bin/aggregator sources list")
    partner = next((s.host for s in specs if s.role == "partner"), None)
    if partner:
        echo(f"  .venv/bin/aggregator report --source {partner}")
    echo("  .venv/bin/aggregator serve            # the dashboard at http://127.0.0.1:8000/")
    query = ("SELECT source_host, title, author, published FROM canonical_articles "
             "ORDER BY published DESC LIMIT 10")
    if database_url.startswith("sqlite:///"):
        echo(f"  sqlite3 {database_url[len('sqlite:///'):]} '{query}'")
    elif database_url.startswith(("postgresql", "postgres:")):
        echo(f"  psql '{display_database_url(database_url).replace('+psycopg', '')}' -c '{query}'")
    return {"summary": summary, "articles": articles, "expected_found": found, "expected": len(wanted)}
