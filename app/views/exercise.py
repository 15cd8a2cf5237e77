"""Do an exercise with live coaching: pain before, the live view, pain after, the summary.

The video runs through streamlit-webrtc: the patient's webcam, or (no webcam) a sample or
their own video played as if it were one. Every frame goes through app.coach.LiveCoach;
this script shows the counter, the warnings and the save state beside it, refreshed a
few times a second while the video runs.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path

import av
import pandas as pd
import streamlit as st
from streamlit_webrtc import WebRtcMode, webrtc_streamer

from app.auth import keep_alive
from app.coach import CoachStatus, LiveCoach
from app.live_session import DONE, RATING, RUNNING, LiveSession, previous_session
from app.overlay import STOP_CODES
from app.patient import patient_name, program, reps_today, saved_sessions, store
from app.sounds import HOLD_TONE_HZ, REP_TONE_HZ, tone
from app.videos import samples, upload_field
from app.wording import PAIN_SCALE, dose_text, pain_label
from exercises.alerts import Code

CAMERA = "My camera"
UPLOAD = "A video file"
#: no STUN or TURN server: the browser and this app run on the same computer (or LAN),
#: and nothing may be fetched from the internet (streamlit-webrtc would otherwise ask
#: Google's STUN server, or a TURN service, for candidates).
RTC_CONFIGURATION = {"iceServers": []}
#: how often the counter beside the video is refreshed, seconds.
REFRESH_S = 0.3
#: how long a message stays beside the video, seconds of session time (all of them are
#: in the summary afterwards).
SHOW_ALERTS_S = 8.0

name = patient_name()
plan = program()
live: LiveSession | None = st.session_state.get("live")


def _setup() -> None:
    st.title("Exercise")
    ids = list(plan.ids)
    wanted = st.query_params.get("exercise") or st.session_state.get("exercise")
    ex_id = st.selectbox("Exercise", ids, index=ids.index(wanted) if wanted in ids else 0,
                         format_func=lambda i: plan.get(i).name)
    ex = plan.get(ex_id)
    st.write(f"**How:** {ex.instructions}")
    st.caption(f"{ex.purpose} {ex.benefit}")
    st.write(f"**Your dose:** {dose_text(ex.dose)}. Your therapist's prescription comes first.")
    done = reps_today(saved_sessions(name), ex.id)
    if done >= ex.dose.max_reps_per_day:
        st.warning(f"You have already done {done} reps of this today, the most for one day. "
                   "Rest your hand until tomorrow; HandCoach will warn you about extra reps.")

    if plan.hand:
        side = plan.hand
        st.write(f"Exercise your **{side}** hand.")
    else:
        hand = st.radio("Which hand are you exercising?", ["Either", "Right", "Left"],
                        horizontal=True)
        side = None if hand == "Either" else hand.lower()
    pain = st.select_slider("How much does your hand hurt right now?", PAIN_SCALE, value=0,
                            format_func=pain_label)

    clips = samples()
    own = next((label for label, p in clips.items() if p.stem == ex.id), None)
    choices = [CAMERA] + ([f"Sample: {own}"] if own else []) + \
        [f"Sample: {label}" for label in clips if label != own] + [UPLOAD]
    source = st.radio("Video", choices, horizontal=True,
                      help="No webcam? Choose a sample video: it plays through the same "
                           "live view.")
    path = None
    if source == UPLOAD:
        path = upload_field("Your video", "This video cannot be played: {reason}. Nothing "
                                          "was recorded; try another file or your camera.")
    elif source != CAMERA:
        path = clips[source.removeprefix("Sample: ")]
    st.toggle("A short sound for each rep and hold", value=True, key="sound")

    ready = source != UPLOAD or path is not None
    if st.button("Start session", type="primary", disabled=not ready):
        st.session_state.live = LiveSession.begin(
            ex, name, store(), side=side, pain_before=pain,
            source="camera" if path is None else path.name, done_today=done,
            prescription_id=plan.prescription_id)
        if source == UPLOAD:
            st.session_state.live.upload = path    # deleted when the video stops
        st.session_state.live_video = path
        st.session_state.heard = (0, 0)
        st.session_state.cue = None
        st.rerun()


def _status(s: CoachStatus) -> None:
    state = s.state
    with st.container():
        total = state.reps_per_set * state.sets
        extra = f" (+{state.extra_reps} extra)" if state.extra_reps else ""
        st.metric("Reps", f"{state.reps} of {total}{extra}")
        st.write(f"Set {state.set_number} of {state.sets}")
        if state.rest_remaining_s > 0:
            st.info(f"Rest: {state.rest_remaining_s:.0f} s")
        else:
            now = state.position_label or "-"
            st.write(f"**Next:** {state.target_label}  \nNow: {now}")
            if state.hold_target_s > 0:
                st.progress(min(state.hold_elapsed_s / state.hold_target_s, 1.0),
                            text=f"Hold {state.hold_elapsed_s:.0f} of "
                                 f"{state.hold_target_s:g} s")
        if s.stream_ended:
            st.info("The video stopped. The reps so far are saved. Press Finish when you "
                    "are done.")
        elif s.frames and not s.hand_in_view:
            st.write("Show your hand to the camera.")
        recent = [a for a in s.alerts if s.t - a.t <= SHOW_ALERTS_S]
        for alert in recent[-3:][::-1]:
            say = st.error if alert.code in STOP_CODES else \
                st.success if alert.code == Code.SET_COMPLETE else st.warning
            say(alert.message)
        if s.save_problem:
            st.error(s.save_problem)


def _running(live: LiveSession) -> None:
    ex = live.exercise
    st.title(ex.name)
    st.write(ex.instructions)
    video_col, status_col = st.columns([3, 2])
    coach = live.coach

    def on_frame(frame: av.VideoFrame) -> av.VideoFrame:
        out = coach.process(frame.to_ndarray(format="rgb24"), frame.time)
        new = av.VideoFrame.from_ndarray(out, format="rgb24")
        new.pts, new.time_base = frame.pts, frame.time_base
        return new

    path = st.session_state.get("live_video")
    with status_col:
        # Drawn before the video and the counter: a rerun the video component or the
        # counter's timer interrupts has already drawn it, so Finish never vanishes.
        if st.button("Finish", type="primary", width="stretch"):
            live.stop_video()
            st.rerun()
    with video_col:
        ctx = webrtc_streamer(
            key=f"live-{live.recorder.session_id or id(live)}",
            mode=WebRtcMode.SENDRECV if path is None else WebRtcMode.RECVONLY,
            rtc_configuration=RTC_CONFIGURATION,
            media_stream_constraints={"video": {"width": 640, "height": 480},
                                      "audio": False},
            player_factory=None if path is None else _player(path),
            video_frame_callback=on_frame, on_video_ended=coach.stream_ended,
            video_html_attrs={"autoPlay": True, "controls": False, "muted": True,
                              "style": {"width": "100%"}},
            translations={"start": "Start camera" if path is None else "Play video",
                          "stop": "Pause"})
    with status_col:
        # Redrawn a few times a second only while the video plays: periodic reruns while
        # the browser and the server are still negotiating the connection can swallow
        # the browser's offer, and the video would never start.
        st.fragment(run_every=REFRESH_S if ctx.state.playing else None)(_live_status)(coach)
        with st.expander("Pain getting worse?"):
            now = st.select_slider("Pain now", PAIN_SCALE, value=live.pain_before or 0,
                                   format_func=pain_label, key="pain_now")
            if st.button("Tell HandCoach"):
                coach.rate_pain(int(now))


def _live_status(coach: LiveCoach) -> None:
    """The counter and warnings beside the video, redrawn a few times a second; a tone
    when a rep was counted or a hold reached since the last redraw."""
    keep_alive()
    s = coach.status()
    _status(s)
    heard = st.session_state.get("heard", (0, 0))
    cues = (s.rep_cues, s.hold_cues)
    if cues != heard:
        freq = REP_TONE_HZ if s.rep_cues != heard[0] else HOLD_TONE_HZ
        st.session_state.cue = tone(freq, tail_samples=sum(cues))
        st.session_state.heard = cues
    if st.session_state.get("cue") and st.session_state.get("sound", True):
        # Inline (a data: URL, no media file to fetch), drawn on every redraw: the same
        # element does not play again, a new cue's bytes play once.
        data = base64.b64encode(st.session_state.cue).decode("ascii")
        st.html(f'<audio class="rep-cue" autoplay src="data:audio/wav;base64,{data}">'
                "</audio>")


def _player(path: Path) -> Callable[[], object]:
    """A factory of aiortc MediaPlayers that play the file once, in real time."""
    def make() -> object:
        from aiortc.contrib.media import MediaPlayer

        return MediaPlayer(str(path), loop=False)
    return make


def _rating(live: LiveSession) -> None:
    st.title("How does your hand feel?")
    s = live.final
    st.metric("Reps done", s.state.reps if s else 0)
    after = st.select_slider("How much does your hand hurt now?", PAIN_SCALE,
                             value=live.pain_before or 0, format_func=pain_label)
    if live.pain_before is not None and after - live.pain_before >= 2:
        st.warning("Your pain is higher than before you started. Rest your hand, and tell "
                   "your therapist if it does not settle.")
    if st.button("Save my session", type="primary"):
        with st.spinner("Saving..."):
            live.end(int(after))
        st.rerun()


def _done(live: LiveSession) -> None:
    st.title("Session summary")
    if live.saved:
        st.success("Saved. Your therapist will see this session.")
    else:
        st.error(f"{live.problem or 'Not saved yet.'} Keep this page open; HandCoach keeps "
                 "trying.")
        if st.button("Try saving again"):
            live.saved = live.recorder.wait()
            st.rerun()
    s = live.final
    state = s.state
    cols = st.columns(3)
    extra = f" + {state.extra_reps} extra" if state.extra_reps else ""
    cols[0].metric("Reps", f"{state.reps}{extra}")
    cols[1].metric("Time", f"{s.t / 60:.0f} min {s.t % 60:.0f} s")
    before = "-" if live.pain_before is None else live.pain_before
    after = "-" if live.pain_after is None else live.pain_after
    cols[2].metric("Pain before / after", f"{before} / {after}")
    previous = previous_session(saved_sessions(name), live.exercise.id,
                                live.recorder.session_id)
    st.subheader("How far your joints bent")
    st.dataframe(pd.DataFrame(live.summary_rows(previous, plan.rom_targets)), hide_index=True)
    tam = live.tam_today()
    if any(v is not None for v in tam.values()):
        st.write("Total active motion: " + ", ".join(
            f"{f} {v:.0f}°" for f, v in tam.items() if v is not None) + " (normal about 260°)")
    if s.alerts:
        st.subheader("What HandCoach told you")
        for alert in s.alerts:
            st.write(f"- at {alert.t:.0f} s: {alert.message}")
    if st.button("Back to today's exercises"):
        del st.session_state["live"]
        st.switch_page("views/today.py")


if live is None:
    _setup()
elif live.stage == RUNNING:
    _running(live)
elif live.stage == RATING:
    _rating(live)
elif live.stage == DONE:
    _done(live)
