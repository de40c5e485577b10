"""Shared fixtures: paths to the shared test corpora and databases on both engines."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
# Beside the project by default; AGGREGATOR_TEST_SHARED_DIR points elsewhere (a checkout in a worktree).
SHARED_DIR = Path(os.environ.get("AGGREGATOR_TEST_SHARED_DIR") or REPO_ROOT.parent / "shared")
FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"
POSTGRES_URL_ENV = "AGGREGATOR_TEST_POSTGRES_URL"
# The suite's webs are served on loopback; the network guard refuses every other non-public network.
LOOPBACK_NETWORKS = "127.0.0.0/8,::1/128"


@pytest.fixture(autouse=True)
def _allow_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the crawler reach the suite's loopback servers, in this process and the commands it runs.

    A test of the guard itself unsets AGGREGATOR_ALLOW_PRIVATE_NETWORKS or narrows it.
    """
    monkeypatch.setenv("AGGREGATOR_ALLOW_PRIVATE_NETWORKS", LOOPBACK_NETWORKS)


def shared_path(*parts: str) -> Path:
    """A path inside the shared corpora; skips the test when they are not beside the project."""
    path = SHARED_DIR.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI"):
            raise FileNotFoundError(f"shared test data missing: {path}")
        pytest.skip(f"shared test data not found at {path}")
    return path


def postgres_base_url() -> str | None:
    """The PostgreSQL URL for tests; mandatory in CI."""
    url = os.environ.get(POSTGRES_URL_ENV)
    if not url and os.environ.get("CI"):
        raise RuntimeError(f"{POSTGRES_URL_ENV} must be set in CI: PostgreSQL tests are mandatory there")
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh, empty SQLite database file."""
    return f"sqlite:///{tmp_path / 'test.db'}"


@contextmanager
def temporary_postgres_database() -> Iterator[str]:
    """Create an empty PostgreSQL database; drop it on exit. Skips when none is configured."""
    base = postgres_base_url()
    if not base:
        pytest.skip(f"{POSTGRES_URL_ENV} not set")
    import sqlalchemy as sa

    from storage.engine import get_engine, normalise_database_url

    base = normalise_database_url(base)
    name = f"aggtest_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        # Close pooled connections to the database before dropping it.
        get_engine(url).dispose()
        get_engine.cache_clear()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped after the test."""
    with temporary_postgres_database() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database on each engine in turn (PostgreSQL only where configured)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    return str(request.getfixturevalue("postgres_url"))
