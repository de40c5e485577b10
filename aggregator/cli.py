"""The `aggregator` command line."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from aggregator.settings import Settings

app = typer.Typer(
    name="aggregator",
    help=(
        "Crawl partner blogs and the sites that republish them into one canonical article per story.\n\n"
        "The database is AGGREGATOR_DATABASE_URL (default: sqlite:///aggregator.db in the current "
        "directory); --database-url overrides it. Proxies come from http_proxy/https_proxy/no_proxy.\n\n"
        "Requests to loopback, private, link-local, multicast and reserved addresses (a partner's "
        "feed, sitemap or redirect pointing into this network) are refused; "
        "AGGREGATOR_ALLOW_PRIVATE_NETWORKS (comma-separated CIDRs, or all) allows some."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
db_app = typer.Typer(help="Database schema: create and migrate.", no_args_is_help=True, rich_markup_mode=None)
sources_app = typer.Typer(help="The sites to crawl: import from YAML, list.", no_args_is_help=True,
                          rich_markup_mode=None)
feeds_app = typer.Typer(help="The feeds being polled: status, errors, schedule.", no_args_is_help=True,
                        rich_markup_mode=None)
runs_app = typer.Typer(help="The history of crawl runs.", no_args_is_help=True, rich_markup_mode=None)
queue_app = typer.Typer(help="The job queue of workers on several machines (PostgreSQL): status, retries.",
                        no_args_is_help=True, rich_markup_mode=None)
app.add_typer(db_app, name="db")
app.add_typer(sources_app, name="sources")
app.add_typer(feeds_app, name="feeds")
app.add_typer(runs_app, name="runs")
app.add_typer(queue_app, name="queue")

# Exit statuses of `crawl`, for schedulers and alerting.
EXIT_FAILURES = 3  # --strict: a feed or a source failed
EXIT_LOCKED = 4  # another crawl holds the database's crawl lock


def _show_version(value: bool) -> None:
    if value:
        from aggregator import __version__

        typer.echo(f"syndication-aggregator {__version__}")
        raise typer.Exit()


@app.callback()
def _main_options(
    version: Annotated[bool, typer.Option("--version", callback=_show_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Crawl partner blogs and the sites that republish them into one canonical article per story."""


def _database_url(value: str | None) -> str:
    """The database the command works on: --database-url, else AGGREGATOR_DATABASE_URL, else the default."""
    return value or Settings.from_env().database_url


def _openable_database_url(value: str | None) -> str:
    """`_database_url`, after checking that the database can be opened (it may be empty)."""
    from storage.migrations import current_revision

    url = _database_url(value)
    try:
        current_revision(url)
    except Exception as exc:
        raise _cannot_open(url, exc) from exc
    return url


def _migrated_database_url(value: str | None) -> str:
    """`_database_url`, after checking that its schema is at the latest revision."""
    url = _database_url(value)
    _require_schema(url)
    return url


_DATABASE_HELP = "SQLAlchemy URL of the database [default: AGGREGATOR_DATABASE_URL, else sqlite:///aggregator.db]."
Database = Annotated[
    str,
    typer.Option("--database-url", envvar="AGGREGATOR_DATABASE_URL", callback=_migrated_database_url,
                 show_default=False, help=_DATABASE_HELP, metavar="URL"),
]
"""The database of a command that needs its schema up to date (checked once, before the command runs)."""
AnyDatabase = Annotated[
    str,
    typer.Option("--database-url", envvar="AGGREGATOR_DATABASE_URL", callback=_openable_database_url,
                 show_default=False, help=_DATABASE_HELP, metavar="URL"),
]
"""The database of a command that creates or inspects the schema itself."""


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(code)


def _cannot_open(database_url: str, exc: Exception) -> typer.Exit:
    from storage.engine import describe_database_error, display_database_url

    return _fail(f"cannot open the database {display_database_url(database_url)}: {describe_database_error(exc)}")


def _require_schema(database_url: str) -> None:
    from alembic.script import ScriptDirectory

    from storage.migrations import alembic_config, current_revision

    try:
        current = current_revision(database_url)
    except Exception as exc:
        raise _cannot_open(database_url, exc) from exc
    head = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
    if current != head:
        state = "is empty" if current is None else f"is at revision {current}, not {head}"
        raise _fail(f"the database {state}: run `aggregator db upgrade` first")


@db_app.command("upgrade")
def db_upgrade(
    database_url: AnyDatabase = "",
    revision: Annotated[str, typer.Option(metavar="REVISION", help="Target revision.")] = "head",
) -> None:
    """Create or migrate the schema to the latest revision (same as `alembic upgrade head`)."""
    from alembic.util import CommandError

    from storage.migrations import current_revision, upgrade

    try:
        upgrade(database_url, revision)
    except CommandError as exc:
        raise _fail(f"cannot migrate to {revision!r}: {exc}", 2) from exc
    except Exception as exc:  # server down, missing folder, bad URL: one line, not a traceback
        raise _cannot_open(database_url, exc) from exc
    typer.echo(f"database at revision {current_revision(database_url)}")


@db_app.command("current")
def db_current(database_url: AnyDatabase = "") -> None:
    """Print the schema revision of the database."""
    from storage.migrations import current_revision

    try:
        revision = current_revision(database_url)
    except Exception as exc:
        raise _cannot_open(database_url, exc) from exc
    typer.echo(revision or "empty")


@sources_app.command("import")
def sources_import(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="YAML sources file (see README).", exists=True,
                                         dir_okay=False)],
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
    output_format: Annotated[str, typer.Option("--format", metavar="FORMAT", help="table or jsonl")] = "table",
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
    url: Annotated[str, typer.Argument(metavar="URL", help="The site's home page.")],
    role: Annotated[str | None, typer.Option(metavar="ROLE", help="partner (publishes originals) or republisher "
                                             "[default: partner; a known site keeps its role]")] = None,
    language: Annotated[str | None, typer.Option(metavar="CODE", help="Language code, e.g. fr "
                                                 "[a known site keeps its language]")] = None,
    name: Annotated[str | None, typer.Option(metavar="NAME", help="Display name [default: the site's title; "
                                             "a known site keeps its name]")] = None,
    database_url: Database = "",
) -> None:
    """Add a site: its feeds are found on the home page (or at common paths), its sitemaps in robots.txt.

    Adding a known site again updates it: feeds and sitemaps found now are added to those it
    has, and what is not given again (role, language, name) is kept.

    A site (or a redirect) on a loopback, private or link-local address is refused and nothing
    is written, unless AGGREGATOR_ALLOW_PRIVATE_NETWORKS allows its network.
    """
    from dataclasses import replace

    from aggregator.crawl.fetch import FetchError
    from aggregator.sources.discover import discover_source
    from aggregator.sources.importer import import_sources
    from aggregator.urls import InvalidURLError, host_of
    from storage.engine import session_scope
    from storage.feeds import feeds_of
    from storage.sources import PARTNER, ROLES, source_by_host

    if role is not None and role not in ROLES:
        raise _fail(f"--role must be one of {', '.join(ROLES)}", 2)
    with session_scope(database_url) as session:
        known = source_by_host(session, host_of(url.strip()))
        known_feeds = [f.url for f in feeds_of(session, known.id)] if known else []
    if known is not None:  # what is not given again is kept
        role, language, name = role or known.role, language or known.language, name or known.name
    try:
        spec = discover_source(url, role=role or PARTNER, language=language, name=name, say=typer.echo)
    except InvalidURLError as exc:
        raise _fail(str(exc), 2) from exc
    except FetchError as exc:
        raise _fail(f"cannot read the site: {exc}") from exc
    if known is not None:
        spec = replace(spec, sitemaps=tuple(dict.fromkeys([*(known.sitemap_urls or []), *spec.sitemaps])))
    import_sources(database_url, [spec])
    feeds = ", ".join(dict.fromkeys([*known_feeds, *spec.feeds]))
    verb = "updated" if known is not None else "added"
    typer.echo(f"{verb} {spec.host} ({spec.name}) as {spec.role}"
               + (f", language {spec.language}" if spec.language else "")
               + f"; feeds: {feeds or 'none (sitemaps and listing pages will be crawled)'}")


@sources_app.command("import-opml")
def sources_import_opml(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="OPML file (feed readers' export format).", exists=True,
                                         dir_okay=False)],
    role: Annotated[str, typer.Option(metavar="ROLE", help="Role of outlines without a role attribute.")] = "partner",
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
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="FILE",
                                                help="File to write (default: stdout).")] = None,
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
    output_format: Annotated[str, typer.Option("--format", metavar="FORMAT", help="table or jsonl")] = "table",
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
        if r["last_error"] and r["consecutive_errors"]:
            typer.echo(f"    last error ({r['consecutive_errors']} in a row): {r['last_error']}")
        elif r["last_error"]:  # the feed answered, but some of its entries could not be read
            typer.echo(f"    last poll read, with problems: {r['last_error']}")


MAX_HOSTS_NAMED = 10


def summary_lines(summary: dict[str, Any]) -> list[str]:
    """The crawl's summary for people: counts, then the hosts that failed and the feeds that turned FAILING."""
    by_kind = summary.get("errors_by_kind") or {}
    detail = f" ({', '.join(f'{k}: {v}' for k, v in sorted(by_kind.items()))})" if by_kind else ""
    lines = [
        f"crawl finished ({summary.get('finish_reason', '?')}): "
        f"{summary.get('pages_fetched', 0)} pages fetched, "
        f"{summary.get('feeds_polled', 0)} feeds polled ({summary.get('feeds_not_modified', 0)} not modified), "
        f"{summary.get('pages_not_modified', 0)} pages not modified; "
        f"articles: {summary.get('articles_new', 0)} new, {summary.get('articles_updated', 0)} updated; "
        f"{summary.get('republisher_pages', 0)} republisher pages; "
        f"{summary.get('pages_skipped', 0)} pages skipped; "
        f"errors: {summary.get('errors', 0)}{detail}"
    ]
    by_host: dict[str, int] = summary.get("errors_by_host") or {}
    if by_host:
        named = [f"{host} ({count})" for host, count in list(by_host.items())[:MAX_HOSTS_NAMED]]
        more = len(by_host) - MAX_HOSTS_NAMED
        lines.append("failing hosts: " + ", ".join(named) + (f" and {more} more" if more > 0 else ""))
    turned: list[str] = summary.get("feeds_turned_failing") or []
    if turned:
        lines.append(f"feeds now FAILING ({len(turned)}; see `aggregator feeds list --failing`): " + ", ".join(turned))
    return lines


def crawl_failed(summary: dict[str, Any]) -> bool:
    """Whether a feed or a source failed during the run: a feed, sitemap or listing page gave no usable answer."""
    by_kind = summary.get("errors_by_kind") or {}
    return any(by_kind.get(kind) for kind in ("feed", "sitemap", "listing"))


LogLevel = Annotated[str, typer.Option("--log-level", metavar="LEVEL", case_sensitive=False,
                                       help="DEBUG, INFO, WARNING or ERROR.")]
LogFormat = Annotated[str, typer.Option("--log-format", metavar="FORMAT",
                                        help="text, or json (one object per line) for log collectors.")]


def _check_logging(log_level: str, log_format: str) -> None:
    from aggregator.crawl.logs import FORMATS, LEVELS

    if log_level.upper() not in LEVELS:
        raise _fail(f"--log-level must be one of {', '.join(LEVELS)}", 2)
    if log_format not in FORMATS:
        raise _fail(f"--log-format must be one of {', '.join(FORMATS)}", 2)


@app.command()
def crawl(
    source: Annotated[list[str] | None, typer.Option("--source", metavar="HOST",
                                                     help="Only this host (repeatable).")] = None,
    due: Annotated[bool, typer.Option("--due", help="Only the feeds whose scheduled poll time has come "
                                                    "(what a timer runs every few minutes).")] = False,
    feeds_only: Annotated[bool, typer.Option("--feeds-only", help="Every feed, but no listing pages "
                                                                  "or sitemaps.")] = False,
    database_url: Database = "",
    jobs: Annotated[int, typer.Option(metavar="N", help="Processes for extraction (0: one per core).")] = 0,
    strict: Annotated[bool, typer.Option("--strict", help=f"Exit {EXIT_FAILURES} when a feed or a source "
                                                          "failed (for alerting).")] = False,
    wait: Annotated[bool, typer.Option("--wait", help="When another crawl of the database runs, wait for it "
                                                      f"instead of exiting {EXIT_LOCKED}.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log every request and response, and "
                                                                  "failures with their tracebacks.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress and no warnings: errors and "
                                                              "the summary only.")] = False,
    log_level: LogLevel = "WARNING",
    log_format: LogFormat = "text",
) -> None:
    """Fetch the sources' feeds, sitemaps and listing pages, then extract and store articles.

    Incremental: feeds are asked with their stored ETag and Last-Modified, only new or changed
    entries lead to page fetches, and pages already stored are not fetched again. Each feed's
    next poll time follows its publishing rhythm (see `aggregator feeds list`).

    Errors (dead hosts, HTTP errors, broken feeds) are recorded on their feed or page, counted,
    and the summary names the hosts that failed and the feeds that turned FAILING; they never
    stop the crawl. A guessed address (/sitemap.xml, a next listing page) that answers 404 is
    not an error. Safe to kill and run again.

    Requests to loopback, private, link-local, multicast or reserved addresses (a feed, sitemap
    or redirect pointing into this network) are refused and recorded with the reason, unless
    AGGREGATOR_ALLOW_PRIVATE_NETWORKS (comma-separated CIDRs, or all) allows them.

    One crawl at a time per database (a lock file beside SQLite, an advisory lock on
    PostgreSQL). Exit status: 0 done; 1 processing failed; 3 with --strict when a feed or a
    source failed; 4 another crawl holds the lock.

    Progress goes to stderr: a live line on a terminal, a plain line every 30 seconds otherwise.
    """
    from aggregator.crawl.logs import configure_logging
    from aggregator.crawl.progress import reporter_for
    from aggregator.crawl.run import run_crawl
    from storage.locks import LockHeld

    _check_logging(log_level, log_format)
    configure_logging("ERROR" if quiet else log_level, log_format, requests=verbose)
    progress = None if quiet else reporter_for(sys.stderr)
    try:
        summary = run_crawl(database_url, hosts=[h.lower() for h in source or []], due=due, feeds_only=feeds_only,
                            jobs=jobs, progress=progress, wait=wait)
    except LockHeld as exc:
        if progress is not None:
            progress.close()
        raise _fail(f"another crawl of this database is running: {exc}; try again later, or use --wait",
                    EXIT_LOCKED) from exc
    for line in summary_lines(summary):
        typer.echo(line)
    if not summary or summary.get("processing_error"):
        problem = summary.get("processing_error") if summary else "the crawl did not record its run"
        raise _fail(f"processing failed: {problem}; fetched pages are kept: run `aggregator reprocess`")
    if strict and crawl_failed(summary):
        raise typer.Exit(EXIT_FAILURES)


def _parse_since(value: str | None) -> datetime | None:
    """A --since value: an ISO 8601 date or date-time (UTC when it has no zone)."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise _fail(f"--since must be a date like 2026-03-01 or 2026-03-01T12:00, not {value!r}", 2) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _source_host(value: str) -> str:
    """A host as given, or the host of a URL."""
    from aggregator.urls import host_of

    value = value.strip()
    return (host_of(value) if "://" in value else value).lower()


REPORT_FORMATS = ("text", "json", "csv", "html")


@app.command()
def report(
    source: Annotated[str, typer.Option("--source", metavar="HOST",
                                        help="The partner's host (or any URL of its site).")],
    since: Annotated[str | None, typer.Option(metavar="DATE", help="Only the copies first seen on or after "
                                                                    "this date (ISO 8601, UTC).")] = None,
    output_format: Annotated[str, typer.Option("--format", metavar="FORMAT",
                                               help="text, json, csv (one row per copy) or html.")] = "text",
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="FILE",
                                                help="File to write (default: stdout).")] = None,
    database_url: Database = "",
) -> None:
    """Where a partner's articles were republished, and which copies do not credit it.

    Lists the partner's articles and every copy found elsewhere (URL, site, kind, verdict,
    claimed source and author, first seen), with totals by verdict and by republishing site,
    copies without credit first. JSON is one object with source, totals, by_site, articles and
    copies.
    """
    from aggregator.report import partner_report, report_csv, report_dict, report_text
    from storage.engine import session_scope

    if output_format not in REPORT_FORMATS:
        raise _fail(f"--format must be one of {', '.join(REPORT_FORMATS)}", 2)
    host = _source_host(source)
    with session_scope(database_url) as session:
        found = partner_report(session, host, since=_parse_since(since))
    if found is None:
        raise _fail(f"no source with host {host!r}: see `aggregator sources list`", 2)
    if output_format == "json":
        document = json.dumps(report_dict(found), ensure_ascii=False, indent=2) + "\n"
    elif output_format == "csv":
        document = report_csv(found)
    elif output_format == "html":
        from aggregator.api.pages import render_report_page

        document = render_report_page(found)
    else:
        document = report_text(found) + "\n"
    if output is None:
        sys.stdout.write(document)
        return
    tmp = output.with_name(output.name + ".part")
    tmp.write_text(document, encoding="utf-8")
    tmp.replace(output)
    typer.echo(f"wrote the report of {host} ({len(found.copies)} copies) to {output}", err=True)


@runs_app.command("list")
def runs_list(
    database_url: Database = "",
    limit: Annotated[int, typer.Option(metavar="N", min=1, help="How many runs, newest first.")] = 20,
    output_format: Annotated[str, typer.Option("--format", metavar="FORMAT", help="table or jsonl")] = "table",
) -> None:
    """The latest crawl runs: when, how long, what they fetched, their errors and failing hosts."""
    from storage.engine import session_scope
    from storage.runs import last_runs

    if output_format not in ("table", "jsonl"):
        raise _fail("--format must be table or jsonl", 2)
    with session_scope(database_url) as session:
        runs = [(r.id, r.spider, r.started_at, r.finished_at, dict(r.stats or {})) for r in last_runs(session, limit)]
    if output_format == "jsonl":
        for run_id, spider, started, finished, stats in runs:
            typer.echo(json.dumps({"id": run_id, "spider": spider, "started": started.isoformat(),
                                   "finished": finished.isoformat() if finished else None, "stats": stats},
                                  ensure_ascii=False))
        return
    if not runs:
        typer.echo("no crawl has run yet: `aggregator crawl`")
        return
    for run_id, _spider, started, finished, stats in runs:
        took = f"{(finished - started).total_seconds():.0f}s" if finished else "unfinished (running, or killed)"
        line = (f"#{run_id}  {started:%Y-%m-%d %H:%M:%S}  {took:>6}  {stats.get('finish_reason', '-')}  "
                f"pages {stats.get('pages_fetched', 0)}  feeds {stats.get('feeds_polled', 0)}  "
                f"new articles {stats.get('articles_new', 0)}  errors {stats.get('errors', 0)}")
        hosts = list(stats.get("errors_by_host") or {})
        if hosts:
            line += "  failing: " + ", ".join(hosts[:3]) + (f" and {len(hosts) - 3} more" if len(hosts) > 3 else "")
        typer.echo(line)


@app.command()
def stats(
    database_url: Database = "",
    output_format: Annotated[str, typer.Option("--format", metavar="FORMAT", help="text or json")] = "text",
) -> None:
    """What the database holds: sources, articles, copies by verdict and kind, pages, feeds, the last run."""
    from aggregator.crawl.schedule import DEFAULT_POLICY
    from storage.engine import session_scope
    from storage.health import database_counts
    from storage.runs import last_runs

    if output_format not in ("text", "json"):
        raise _fail("--format must be text or json", 2)
    with session_scope(database_url) as session:
        counts = database_counts(session, failing_after=DEFAULT_POLICY.failing_after)
        last = last_runs(session, limit=1)
        counts["last_run"] = ({"id": last[0].id, "started": last[0].started_at.isoformat(),
                               "finished": last[0].finished_at.isoformat() if last[0].finished_at else None,
                               "errors": (last[0].stats or {}).get("errors", 0)} if last else None)
    if output_format == "json":
        typer.echo(json.dumps(counts, ensure_ascii=False, indent=2))
        return

    def listed(values: dict[str, int]) -> str:
        return ", ".join(f"{n} {k}" for k, n in sorted(values.items())) or "none"

    feeds = counts["feeds"]
    run = counts["last_run"]
    typer.echo(f"sources:       {listed(counts['sources'])}")
    typer.echo(f"articles:      {counts['articles']}")
    typer.echo(f"copies:        {sum(counts['copies'].values())} matched ({listed(counts['copies'])}); "
               f"{counts['provisional_copies']} waiting for their original")
    typer.echo(f"copy kinds:    {listed(counts['copies_by_kind'])}")
    typer.echo(f"pages:         {listed(counts['pages'])}")
    typer.echo(f"feeds:         {feeds['total']} ({feeds['in_error']} in error, {feeds['failing']} FAILING)")
    typer.echo(f"crawl runs:    {counts['crawl_runs']}"
               + (f"; last #{run['id']} started {run['started'][:19]}, {run['errors']} errors" if run else ""))


@app.command()
def reprocess(
    database_url: Database = "",
    pending_only: Annotated[bool, typer.Option("--pending-only", help="Only pages not processed yet.")] = False,
    jobs: Annotated[int, typer.Option(metavar="N", help="Processes for extraction (0: one per core).")] = 0,
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
    output_format: Annotated[str, typer.Option("--format", metavar="FORMAT", help="Output format: jsonl.")] = "jsonl",
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="FILE",
                                                help="File to write (default: stdout).")] = None,
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
    urls: Annotated[list[str], typer.Argument(metavar="URL",
                                              help="Any URLs: canonical articles, aliases, republications...")],
    database_url: Database = "",
    fetch: Annotated[bool, typer.Option("--fetch/--no-fetch",
                                        help="Fetch an unknown URL of a known site to resolve it.")] = True,
    output_format: Annotated[str, typer.Option("--format", metavar="FORMAT",
                                               help="text, or json (one object per line)")] = "text",
) -> None:
    """Say what each URL is (canonical, alias, republication, provisional, unknown) and why.

    For a republication: the claims on its page, the articles it was compared with and their
    containment scores, the matched article, and the reasoning of the attribution verdict.
    Fetching follows the crawl's network guard (AGGREGATOR_ALLOW_PRIVATE_NETWORKS).
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
    host: Annotated[str, typer.Option(metavar="ADDRESS", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(metavar="PORT", help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(metavar="N", help="uvicorn worker processes.")] = 1,
    database_url: Database = "",
    access_log: Annotated[bool, typer.Option("--access-log/--no-access-log",
                                             help="Log one line per request on stderr.")] = True,
    log_level: LogLevel = "INFO",
    log_format: LogFormat = "text",
) -> None:
    """Serve the dashboard, the read-only HTTP API and outgoing feeds.

    The dashboard is at /, the API's documentation at /docs (works offline), OpenAPI at
    /openapi.json, Prometheus metrics at /metrics. Logs (and the access log, one line per
    request) go to stderr.

    AGGREGATOR_API_KEYS (comma-separated) makes a key mandatory for the API (X-API-Key header,
    or Authorization: Bearer KEY); AGGREGATOR_CORS_ORIGINS (comma-separated) allows browsers
    from those origins.
    """
    from aggregator.api.server import run
    from aggregator.crawl.logs import configure_logging

    if not 0 < port < 65536:
        raise _fail("--port must be between 1 and 65535", 2)
    _check_logging(log_level, log_format)
    configure_logging(log_level, log_format)
    run(host=host, port=port, database_url=database_url, workers=max(1, workers), access_log=access_log,
        log_level=log_level, log_format=log_format)


@app.command()
def demo(
    database_url: AnyDatabase = "",
    jobs: Annotated[int, typer.Option(metavar="N", help="Processes for extraction (0: one per core).")] = 0,
) -> None:
    """Serve the built-in demo web on loopback, crawl it into the database, and report.

    Nothing leaves the machine: the demo's partner blogs and republishers are generated and
    served by this process.
    """
    from aggregator.crawl.logs import configure_logging
    from aggregator.demo.run import run_demo
    from storage.locks import LockHeld

    configure_logging("WARNING")
    try:
        run_demo(database_url, echo=typer.echo, jobs=jobs)
    except LockHeld as exc:
        raise _fail(f"a crawl of this database is running: {exc}", EXIT_LOCKED) from exc


def _queue_database(database_url: str) -> None:
    """Refuse plainly a database the job queue cannot live in (SQLite)."""
    from aggregator.crawl.queue import QueueNeedsPostgres, require_postgres

    try:
        require_postgres(database_url)
    except QueueNeedsPostgres as exc:
        raise _fail(str(exc), 2) from exc


@app.command()
def enqueue(
    source: Annotated[list[str] | None, typer.Option("--source", metavar="HOST",
                                                     help="Only this host (repeatable).")] = None,
    due: Annotated[bool, typer.Option("--due", help="Only the feeds whose scheduled poll time has come.")] = False,
    feeds_only: Annotated[bool, typer.Option("--feeds-only", help="Every feed, but no listing pages "
                                                                  "or sitemaps.")] = False,
    database_url: Database = "",
) -> None:
    """Queue the work `aggregator crawl` would do, for `aggregator worker` to run (PostgreSQL).

    Hosts are fetched by groups (one job per group, never two jobs on one host at once); the
    pages they store are queued for processing as they come. A job already waiting is not
    queued twice. Prints what was queued.
    """
    from aggregator.crawl.queue import queue_fetches, queue_processing, run_with_app

    _queue_database(database_url)
    hosts = [_source_host(h) for h in source] if source else None

    async def body(queue: Any) -> tuple[Any, int]:
        fetches = await queue_fetches(queue, database_url, due=due, hosts=hosts, feeds_only=feeds_only)
        return fetches, await queue_processing(queue, database_url)

    fetches, blocks = run_with_app(database_url, body)
    unknown = sorted(set(hosts or []) - set(fetches.hosts)) if not due else []
    if unknown:
        typer.secho(f"warning: no such source(s): {', '.join(unknown)}", fg=typer.colors.YELLOW, err=True)
    typer.echo(f"queued {fetches.queued} fetch job(s) for {len(fetches.hosts)} host(s)"
               + (" with feeds due" if due else "")
               + (f" ({fetches.already} already waiting)" if fetches.already else "")
               + (f"; {blocks} processing job(s) for pages waiting" if blocks else ""))


@app.command()
def worker(
    concurrency: Annotated[int, typer.Option(metavar="N", min=1, help="Jobs run at once by this worker "
                                                                      "(fetch jobs wait on the network; "
                                                                      "run one worker per core for processing).")] = 1,
    until_idle: Annotated[bool, typer.Option("--until-idle", help="Exit 0 once nothing is queued or running "
                                                                  "(batch use).")] = False,
    database_url: Database = "",
    log_level: LogLevel = "INFO",
    log_format: LogFormat = "text",
) -> None:
    """Run queued jobs (PostgreSQL): fetch, process, and every minute queue the feeds that are due.

    Any number of workers on any number of machines share the database. A worker killed
    outright loses nothing: its running jobs are queued again once its heartbeat stops.
    SIGTERM or Ctrl-C stops it after its running jobs.
    """
    from aggregator.crawl.logs import configure_logging
    from aggregator.crawl.queue import run_worker

    _queue_database(database_url)
    _check_logging(log_level, log_format)
    configure_logging(log_level, log_format)
    run_worker(database_url, concurrency=concurrency, until_idle=until_idle)


@queue_app.command("status")
def queue_status(
    database_url: Database = "",
    output_format: Annotated[str, typer.Option("--format", metavar="FORMAT", help="text or json")] = "text",
) -> None:
    """Jobs per task and state, the oldest job waiting, the failed jobs with their error."""
    from storage.engine import session_scope
    from storage.queue import failed_jobs, job_counts, oldest_waiting

    _queue_database(database_url)
    if output_format not in ("text", "json"):
        raise _fail("--format must be text or json", 2)
    with session_scope(database_url) as session:
        counts, oldest, failed = job_counts(session), oldest_waiting(session), failed_jobs(session)
    if output_format == "json":
        typer.echo(json.dumps({"jobs": counts, "oldest_waiting": oldest.isoformat() if oldest else None,
                               "failed": failed}, ensure_ascii=False, indent=2))
        return
    if not counts:
        typer.echo("no jobs: queue some with `aggregator enqueue`")
        return
    for row in counts:
        typer.echo(f"{row['task']:<22} {row['state']:<10} {row['jobs']}")
    typer.echo(f"oldest waiting: {oldest:%Y-%m-%d %H:%M:%S %Z}" if oldest else "nothing waiting")
    for job in failed:
        typer.echo(f"failed #{job['id']} {job['task']} {json.dumps(job['args'])} after {job['attempts']} "
                   f"attempt(s): {job['error']}")


@queue_app.command("retry-failed")
def queue_retry_failed(database_url: Database = "") -> None:
    """Queue the failed jobs again, now."""
    from aggregator.crawl.queue import retry_failed, run_with_app

    _queue_database(database_url)
    retried, skipped = run_with_app(database_url, lambda queue: retry_failed(queue, database_url))
    typer.echo(f"queued {retried} failed job(s) again"
               + (f"; {skipped} left failed (the same job already waits)" if skipped else ""))


def main() -> None:
    """Entry point of the `aggregator` console script."""
    from sqlalchemy.exc import SQLAlchemyError

    from aggregator.crawl.netguard import AllowListError, parse_allow_list

    try:
        parse_allow_list(Settings.from_env().allow_private_networks)  # a bad value is said before any work
    except AllowListError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        sys.exit(2)
    try:
        app()
    except SQLAlchemyError as exc:  # the database went away during a command: one line, no traceback
        from storage.engine import describe_database_error

        typer.secho(f"error: database error: {describe_database_error(exc)}", fg=typer.colors.RED, err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
