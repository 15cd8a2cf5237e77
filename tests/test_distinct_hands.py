"""A hand MediaPipe finds twice is one hand; two hands in view, even touching, are two."""

from __future__ import annotations

import numpy as np

from helpers.analytic_hand import right_hand
from vision.frame import HandObservation
from vision.tracker import distinct_hands


def _hand(flexion: list[float], centre: tuple[float, float], px: float,
          chirality: str = "right") -> HandObservation:
    world = right_hand(np.array(flexion * 4 + [20.0, 10.0])) / 1000.0
    image = world * px + np.array([*centre, 0.0])
    return HandObservation(image=image, world=world, side=chirality, chirality=chirality,
                           score=0.9)


HOOK = [5.0, 90.0, 70.0]


def test_a_small_hand_inside_the_hand_is_the_same_hand_found_twice():
    """MediaPipe's second "hand" in a hook fist: the curled fingers, a quarter of the
    hand's size, inside its box. The patient must not be told to put the other hand away."""
    hand = _hand(HOOK, (320.0, 240.0), 1500.0)
    curled = _hand(HOOK, (330.0, 330.0), 600.0, "left")
    assert distinct_hands([hand, curled]) == [hand]
    assert distinct_hands([curled, hand]) == [hand]


def test_two_hands_side_by_side_or_one_holding_the_other_are_two():
    hand = _hand(HOOK, (320.0, 240.0), 1500.0)
    other = _hand([0.0, 0.0, 0.0], (520.0, 240.0), 1400.0, "left")
    holding = _hand([30.0, 60.0, 40.0], (335.0, 230.0), 1300.0, "left")  # blocking
    assert distinct_hands([hand, other]) == [hand, other]
    assert distinct_hands([hand, holding]) == [hand, holding]
