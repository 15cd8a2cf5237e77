"""Normal active range of motion, the yardstick a session's ROM is shown against until the
therapist sets a patient's own targets (docs/clinical.md).

Flexion in degrees, 0 = straight: AAOS values as commonly quoted (American Academy of
Orthopaedic Surgeons, Joint Motion: Method of Measuring and Recording, 1965); TAM 260 deg
per finger is ASSH's usual normal when the other hand cannot be compared.
"""

from __future__ import annotations

import numpy as np

from vision.landmarks import ANGLE_NAMES

#: normal active flexion per joint kind, degrees (AAOS).
NORMAL_FLEXION_DEG = {"mcp": 90.0, "pip": 100.0, "dip": 90.0, "thumb_mcp": 50.0,
                      "thumb_ip": 80.0}
#: normal total active motion of a finger (MCP + PIP + DIP), degrees (ASSH).
NORMAL_TAM_DEG = 260.0


def normal_flexion() -> np.ndarray:
    """(14,) normal flexion in ANGLE_NAMES order, degrees."""
    return np.array([NORMAL_FLEXION_DEG[f"thumb_{j}" if f == "thumb" else j]
                     for f, j in ANGLE_NAMES])
