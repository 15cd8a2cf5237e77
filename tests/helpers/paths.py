"""The checkout, the real footage beside it, and the command line as a user runs it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
FOOTAGE = SHARED / "footage"
GROUNDTRUTH = SHARED / "groundtruth"


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


def benchmark(name: str, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run benchmarks/NAME as a developer does (its own process, from the checkout) and fail
    the test with the end of its stderr unless it exits 0."""
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / name), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc


def ffmpeg(*args: str) -> None:
    """Run ffmpeg quietly; fail the test with its message if it fails."""
    exe = shutil.which("ffmpeg")
    if exe is None:
        pytest.fail("ffmpeg is not installed (.ci/run and test.sh install it)")
    proc = subprocess.run([exe, "-v", "error", "-y", *args], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
