"""Pagination cursors: the sort key of the last row of a page, spelled as a short string.

An article cursor is `<published, in microseconds since the epoch>.<id>`, or `n.<id>` for an
undated article. Clients treat it as opaque. Every string that matches the documented pattern
decodes to a key (out-of-range dates are clamped), so a well-formed cursor is never refused.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.queries import ArticleKey

ARTICLE_CURSOR_PATTERN = r"^(n|-?[0-9]{1,17})\.[0-9]{1,10}$"
REPUBLICATION_CURSOR_PATTERN = r"^[0-9]{1,10}$"
# Row ids are 32-bit integers on PostgreSQL; a larger id in a cursor means "after every row".
MAX_ID = 2**31 - 1

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MIN = datetime.min.replace(tzinfo=UTC)
_MAX = datetime.max.replace(tzinfo=UTC)


def _micros(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1)


def encode_article_cursor(key: ArticleKey) -> str:
    """The cursor that resumes a page after `key`."""
    published = "n" if key.published is None else str(_micros(key.published))
    return f"{published}.{key.id}"


def decode_article_cursor(cursor: str) -> ArticleKey:
    """The key a cursor (matching ARTICLE_CURSOR_PATTERN) resumes after."""
    published_part, id_part = cursor.split(".")
    row_id = decode_id(id_part)
    if published_part == "n":
        return ArticleKey(None, row_id)
    micros = int(published_part)
    lowest, highest = _micros(_MIN), _micros(_MAX)
    micros = min(max(micros, lowest), highest)
    return ArticleKey(_EPOCH + timedelta(microseconds=micros), row_id)


def decode_id(digits: str) -> int:
    """A row id from a cursor (digits only), clamped to the ids a database can hold."""
    return min(int(digits), MAX_ID)
