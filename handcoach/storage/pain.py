"""The patient's pain rating: a whole number on the 0-10 numeric rating scale, or none.

One rule for every place a rating is stored (a session's before and after, a home task's),
strict by type: a float (even 3.0), a string, a bool or a list is refused, so a caller's
slip never turns into a stored number or a traceback. NumPy's integers are integers.
"""

from __future__ import annotations

import numpy as np

#: the numeric rating scale's ends: no pain, worst imaginable pain.
PAIN_MIN, PAIN_MAX = 0, 10


def pain_rating(value: object, which: str) -> int | None:
    """`value` as the rating to store (None: not rated). ValueError, one line, otherwise.

    which: what is rated ("before", "after"), for the message."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) \
            or not PAIN_MIN <= value <= PAIN_MAX:
        raise ValueError(f"pain {which} must be a whole number from {PAIN_MIN} to "
                         f"{PAIN_MAX}, got {value!r:.40}")
    return int(value)
