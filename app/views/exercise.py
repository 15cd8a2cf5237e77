"""Do the day's exercises with live coaching: set-up, pain before, the live view (one
exercise after the other), pain after, the day's summary.

The video runs through streamlit-webrtc: the patient's webcam, or (no webcam) a sample or
their own video played as if it were one. Every frame goes through app.coach.LiveCoach;
this script shows the counter, the messages and the save state beside it, refreshed a
few times a second while the video runs, says the cues aloud (app.speech) and, when an
exercise's sets are done, starts the next exercise of the program on its own. Finish is
drawn first on every run, so it is there in every state, and ends the session cleanly.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from pathlib import Path

import av
import pandas as pd
import streamlit as st
from streamlit_webrtc import WebRtcMode, webrtc_streamer
from streamlit_webrtc.component import generate_frontend_component_key

from app.auth import keep_alive
from app.coach import CoachStatus, LiveCoach
from app.joints import bends, closes_fist
from app.live_session import DONE, RATING, RUNNING, LiveSession, previous_session
from app.overlay import STOP_CODES, hold_reached
from app.patient import patient_name, program, reps_today, saved_sessions, store
from app.setup_picture import setup_picture
from app.sounds import HOLD_TONE_HZ, REP_TONE_HZ, tone
from app.speech import SpokenCoach, speak_html
from app.videos import samples, upload_field
from app.wording import (
    PAIN_SCALE,
    dose_text,
    duration_text,
    pain_label,
    pain_rose,
    pain_text,
    patient_text,
)
from exercises.alerts import Code
from exercises.library import Exercise
from exercises.placement import placement_lines
from handcoach.storage import SessionInfo

CAMERA = "My camera"
UPLOAD = "A video file"
#: no STUN or TURN server: the browser and this app run on the same computer (or LAN),
#: and nothing may be fetched from the internet (streamlit-webrtc would otherwise ask
#: Google's STUN server, or a TURN service, for candidates).
RTC_CONFIGURATION = {"iceServers": []}
#: how often the counter beside the video is refreshed, seconds.
REFRESH_S = 0.3
#: how often an exercise started on its own looks for its first frames, seconds (slowly:
#: reruns while the browser and the server negotiate the connection can swallow it).
WAIT_S = 1.0
#: how long a message stays beside the video, seconds of session time (all of them are
#: in the summary afterwards). The last "well done" stays.
SHOW_ALERTS_S = 8.0
#: a spoken line not yet said this long after it was due is dropped (a late count is
#: wrong); seconds.
SAY_WITHIN_S = 2.5
#: seconds between the end of one exercise and the start of the next (time to read
#: "Next: ..." and to breathe).
NEXT_S = 5.0
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
    st.write(f"**How:** {patient_text(ex.instructions)}")
    st.write(f"**Your dose:** {dose_text(ex.dose)}. Your therapist's prescription comes first.")
    done = reps_today(saved_sessions(name), ex.id)
    if done >= ex.dose.max_reps_per_day:
        st.warning(f"You have already done {done} reps of this today, the most for one day. "
                   "Rest your hand until tomorrow; HandCoach will warn you about extra reps.")
    with st.container(border=True):
        st.markdown("**Before you start**")
        words, picture = st.columns([3, 2])
        words.markdown("\n".join(f"{i}. {line}" for i, line in enumerate(
            placement_lines(ex), start=1)))
        words.caption("With the camera, HandCoach checks the picture first and tells you "
                      "what to change, then counts 3-2-1 before it counts reps.")
        picture_slot = picture.empty()

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
    cols = st.columns(3)
    cols[0].toggle("Spoken coaching", value=True, key="speech",
                   help="The computer's own voice says what to do; nothing is sent "
                        "anywhere.")
    cols[1].toggle("A short sound for each rep and hold", value=True, key="sound")
    after = ids[ids.index(ex_id) + 1:]
    flow = cols[2].toggle("Then the next exercises on their own", value=bool(after),
                          disabled=not after or source == UPLOAD, key="go_on",
                          help="After this exercise: " + ", ".join(
                              plan.get(i).name for i in after) if after else
                          "This is the last exercise of your program.")

    ready = source != UPLOAD or path is not None
    if st.button("Start session", type="primary", disabled=not ready):
        st.session_state.flow = {
            "queue": after if flow and source != UPLOAD else [], "done": [],
            "side": side, "pain": pain, "camera": path is None,
            "sample": source != CAMERA and source != UPLOAD}
        st.session_state.autoplay = False    # the first one starts with its own button
        _begin(ex, path, upload=source == UPLOAD)
        st.rerun()
    # Drawn last: the first look at an exercise renders its picture (a second or two,
    # longer on a busy computer), and nothing above waits for it.
    shown = setup_picture(ex.id, plan.hand or "right")
    if shown is not None:
        picture_slot.image(shown, caption="Your hand in the picture, like this.",
                           width="stretch")


def _begin(ex: Exercise, path: Path | None, upload: bool = False) -> None:
    """Start one exercise of the flow: its session in the store, its coach, its cues."""
    flow = st.session_state.flow
    done = reps_today(saved_sessions(name), ex.id)
    st.session_state.live = LiveSession.begin(
        ex, name, store(), side=flow["side"], pain_before=flow["pain"],
        source="camera" if path is None else path.name, done_today=done,
        prescription_id=plan.prescription_id, setup=path is None)
    if upload:
        st.session_state.live.upload = path    # deleted when the video stops
    st.session_state.live_video = path
    st.session_state.heard = (0, 0)
    st.session_state.cue = None
    st.session_state.spoken = SpokenCoach()
    st.session_state.said = 0
    st.session_state.pop("next_at", None)


def _next_exercise() -> Exercise | None:
    """The next exercise of the flow that can be shown: any with the camera; with
    samples, the next one that has its own sample video."""
    flow = st.session_state.get("flow") or {}
    clips = {p.stem: p for p in samples().values()}
    for ex_id in flow.get("queue", []):
        if flow.get("camera") or ex_id in clips:
            return plan.get(ex_id)
    return None


def _advance(live: LiveSession) -> None:
    """This exercise is done: save it (pain after is asked once, at the end of the day's
    flow, and saved to each exercise then) and start the next one."""
    nxt = _next_exercise()
    if nxt is None:
        return
    flow = st.session_state.flow
    live.stop_video()
    live.end(None)
    flow["done"].append(live)
    flow["queue"] = flow["queue"][flow["queue"].index(nxt.id) + 1:]
    path = None if flow["camera"] else {p.stem: p for p in samples().values()}[nxt.id]
    _begin(nxt, path)
    st.session_state.autoplay = True     # the next camera or video starts on its own
    st.session_state.want_play = True


def _status(s: CoachStatus, live: LiveSession) -> None:
    state = s.state
    with st.container():
        total = state.reps_per_set * state.sets
        extra = f" (+{state.extra_reps} extra)" if state.extra_reps else ""
        st.metric("Reps", f"{state.reps} of {total}{extra}")
        st.markdown(f"#### Set {state.set_number} of {state.sets}")
        if s.setup is not None and not s.setup.done and not s.stream_ended:
            if s.setup.countdown is not None:
                st.markdown(f"### Get ready: {s.setup.countdown}")
            else:
                st.markdown(f"### {s.setup.advice}")
        elif state.finished:
            pass
        elif state.rest_remaining_s > 0:
            st.markdown(f"### Rest: {state.rest_remaining_s:.0f} s")
        elif hold_reached(state):
            st.markdown("### Now relax")
        elif state.hold_target_s > 0 and state.position == state.target:
            st.markdown(f"### Hold: {state.target_label}")
        else:
            st.markdown(f"### Now: {state.target_label}")
            st.write(state.target_cue)
        if s.stream_ended:
            if live.source == "camera":
                go_on = "Go on" if st.session_state.get("autoplay") else "Start camera"
                st.info(f"Paused. Press **{go_on}** to go on, or **Finish** to end the "
                        "session.")
            else:
                st.info("The video stopped. The reps so far are saved. Press **Finish** "
                        "when you are done.")
        elif s.frames and not s.hand_in_view:
            st.write("Show your hand to the camera.")
        final = [a for a in s.alerts if a.code == Code.SET_COMPLETE] if state.finished \
            else []
        if final:
            st.success(final[-1].message)
        recent = [a for a in s.alerts if s.t - a.t <= SHOW_ALERTS_S and a not in final]
        for alert in recent[-3:][::-1]:
            say = st.error if alert.code in STOP_CODES else \
                st.success if alert.code == Code.SET_COMPLETE else st.warning
            say(alert.message)
        if s.save_problem:
            st.error(s.save_problem)


def _running(live: LiveSession) -> None:
    ex = live.exercise
    flow = st.session_state.get("flow") or {}
    number = len(flow.get("done", [])) + 1
    total = number + len(flow.get("queue", []))
    st.title(ex.name + (f" ({number} of {total})" if total > 1 else ""))
    st.write(patient_text(ex.instructions))
    video_col, status_col = st.columns([3, 2])
    coach = live.coach

    def on_frame(frame: av.VideoFrame) -> av.VideoFrame:
        out = coach.process(frame.to_ndarray(format="rgb24"), frame.time)
        new = av.VideoFrame.from_ndarray(out, format="rgb24")
        new.pts, new.time_base = frame.pts, frame.time_base
        return new

    path = st.session_state.get("live_video")
    # The exercises after the first start on their own: the app holds the component's
    # playing state (its own Start and Pause buttons are hidden then), so Pause and
    # Go on are the page's buttons, drawn with Finish.
    controlled = bool(st.session_state.get("autoplay"))
    with status_col:
        # Drawn before the video and the counter: a rerun the video component or the
        # counter's timer interrupts has already drawn them, so they never vanish.
        if st.button("Finish", type="primary", width="stretch"):
            live.stop_video()
            st.rerun()
        if controlled:
            playing = st.session_state.get("want_play", True)
            if st.button("Pause" if playing else "Go on", width="stretch"):
                st.session_state.want_play = not playing
                st.rerun()
        st.caption("**Pause** stops the camera; **Go on** starts it again." if controlled
                   else "**Pause** (under the video) stops the camera; press **Start "
                   "camera** to go on." if path is None else
                   "**Finish** ends the session; the reps so far are saved.")
    key = f"live-{live.recorder.session_id or id(live)}"
    with video_col:
        ctx = webrtc_streamer(
            # Its own component per exercise, started on its own after the first
            # (desired_playing_state): one component kept through the flow froze.
            key=key,
            mode=WebRtcMode.SENDRECV if path is None else WebRtcMode.RECVONLY,
            rtc_configuration=RTC_CONFIGURATION,
            media_stream_constraints={"video": {"width": 640, "height": 480},
                                      "audio": False},
            desired_playing_state=_desired_playing(key) if controlled else None,
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
        # Once frames have come, it goes on refreshing whatever the component last said:
        # a rerun while its state flickered would otherwise freeze the counter.
        # An exercise the flow started on its own (controlled) reports no change of its
        # playing state to the page: without a slow look until its frames come, its
        # set-up advice stayed unrefreshed for a minute while the camera was running.
        started = ctx.state.playing or coach.status().t > 0
        every = REFRESH_S if started else WAIT_S if controlled else None
        st.fragment(run_every=every)(_live_status)(live, started)
        with st.expander("Pain getting worse?"):
            now = st.select_slider("Pain now", PAIN_SCALE, value=live.pain_before or 0,
                                   format_func=pain_label, key="pain_now")
            if st.button("Tell HandCoach"):
                live.coach.rate_pain(int(now))


def _desired_playing(key: str) -> bool:
    """The playing state asked of an exercise's camera that the flow starts on its own:
    the patient's Pause or Go on, and not playing before the component has reported
    once from the browser.

    The component starts its connection from an effect that runs on every redraw while it
    is stopped, and marks itself started only after an asynchronous step; a whole-page
    rerun arriving in between (the one its own first report asks for) started a second
    connection, the server answered the first, and the camera stayed dark until the
    browser gave up and tried again, 15 s at a time. Asked to play from that rerun on, it
    starts once.
    """
    reported = st.session_state.get(generate_frontend_component_key(key)) is not None
    return reported and st.session_state.get("want_play", True)


def _live_status(live: LiveSession, started: bool = True) -> None:
    """The counter and messages beside the video, redrawn a few times a second; a tone
    when a rep was counted or a hold reached since the last redraw, the spoken cues, and
    the next exercise once this one is done. started: whether the page was drawn with
    the video playing (if not and frames have come since, the page is drawn again)."""
    keep_alive()
    coach: LiveCoach = live.coach
    s = coach.status()
    if not started and s.t > 0:
        st.rerun()
    _status(s, live)
    nxt = _next_exercise()
    if s.state.finished and not s.state.pain_stopped and nxt is not None:
        due = st.session_state.setdefault("next_at", time.monotonic() + NEXT_S)
        left = due - time.monotonic()
        st.info(f"Next: **{nxt.name}**, in {max(left, 0):.0f} s.")
        if left <= 0:
            _advance(live)
            st.rerun()
    _sounds(s)


def _sounds(s: CoachStatus) -> None:
    """The tone of a new rep or hold, and the new spoken lines (app.speech)."""
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
    spoken: SpokenCoach | None = st.session_state.get("spoken")
    if spoken is None:
        return
    lines = spoken.update(s)
    now = time.monotonic()
    recent = [b for b in st.session_state.get("say", []) if now - b[1] <= SAY_WITHIN_S]
    if lines:
        st.session_state.said = st.session_state.get("said", 0) + 1
        recent.append((f"{id(spoken)}-{st.session_state.said}", now, lines))
    st.session_state.say = recent
    if st.session_state.get("speech", True) and recent:
        # The last few batches, each said once by its id: a redraw the browser skipped
        # (a slow machine) does not lose what it would have said.
        st.html(speak_html([(cue_id, said) for cue_id, _, said in recent]),
                unsafe_allow_javascript=True)


def _player(path: Path) -> Callable[[], object]:
    """A factory of aiortc MediaPlayers that play the file once, in real time."""
    def make() -> object:
        from aiortc.contrib.media import MediaPlayer

        return MediaPlayer(str(path), loop=False)
    return make


def _day(live: LiveSession) -> list[LiveSession]:
    """Every exercise of this flow, in order, this one last."""
    flow = st.session_state.get("flow") or {}
    return [*flow.get("done", []), live]


def _rating(live: LiveSession) -> None:
    st.title("How does your hand feel?")
    day = _day(live)
    st.metric("Reps done", sum(x.final.state.reps if x.final else 0 for x in day))
    after = st.select_slider("How much does your hand hurt now?", PAIN_SCALE,
                             value=live.pain_before or 0, format_func=pain_label)
    if pain_rose(live.pain_before, int(after)):
        st.warning("Your pain is higher than before you started. Rest your hand, and tell "
                   "your therapist if it does not settle.")
    if st.button("Save my session", type="primary"):
        with st.spinner("Saving..."):
            for x in day:
                x.end(int(after))
        st.rerun()


def _done(live: LiveSession) -> None:
    day = _day(live)
    st.title("Session summary")
    if all(x.saved for x in day):
        st.success("Saved. Your therapist will see this session.")
    else:
        problem = next((x.problem for x in day if x.problem), None)
        st.error(f"{problem or 'Not saved yet.'} Keep this page open; HandCoach keeps "
                 "trying.")
        if st.button("Try saving again"):
            for x in day:
                x.saved = x.saved or x.recorder.wait()
            st.rerun()
    before, after = live.pain_before, live.pain_after
    if pain_rose(before, after):
        st.warning(f"Your pain went up from {pain_text(before)} to {pain_text(after)}. "
                   "Rest your hand, and tell your therapist if it does not settle.")
    sessions = saved_sessions(name)
    for x in day:
        _exercise_summary(x, sessions, heading=len(day) > 1)
    if st.button("Back to today's exercises"):
        for key in ("live", "flow", "next_at", "spoken", "say", "autoplay", "want_play"):
            st.session_state.pop(key, None)
        st.switch_page("views/today.py")


def _exercise_summary(x: LiveSession, sessions: list[SessionInfo] | None,
                      heading: bool) -> None:
    """One exercise of the day: reps, time, pain, how far the joints bent (the whole
    table, in the patient's words), and what HandCoach said."""
    s = x.final
    if s is None:
        return
    if heading:
        st.header(x.exercise.name)
    state = s.state
    cols = st.columns(3)
    extra = f" + {state.extra_reps} extra" if state.extra_reps else ""
    cols[0].metric("Reps", f"{state.reps}{extra}")
    cols[1].metric("Time", duration_text(s.t))
    cols[2].metric("Pain before / after",
                   f"{pain_text(x.pain_before)} → {pain_text(x.pain_after)}")
    previous = previous_session(sessions, x.exercise.id, x.recorder.session_id)
    sentence = x.summary_sentence(previous)
    if sentence:
        st.write(sentence)
    rows = x.summary_rows(previous, plan.rom_targets)
    if rows and s.frames_with_hand and bends(x.exercise):
        st.subheader("How far your joints bent (0 = straight)")
        # A static table: every joint in view, none hidden behind a scroll bar.
        st.table(pd.DataFrame(rows).set_index("joint"))
    tam = x.tam_today() if closes_fist(x.exercise) else {}
    if any(v is not None for v in tam.values()):
        st.write("All three joints of each finger together (usual about 260°): " + ", ".join(
            f"{f} {v:.0f}°" for f, v in tam.items() if v is not None) + ".")
    if s.alerts:
        st.subheader("What HandCoach told you")
        st.markdown("\n".join(f"- at {duration_text(a.t)}: {a.message}" for a in s.alerts))


if live is None:
    _setup()
elif live.stage == RUNNING:
    _running(live)
elif live.stage == RATING:
    _rating(live)
elif live.stage == DONE:
    _done(live)
