"""Altair charts for the therapist's pages: built from plain rows, returned unrendered.

Every chart has tooltips (a therapist hovers over the odd point rather than reading axes)
and local wall-clock times on its time axis (rows carry naive local datetimes: see
app.local_time.local_naive). Angles are in degrees, pain on the 0-10 scale.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

import altair as alt
import pandas as pd

from handcoach.review.adherence import DayAdherence

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
NOTHING_DUE = "#e8e8e8"


def adherence_calendar(days: Sequence[DayAdherence]) -> alt.LayerChart:
    """A heat map, one square per day (weeks down, weekdays across): the share of the
    prescribed sessions done, grey where nothing was prescribed."""
    rows = []
    for d in days:
        monday = d.day - timedelta(days=d.day.weekday())
        # 0, not None, where nothing was due: Vega-Lite drops marks with a null colour
        # value, and the grey of the condition below is what those days show.
        share = d.done / d.prescribed if d.prescribed else 0.0
        rows.append({
            "date": d.day.isoformat(), "week": f"week of {monday:%d %b}",
            "monday": monday.isoformat(), "weekday": WEEKDAYS[d.day.weekday()],
            "day_of_month": d.day.day, "share": share, "prescribed": d.prescribed,
            "sessions": f"{d.done} of {d.prescribed}" if d.prescribed else "none prescribed",
            "reps": d.reps, "extra_reps": d.extra_reps})
    data = pd.DataFrame(rows)
    weeks = list(dict.fromkeys(data.sort_values("monday")["week"])) if rows else []
    base = alt.Chart(data).encode(
        x=alt.X("weekday:O", sort=list(WEEKDAYS), title=None,
                axis=alt.Axis(orient="top", labelAngle=0)),
        y=alt.Y("week:O", sort=weeks, title=None))
    squares = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.condition(
            "datum.prescribed > 0",
            alt.Color("share:Q", title="done",
                      scale=alt.Scale(domain=[0, 1], scheme="redyellowgreen"),
                      legend=alt.Legend(format="%")),
            alt.value(NOTHING_DUE)),
        tooltip=[alt.Tooltip("date:N", title="day"),
                 alt.Tooltip("sessions:N", title="sessions done"),
                 alt.Tooltip("reps:Q", title="reps"),
                 alt.Tooltip("extra_reps:Q", title="extra reps")])
    labels = base.mark_text(fontSize=11, color="#333").encode(text="day_of_month:Q")
    return (squares + labels).properties(height=max(60, 40 * len(weeks)))


def pain_chart(rows: Sequence[Mapping[str, Any]]) -> alt.Chart:
    """Pain before and after each session (review.trends.pain_trend rows, `start` as a
    naive local datetime and `exercise` as its name)."""
    data = pd.DataFrame(rows)
    return alt.Chart(data).mark_line(point=True).encode(
        x=alt.X("start:T", title="session", axis=alt.Axis(format="%d %b")),
        y=alt.Y("pain:Q", title="pain (0-10)", scale=alt.Scale(domain=[0, 10])),
        color=alt.Color("when:N", title="rated", sort=["before", "after"],
                        scale=alt.Scale(domain=["before", "after"],
                                        range=["#4c78a8", "#e45756"])),
        tooltip=[alt.Tooltip("start:T", title="session", format="%Y-%m-%d %H:%M"),
                 alt.Tooltip("exercise:N"), alt.Tooltip("when:N", title="rated"),
                 alt.Tooltip("pain:Q")],
    ).properties(height=240).interactive(bind_y=False)


def rom_chart(rows: Sequence[Mapping[str, Any]],
              targets: Mapping[str, float] | None = None) -> alt.LayerChart | alt.Chart:
    """Most flexion per session per joint (rows with `start`, `joint` (a label such as
    "index PIP"), `max_deg`, `exercise`); the therapist's targets as dashed lines in the
    joint's colour."""
    data = pd.DataFrame(rows)
    joints = list(dict.fromkeys(data["joint"])) if len(data) else []
    colour = alt.Color("joint:N", title="joint", sort=joints)
    lines = alt.Chart(data).mark_line(point=True).encode(
        x=alt.X("start:T", title="session", axis=alt.Axis(format="%d %b")),
        y=alt.Y("max_deg:Q", title="most flexion (°)"),
        color=colour,
        tooltip=[alt.Tooltip("start:T", title="session", format="%Y-%m-%d %H:%M"),
                 alt.Tooltip("exercise:N"), alt.Tooltip("joint:N"),
                 alt.Tooltip("max_deg:Q", title="most flexion (°)", format=".0f")],
    ).properties(height=300)
    shown = {j: v for j, v in (targets or {}).items() if j in joints}
    if not shown:
        return lines.interactive(bind_y=False)
    goal = pd.DataFrame([{"joint": j, "target_deg": v} for j, v in shown.items()])
    rules = alt.Chart(goal).mark_rule(strokeDash=[6, 4], strokeWidth=1.5).encode(
        y="target_deg:Q", color=colour,
        tooltip=[alt.Tooltip("joint:N"),
                 alt.Tooltip("target_deg:Q", title="target (°)", format=".0f")])
    return (lines + rules).interactive(bind_y=False)


def rep_curves(data: pd.DataFrame, at_s: float | None = None) -> alt.LayerChart | alt.Chart:
    """Angle curves over one rep (columns `t` s from the rep start, `joint` label,
    `deg`); a vertical line at `at_s`, the moment the skeleton shows."""
    joints = list(dict.fromkeys(data["joint"])) if len(data) else []
    curves = alt.Chart(data).mark_line().encode(
        x=alt.X("t:Q", title="time in the rep (s)"),
        y=alt.Y("deg:Q", title="flexion (°)"),
        color=alt.Color("joint:N", title="joint", sort=joints),
        tooltip=[alt.Tooltip("t:Q", title="time (s)", format=".2f"), alt.Tooltip("joint:N"),
                 alt.Tooltip("deg:Q", title="flexion (°)", format=".0f")],
    ).properties(height=280)
    if at_s is None:
        return curves.interactive(bind_y=False)
    now = alt.Chart(pd.DataFrame({"t": [at_s]})).mark_rule(color="#888").encode(x="t:Q")
    return (curves + now).interactive(bind_y=False)
