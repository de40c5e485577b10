"""Which paragraphs each republisher's pages contain, to recognise the site's own boilerplate."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import cast

from sqlalchemy import BigInteger, ForeignKey, Integer, Table, bindparam, delete, func, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.base import Base

_CHUNK = 500


class SiteParagraph(Base):
    """A paragraph (by key) that a republication page of a site contains."""

    __tablename__ = "site_paragraphs"
    __table_args__ = ({"sqlite_with_rowid": False},)

    source_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    paragraph_key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    republication_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("republications.id", ondelete="CASCADE"), primary_key=True, autoincrement=False,
        index=True,
    )


_SITE_PARAGRAPHS = cast(Table, SiteParagraph.__table__)
_PAGE_KEYS = select(_SITE_PARAGRAPHS.c.paragraph_key).where(_SITE_PARAGRAPHS.c.republication_id == bindparam("owner"))
_DELETE_PAGE_KEY = delete(_SITE_PARAGRAPHS).where(
    _SITE_PARAGRAPHS.c.republication_id == bindparam("owner"), _SITE_PARAGRAPHS.c.paragraph_key == bindparam("key")
)
_INSERT_PAGE_KEY = insert(_SITE_PARAGRAPHS)


def replace_site_paragraphs(
    session: Session, *, republication_id: int, source_id: int, keys: Sequence[int]
) -> tuple[set[int], set[int]]:
    """Make `keys` the paragraphs recorded for a republication page (idempotent).

    Returns (keys added, keys removed) compared with what was recorded before.
    """
    connection = session.connection()
    before = set(connection.scalars(_PAGE_KEYS, {"owner": republication_id}))
    wanted = set(keys)
    added, removed = wanted - before, before - wanted
    if removed:
        connection.execute(_DELETE_PAGE_KEY, [{"owner": republication_id, "key": k} for k in sorted(removed)])
    rows = [{"source_id": source_id, "paragraph_key": k, "republication_id": republication_id} for k in sorted(added)]
    if rows:
        connection.execute(_INSERT_PAGE_KEY, rows)
    return added, removed


_RECORDED = select(_SITE_PARAGRAPHS.c.republication_id, _SITE_PARAGRAPHS.c.paragraph_key,
                   _SITE_PARAGRAPHS.c.source_id).where(
    _SITE_PARAGRAPHS.c.republication_id.in_(bindparam("owners", expanding=True))
)


def recorded_paragraphs(session: Session, republication_ids: Iterable[int]) -> dict[int, dict[int, int]]:
    """The paragraphs recorded for these republication pages: {republication id: {key: source id}}."""
    wanted = sorted(set(republication_ids))
    found: dict[int, dict[int, int]] = {rid: {} for rid in wanted}
    connection = session.connection()
    for start in range(0, len(wanted), _CHUNK):
        for owner, key, source_id in connection.execute(_RECORDED, {"owners": wanted[start : start + _CHUNK]}):
            found[owner][key] = source_id
    return found


def change_site_paragraphs(
    session: Session, *, removed: Sequence[tuple[int, int]], added: Sequence[tuple[int, int, int]]
) -> None:
    """Forget the `removed` (republication id, key) records, then record the `added` (source id, key,
    republication id) ones: one statement each."""
    connection = session.connection()
    if removed:
        connection.execute(_DELETE_PAGE_KEY, [{"owner": owner, "key": key} for owner, key in removed])
    if added:
        connection.execute(_INSERT_PAGE_KEY, [{"source_id": source_id, "paragraph_key": key, "republication_id": owner}
                                              for source_id, key, owner in added])


_PAGE_COUNTS = (
    select(_SITE_PARAGRAPHS.c.paragraph_key, func.count())
    .where(_SITE_PARAGRAPHS.c.source_id == bindparam("source_id"),
           _SITE_PARAGRAPHS.c.paragraph_key.in_(bindparam("keys", expanding=True)))
    .group_by(_SITE_PARAGRAPHS.c.paragraph_key)
)


def paragraph_page_counts(session: Session, *, source_id: int, keys: Sequence[int]) -> dict[int, int]:
    """How many pages of the site contain each of `keys` (keys no page has are left out)."""
    found: dict[int, int] = {}
    distinct = sorted(set(keys))
    connection = session.connection()
    for start in range(0, len(distinct), _CHUNK):
        rows = connection.execute(_PAGE_COUNTS, {"source_id": source_id, "keys": distinct[start : start + _CHUNK]})
        found.update({key: count for key, count in rows})
    return found


def pages_sharing_paragraphs(session: Session, *, source_id: int, keys: Sequence[int]) -> set[int]:
    """Republication pages of the site that contain any of `keys`."""
    found: set[int] = set()
    distinct = sorted(set(keys))
    for start in range(0, len(distinct), _CHUNK):
        stmt = select(SiteParagraph.republication_id).where(
            SiteParagraph.source_id == source_id, SiteParagraph.paragraph_key.in_(distinct[start : start + _CHUNK])
        )
        found.update(session.scalars(stmt))
    return found
