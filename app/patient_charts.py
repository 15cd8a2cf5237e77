"""Altair charts for the patient's My progress page: few marks, big enough to read.

Days are categories (one wide bar per day, not a sliver on a four-week time axis), times
are local and 24-hour, pain is whole numbers on 0-10, bends are from 0 = straight.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import altair as alt
import pandas as pd

#: axis and legend text size on the patient's charts (Vega-Lite's default is 10-11 px).
FONT = 14


def _big(chart: alt.Chart | alt.LayerChart) -> alt.Chart | alt.LayerChart:
    return chart.configure_axis(labelFontSize=FONT, titleFontSize=FONT) \
        .configure_legend(labelFontSize=FONT, titleFontSize=FONT)


def reps_per_day(rows: Sequence[Mapping[str, Any]], days: Sequence[date]):
    """Bars of reps per day (rows: `day`, `exercise`, `reps`), one column per day of
    `days`, stacked by exercise; days with nothing done stay on the axis."""
    labels = [f"{d:%a %d %b}" for d in days]
    data = pd.DataFrame([{**r, "day": f"{r['day']:%a %d %b}"} for r in rows
                         if r["day"] in set(days)], columns=["day", "exercise", "reps"])
    chart = alt.Chart(data).mark_bar().encode(
        x=alt.X("day:O", sort=labels, scale=alt.Scale(domain=labels), title=None,
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y("sum(reps):Q", title="reps"),
        color=alt.Color("exercise:N", title="exercise", legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("day:O"), alt.Tooltip("exercise:N"),
                 alt.Tooltip("sum(reps):Q", title="reps")],
    ).properties(height=260)
    return _big(chart)


def pain_over_time(rows: Sequence[Mapping[str, Any]]):
    """Pain before and after each session (rows: `started` naive local time, `when`
    "before"/"after", `pain` 0-10), on a 24-hour day-and-time axis."""
    data = pd.DataFrame(rows, columns=["started", "when", "pain", "exercise"])
    chart = alt.Chart(data).mark_line(point=alt.OverlayMarkDef(size=80)).encode(
        x=alt.X("started:T", title=None, axis=alt.Axis(format="%d %b %H:%M", labelAngle=0,
                                                       tickCount=5)),
        y=alt.Y("pain:Q", title="pain (0-10)", scale=alt.Scale(domain=[0, 10]),
                axis=alt.Axis(values=list(range(0, 11, 2)), format="d")),
        color=alt.Color("when:N", title="pain", sort=["before", "after"],
                        scale=alt.Scale(domain=["before", "after"],
                                        range=["#1f5fa8", "#c0392b"]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("started:T", title="session", format="%d %b %H:%M"),
                 alt.Tooltip("exercise:N"), alt.Tooltip("when:N", title="rated"),
                 alt.Tooltip("pain:Q", format="d")],
    ).properties(height=260)
    return _big(chart)


def bend_over_time(rows: Sequence[Mapping[str, Any]]):
    """Most bend per session per finger (rows: `started`, `finger`, `deg` >= 0)."""
    data = pd.DataFrame(rows, columns=["started", "finger", "deg"])
    chart = alt.Chart(data).mark_line(point=alt.OverlayMarkDef(size=80)).encode(
        x=alt.X("started:T", title=None, axis=alt.Axis(format="%d %b %H:%M", labelAngle=0,
                                                       tickCount=5)),
        y=alt.Y("deg:Q", title="most bend (degrees, 0 = straight)",
                scale=alt.Scale(domainMin=0)),
        color=alt.Color("finger:N", title="finger", legend=alt.Legend(orient="bottom"),
                        sort=["index", "middle", "ring", "little", "thumb"]),
        tooltip=[alt.Tooltip("started:T", title="session", format="%d %b %H:%M"),
                 alt.Tooltip("finger:N"), alt.Tooltip("deg:Q", title="degrees", format="d")],
    ).properties(height=280)
    return _big(chart)
