"""Shared fixtures: the real footage beside the checkout, and generated test videos."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
FOOTAGE = ROOT.parent / "shared" / "footage"
#: a PostgreSQL server that may create databases (.ci/run starts one and sets it).
PG_URL = os.environ.get("HANDCOACH_TEST_PG_URL")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from relay import TcpRelay  # noqa: E402 - tests/ is on the path only from here on


def footage(name: str) -> Path:
    """A file of ../shared/footage, or skip with the reason when it is not there."""
    path = FOOTAGE / name
    if not path.exists():
        pytest.skip(f"real footage not found: {path} (../shared/footage beside the checkout)")
    return path


def handcoach(*args: str) -> subprocess.CompletedProcess:
    """The installed command line, as a user runs it (its own process and stderr)."""
    return subprocess.run([sys.executable, "-m", "handcoach.cli", *args], capture_output=True,
                          text=True, timeout=600)


def ffmpeg(*args: str) -> None:
    """Run ffmpeg quietly; fail the test with its message if it fails."""
    exe = shutil.which("ffmpeg")
    if exe is None:
        pytest.fail("ffmpeg is not installed (.ci/run and test.sh install it)")
    proc = subprocess.run([exe, "-v", "error", "-y", *args], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


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
