"""benchmarks/rom_accuracy.py, where vision/rom.py's hold comes from, runs on the real
hand with truth and prints a range error for every hold it is asked for."""

from __future__ import annotations

import re

import pytest

from helpers.paths import GROUNDTRUTH, benchmark


def test_the_rom_benchmark_prints_each_holds_error_on_the_real_hand():
    if not (GROUNDTRUTH / "real_hand_sequence" / "truth.json").exists():
        pytest.skip(f"real ground truth not found: {GROUNDTRUTH} (../shared beside the checkout)")
    proc = benchmark("rom_accuracy.py", "--holds", "0", "0.06", "0.3", timeout=300)
    [row] = [line for line in proc.stdout.splitlines() if line.startswith("real ")]
    pairs = re.findall(r"(\d+\.\d) / +(\d+\.\d)", row)
    assert len(pairs) == 3, row
    # A range read like a goniometer's is within a finger joint's range of the truth.
    assert all(0.0 <= float(x) < 45.0 for pair in pairs for x in pair), row
