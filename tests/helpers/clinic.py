"""A small clinic in a real results store: accounts, prescriptions and recorded sessions,
built the way the app and the command line build them (no rows written by hand)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import numpy as np

from exercises.alerts import Alert, Code
from exercises.counter import Rep
from exercises.library import get_exercise
from exercises.session import ExerciseSession
from handcoach.accounts import Access, Principal, add_user, sign_in
from handcoach.storage import Store
from handcoach.storage.recorder import SessionRecorder
from vision.landmarks import N_ANGLES

PASSWORDS = {"admin": "maple-pass-123", "thera": "cedar-pass-123", "tess": "birch-pass-123",
             "ann": "olive-pass-1234", "bob": "lemon-pass-1234", "cat": "mango-pass-1234"}
FIST_DOSE = {"reps": 3, "sets": 1, "hold_s": 1, "rest_s": 0, "sessions_per_day": 2,
             "max_reps_per_day": 12}


@dataclass
class Clinic:
    store: Store
    ids: dict[str, int]          # patient username -> patient record id

    def who(self, username: str) -> Principal:
        return sign_in(self.store, username, PASSWORDS[username])[0]

    def access(self, username: str) -> Access:
        return Access(self.store, self.who(username))


def build_clinic(store: Store) -> Clinic:
    """An administrator; therapists thera (patients ann, bob) and tess (patient cat)."""
    add_user(store, "admin", PASSWORDS["admin"], "admin", name="Ada Admin")
    add_user(store, "thera", PASSWORDS["thera"], "therapist", name="Theo Rapist")
    add_user(store, "tess", PASSWORDS["tess"], "therapist", name="Tess Ther")
    ids = {}
    for user, name, therapist in (("ann", "Ann Lee", "thera"), ("bob", "Bob Ray", "thera"),
                                  ("cat", "Cat Moss", "tess")):
        info = add_user(store, user, PASSWORDS[user], "patient", name=name,
                        therapist=therapist)
        ids[user] = info.patient_id
    return Clinic(store, ids)


def record_session(store: Store, patient: str, *, started: datetime, reps: int = 3,
                   peak: float = 80.0, pain: tuple[int, int] = (2, 2), exercise: str = "fist",
                   side: str = "right", warnings: tuple[str, ...] = (),
                   prescription_id: int | None = None, seconds: float = 12.0) -> int:
    """A session as the live app records it: 30 fps frames with landmarks, reps whose
    peak flexion is `peak` deg at every joint, each close and each opening held for about
    half a second (a range of motion is what is held, vision.rom), the warnings said."""
    rec = SessionRecorder(store, flush_s=1e9)
    rec.start(patient, exercise, side, "live", pain_before=pain[0], prescribed_reps=3,
              prescribed_sets=1, started_at=started, prescription_id=prescription_id)
    fps = 30.0
    n = int(seconds * fps)
    t = np.arange(n) / fps
    wave = 0.65 * (1 - np.cos(2 * np.pi * t * reps / seconds)) - 0.15    # `reps` closes
    curve = peak * np.clip(wave, 0.0, 1.0)
    base = np.linspace(-0.05, 0.05, 63).reshape(21, 3)
    for i in range(n):
        rec.add_frame(float(t[i]), np.full(N_ANGLES, curve[i]),
                      base + 0.02 * curve[i] / max(peak, 1) * np.sin(np.arange(63)).reshape(21, 3))
    span = seconds / max(reps, 1)
    for k in range(reps):
        rec.add_rep(Rep(k + 1, k * span, (k + 1) * span, ("fist",), (1.2,),
                        np.full(N_ANGLES, peak), np.full(N_ANGLES, 2.0)))
    for k, code in enumerate(warnings):
        rec.add_warning(Alert(0.5 + k, Code(code), f"said {code}"))
    rec.finish(pain_after=pain[1])
    assert rec.session_id is not None, rec.problem
    return rec.session_id


def days_ago(n: float) -> datetime:
    return datetime.now(timezone.utc) - timedelta(days=n)


def record_like_the_app(rec: SessionRecorder, seq) -> tuple[ExerciseSession, np.ndarray]:
    """The live app's loop: the session loop over every frame, recording into `rec`.
    Returns the session and the angles that were recorded."""
    session = ExerciseSession(get_exercise("fist"), side="right", sink=rec)
    angles = np.full((len(seq.times), N_ANGLES), np.nan)
    for i, frame in enumerate(seq.frames()):
        session.update(frame)
        if frame.measures is not None:
            angles[i] = frame.measures.flexion
    session.finish(float(seq.times[-1]))
    return session, angles
