"""Export of canonical articles, one JSON object per line (the format other tools rely on)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import IO, Any

from aggregator.urls import display_url
from storage.articles import aliases_by_article, list_articles, republications_by_article
from storage.engine import session_scope
from storage.sources import Source


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def article_records(database_url: str) -> Iterator[dict[str, Any]]:
    """Every canonical article as an export record, newest first (a stable order)."""
    with session_scope(database_url) as session:
        hosts = {s.id: s.host for s in session.query(Source)}
        aliases = aliases_by_article(session)
        republications = republications_by_article(session)
        for article in list_articles(session):
            yield {
                "id": article.public_id,
                "url": display_url(article.url),
                "site": hosts.get(article.source_id),
                "title": article.title,
                "author": article.author,
                "published": _iso(article.published),
                "language": article.language,
                "text": article.text,
                "aliases": [display_url(a) for a in aliases.get(article.id, [])],
                "republications": [
                    {
                        "url": display_url(rep.url),
                        "site": rep.site,
                        "kind": rep.kind,
                        "claimed": (
                            {"source_host": rep.claimed_source_host, "author": rep.claimed_author}
                            if rep.claimed_source_host or rep.claimed_author
                            else None
                        ),
                        "attribution": rep.attribution,
                        "via": display_url(rep.via) if rep.via else None,
                        "first_seen": _iso(rep.first_seen),
                    }
                    for rep in republications.get(article.id, [])
                ],
            }


def write_jsonl(database_url: str, out: IO[str]) -> int:
    """Write every canonical article as one JSON line to `out`; returns how many."""
    count = 0
    for record in article_records(database_url):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count
