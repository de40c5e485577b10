"""The migrations and the models describe the same schema, on both engines."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from storage import Base
from storage.engine import get_engine
from storage.migrations import alembic_config, current_revision, include_name, include_object, upgrade


def test_upgrade_head_leaves_no_autogenerate_difference(database_url: str) -> None:
    upgrade(database_url)
    head = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
    assert current_revision(database_url) == head
    with get_engine(database_url).connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_name": include_name, "include_object": include_object, "compare_type": True}
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_upgrade_is_idempotent_and_downgrade_works(database_url: str) -> None:
    from alembic import command

    upgrade(database_url)
    upgrade(database_url)  # a second run is a no-op
    command.downgrade(alembic_config(database_url), "base")
    assert current_revision(database_url) is None
    upgrade(database_url)
    assert current_revision(database_url) is not None
