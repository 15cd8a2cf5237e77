"""One Euro filter: quiet at rest, quick in motion, honest about gaps."""

import numpy as np

from vision.smoothing import OneEuroFilter


def _run(f, times, values):
    out = [f(t, np.atleast_1d(v)).copy() for t, v in zip(times, values, strict=True)]
    return np.array(out)[:, 0]


def test_jitter_at_rest_is_reduced():
    rng = np.random.default_rng(0)
    t = np.arange(0, 3, 1 / 30)
    noisy = 20 + rng.normal(0, 2.0, t.size)          # a still joint, 2 deg of jitter
    out = _run(OneEuroFilter(min_cutoff=1.0, beta=0.02), t, noisy)
    assert np.std(np.diff(out[30:])) < 0.3 * np.std(np.diff(noisy[30:]))


def test_a_fast_fist_is_followed_without_lag():
    t = np.arange(0, 2, 1 / 30)
    step = np.where(t < 1.0, 0.0, 90.0)               # a joint snapping from 0 to 90 deg
    out = _run(OneEuroFilter(min_cutoff=1.0, beta=0.05), t, step)
    reached = t[np.argmax(out > 80)]
    assert reached - 1.0 <= 0.15                      # within 150 ms of the step


def test_irregular_frame_times_and_gaps():
    f = OneEuroFilter(min_cutoff=1.0, beta=0.0, reset_after=0.5)
    f(0.0, np.array([0.0]))
    slow = f(0.2, np.array([10.0])).copy()            # a long frame moves further
    g = OneEuroFilter(min_cutoff=1.0, beta=0.0)
    g(0.0, np.array([0.0]))
    fast = g(0.02, np.array([10.0])).copy()
    assert slow[0] > fast[0] > 0
    # after a gap longer than reset_after the filter restarts at the new value
    assert f(2.0, np.array([50.0]))[0] == 50.0


def test_shape_change_restarts():
    f = OneEuroFilter()
    f(0.0, np.zeros((21, 3)))
    out = f(0.03, np.ones((4,)))
    assert out.shape == (4,) and np.all(out == 1)
