"""The command line as an operator meets it: one-line errors for a bad database, --version and
--help, `sources add` (ports, adding a known site again), and `serve`'s access log."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from storage.engine import session_scope
from storage.sources import list_sources
from tests.conftest import REPO_ROOT
from tests.little_site import free_port, serve_little_site
from tests.syndication_web import cli_env, run_cli

pytestmark = pytest.mark.integration

COMMANDS = (
    ("db", "upgrade"),
    ("db", "current"),
    ("crawl",),
    ("report", "--source", "blog.example.org"),
    ("stats",),
    ("runs", "list"),
    ("sources", "list"),
    ("export",),
)


def _bad_urls(tmp_path: Path) -> list[str]:
    return [
        "not a url at all",
        "mysql://user@127.0.0.1/db",
        f"sqlite:///{tmp_path / 'no' / 'such' / 'folder' / 'x.db'}",
        f"postgresql://postgres:secret@127.0.0.1:{free_port()}/nothing",
    ]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_bad_database_url_is_one_line_not_a_traceback(tmp_path: Path, command: tuple[str, ...]) -> None:
    for url in _bad_urls(tmp_path):
        result = run_cli(*command, env=cli_env(url), check=False, timeout=120)
        output = (result.stdout + result.stderr).strip().splitlines()
        assert result.returncode != 0, (url, result.stdout)
        assert 1 <= len(output) <= 3, (url, output)
        assert "Traceback" not in result.stderr and "secret" not in result.stderr
        assert output[-1].startswith("error: "), output


def test_db_upgrade_names_the_missing_folder_and_a_server_down(tmp_path: Path) -> None:
    missing = run_cli("db", "upgrade", env=cli_env(f"sqlite:///{tmp_path / 'nope' / 'a.db'}"), check=False)
    assert missing.returncode == 1 and "does its folder exist" in missing.stderr
    down = run_cli("db", "upgrade", env=cli_env(f"postgresql://postgres@127.0.0.1:{free_port()}/x"), check=False)
    assert down.returncode == 1 and "Connection refused" in down.stderr and len(down.stderr.splitlines()) == 1


def test_version_and_help() -> None:
    from aggregator import __version__

    version = run_cli("--version", env=cli_env("sqlite://"))
    assert version.stdout.strip() == f"syndication-aggregator {__version__}"
    for command in ((), ("crawl",), ("report",), ("sources", "add"), ("serve",), ("runs", "list"), ("stats",)):
        shown = run_cli(*command, "--help", env=cli_env("sqlite://")).stdout
        assert "Usage:" in shown
        options = [line for line in shown.splitlines() if line.lstrip().startswith("-")]
        assert options and not any(re.search(r"<\w+(\[\w+\])?>", line) for line in options), shown
    assert "--strict" in run_cli("crawl", "--help", env=cli_env("sqlite://")).stdout


def test_sources_add_keeps_the_port_and_updates_a_known_site(tmp_path: Path, database_url: str) -> None:
    env = cli_env(database_url)
    run_cli("db", "upgrade", env=env)
    with serve_little_site() as site:
        added = run_cli("sources", "add", f"{site.base}/", "--language", "en", "--role", "republisher", env=env)
        assert added.stdout.splitlines()[-1].startswith("added 127.0.0.1 (Little Blog) as republisher, language en")
        assert f"{site.base}/feed.xml" in added.stdout
        again = run_cli("sources", "add", f"{site.base}/", env=env)
        assert again.stdout.splitlines()[-1].startswith("updated 127.0.0.1 (Little Blog) as republisher, language en")
        renamed = run_cli("sources", "add", f"{site.base}/", "--name", "Renamed", "--role", "partner", env=env)
        assert "updated 127.0.0.1 (Renamed) as partner, language en" in renamed.stdout
        site.requested.clear()
        run_cli("crawl", env=env)
    with session_scope(database_url) as session:
        (source,) = list_sources(session)
        assert (source.home_url, source.language, source.name, source.role) == (f"{site.base}/", "en", "Renamed",
                                                                                "partner")
    # Every request of the crawl reached the site on its own port.
    assert {"/", "/feed.xml", "/posts/tomatoes/", "/sitemap.xml"} <= set(site.requested)


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_serve_writes_an_access_log(tmp_path: Path, log_format: str) -> None:
    database_url = f"sqlite:///{tmp_path / 'serve.db'}"
    env = cli_env(database_url)
    run_cli("db", "upgrade", env=env)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "aggregator.cli", "serve", "--port", str(port), "--log-format", log_format],
        cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/?from=test", timeout=5) as answer:
                    assert answer.status == 200 and "text/html" in answer.headers["Content-Type"]
                break
            except OSError:
                time.sleep(0.2)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
            assert answer.status == 200
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=20)
    if log_format == "text":
        assert re.search(r'\[aggregator\.access\] INFO: 127\.0\.0\.1 "GET /\?from=test HTTP/1\.1" 200 \d+ ', stderr), \
            stderr
        assert '"GET /healthz HTTP/1.1" 200' in stderr
    else:
        records = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
        access = [r for r in records if r["logger"] == "aggregator.access"]
        assert {(r["method"], r["path"], r["status"]) for r in access} >= {("GET", "/?from=test", 200),
                                                                         ("GET", "/healthz", 200)}
        assert all(line.startswith("{") for line in stderr.splitlines() if line.strip()), stderr
