"""full-text search, read-path indexes and the downstream SQL views

SQLite: an FTS5 external-content table over articles(title, text, author), kept current by
triggers. PostgreSQL: a side table of tsvectors with a GIN index, kept current by triggers.
Both: indexes for newest-first pages, and the views `canonical_articles`,
`article_republications` and `article_urls` (documented in docs/sql-views.md).

Every name created here is listed in storage.search.SEARCH_OBJECTS so that autogenerate
ignores it. This migration is frozen: it spells its SQL out instead of importing it.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 00:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

READ_PATH_INDEXES = [
    "CREATE INDEX ix_articles_published_id ON articles (published, id)",
    "CREATE INDEX ix_articles_source_id_published_id ON articles (source_id, published, id)",
    "CREATE INDEX ix_articles_author ON articles (author)",
    # Covers the per-source attribution counts: no republication row is read to count them.
    "CREATE INDEX ix_republications_article_id_attribution ON republications (article_id, attribution)",
]

VIEWS = [
    """
    CREATE VIEW canonical_articles AS
    SELECT a.public_id AS article_id, a.url, s.host AS source_host, s.name AS source_name,
           a.title, a.author, a.language, a.published, a.updated, a.text,
           a.created_at AS first_seen, a.updated_at
    FROM articles a JOIN sources s ON s.id = a.source_id
    """,
    """
    CREATE VIEW article_republications AS
    SELECT a.public_id AS article_id, a.url AS article_url, s.host AS source_host,
           r.url AS republication_url, r.site AS republisher_host, r.kind, r.attribution,
           r.claimed_source_host, r.claimed_author, r.via, r.containment, r.first_seen
    FROM republications r
    JOIN articles a ON a.id = r.article_id
    JOIN sources s ON s.id = a.source_id
    """,
    """
    CREATE VIEW article_urls AS
    SELECT a.url AS url, 'canonical' AS role, a.public_id AS article_id FROM articles a
    UNION ALL
    SELECT u.url, 'alias', a.public_id FROM url_aliases u JOIN articles a ON a.id = u.article_id
    UNION ALL
    SELECT r.url, 'republication', a.public_id FROM republications r JOIN articles a ON a.id = r.article_id
    """,
]

SQLITE_SEARCH = [
    # External content: the index stores no copy of the text; `rowid` is articles.id.
    """
    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text, author,
        content='articles', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER articles_fts_after_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts (rowid, title, text, author)
        VALUES (new.id, new.title, new.text, new.author);
    END
    """,
    """
    CREATE TRIGGER articles_fts_after_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, text, author)
        VALUES ('delete', old.id, old.title, old.text, old.author);
    END
    """,
    # Upserts rewrite every column; re-index only when the searchable text really changed.
    """
    CREATE TRIGGER articles_fts_after_update AFTER UPDATE OF title, text, author ON articles
    WHEN old.title IS NOT new.title OR old.text IS NOT new.text OR old.author IS NOT new.author
    BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, text, author)
        VALUES ('delete', old.id, old.title, old.text, old.author);
        INSERT INTO articles_fts (rowid, title, text, author)
        VALUES (new.id, new.title, new.text, new.author);
    END
    """,
    "INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')",
]

POSTGRES_SEARCH = [
    """
    CREATE TABLE article_search (
        article_id integer NOT NULL,
        document tsvector NOT NULL,
        CONSTRAINT pk_article_search PRIMARY KEY (article_id),
        CONSTRAINT fk_article_search_article_id_articles FOREIGN KEY (article_id)
            REFERENCES articles (id) ON DELETE CASCADE
    )
    """,
    "CREATE INDEX ix_article_search_document ON article_search USING gin (document)",
    # Title weighs most, then author, then text. The text is cut at 200,000 characters:
    # a tsvector is limited to 1 MB and positions stop at 16,383 anyway.
    """
    CREATE FUNCTION article_search_document(title text, author text, body text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT setweight(to_tsvector('simple', coalesce(title, '')), 'A')
            || setweight(to_tsvector('simple', coalesce(author, '')), 'B')
            || setweight(to_tsvector('simple', left(coalesce(body, ''), 200000)), 'C')
    $$
    """,
    """
    CREATE FUNCTION article_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO article_search (article_id, document)
        VALUES (NEW.id, article_search_document(NEW.title, NEW.author, NEW.text))
        ON CONFLICT (article_id) DO UPDATE SET document = EXCLUDED.document;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER article_search_after_insert AFTER INSERT ON articles
    FOR EACH ROW EXECUTE FUNCTION article_search_refresh()
    """,
    """
    CREATE TRIGGER article_search_after_update AFTER UPDATE OF title, text, author ON articles
    FOR EACH ROW
    WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.text IS DISTINCT FROM NEW.text
          OR OLD.author IS DISTINCT FROM NEW.author)
    EXECUTE FUNCTION article_search_refresh()
    """,
    """
    INSERT INTO article_search (article_id, document)
    SELECT id, article_search_document(title, author, text) FROM articles
    """,
]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        statements = SQLITE_SEARCH
    elif dialect == "postgresql":
        statements = POSTGRES_SEARCH
    else:
        raise NotImplementedError(f"no full-text search for {dialect}")
    for statement in [*statements, *READ_PATH_INDEXES, *VIEWS]:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for view in ("article_urls", "article_republications", "canonical_articles"):
        op.execute(f"DROP VIEW IF EXISTS {view}")
    for index in ("ix_republications_article_id_attribution", "ix_articles_author",
                  "ix_articles_source_id_published_id", "ix_articles_published_id"):
        op.execute(f"DROP INDEX IF EXISTS {index}")
    if dialect == "sqlite":
        for trigger in ("after_update", "after_delete", "after_insert"):
            op.execute(f"DROP TRIGGER IF EXISTS articles_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS articles_fts")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS article_search_after_update ON articles")
        op.execute("DROP TRIGGER IF EXISTS article_search_after_insert ON articles")
        op.execute("DROP FUNCTION IF EXISTS article_search_refresh()")
        op.execute("DROP TABLE IF EXISTS article_search")
        op.execute("DROP FUNCTION IF EXISTS article_search_document(text, text, text)")
