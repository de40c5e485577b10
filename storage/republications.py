"""Republications: copies of canonical articles found on other sites, matched or provisional.

Matching reads what it needs here in batches and writes its decisions back in one pass
(`write_decisions`), taking its row locks in id order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Row, Table, bindparam, select, update
from sqlalchemy.orm import Session

from storage.articles import Article, Republication, UrlAlias
from storage.base import utcnow
from storage.sources import Source
from storage.upsert import upsert, upsert_statement

_CHUNK = 500


def upsert_republication(
    session: Session,
    *,
    page_id: int | None,
    source_id: int | None,
    url: str,
    url_key: str,
    site: str,
    title: str | None,
    author: str | None,
    published: datetime | None,
    language: str | None,
    match_text: str,
    text_hash: str,
    claims: list[dict[str, Any]],
    credit_lines: list[str],
    claimed_source_host: str | None,
    claimed_source_url: str | None,
    claimed_author: str | None,
    credit_evidence: dict[str, Any] | None = None,
) -> int:
    """Store what a republisher's page says; it waits for matching (matched_at cleared).

    `match_text` is the page's whole extracted text; the clean text readers see is matching's
    to write. The current match, if any, is kept until matching decides again, so readers never
    see a republication vanish between two runs. `credit_evidence` is what matching needs to verify
    the page's credits (its own claim and its credit positions).
    """
    values: dict[str, Any] = {
        "page_id": page_id, "source_id": source_id, "url": url, "url_key": url_key, "site": site,
        "title": title, "author": author, "published": published, "language": language,
        "match_text": match_text, "text_hash": text_hash, "claims": claims, "credit_lines": credit_lines,
        "claimed_source_host": claimed_source_host, "claimed_source_url": claimed_source_url,
        "claimed_author": claimed_author, "credit_evidence": credit_evidence, "first_seen": utcnow(),
        "matched_at": None,
    }
    update_cols = [c for c in values if c != "first_seen"]
    return int(upsert(session, Republication.__table__, values, conflict=["url"], update=update_cols))  # type: ignore[arg-type]


_REPUBLICATIONS_AT = select(Republication.url, Republication.id).where(
    Republication.url.in_(bindparam("urls", expanding=True))
)


def upsert_republications(session: Session, republications: Sequence[Mapping[str, Any]]) -> list[int]:
    """`upsert_republication` of several pages (each a mapping of its keyword arguments), in order,
    as one statement; their ids.

    The rows are executed in turn (executemany, not one multi-row VALUES), so an address twice in
    the list ends as the second left it, as two calls would do.
    """
    if not republications:
        return []
    now = utcnow()
    rows = [{**{c: None for c in _OPTIONAL}, **values, "first_seen": now, "matched_at": None}
            for values in republications]
    connection = session.connection()
    columns = tuple(sorted(rows[0]))
    update_cols = tuple(c for c in columns if c not in ("first_seen", "url"))
    connection.execute(upsert_statement(connection.dialect.name, _TABLE, columns, ("url",), update_cols, None), rows)
    urls = sorted({row["url"] for row in rows})
    ids = {url: rid for url, rid in connection.execute(_REPUBLICATIONS_AT, {"urls": urls})}
    return [int(ids[row["url"]]) for row in rows]


_TABLE = cast(Table, Republication.__table__)
_OPTIONAL = ("credit_evidence",)


def republication_ids_to_match(session: Session, *, after_id: int = 0, limit: int | None = None) -> list[int]:
    """Republications waiting for matching (new, changed, or sent back because an original they
    may copy arrived or changed), by id, from the first id above `after_id`.

    A provisional republication (no original yet) does not wait: the arrival of its original
    sends it back (see `aggregator.match.graph.requeue_after_original_changed`)."""
    if limit is None:
        return list(session.connection().scalars(_TO_MATCH, {"after_id": after_id}))
    return list(session.connection().scalars(_TO_MATCH_LIMITED, {"after_id": after_id, "limit": limit}))


_TO_MATCH = select(_TABLE.c.id).where(_TABLE.c.matched_at.is_(None), _TABLE.c.id > bindparam("after_id")).order_by(
    _TABLE.c.id
)
_TO_MATCH_LIMITED = _TO_MATCH.limit(bindparam("limit"))


def get_republications(session: Session, ids: Iterable[int]) -> list[Republication]:
    """The republications of `ids`, by id."""
    wanted = sorted(set(ids))
    found: list[Republication] = []
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        found += session.scalars(select(Republication).where(Republication.id.in_(chunk)).order_by(Republication.id))
    return found


_COPIES = select(_TABLE).where(_TABLE.c.id.in_(bindparam("ids", expanding=True))).order_by(_TABLE.c.id)
_COPIES_OF = select(_TABLE).where(_TABLE.c.article_id.in_(bindparam("ids", expanding=True)))


def republication_rows(session: Session, ids: Iterable[int]) -> list[Row[Any]]:
    """`get_republications` as plain rows (every column, by name): what matching reads of the copies
    it decides on, without building ORM objects."""
    return _rows(session, _COPIES, ids)


def republication_rows_of(session: Session, article_ids: Iterable[int]) -> list[Row[Any]]:
    """`republications_of` as plain rows (every column, by name), by URL."""
    return sorted(_rows(session, _COPIES_OF, article_ids), key=lambda r: r.url)


def _rows(session: Session, stmt: Any, ids: Iterable[int]) -> list[Row[Any]]:
    wanted = sorted(set(ids))
    connection = session.connection()
    found: list[Row[Any]] = []
    for start in range(0, len(wanted), _CHUNK):
        found += connection.execute(stmt, {"ids": wanted[start : start + _CHUNK]})
    return found


def republications_of(session: Session, article_ids: Iterable[int]) -> list[Republication]:
    """Every republication attached to these articles, by URL."""
    wanted = sorted(set(article_ids))
    found: list[Republication] = []
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        found += session.scalars(select(Republication).where(Republication.article_id.in_(chunk)))
    return sorted(found, key=lambda r: r.url)


def republication_ids_of(session: Session, article_ids: Iterable[int]) -> list[int]:
    """Ids of the republications attached to these articles."""
    wanted = sorted(set(article_ids))
    found: list[int] = []
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        found += session.scalars(select(Republication.id).where(Republication.article_id.in_(chunk)))
    return sorted(found)


_WITH_TEXT_HASHES = select(Article.text_hash, Article.id).where(
    Article.text_hash.in_(bindparam("hashes", expanding=True))
).order_by(Article.id)


def articles_with_text_hashes(session: Session, text_hashes: Iterable[str]) -> dict[str, list[int]]:
    """Articles whose normalised text is exactly one of these, by text hash (ids ascending)."""
    wanted = sorted({h for h in text_hashes if h})
    found: dict[str, list[int]] = {}
    connection = session.connection()
    for start in range(0, len(wanted), _CHUNK):
        for text_hash, article_id in connection.execute(_WITH_TEXT_HASHES, {"hashes": wanted[start : start + _CHUNK]}):
            found.setdefault(text_hash, []).append(article_id)
    return found


def article_for_url(session: Session, *, url: str, url_key: str) -> int | None:
    """The canonical article at this address: its own URL or an alias, else by the lossy `url_key`."""
    found = session.scalar(select(Article.id).where(Article.url == url))
    if found is None:
        found = session.scalar(select(UrlAlias.article_id).where(UrlAlias.url == url))
    if found is None:
        found = session.scalar(select(Article.id).where(Article.url_key == url_key).order_by(Article.id).limit(1))
    if found is None:
        found = session.scalar(
            select(UrlAlias.article_id).where(UrlAlias.url_key == url_key).order_by(UrlAlias.id).limit(1)
        )
    return found


_ARTICLE_IDS_AT = {
    "url": select(Article.url, Article.id).where(Article.url.in_(bindparam("values", expanding=True))),
    "alias": select(UrlAlias.url, UrlAlias.article_id).where(UrlAlias.url.in_(bindparam("values", expanding=True))),
    "url_key": select(Article.url_key, Article.id).where(Article.url_key.in_(bindparam("values", expanding=True)))
    .order_by(Article.id.desc()),
    "alias_key": select(UrlAlias.url_key, UrlAlias.article_id)
    .where(UrlAlias.url_key.in_(bindparam("values", expanding=True))).order_by(UrlAlias.id.desc()),
}


def articles_at(session: Session, addresses: Iterable[tuple[str, str]]) -> dict[str, int]:
    """`article_for_url` of several (url, url_key), in four queries for all: the article found at
    each url that has one."""
    wanted = sorted(set(addresses))
    if not wanted:
        return {}
    connection = session.connection()
    found: dict[str, dict[str, int]] = {}
    for name, values in (("url", {url for url, _ in wanted}), ("alias", {url for url, _ in wanted}),
                         ("url_key", {key for _, key in wanted}), ("alias_key", {key for _, key in wanted})):
        ordered = sorted(values)
        # Rows come last-wins in reverse order: the first by id (as `article_for_url` picks) stays.
        found[name] = {}
        for start in range(0, len(ordered), _CHUNK):
            rows = connection.execute(_ARTICLE_IDS_AT[name], {"values": ordered[start : start + _CHUNK]})
            found[name].update((value, article_id) for value, article_id in rows)
    out: dict[str, int] = {}
    for url, key in wanted:
        for name, value in (("url", url), ("alias", url), ("url_key", key), ("alias_key", key)):
            if value in found[name]:
                out[url] = found[name][value]
                break
    return out


_ARTICLE_TEXTS = (
    select(Article.id, Article.title, Article.text, Article.url, Article.author, Source.host, Source.name,
           Source.aliases)
    .join(Source, Source.id == Article.source_id)
    .where(Article.id.in_(bindparam("ids", expanding=True)))
)


def article_texts(session: Session, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """What matching compares and verifies of each article of `ids`: its title, text, url and
    author, and its source's host, name and aliases."""
    wanted = sorted(set(ids))
    found: dict[int, dict[str, Any]] = {}
    connection = session.connection()
    for start in range(0, len(wanted), _CHUNK):
        found.update({
            row.id: {"title": row.title, "text": row.text, "url": row.url, "author": row.author, "host": row.host,
                     "name": row.name, "aliases": list(row.aliases or [])}
            for row in connection.execute(_ARTICLE_TEXTS, {"ids": wanted[start : start + _CHUNK]})
        })
    return found


def republication_for_url(session: Session, *, url: str, url_key: str) -> Republication | None:
    """The republication stored at this address (matched or provisional), else by the lossy `url_key`."""
    found = session.scalars(select(Republication).where(Republication.url == url)).first()
    if found is None:
        found = session.scalars(
            select(Republication).where(Republication.url_key == url_key).order_by(Republication.id)
        ).first()
    return found


def article_summary(session: Session, article_id: int) -> tuple[str, str | None, str, str] | None:
    """(url, title, source host, public id) of an article."""
    row = session.execute(
        select(Article.url, Article.title, Source.host, Article.public_id)
        .join(Source, Source.id == Article.source_id)
        .where(Article.id == article_id)
    ).first()
    return (row.url, row.title, row.host, row.public_id) if row else None


def write_decisions(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Record matching's decisions: each row has the republication's `id` and the columns to set
    (article_id, kind, containment, coverage, matched_at, attribution, via, text).

    On PostgreSQL the rows are locked first, in id order, so two writers whose decisions touch
    the same republications wait for each other instead of deadlocking.
    """
    if not rows:
        return
    ids = sorted({row["id"] for row in rows})
    if session.get_bind().dialect.name == "postgresql":
        for start in range(0, len(ids), _CHUNK):
            session.execute(
                select(Republication.id).where(Republication.id.in_(ids[start : start + _CHUNK]))
                .order_by(Republication.id).with_for_update()
            )
    # An UPDATE by primary key: one executemany per distinct set of columns.
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in sorted(rows, key=lambda r: r["id"]):
        by_columns.setdefault(tuple(sorted(row)), []).append(row)
    connection = session.connection()
    for columns, group in by_columns.items():
        connection.execute(_update_by_id(columns), [{f"b_{c}": v for c, v in row.items()} for row in group])


@lru_cache(maxsize=16)
def _update_by_id(columns: tuple[str, ...]) -> Any:
    """UPDATE of these columns (and `id`) of one republication by id, built once per set of columns."""
    return update(_TABLE).where(_TABLE.c.id == bindparam("b_id")).values(
        {c: bindparam(f"b_{c}") for c in columns if c != "id"}
    )


def requeue_for_matching(session: Session, ids: Iterable[int]) -> None:
    """Send these republications back to matching (their candidates changed)."""
    wanted = sorted(set(ids))
    connection = session.connection()
    for start in range(0, len(wanted), _CHUNK):
        connection.execute(_REQUEUE, {"ids": wanted[start : start + _CHUNK]})


_REQUEUE = update(_TABLE).where(_TABLE.c.id.in_(bindparam("ids", expanding=True))).values(matched_at=None)
