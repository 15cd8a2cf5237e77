"""benchmarks/repeatability.py measures the camera's session-to-session noise that the
"ROM falling" flag compares with; the thresholds the app ships (handcoach/review/
rom_noise.json) must be what it measures today, not what an older pipeline measured."""

from __future__ import annotations

import json

import pytest

from handcoach.review.rom_noise import GROUPS, NOISE_FILE, RomNoise
from helpers.paths import FOOTAGE, benchmark

CLIP = FOOTAGE / "exercises" / "palmar_fist_2.mp4"


def test_the_shipped_flag_thresholds_are_what_the_benchmark_measures(tmp_path):
    if not CLIP.exists():
        pytest.skip(f"real footage not found: {FOOTAGE} (../shared beside the checkout)")
    out = tmp_path / "rom_noise.json"
    benchmark("repeatability.py", "--write", str(out))
    measured = json.loads(out.read_text(encoding="utf-8"))["groups"]
    shipped = json.loads(NOISE_FILE.read_text(encoding="utf-8"))["groups"]
    assert set(measured) == set(shipped) == set(GROUPS)
    for group in GROUPS:
        # Within 1.5 deg: MediaPipe on another CPU may read a frame a little differently;
        # a pipeline change that moves the noise more needs the file made again.
        assert measured[group]["median_change_p95"] == pytest.approx(
            shipped[group]["median_change_p95"], abs=1.5), group
    noise = RomNoise.load(out)
    # The camera varies less at the DIP than at the MCP and the thumb (every real clip).
    assert noise.drop_deg("index", "mcp") >= noise.drop_deg("index", "dip")
    assert noise.drop_deg("thumb", "mcp") >= noise.drop_deg("index", "dip")
