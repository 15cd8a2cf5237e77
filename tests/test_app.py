"""The Streamlit app's pages, driven by Streamlit's AppTest (no browser, no webcam)."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

MAIN = str(Path(__file__).resolve().parent.parent / "app" / "main.py")


def test_analyze_page_measures_a_bundled_sample():
    samples = sorted((Path(MAIN).parent.parent / "sample_videos").glob("*.mp4"))
    if not samples:
        pytest.fail("sample_videos/ holds no videos: the app must ship samples")
    at = AppTest.from_file(MAIN, default_timeout=240).run()
    assert not at.exception
    assert at.title[0].value == "Analyze a recording"
    # The first sample is preselected with its own exercise.
    assert at.radio[0].value == "finger spread"
    assert at.selectbox[0].value == "Finger spread"
    at.button[0].click().run()
    assert not at.exception
    assert "Hand seen" in at.metric[0].label
    assert at.metric[1].label == "Repetitions" and at.metric[1].value == "3"
    assert len(at.dataframe) == 2, "no per-rep or range-of-motion table shown"
