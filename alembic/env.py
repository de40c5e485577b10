"""Alembic environment: migrates the database named by AGGREGATOR_DATABASE_URL (or -x url=...)."""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context

from aggregator.settings import Settings
from storage import Base
from storage.engine import get_engine
from storage.migrations import include_name, include_object

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logging", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata
# Objects the migrations create outside the models (full-text search tables, triggers, views)
# are hidden from autogenerate, so it compares only what the models describe.
FILTERS = {"include_name": include_name, "include_object": include_object}


def database_url() -> str:
    explicit = config.attributes.get("database_url") or context.get_x_argument(as_dictionary=True).get("url")
    return explicit or Settings.from_env().database_url


def run_migrations_offline() -> None:
    context.configure(url=database_url(), target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True, **FILTERS)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True, **FILTERS)
        with context.begin_transaction():
            context.run_migrations()
        return
    with get_engine(database_url()).connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True, **FILTERS)
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
