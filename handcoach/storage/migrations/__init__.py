"""Alembic migrations of the results store, run by `storage.Store` when it opens a database.

A new migration after changing storage/models.py (then review and ruff the file):

    from alembic import command
    from handcoach.storage.db import Store, alembic_config
    with Store(url).engine.begin() as conn:
        command.revision(alembic_config(conn), message="what changed", autogenerate=True)
"""
