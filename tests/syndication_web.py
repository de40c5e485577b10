"""Run the shared syndication web's `serve.py` on loopback for integration tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml

from tests.conftest import REPO_ROOT, shared_path


@dataclass
class ServedWeb:
    """A running serve.py: its proxy URL and its request log."""

    proxy: str
    log_path: Path
    process: subprocess.Popen[str]

    def requests(self) -> list[dict[str, Any]]:
        """Every request logged so far."""
        if not self.log_path.exists():
            return []
        return [json.loads(line) for line in self.log_path.read_text().splitlines() if line.strip()]


@contextmanager
def serve_web(log_path: Path, *extra: str, root: Path | None = None) -> Iterator[ServedWeb]:
    """Start serve.py (port 0) and stop it on exit."""
    script = shared_path("syndication-web", "serve.py")
    args = [sys.executable, str(script), "--port", "0", "--log", str(log_path), *extra]
    if root is not None:
        args += ["--root", str(root)]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if "listening on" not in line:
            raise RuntimeError(f"serve.py did not start: {line!r} {process.stderr.read() if process.stderr else ''}")
        yield ServedWeb(proxy=line.split("listening on", 1)[1].strip(), log_path=log_path, process=process)
    finally:
        process.terminate()
        process.wait(timeout=10)


def truth() -> dict[str, Any]:
    """The shared web's truth.json."""
    return json.loads(shared_path("syndication-web", "truth.json").read_text(encoding="utf-8"))


def sources_yaml(sites: list[dict[str, Any]]) -> str:
    """A sources file for the shared web's sites (roles and feeds from truth.json)."""
    entries = []
    for site in sites:
        entry: dict[str, Any] = {"name": site["name"], "home": site["home"], "role": site["role"]}
        if site.get("language"):
            entry["language"] = site["language"]
        if site.get("feed"):
            entry["feeds"] = [site["feed"]]
        entries.append(entry)
    return yaml.safe_dump({"sources": entries}, allow_unicode=True, sort_keys=False)


def cli_env(database_url: str, proxy: str | None = None) -> dict[str, str]:
    """Environment for running the CLI against `database_url`, through `proxy`."""
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "no_proxy")}
    env["AGGREGATOR_DATABASE_URL"] = database_url
    if proxy:
        env["http_proxy"] = proxy
        env["https_proxy"] = proxy
    return env


def run_cli(
    *args: str, env: dict[str, str], check: bool = True, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """Run `aggregator ARGS` in a subprocess (the real console entry point)."""
    result = subprocess.run(
        [sys.executable, "-m", "aggregator.cli", *args],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=timeout,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"aggregator {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
        )
    return result


def iri(url: str) -> str:
    """A URL with percent-escapes decoded, to compare with truth.json's IRIs."""
    return unquote(url)


def shingles(text: str, n: int = 4) -> set[tuple[str, ...]]:
    """Word n-gram shingles, as in the extraction benchmark."""
    words = text.split()
    if len(words) < n:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def precision_recall(predicted: str, gold: str) -> tuple[float, float]:
    """Shingle precision and recall of a predicted text against the gold text."""
    p, g = shingles(predicted), shingles(gold)
    if not p and not g:
        return 1.0, 1.0
    tp = len(p & g)
    return (tp / len(p) if p else 0.0), (tp / len(g) if g else 0.0)


def comparable_export(env: dict[str, str]) -> list[dict[str, Any]]:
    """`aggregator export`, first_seen aside (it is when a copy was seen, which differs between runs)."""
    records = [json.loads(line) for line in run_cli("export", env=env).stdout.splitlines()]
    for record in records:
        for rep in record["republications"]:
            rep.pop("first_seen")
    return records
