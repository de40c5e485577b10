"""The `aggregator` command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from aggregator.settings import Settings

app = typer.Typer(
    name="aggregator",
    help=(
        "Crawl partner blogs and the sites that republish them into one canonical article per story.\n\n"
        "The database is AGGREGATOR_DATABASE_URL (default: sqlite:///aggregator.db in the current "
        "directory); --database-url overrides it. Proxies come from http_proxy/https_proxy/no_proxy."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema: create and migrate.", no_args_is_help=True)
sources_app = typer.Typer(help="The sites to crawl: import from YAML, list.", no_args_is_help=True)
feeds_app = typer.Typer(help="The feeds being polled: status, errors, schedule.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(sources_app, name="sources")
app.add_typer(feeds_app, name="feeds")

def _database_url(value: str | None) -> str:
    """The database the command works on: --database-url, else AGGREGATOR_DATABASE_URL, else the default."""
    return value or Settings.from_env().database_url


def _migrated_database_url(value: str | None) -> str:
    """`_database_url`, after checking that its schema is at the latest revision."""
    url = _database_url(value)
    _require_schema(url)
    return url


_DATABASE_HELP = "SQLAlchemy URL of the database [default: AGGREGATOR_DATABASE_URL, else sqlite:///aggregator.db]."
Database = Annotated[
    str,
    typer.Option("--database-url", envvar="AGGREGATOR_DATABASE_URL", callback=_migrated_database_url,
                 show_default=False, help=_DATABASE_HELP),
]
"""The database of a command that needs its schema up to date (checked once, before the command runs)."""
AnyDatabase = Annotated[
    str,
    typer.Option("--database-url", envvar="AGGREGATOR_DATABASE_URL", callback=_database_url,
                 show_default=False, help=_DATABASE_HELP),
]
"""The database of a command that creates or inspects the schema itself."""


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(code)


def _require_schema(database_url: str) -> None:
    from alembic.script import ScriptDirectory

    from storage.migrations import alembic_config, current_revision

    try:
        current = current_revision(database_url)
    except Exception as exc:
        raise _fail(f"cannot open the database {database_url}: {exc}") from exc
    head = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
    if current != head:
        state = "is empty" if current is None else f"is at revision {current}, not {head}"
        raise _fail(f"the database {state}: run `aggregator db upgrade` first")


@db_app.command("upgrade")
def db_upgrade(database_url: AnyDatabase = "", revision: str = "head") -> None:
    """Create or migrate the schema to the latest revision (same as `alembic upgrade head`)."""
    from storage.migrations import current_revision, upgrade

    upgrade(database_url, revision)
    typer.echo(f"database at revision {current_revision(database_url)}")


@db_app.command("current")
def db_current(database_url: AnyDatabase = "") -> None:
    """Print the schema revision of the database."""
    from storage.migrations import current_revision

    typer.echo(current_revision(database_url) or "empty")


@sources_app.command("import")
def sources_import(
    file: Annotated[Path, typer.Argument(help="YAML sources file (see README).", exists=True, dir_okay=False)],
    database_url: Database = "",
) -> None:
    """Add or update the sources of a YAML file. Re-importing updates, never duplicates.

    The whole file is validated first: a bad file changes nothing.
    """
    from aggregator.sources.file import SourcesFileError, parse_sources
    from aggregator.sources.importer import import_sources

    try:
        specs = parse_sources(file.read_text(encoding="utf-8"))
    except SourcesFileError as exc:
        typer.secho(f"error: {file} is not a valid sources file:", fg=typer.colors.RED, err=True)
        for problem in exc.problems:
            typer.echo(f"  - {problem}", err=True)
        raise typer.Exit(2) from exc
    except UnicodeDecodeError as exc:
        raise _fail(f"{file} is not UTF-8 text: {exc}", 2) from exc
    count = import_sources(database_url, specs)
    typer.echo(f"imported {count} source(s) from {file}")


@sources_app.command("list")
def sources_list(
    database_url: Database = "",
    output_format: Annotated[str, typer.Option("--format", help="table or jsonl")] = "table",
) -> None:
    """List the sources with their role, language, names (and aliases) and feeds."""
    from storage.engine import session_scope
    from storage.feeds import feeds_of
    from storage.sources import list_sources

    with session_scope(database_url) as session:
        rows: list[dict[str, Any]] = [
            {"host": s.host, "name": s.name, "aliases": list(s.aliases or []), "role": s.role,
             "language": s.language, "home": s.home_url,
             "feeds": [f.url for f in feeds_of(session, s.id)], "sitemaps": list(s.sitemap_urls or [])}
            for s in list_sources(session)
        ]
    if output_format == "jsonl":
        for row in rows:
            typer.echo(json.dumps(row, ensure_ascii=False))
        return
    if output_format != "table":
        raise _fail("--format must be table or jsonl", 2)
    if not rows:
        typer.echo("no sources: add some with `aggregator sources import FILE`")
        return
    width = max(len(r["host"]) for r in rows)
    for r in rows:
        feeds = ", ".join(r["feeds"]) or "(no feed: sitemaps and listing pages)"
        names = " / ".join([r["name"], *r["aliases"]])
        typer.echo(f"{r['host']:<{width}}  {r['role']:<11}  {r['language'] or '-':<5}  {names}  feeds: {feeds}")


@sources_app.command("add")
def sources_add(
    url: Annotated[str, typer.Argument(help="The site's home page.")],
    role: Annotated[str, typer.Option(help="partner (publishes originals) or republisher")] = "partner",
    language: Annotated[str | None, typer.Option(help="Language code, e.g. fr")] = None,
    name: Annotated[str | None, typer.Option(help="Display name (default: the site's title)")] = None,
    database_url: Database = "",
) -> None:
    """Add a site: its feeds are found on the home page (or at common paths), its sitemaps in robots.txt."""
    from aggregator.crawl.fetch import FetchError
    from aggregator.sources.discover import discover_source
    from aggregator.sources.importer import import_sources
    from aggregator.urls import InvalidURLError
    from storage.sources import ROLES

    if role not in ROLES:
        raise _fail(f"--role must be one of {', '.join(ROLES)}", 2)
    try:
        spec = discover_source(url, role=role, language=language, name=name, say=typer.echo)
    except InvalidURLError as exc:
        raise _fail(str(exc), 2) from exc
    except FetchError as exc:
        raise _fail(f"cannot read the site: {exc}") from exc
    import_sources(database_url, [spec])
    feeds = ", ".join(spec.feeds) or "none (sitemaps and listing pages will be crawled)"
    typer.echo(f"added {spec.host} ({spec.name}) as {spec.role}; feeds: {feeds}")


@sources_app.command("import-opml")
def sources_import_opml(
    file: Annotated[Path, typer.Argument(help="OPML file (feed readers' export format).", exists=True,
                                         dir_okay=False)],
    role: Annotated[str, typer.Option(help="Role of outlines without a role attribute.")] = "partner",
    database_url: Database = "",
) -> None:
    """Add or update sources from an OPML file: one source per site, with its feeds."""
    from aggregator.sources.importer import import_sources
    from aggregator.sources.opml import read_opml, sources_from_outlines
    from storage.sources import ROLES

    if role not in ROLES:
        raise _fail(f"--role must be one of {', '.join(ROLES)}", 2)
    try:
        outlines = read_opml(file.read_bytes())
    except ValueError as exc:
        raise _fail(f"{file}: {exc}", 2) from exc
    specs, skipped = sources_from_outlines(outlines, role)
    count = import_sources(database_url, specs)
    typer.echo(f"imported {count} source(s) from {file}" + (f"; {skipped} outline(s) without a URL" if skipped else ""))


@sources_app.command("export-opml")
def sources_export_opml(
    database_url: Database = "",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")] = None,
) -> None:
    """Write the sources and their feeds as OPML 2.0 (with a role attribute per outline)."""
    from aggregator.sources.opml import OpmlOutline, write_opml
    from storage.engine import session_scope
    from storage.feeds import feeds_of
    from storage.sources import list_sources

    outlines = []
    with session_scope(database_url) as session:
        for source in list_sources(session):
            feed_urls: list[str | None] = [f.url for f in feeds_of(session, source.id)] or [None]
            for feed_url in feed_urls:
                outlines.append(OpmlOutline(title=source.name, xml_url=feed_url, html_url=source.home_url,
                                            role=source.role, category=source.role))
    document = write_opml(outlines, "syndication-aggregator sources")
    if output is None:
        sys.stdout.buffer.write(document)
    else:
        output.write_bytes(document)


@feeds_app.command("list")
def feeds_list(
    database_url: Database = "",
    output_format: Annotated[str, typer.Option("--format", help="table or jsonl")] = "table",
    failing: Annotated[bool, typer.Option("--failing", help="Only feeds flagged as failing.")] = False,
) -> None:
    """Each feed: source, format, last status and error, consecutive errors, entries seen, last and next poll."""
    from aggregator.crawl.schedule import is_failing
    from storage.engine import session_scope
    from storage.feeds import list_feeds

    if output_format not in ("table", "jsonl"):
        raise _fail("--format must be table or jsonl", 2)
    with session_scope(database_url) as session:
        rows: list[dict[str, Any]] = [
            {"url": f.url, "source": host, "format": f.format, "last_status": f.last_status,
             "last_error": f.last_error, "consecutive_errors": f.consecutive_errors,
             "failing": is_failing(f.consecutive_errors), "entries_seen": f.entries_seen,
             "last_poll": f.last_polled_at.isoformat() if f.last_polled_at else None,
             "next_poll": f.next_poll_at.isoformat() if f.next_poll_at else None}
            for f, host in list_feeds(session)
        ]
    rows = [r for r in rows if r["failing"]] if failing else rows
    if output_format == "jsonl":
        for row in rows:
            typer.echo(json.dumps(row, ensure_ascii=False))
        return
    for r in rows:
        state = "FAILING" if r["failing"] else ("ok" if not r["consecutive_errors"] else "error")
        typer.echo(f"{r['url']}  [{r['source']}]  {r['format'] or '-'}  status {r['last_status'] or '-'}  {state}"
                   f"  entries {r['entries_seen']}  last {(r['last_poll'] or '-')[:19]}"
                   f"  next {(r['next_poll'] or '-')[:19]}")
        if r["last_error"]:
            typer.echo(f"    last error ({r['consecutive_errors']} in a row): {r['last_error']}")


def _print_summary(summary: dict[str, object]) -> None:
    errors = summary.get("errors", 0)
    by_kind = summary.get("errors_by_kind") or {}
    detail = f" ({', '.join(f'{k}: {v}' for k, v in sorted(by_kind.items()))})" if by_kind else ""  # type: ignore[attr-defined]
    typer.echo(
        f"crawl finished ({summary.get('finish_reason', '?')}): "
        f"{summary.get('pages_fetched', 0)} pages fetched, "
        f"{summary.get('feeds_polled', 0)} feeds polled ({summary.get('feeds_not_modified', 0)} not modified), "
        f"{summary.get('pages_not_modified', 0)} pages not modified; "
        f"articles: {summary.get('articles_new', 0)} new, {summary.get('articles_updated', 0)} updated; "
        f"{summary.get('republisher_pages', 0)} republisher pages; "
        f"{summary.get('pages_skipped', 0)} pages skipped; "
        f"errors: {errors}{detail}"
    )


@app.command()
def crawl(
    source: Annotated[list[str] | None, typer.Option("--source", help="Only this host (repeatable).")] = None,
    due: Annotated[bool, typer.Option("--due", help="Only the feeds whose scheduled poll time has come "
                                                    "(what cron runs every few minutes).")] = False,
    feeds_only: Annotated[bool, typer.Option("--feeds-only", help="Every feed, but no listing pages "
                                                                  "or sitemaps.")] = False,
    database_url: Database = "",
    jobs: Annotated[int, typer.Option(help="Processes for extraction (0: one per core).")] = 0,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log every request.")] = False,
) -> None:
    """Fetch the sources' feeds, sitemaps and listing pages, then extract and store articles.

    Incremental: feeds are asked with their stored ETag and Last-Modified, only new or changed
    entries lead to page fetches, and pages already stored are not fetched again. Each feed's
    next poll time follows its publishing rhythm (see `aggregator feeds list`).

    Errors (dead hosts, HTTP errors, broken feeds) are recorded on their feed or page and
    counted; they never stop the crawl. Safe to kill and run again.
    """
    from aggregator.crawl.run import run_crawl

    summary = run_crawl(database_url, hosts=[h.lower() for h in source or []], due=due, feeds_only=feeds_only,
                        log_level="INFO" if verbose else "WARNING", jobs=jobs)
    _print_summary(summary)
    if not summary or summary.get("processing_error"):
        problem = summary.get("processing_error") if summary else "the crawl did not record its run"
        raise _fail(f"processing failed: {problem}; fetched pages are kept: run `aggregator reprocess`")


@app.command()
def reprocess(
    database_url: Database = "",
    pending_only: Annotated[bool, typer.Option("--pending-only", help="Only pages not processed yet.")] = False,
    jobs: Annotated[int, typer.Option(help="Processes for extraction (0: one per core).")] = 0,
) -> None:
    """Re-extract stored pages without fetching anything (after an extractor upgrade)."""
    from aggregator.process import process_pages


    def progress(done: int, total: int) -> None:
        typer.echo(f"\r{done}/{total} pages", nl=False, err=True)

    stats = process_pages(database_url, jobs=jobs, reprocess_all=not pending_only, progress=progress)
    if stats.pages:
        typer.echo("", err=True)
    typer.echo(
        f"reprocessed {stats.pages} pages: articles {stats.articles_new} new, {stats.articles_updated} updated; "
        f"{stats.republisher_pages} republisher pages; {stats.skipped} skipped"
    )


@app.command()
def export(
    output_format: Annotated[str, typer.Option("--format", help="Output format: jsonl.")] = "jsonl",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")] = None,
    database_url: Database = "",
) -> None:
    """Write every canonical article, with its aliases and republications, one JSON per line."""
    from aggregator.export import write_jsonl

    if output_format != "jsonl":
        raise _fail(f"unknown format {output_format!r}: only jsonl is supported", 2)
    if output is None:
        write_jsonl(database_url, sys.stdout)
        return
    tmp = output.with_name(output.name + ".part")
    with tmp.open("w", encoding="utf-8") as out:
        count = write_jsonl(database_url, out)
    tmp.replace(output)  # readers never see a half-written file
    typer.echo(f"exported {count} articles to {output}", err=True)


@app.command()
def explain(
    urls: Annotated[list[str], typer.Argument(help="Any URLs: canonical articles, aliases, republications...")],
    database_url: Database = "",
    fetch: Annotated[bool, typer.Option("--fetch/--no-fetch",
                                        help="Fetch an unknown URL of a known site to resolve it.")] = True,
    output_format: Annotated[str, typer.Option("--format", help="text, or json (one object per line)")] = "text",
) -> None:
    """Say what each URL is (canonical, alias, republication, provisional, unknown) and why.

    For a republication: the claims on its page, the articles it was compared with and their
    containment scores, the matched article, and the reasoning of the attribution verdict.
    """
    from aggregator.explain import explain as run_explain
    from aggregator.explain import render

    if output_format not in ("text", "json"):
        raise _fail("--format must be text or json", 2)
    invalid = False
    for index, url in enumerate(urls):
        result = run_explain(database_url, url, fetch=fetch)
        invalid |= result.role == "invalid"
        if output_format == "json":
            typer.echo(json.dumps(result.as_dict(), ensure_ascii=False))
        else:
            typer.echo(("\n" if index else "") + render(result))
    if invalid:
        raise typer.Exit(2)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="uvicorn worker processes.")] = 1,
    database_url: Database = "",
) -> None:
    """Serve the read-only HTTP API and outgoing feeds (OpenAPI at /openapi.json, docs at /docs).

    AGGREGATOR_API_KEYS (comma-separated) makes a key mandatory (X-API-Key header, or
    Authorization: Bearer KEY); AGGREGATOR_CORS_ORIGINS (comma-separated) allows browsers from those origins.
    """
    from aggregator.api.server import run

    if not 0 < port < 65536:
        raise _fail("--port must be between 1 and 65535", 2)
    run(host=host, port=port, database_url=database_url, workers=max(1, workers))


@app.command()
def demo(
    database_url: AnyDatabase = "",
    jobs: Annotated[int, typer.Option(help="Processes for extraction (0: one per core).")] = 0,
) -> None:
    """Serve the built-in demo web on loopback, crawl it into the database, and report.

    Nothing leaves the machine: the demo's partner blogs and republishers are generated and
    served by this process.
    """
    from aggregator.demo.run import run_demo

    run_demo(database_url, echo=typer.echo, jobs=jobs)


def main() -> None:
    """Entry point of the `aggregator` console script."""
    app()


if __name__ == "__main__":
    main()
