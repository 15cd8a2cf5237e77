"""Analyze a recording: a bundled sample (no webcam needed) or an uploaded video."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from exercises.catalog import EXERCISE_IDS
from exercises.library import load_library
from handcoach.analysis import analyze_video
from vision.kinematics import total_active_motion
from vision.landmarks import ANGLE_NAMES, FINGERS
from vision.sources import SourceError

SAMPLES = Path(__file__).resolve().parent.parent.parent / "sample_videos"

st.title("Analyze a recording")
st.write("Choose one of the sample videos, or upload a video of your exercise. "
         "HandCoach measures how far each finger joint bends. Nothing leaves this computer.")

samples = sorted(SAMPLES.glob("*.mp4"))
choice = st.radio("Video", ["Upload my own video"] + [p.stem.replace("_", " ") for p in samples],
                  index=1 if samples else 0, horizontal=True)
path: Path | None = None
if choice == "Upload my own video":
    upload = st.file_uploader("Video file", type=["mp4", "mov", "avi", "mkv", "webm"])
    if upload is not None:
        tmp = Path(tempfile.mkdtemp()) / upload.name
        tmp.write_bytes(upload.getvalue())
        path = tmp
else:
    path = samples[[p.stem.replace("_", " ") for p in samples].index(choice)]
    st.video(str(path))

library = load_library()
guess = path.stem if path is not None and path.stem in EXERCISE_IDS else None
names = {library[i].name: i for i in EXERCISE_IDS}
picked = st.selectbox("Exercise", ["Just measure my joints", *names],
                      index=[*names.values()].index(guess) + 1 if guess else 0)
exercise = names.get(picked)
if exercise is not None:
    ex = library[exercise]
    dose = ex.dose
    with st.expander(f"About {ex.name.lower()}", expanded=False):
        st.write(ex.instructions)
        st.write(f"**Why:** {ex.purpose} {ex.benefit}")
        hold = f", hold {dose.hold_s:g} s" if dose.hold_s else ""
        st.write(f"**Usual dose:** {dose.reps} reps x {dose.sets} set{hold}, "
                 f"{dose.sessions_per_day} times a day, at most {dose.max_reps_per_day} "
                 "reps a day. Your therapist's prescription comes first.")

model = st.segmented_control("Model", ["lite", "full"], default="lite",
                             help="lite is faster; full can be a little more accurate")

if path is not None and st.button("Analyze", type="primary"):
    bar = st.progress(0.0, text="Looking at your hand...")
    try:
        result = analyze_video(path, exercise=exercise, model=model or "lite",
                               progress=lambda share: bar.progress(share))
    except (SourceError, ValueError) as exc:
        st.error(f"This video could not be read: {exc}")
        st.stop()
    bar.progress(1.0, text="Done")
    seen = result.frames_with_hand / result.frames if result.frames else 0.0
    cols = st.columns(2)
    cols[0].metric("Hand seen", f"{seen:.0%} of {result.frames} frames")
    if exercise is not None:
        extra = f" + {result.extra_reps} extra" if result.extra_reps else ""
        cols[1].metric("Repetitions", f"{result.reps - result.extra_reps}{extra}")
        if result.rep_details:
            st.dataframe(pd.DataFrame(
                [{"rep": d["number"], "from s": d["start"], "to s": d["end"],
                  "positions": ", ".join(d["positions"]),
                  "held s": ", ".join(f"{h:.1f}" for h in d["holds_s"]),
                  "notes": ", ".join(d["flags"]).replace("_", " ")}
                 for d in result.rep_details]), hide_index=True)
    for alert in result.warnings:
        st.warning(f"At {alert.t:.1f} s: {alert.message}")
    if result.frames_with_hand:
        lo, hi = result.rom()
        st.subheader("Range of motion (degrees of bend)")
        st.dataframe(pd.DataFrame(
            [{"finger": f, "joint": j.upper(), "least": round(a), "most": round(b)}
             for (f, j), a, b in zip(ANGLE_NAMES, lo, hi, strict=True)]),
            hide_index=True)
        tam = total_active_motion(lo, hi)
        st.write("Total active motion: " + ", ".join(
            f"{f} {v:.0f}°" for f, v in zip(FINGERS, tam, strict=True)) + " (normal about 260°)")
        curves = pd.DataFrame(result.angles[:, [1, 4, 7, 10]],
                              columns=[f"{f} PIP" for f in FINGERS], index=result.times)
        st.subheader("Finger middle-joint (PIP) bend over time")
        st.line_chart(curves, x_label="seconds", y_label="degrees")
