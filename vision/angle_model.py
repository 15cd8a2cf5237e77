"""A learned correction of the finger angles MediaPipe's landmarks give, trained on renders.

Why: on real hands with measured 3D joints, every angle computed straight from MediaPipe's
landmarks is off by 14-18 deg on average, and most of that is depth (with MediaPipe's own
image x, y and the true depth the same angles read ~6 deg; benchmarks/accuracy_real.py).
MediaPipe's depth errors are systematic: it pulls a hand toward a relaxed, half-curled
pose, under-reads the knuckles of a palm seen face on, and errs differently by view.
Fitting a kinematic hand to the 2D landmarks with MediaPipe's depth as a prior did not
remove them (12.8 deg on the real hand, at 14 ms a frame). A small network that has seen
how MediaPipe misreads a realistic hand, in every view, with the true angles known,
learns to undo them: trained only on the studio's renders (handcoach.synthetic.studio:
a skinned human hand mesh, random motion, random views, skins, light and webcam noise),
never on the real hand it is measured against.

    model = AngleModel().start()               # loads vision/models/angles.npz
    flexion = model.flexion(world, image, chirality)   # (14,) deg

Inputs are one frame's smoothed landmarks (vision.smoothing), mirrored to right-hand
geometry, with position, rotation and scale removed (landmarks in the palm's own axes,
the image's in the 2D hand axis), plus the
direction of the camera in the palm's axes (the view) and the three raw flexion
estimates; a small ensemble of tanh MLPs adds its mean correction to the blended
estimate. A few hundred microseconds a frame in NumPy.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from .kinematics import FlexionEstimates, flexion_estimates, foreshortening
from .landmarks import WRIST, HandLandmark, Side

DEFAULT_MODEL = Path(__file__).with_name("models") / "angles.npz"
#: the feature layout the model file was trained on (a file of another layout is refused).
FEATURE_VERSION = 1
_MIRROR = np.array([-1.0, 1.0, 1.0])
_MIDDLE_MCP = HandLandmark.MIDDLE_FINGER_MCP
#: angles enter the features in units of this many degrees (inputs near +-1).
_DEG = 90.0


def right_handed(world: np.ndarray, image: np.ndarray, chirality: Side
                 ) -> tuple[np.ndarray, np.ndarray]:
    """The landmarks of a left hand mirrored (x negated) into right-hand geometry, so that
    one model serves both hands; flexion is unchanged by a mirror."""
    if chirality == "left":
        return world * _MIRROR, image * _MIRROR
    return world, image


def angle_features(world: np.ndarray, image: np.ndarray, est: FlexionEstimates
                   ) -> np.ndarray:
    """The model's input for one right-handed hand (see `right_handed`).

    est: `flexion_estimates` of the same landmarks (chirality "right")."""
    axes = np.stack((est.distal, est.radial, est.palmar))          # rows: palm axes
    palm = float(np.linalg.norm(world[_MIDDLE_MCP] - world[WRIST]))
    in_palm = np.einsum("ij,kj->ik", world - world[WRIST], axes) / max(palm, 1e-9)
    v = image[_MIDDLE_MCP, :2] - image[WRIST, :2]
    length = max(float(np.hypot(v[0], v[1])), 1e-9)
    c, s = v / length
    rot2 = np.array([[s, -c], [c, s]])                             # hand axis -> +y
    in_image = np.einsum("ij,kj->ik", image[:, :2] - image[WRIST, :2], rot2) / length
    depth = (image[:, 2] - image[WRIST, 2]) / length
    return np.concatenate((
        in_palm.ravel(), axes[:, 2] * -1.0, axes[:, 1] * -1.0, in_image.ravel(), depth,
        est.blended / _DEG, est.world / _DEG, est.image / _DEG, est.image_xy / _DEG,
        foreshortening(image, world)))


class AngleModel:
    """The trained correction; `flexion` gives the 14 angles (deg, ANGLE_NAMES order).

    path: the model file (weights, input normalisation, and how it was trained)."""

    def __init__(self, path: str | Path = DEFAULT_MODEL) -> None:
        self.path = Path(path)
        self._members: list[list[tuple[np.ndarray, np.ndarray]]] = []
        self._mean = self._scale = np.zeros(0)
        self.info: dict[str, str] = {}

    def start(self) -> AngleModel:
        """Load the model file (ValueError, one line, for a file that is not one)."""
        if self._members:
            return self
        try:
            with np.load(self.path, allow_pickle=False) as data:
                if int(data["feature_version"]) != FEATURE_VERSION:
                    raise ValueError(f"{self.path} was trained on other features")
                n, members = int(data["layers"]), int(data["members"])
                self._members = [[(data[f"m{m}_w{k}"].astype(np.float64),
                                   data[f"m{m}_b{k}"].astype(np.float64)) for k in range(n)]
                                 for m in range(members)]
                self._mean = data["input_mean"].astype(np.float64)
                self._scale = 1.0 / data["input_std"].astype(np.float64)
                self.info = {k[5:]: str(data[k]) for k in data.files if k.startswith("info_")}
        except (OSError, KeyError) as exc:
            raise ValueError(f"angle model {self.path} cannot be read: {exc}") from None
        return self

    def correction(self, features: np.ndarray) -> np.ndarray:
        """Degrees to add to the blended estimate, for one (n_features,) or (n, n_features):
        the mean of the ensemble's members."""
        x0 = (features - self._mean) * self._scale
        total = 0.0
        for layers in self._members:
            x = x0
            last = len(layers) - 1
            for k, (w, b) in enumerate(layers):
                # einsum, not @: NumPy's BLAS spreads a product this small over threads,
                # which on a busy 2-core machine cost 30 ms instead of 10 us.
                x = np.einsum("...i,ij->...j", x, w) + b
                if k < last:
                    np.tanh(x, out=x)
            total = total + x
        return total / len(self._members)

    def flexion(self, world: np.ndarray, image: np.ndarray, chirality: Side,
                est: FlexionEstimates | None = None) -> np.ndarray:
        """The corrected flexion of one hand: (21, 3) world metres, (21, 3) image pixels;
        est: their `flexion_estimates` when already computed (vision.kinematics.measure)."""
        if not self._members:
            self.start()
        if est is None:
            est = flexion_estimates(world, image, chirality)
        if chirality == "left":
            # The mirror image's estimates: the same angles, the palm axes mirrored.
            world, image = right_handed(world, image, chirality)
            est = replace(est, distal=est.distal * _MIRROR, radial=est.radial * _MIRROR,
                          palmar=est.palmar * _MIRROR)
        return est.blended + self.correction(angle_features(world, image, est))
