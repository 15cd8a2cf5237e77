"""The studio's pictures through real MediaPipe: every tendon-glide position in the
recommended view, saved for people to look at (test-artifacts/studio/).

The bundled samples (sample_videos/, studio renders of a right hand, medium skin, in three
views) are tested by test_engine_rendered.py and test_rendered.py; a left hand with dark
skin, rendered and analysed through the command line, by test_cli.py; README's table
(benchmarks/studio_table.py) covers every view, and skins and hands.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from exercises.features import FeatureExtractor
from exercises.library import load_library
from exercises.recognition import RangeSet
from handcoach.synthetic import motions
from handcoach.synthetic.studio import RECOMMENDED_VIEW, Studio, StudioOptions
from helpers.paths import ROOT
from vision.pipeline import HandPipeline

ARTIFACTS = ROOT / "test-artifacts" / "studio"
POSITIONS = {"straight": motions.STRAIGHT, "hook": motions.HOOK,
             "full_fist": motions.FULL_FIST, "straight_fist": motions.STRAIGHT_FIST,
             "tabletop": motions.TABLETOP}


@pytest.fixture(scope="module")
def tendon_glide_pictures():
    """{position: (RGB frame, true angles)} in the tendon glides' recommended view, each
    also saved as a PNG."""
    view = RECOMMENDED_VIEW["tendon_glides"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    studio = Studio(StudioOptions(view=view), seed=1).start()
    out = {}
    try:
        for name, pose in POSITIONS.items():
            frame = studio.frame(pose)
            path = ARTIFACTS / f"tendon_glide_{name}_{view}_right_medium.png"
            cv2.imwrite(str(path), cv2.cvtColor(frame.rgb, cv2.COLOR_RGB2BGR))
            out[name] = (frame.rgb, frame.angles)
    finally:
        studio.close()
    return out


@pytest.mark.parametrize("name", list(POSITIONS))
def test_each_tendon_glide_position_is_pictured_and_read_as_that_position(
        tendon_glide_pictures, name):
    """What a therapist checks in the picture: a right hand, in the position named. The
    engine's own targets for the position (exercises/definitions.toml) hold on
    MediaPipe's reading of it."""
    rgb, truth = tendon_glide_pictures[name]
    view = RECOMMENDED_VIEW["tendon_glides"]
    assert (ARTIFACTS / f"tendon_glide_{name}_{view}_right_medium.png").stat().st_size > 50_000
    with HandPipeline() as pipeline:
        for k in range(3):       # a still held for a tenth of a second, as the app sees it
            frame = pipeline.process(k / 30.0, rgb)
    assert frame.hand is not None, f"MediaPipe found no hand in the {name} picture"
    assert frame.hand.side == "right"
    exercise = load_library()["tendon_glides"]
    est = frame.measures.flexion
    print(f"\n{name}: index MCP/PIP/DIP read {np.round(est[[0, 1, 2]], 0)}, "
          f"true {np.round(truth[[0, 1, 2]], 0)}")
    features = FeatureExtractor(exercise.fingers)(frame)
    assert RangeSet.of(exercise.positions[name].targets).holds(features), \
        f"the {name} picture does not read as {name}"
