"""Shared fixtures: a fresh PostgreSQL database, and one behind a relay that can be cut.

Helpers that tests import live in tests/helpers (on the path through pyproject's
pytest `pythonpath`)."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from helpers.relay import TcpRelay

#: a PostgreSQL server that may create databases (.ci/run starts one and sets it).
PG_URL = os.environ.get("HANDCOACH_TEST_PG_URL")


@pytest.fixture
def pg_url() -> str:
    """A fresh, empty database on the test PostgreSQL server, dropped afterwards."""
    if not PG_URL:
        pytest.skip("PostgreSQL tests need HANDCOACH_TEST_PG_URL, an SQLAlchemy URL of a "
                    "server that may create databases (.ci/run starts one)")
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"hc_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def relay(pg_url):
    """(URL through the relay, URL direct, relay) for a fresh PostgreSQL database."""
    direct = make_url(pg_url)
    r = TcpRelay(direct.host or "127.0.0.1", direct.port or 5432)
    via = direct.set(host="127.0.0.1", port=r.port).render_as_string(hide_password=False)
    yield via, pg_url, r
    r.stop()
