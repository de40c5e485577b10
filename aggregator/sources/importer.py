"""Write validated source specs to the database (what `aggregator sources import` does)."""

from __future__ import annotations

from collections.abc import Sequence

from aggregator.sources.file import SourceSpec
from storage.engine import session_scope
from storage.feeds import upsert_feed
from storage.sources import upsert_source


def import_sources(database_url: str, specs: Sequence[SourceSpec]) -> int:
    """Upsert every source and its feeds in one transaction; returns how many sources."""
    with session_scope(database_url) as session:
        for spec in specs:
            source_id = upsert_source(
                session, host=spec.host, name=spec.name, home_url=spec.home, role=spec.role,
                language=spec.language, sitemap_urls=list(spec.sitemaps),
                aliases=list(spec.aliases) if spec.aliases is not None else None,
            )
            for feed_url in spec.feeds:
                upsert_feed(session, source_id=source_id, url=feed_url)
    return len(specs)
