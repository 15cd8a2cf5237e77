"""One exercise session in the app, from the pain rating before to the summary after.

The exercise page keeps a LiveSession in Streamlit's session state across reruns: the
coach that processes the frames, the recorder that saves as it goes, and the stage the
page is at. Nothing here draws; `summary_rows` gives the page its table.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from exercises.library import Exercise
from exercises.norms import normal_flexion
from handcoach.storage import BackgroundRecorder, SessionInfo, Store, StoreError, close_abandoned
from vision.landmarks import ANGLE_NAMES
from vision.tracker import Model

from .coach import CoachStatus, LiveCoach
from .joints import measured_joints
from .wording import joint_label

#: stages of the page: the video is running, the patient rates pain after, the summary.
RUNNING, RATING, DONE = "running", "rating", "done"


@dataclass
class LiveSession:
    """exercise: with the program's dose. source: "camera" or the video's file name."""

    exercise: Exercise
    patient: str
    source: str
    coach: LiveCoach
    recorder: BackgroundRecorder
    pain_before: int | None
    stage: str = RUNNING
    pain_after: int | None = None
    saved: bool | None = None
    final: CoachStatus | None = None
    #: the patient's uploaded video playing as the camera, deleted when the video stops.
    upload: Path | None = None

    @classmethod
    def begin(cls, exercise: Exercise, patient: str, store: Store, *, side: str | None,
              pain_before: int | None, source: str = "camera", done_today: int = 0,
              model: Model = "lite", flush_s: float = 2.0,
              prescription_id: int | None = None) -> LiveSession:
        """Open the session in the store (saved at once, before the first frame).

        A store that cannot be written does not stop the exercise: `problem` says so and
        the recorder keeps trying.
        """
        recorder = BackgroundRecorder(store, flush_s=flush_s)
        recorder.start(patient, exercise.id, side, "live" if source == "camera" else "video",
                       video_name=None if source == "camera" else source, model=model,
                       pain_before=pain_before, prescribed_reps=exercise.dose.reps,
                       prescribed_sets=exercise.dose.sets, prescription_id=prescription_id)
        if recorder.session_id is not None:
            # Earlier sessions this patient left open (a closed tab, a crash) end here.
            threading.Thread(target=_close_abandoned, args=(patient, store,
                                                            recorder.session_id),
                             name="handcoach-close-abandoned", daemon=True).start()
        coach = LiveCoach(exercise, recorder, side=side, model=model,
                          done_today=done_today).start()
        return cls(exercise, patient, source, coach, recorder, pain_before)

    @property
    def problem(self) -> str | None:
        return self.recorder.problem

    def stop_video(self) -> None:
        """The patient pressed Finish: no more frames count; ask for pain after. An
        uploaded video is deleted now: nothing plays it any more."""
        self.coach.stream_ended()
        self.final = self.coach.status()
        self.coach.close()
        self.stage = RATING
        if self.upload is not None:
            shutil.rmtree(self.upload.parent, ignore_errors=True)
            self.upload = None

    def end(self, pain_after: int | None) -> bool:
        """Save the pain rating after and close the session. True when all of it is in the
        store; False keeps it in memory and retrying (`problem` says why)."""
        if self.final is None:
            self.stop_video()
        self.pain_after = pain_after
        status = "complete" if self.final is not None and self.final.frames else "interrupted"
        self.saved = self.recorder.finish(status, pain_after=pain_after,
                                          duration_s=self.final.t if self.final else 0.0)
        self.stage = DONE
        return self.saved

    def summary_rows(self, previous: SessionInfo | None,
                     targets: Mapping[str, Mapping[str, float]] | None = None
                     ) -> list[dict[str, object]]:
        """Per joint of the exercise: most bend today, last time, the therapist's target
        (when set) and the normal (AAOS)."""
        status = self.final or self.coach.status()
        normal = normal_flexion()
        rom = (previous.rom or {}) if previous is not None else {}
        rows = []
        for finger, joint in measured_joints(self.exercise):
            i = ANGLE_NAMES.index((finger, joint))
            today = status.rom.hi[i]
            last = (rom.get(finger, {}).get(joint) or {}).get("max")
            rows.append({
                "joint": joint_label(finger, joint),
                "most bend today (deg)": None if np.isnan(today) else round(float(today)),
                "last time (deg)": None if last is None else round(float(last)),
                **({"your target (deg)": (targets.get(finger) or {}).get(joint)}
                   if targets else {}),
                "normal (deg)": round(float(normal[i])),
            })
        return rows

    def tam_today(self) -> dict[str, float | None]:
        """Total active motion per finger over this session, degrees (as it is stored)."""
        status = self.final or self.coach.status()
        return status.rom.tam_json()


def _close_abandoned(patient: str, store: Store, keep: int) -> None:
    try:
        close_abandoned(patient, store, keep=keep)
    except StoreError:
        pass  # the store is away: tried again when the next session starts


def previous_session(sessions: list[SessionInfo] | None, exercise_id: str,
                     exclude: int | None) -> SessionInfo | None:
    """The patient's last saved session of this exercise with a hand seen, before this one."""
    for s in reversed(sessions or []):
        if s.exercise == exercise_id and s.id != exclude and s.frames_with_hand:
            return s
    return None
