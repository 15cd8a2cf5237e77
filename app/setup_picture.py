"""The set-up's picture: the studio's hand, open, in the view the exercise is filmed in,
mirrored like the live view the patient will see themselves in.

Rendered once per exercise and server (a second or two on the CPU), kept in memory; where
the machine cannot render (no headless OpenGL) the set-up is text only.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from exercises.placement import RECOMMENDED_VIEW


@st.cache_resource(show_spinner=False, max_entries=16)
def setup_picture(exercise_id: str, side: str = "right") -> np.ndarray | None:
    """An RGB picture of an open hand in the exercise's recommended view (None when the
    studio cannot render here)."""
    try:
        from handcoach.synthetic import motions
        from handcoach.synthetic.studio import Studio, StudioOptions

        studio = Studio(StudioOptions(view=RECOMMENDED_VIEW.get(exercise_id, "palm"),
                                      side=side, noise=0.1, motion_blur=1), seed=1).start()
    except (ImportError, RuntimeError, OSError):
        return None
    try:
        return np.ascontiguousarray(studio.frame(motions.STRAIGHT).rgb[:, ::-1])
    except (RuntimeError, OSError):
        return None
    finally:
        studio.close()
