"""Run the Alembic migrations from code (what `aggregator db upgrade` does)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config

from storage.queue import is_queue_object
from storage.search import include_name as include_search_name
from storage.search import include_object as include_search_object

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def alembic_config(database_url: str) -> Config:
    """An Alembic config for the project's migrations, aimed at `database_url`."""
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    cfg.attributes["database_url"] = database_url
    cfg.attributes["configure_logging"] = False
    return cfg


def upgrade(database_url: str, revision: str = "head") -> None:
    """Migrate the database to `revision` (the latest by default)."""
    command.upgrade(alembic_config(database_url), revision)


def current_revision(database_url: str) -> str | None:
    """The revision the database is at, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    from storage.engine import get_engine

    with get_engine(database_url).connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


# Objects the migrations create outside the models (full-text search tables, triggers, views;
# the job queue's tables) are hidden from autogenerate, so it compares only what the models describe.


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic `include_name` hook: hide the search and queue objects from autogenerate's reflection."""
    return include_search_name(name, type_, parent_names) and not is_queue_object(name)


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic `include_object` hook: hide the search and queue objects (tables, indexes) from autogenerate."""
    table_name = getattr(getattr(obj, "table", None), "name", None)
    return (include_search_object(obj, name, type_, reflected, compare_to)
            and not is_queue_object(name) and not is_queue_object(table_name))
