"""Full-text search over canonical articles with each database's own engine.

SQLite: an FTS5 external-content table `articles_fts` over articles(title, text, author).
PostgreSQL: a side table `article_search(article_id, document tsvector)` with a GIN index.
Migration 0002 creates both and the triggers that keep them current on every write to
`articles`, so the write path needs no code of its own.

Search semantics, the same on both engines: the query is split into terms (words, or
"quoted phrases"); an article matches when it contains every term, in its title, text or
author. Matching is on whole words, case-insensitive, without stemming (SQLite also ignores
diacritics; PostgreSQL's `simple` configuration does not).

These objects live outside the SQLAlchemy models, so `SEARCH_OBJECTS` names every one of them
for Alembic's autogenerate filter (`include_name` / `include_object` below).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, Text, bindparam, column, func, literal_column, select, table

# Every database object that migrations create outside the models: tables (with FTS5's
# shadow tables), indexes, triggers, functions and views.
SEARCH_OBJECTS: frozenset[str] = frozenset(
    {
        # SQLite FTS5 external-content table and its shadow tables.
        "articles_fts",
        "articles_fts_data",
        "articles_fts_idx",
        "articles_fts_docsize",
        "articles_fts_config",
        "articles_fts_content",
        "articles_fts_after_insert",
        "articles_fts_after_delete",
        "articles_fts_after_update",
        # PostgreSQL side table, its GIN index, trigger function and triggers.
        "article_search",
        "pk_article_search",
        "fk_article_search_article_id_articles",
        "ix_article_search_document",
        "article_search_document",
        "article_search_refresh",
        "article_search_after_insert",
        "article_search_after_update",
        # Read-path indexes for the API's newest-first pages and source counts (both engines).
        "ix_articles_published_id",
        "ix_articles_source_id_published_id",
        "ix_articles_author",
        "ix_republications_article_id_attribution",
        # Stable views for downstream SQL users.
        "canonical_articles",
        "article_republications",
        "article_urls",
    }
)

FTS_TABLE = "articles_fts"
PG_TEXT_SEARCH_CONFIG = "simple"
MAX_TERMS = 16
MAX_TERM_WORDS = 8

_PHRASE_OR_WORD = re.compile(r'"([^"]*)"|([^\s"]+)')
# Letters and digits; underscores and punctuation separate words, as in FTS5's unicode61
# tokenizer and PostgreSQL's default parser.
_WORD = re.compile(r"[^\W_]+")


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic `include_name` hook: hide the search objects from autogenerate's reflection."""
    return name not in SEARCH_OBJECTS


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic `include_object` hook: hide the search objects (tables, indexes) from autogenerate."""
    if name in SEARCH_OBJECTS:
        return False
    table_name = getattr(getattr(obj, "table", None), "name", None)
    return table_name not in SEARCH_OBJECTS


def search_terms(query: str) -> list[str]:
    """The terms of a user's query: each a word or a phrase (words joined by one space).

    Punctuation is dropped, so the terms are safe to quote in any engine's query language.
    A query without any letter or digit has no terms (and matches nothing).
    """
    terms: list[str] = []
    for match in _PHRASE_OR_WORD.finditer(query):
        phrase, bare = match.groups()
        if phrase is not None:
            words = _WORD.findall(phrase)[:MAX_TERM_WORDS]
            if words:
                terms.append(" ".join(w.lower() for w in words))
        else:
            # A bare token like "e-mail" is a phrase of its words.
            words = _WORD.findall(bare)[:MAX_TERM_WORDS]
            if words:
                terms.append(" ".join(w.lower() for w in words))
        if len(terms) >= MAX_TERMS:
            break
    return list(dict.fromkeys(terms))


def fts5_match_expression(terms: list[str]) -> str:
    """An FTS5 MATCH expression requiring every term: each one a quoted phrase."""
    return " ".join('"' + term.replace('"', '""') + '"' for term in terms)


def matching_article_ids(dialect: str, term_count: int) -> Select[Any]:
    """A SELECT of the ids of articles that contain every term, with the terms as bind parameters.

    The statement depends only on the dialect and the number of terms, so callers can build it
    once and cache it; `search_parameters` gives the values to execute it with.
    """
    if term_count < 1:
        raise ValueError("a search needs at least one term")
    if dialect == "sqlite":
        fts = table(FTS_TABLE, column("rowid"))
        return select(fts.c.rowid).where(literal_column(FTS_TABLE).op("MATCH")(bindparam("fts_query", type_=Text)))
    if dialect == "postgresql":
        side = table("article_search", column("article_id"), column("document"))
        query: ColumnElement[Any] = func.phraseto_tsquery(PG_TEXT_SEARCH_CONFIG, bindparam("term_0", type_=Text))
        for index in range(1, term_count):
            term = func.phraseto_tsquery(PG_TEXT_SEARCH_CONFIG, bindparam(f"term_{index}", type_=Text))
            query = query.op("&&")(term)
        return select(side.c.article_id).where(side.c.document.op("@@")(query))
    raise ValueError(f"full-text search is not supported on {dialect}")


def match_count_statement(dialect: str, term_count: int) -> Select[Any]:
    """A SELECT of how many articles match, counting no further than the bind parameter `cap`.

    Counting stops at the cap, so the statement costs at most `cap` index entries however
    common the terms are.
    """
    matches = matching_article_ids(dialect, term_count).limit(bindparam("cap", type_=Integer)).subquery()
    return select(func.count()).select_from(matches)


def search_parameters(dialect: str, terms: list[str]) -> dict[str, str]:
    """The bind parameters of `matching_article_ids(dialect, len(terms))` for these terms."""
    if dialect == "sqlite":
        return {"fts_query": fts5_match_expression(terms)}
    return {f"term_{index}": term for index, term in enumerate(terms)}
