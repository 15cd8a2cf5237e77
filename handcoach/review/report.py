"""A one-page A4 PDF progress report a therapist attaches to the patient's chart.

One page on purpose: it is read between patients and filed. Everything that can grow
(flags, hands, period length) is capped or scaled, so the page never overflows; the
charts take whatever height is left.

Text is set in DejaVu Sans, which matplotlib ships (mpl-data/fonts/ttf), with the Noto
fonts (and Symbola) as fallbacks for what it lacks (review/fonts.py): a name in any
script prints, and one that no installed font can print is refused in one line. Charts
are drawn with matplotlib's Agg canvas, without pyplot, so building a report in a
Streamlit thread touches no global figure state.
"""

from __future__ import annotations

import io
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, tzinfo

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from matplotlib import dates as mdates
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from exercises.norms import NORMAL_FLEXION_DEG, NORMAL_TAM_DEG
from handcoach.storage.records import PrescriptionInfo, SessionInfo
from vision.landmarks import ANGLE_NAMES, FINGERS

from .adherence import (
    DayAdherence,
    adherence_days,
    adherence_rate,
    day_end,
    in_force,
    local_day,
    session_hand,
    sessions_by_day,
)
from .flags import Flag, patient_flags
from .fonts import PRIMARY, fallbacks_for, shaping_available
from .grading import best_tam, grade_tam

FONT = PRIMARY.family
TITLE = "HandCoach progress report"

PAGE_W, PAGE_H = 210.0, 297.0
MARGIN = 12.0
TOP = 10.0
CONTENT_W = PAGE_W - 2 * MARGIN
FOOTER_Y = PAGE_H - 9.0
LINE = 4.2
ROW = 3.7
#: lines a flag may take; five codes at most, so flags never take more than ten lines.
FLAG_LINES = 2
#: the charts' height range, mm: above the maximum they look stretched, below the
#: minimum they cannot be read (the layout above them leaves at least that much).
CHART_MAX_H = 85.0
CHART_MIN_H = 40.0
CHART_DPI = 200
GREY = (110, 110, 110)
HEADER_FILL = (232, 236, 242)
FINGER_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728")


@dataclass(frozen=True)
class ReportInput:
    """What a report is built from. sessions: the patient's (any period: the report keeps
    its own and looks further back only for flags' baselines); prescriptions: every
    version, both hands; hands: the treated hand(s), from the prescriptions when empty;
    dates in the report are the patient's calendar days in `tz`."""

    patient: str
    hands: tuple[str, ...]
    start: date
    end: date
    generated_at: datetime
    therapist: str
    sessions: Sequence[SessionInfo]
    prescriptions: Sequence[PrescriptionInfo]
    tz: tzinfo


def _hands(data: ReportInput) -> tuple[str, ...]:
    hands = data.hands or tuple(sorted({p.hand for p in data.prescriptions})) \
        or tuple(sorted({s.hand_side for s in data.sessions if s.hand_side}))
    return tuple(dict.fromkeys(hands))[:2]


def _other(hand: str) -> str:
    return "left" if hand == "right" else "right"


def _deg(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}°"


def _max_flexion(sessions: Sequence[SessionInfo], finger: str, joint: str) -> float | None:
    values = [((s.rom or {}).get(finger) or {}).get(joint) or {} for s in sessions]
    found = [float(v["max"]) for v in values if v.get("max") is not None]
    return max(found) if found else None


def _mean(values: Sequence[float | int | None]) -> float | None:
    rated = [v for v in values if v is not None]
    return statistics.mean(rated) if rated else None


# --- drawing helpers -------------------------------------------------------------------

def _font(pdf: FPDF, size: float, style: str = "", colour: tuple[int, int, int] = (0, 0, 0)
          ) -> None:
    pdf.set_font(FONT, style, size)
    pdf.set_text_color(*colour)


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """The text, cut short with an ellipsis if it is wider than `width` mm."""
    if pdf.get_string_width(text) <= width:
        return text
    text = text.rstrip("…")
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _cell(pdf: FPDF, x: float, y: float, w: float, h: float, text: str, align: str = "L",
          fill: bool = False) -> None:
    pdf.set_xy(x, y)
    pdf.cell(w, h, _fit(pdf, text, w - 1.0), align=align, fill=fill,
             new_x=XPos.RIGHT, new_y=YPos.TOP)


def _paragraph(pdf: FPDF, y: float, text: str, max_lines: int, x: float = MARGIN,
               w: float = CONTENT_W, h: float = LINE) -> float:
    """Wrapped text of at most `max_lines` lines (the last one cut short); returns the y
    below it."""
    lines = pdf.multi_cell(w, h, text, dry_run=True, output="LINES")
    if len(lines) > max_lines:
        lines = [*lines[:max_lines - 1], _fit(pdf, lines[max_lines - 1] + "…", w)]
    for line in lines:
        _cell(pdf, x, y, w, h, line)
        y += h
    return y


def _heading(pdf: FPDF, y: float, text: str, x: float = MARGIN, w: float = CONTENT_W) -> float:
    _font(pdf, 10, "B")
    _cell(pdf, x, y, w, 5.0, text)
    return y + 5.5


# --- sections --------------------------------------------------------------------------

def _header(pdf: FPDF, data: ReportInput, hands: tuple[str, ...]) -> float:
    _font(pdf, 16, "B")
    _cell(pdf, MARGIN, TOP, CONTENT_W, 8.0, TITLE)
    y = TOP + 9.5
    generated = local_day(data.generated_at, data.tz).isoformat()
    rows = ((("Patient", data.patient, 136.0), ("Hand", ", ".join(hands) or "-", 50.0)),
            (("Period", f"{data.start.isoformat()} to {data.end.isoformat()}", 66.0),
             ("Therapist", data.therapist, 70.0), ("Generated", generated, 50.0)))
    for row in rows:
        x = MARGIN
        for label, value, width in row:
            _font(pdf, 9, "B")
            label_w = pdf.get_string_width(label + ": ") + 0.5
            _cell(pdf, x, y, label_w + 1.0, LINE + 0.4, label + ":")
            _font(pdf, 9)
            _cell(pdf, x + label_w, y, width - label_w, LINE + 0.4, value)
            x += width
        y += LINE + 0.8
    pdf.set_draw_color(*GREY)
    pdf.line(MARGIN, y + 0.5, PAGE_W - MARGIN, y + 0.5)
    return y + 2.5


def _summary(pdf: FPDF, y: float, period: Sequence[SessionInfo],
             days: Sequence[DayAdherence]) -> float:
    y = _heading(pdf, y, "Summary")
    rate = adherence_rate(days)
    if rate is None:
        parts = [f"Sessions: {len(period)} (no prescription in force in this period)"]
    else:
        parts = [f"Sessions done: {sum(d.done for d in days)} of "
                 f"{sum(d.prescribed for d in days)} prescribed ({rate:.0%})"]
    if not period:
        _font(pdf, 8.5, "B")
        y = _paragraph(pdf, y, "No sessions in this period.", 1)
        _font(pdf, 8.5)
        return _paragraph(pdf, y, parts[0], 1) + 1.5
    extra = sum(s.extra_reps for s in period)
    parts.append(f"Reps: {sum(s.reps for s in period)}"
                 + (f", {extra} beyond the prescription" if extra else ""))
    before = _mean([s.pain_before for s in period])
    after = _mean([s.pain_after for s in period])
    parts.append("Pain (0-10) before / after: " + ("-" if before is None else f"{before:.1f}")
                 + " / " + ("-" if after is None else f"{after:.1f}"))
    _font(pdf, 8.5)
    return _paragraph(pdf, y, "   ·   ".join(parts), 2) + 1.5


def _flags(pdf: FPDF, y: float, flags: Sequence[Flag], as_of: date) -> float:
    y = _heading(pdf, y, f"Flags (as of {as_of.isoformat()})")
    _font(pdf, 8.5)
    if not flags:
        return _paragraph(pdf, y, "No flags", 1) + 1.5
    for flag in flags:
        _font(pdf, 8.5, "B", (190, 30, 30))
        _cell(pdf, MARGIN, y, 4.0, LINE, "•")
        _font(pdf, 8.5)
        y = _paragraph(pdf, y, flag.message, FLAG_LINES, x=MARGIN + 4.0, w=CONTENT_W - 4.0)
    return y + 1.5


def _rom_table(pdf: FPDF, y: float, mine: Sequence[SessionInfo],
               plan: PrescriptionInfo | None, tz: tzinfo) -> float:
    """Max flexion per joint: on the first and the last day of exercise in the period
    (the largest over that day's sessions, as exercises bend the joints differently),
    the best in the period, the therapist's target and the AAOS normal."""
    by_day = sessions_by_day(mine, tz)
    first, last = min(by_day), max(by_day)
    widths = (20.0, 19.0, 19.0, 15.0, 15.0, 18.0)
    header = (("Joint", ""), ("First day", first.isoformat()), ("Last day", last.isoformat()),
              ("Best", "in period"), ("Target", ""), ("Normal", "(AAOS)"))
    _font(pdf, 7, "B")
    pdf.set_fill_color(*HEADER_FILL)
    x = MARGIN
    for (top, bottom), w in zip(header, widths, strict=True):
        _cell(pdf, x, y, w, ROW, top, align="C" if x > MARGIN else "L", fill=True)
        _cell(pdf, x, y + ROW, w, ROW, bottom, align="C" if x > MARGIN else "L", fill=True)
        x += w
    y += 2 * ROW
    targets = plan.rom_targets if plan else {}
    _font(pdf, 7.5)
    for finger, joint in ANGLE_NAMES:
        normal = NORMAL_FLEXION_DEG[f"thumb_{joint}" if finger == "thumb" else joint]
        values = (f"{finger.capitalize()} {joint.upper()}",
                  _deg(_max_flexion(by_day[first], finger, joint)),
                  _deg(_max_flexion(by_day[last], finger, joint)),
                  _deg(_max_flexion(mine, finger, joint)),
                  _deg((targets.get(finger) or {}).get(joint)), _deg(normal))
        x = MARGIN
        for value, w in zip(values, widths, strict=True):
            _cell(pdf, x, y, w, ROW, value, align="C" if x > MARGIN else "L")
            x += w
        y += ROW
    return y


def _tam_table(pdf: FPDF, x: float, y: float, w: float, tam: dict[str, float],
               other: dict[str, float] | None) -> None:
    grades = {g.finger: g for g in grade_tam(tam, other)}
    widths = (13.0, 13.0, 24.0, 10.0, w - 60.0)
    _font(pdf, 7, "B")
    pdf.set_fill_color(*HEADER_FILL)
    cx = x
    for text, cw in zip(("Finger", "Best", "Reference", "%", "Grade"), widths, strict=True):
        _cell(pdf, cx, y, cw, 2 * ROW, text, align="L" if cx == x else "C", fill=True)
        cx += cw
    y += 2 * ROW
    _font(pdf, 7.5)
    for finger in FINGERS:
        g = grades.get(finger)
        values = (finger.capitalize(), "-", "-", "-", "not measured") if g is None else (
            finger.capitalize(), _deg(g.tam_deg),
            f"{g.reference.split(' (')[0]} {g.reference_deg:.0f}°", f"{g.percent}%", g.grade)
        cx = x
        for value, cw in zip(values, widths, strict=True):
            _cell(pdf, cx, y, cw, ROW, value, align="L" if cx == x else "C")
            cx += cw
        y += ROW
    _font(pdf, 6.5, colour=GREY)
    note = (f"Best TAM (MCP + PIP + DIP flexion minus extension deficits) in the period, "
            f"as a percent of the same finger of the other hand, or of {NORMAL_TAM_DEG:.0f}° "
            f"when the other hand was not measured. Excellent ≥ 100%, good > 75%, "
            f"fair > 50%, else poor.")
    _paragraph(pdf, y + 1.0, note, 5, x=x, w=w, h=3.0)


def _hand_block(pdf: FPDF, y: float, hand: str | None, data: ReportInput,
                period: Sequence[SessionInfo], hands: tuple[str | None, ...]) -> float:
    """One hand's ROM and TAM. hand None: sessions saved without a side and no hand
    prescribed (e.g. `analyze --save` without --hand), graded against 260°."""
    mine = [s for s in period if s.hand_side == hand]
    title = "Hand not recorded" if hand is None else f"{hand.capitalize()} hand"
    if not mine:
        y = _heading(pdf, y, title)
        _font(pdf, 8.5)
        return _paragraph(pdf, y, f"No sessions of the {hand} hand in this period.", 1) + 1.5
    tam_x = MARGIN + 112.0
    _heading(pdf, y, f"{title}: maximum flexion", w=110.0)
    y = _heading(pdf, y, "Total active motion (ASSH)", x=tam_x, w=PAGE_W - MARGIN - tam_x)
    plan = in_force(data.prescriptions, hand, day_end(data.end, data.tz)
                    - timedelta(microseconds=1))
    other_side = _other(hand) if hand is not None else None
    other = None
    if other_side is not None and other_side not in hands \
            and any(s.hand_side == other_side for s in period):
        other = best_tam(period, other_side)
    _tam_table(pdf, tam_x, y, PAGE_W - MARGIN - tam_x, best_tam(mine, hand), other)
    return _rom_table(pdf, y, mine, plan, data.tz) + 2.0


# --- charts ----------------------------------------------------------------------------

def _date_axis(ax, start: date, end: date) -> None:
    n_days = (end - start).days + 1
    ax.set_xlim(mdates.date2num(start) - 0.7, mdates.date2num(end) + 0.7)
    ax.xaxis.set_major_locator(mdates.DayLocator(interval=max(1, math.ceil(n_days / 4))))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m-%d"))
    ax.tick_params(labelsize=5.5, length=2, pad=1.5)
    ax.grid(alpha=0.3, linewidth=0.4)
    for label in ax.get_xticklabels():
        label.set_rotation(30)
        label.set_horizontalalignment("right")


def _no_data(ax, text: str) -> None:
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", fontsize=6,
            color="grey")


def _tam_chart(ax, period: Sequence[SessionInfo], hands: tuple[str, ...], tz: tzinfo) -> None:
    ax.set_title("TAM per finger (°), best of each day", fontsize=7)
    ax.axhline(NORMAL_TAM_DEG, color="grey", linestyle=":", linewidth=0.7)
    drawn = False
    for hand, style in zip(hands, ("-", "--"), strict=False):
        by_day = sessions_by_day((s for s in period if s.hand_side == hand), tz)
        for finger, colour in zip(FINGERS, FINGER_COLOURS, strict=True):
            points = sorted((day, best_tam(todays, hand)[finger]) for day, todays in
                            by_day.items() if finger in best_tam(todays, hand))
            if points:
                drawn = True
                label = finger if len(hands) == 1 else f"{finger} {hand[0].upper()}"
                ax.plot([p[0] for p in points], [p[1] for p in points], style, color=colour,
                        marker="o", markersize=1.8, linewidth=0.8, label=label)
    ax.set_ylim(0, NORMAL_TAM_DEG + 30)
    if drawn:
        ax.legend(fontsize=5, ncol=2, loc="lower right", frameon=False)
    else:
        _no_data(ax, "No TAM measured")


def _pain_chart(ax, period: Sequence[SessionInfo], tz: tzinfo) -> None:
    ax.set_title("Pain 0-10, mean of each day", fontsize=7)
    by_day = sessions_by_day(period, tz)
    drawn = False
    for attr, label, colour in (("pain_before", "before", "#1f77b4"),
                                ("pain_after", "after", "#d62728")):
        points = sorted((day, _mean([getattr(s, attr) for s in todays]))
                        for day, todays in by_day.items())
        points = [p for p in points if p[1] is not None]
        if points:
            drawn = True
            ax.plot([p[0] for p in points], [p[1] for p in points], color=colour, marker="o",
                    markersize=1.8, linewidth=0.8, label=label)
    ax.set_ylim(-0.3, 10.3)
    if drawn:
        ax.legend(fontsize=5, loc="upper left", frameon=False)
    else:
        _no_data(ax, "No pain ratings")


def _adherence_chart(ax, days: Sequence[DayAdherence]) -> None:
    ax.set_title("Sessions per day: done / prescribed", fontsize=7)
    x = [d.day for d in days]
    ax.bar(x, [d.prescribed for d in days], width=0.8, color="#cfd6e0", label="prescribed")
    ax.bar(x, [d.done for d in days], width=0.5, color="#2a6fb0", label="done")
    ax.set_ylim(0, max([d.prescribed for d in days] + [d.done for d in days] + [1]) + 1)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(fontsize=5, loc="upper left", frameon=False, ncol=2)


def _charts_png(width_mm: float, height_mm: float, data: ReportInput,
                period: Sequence[SessionInfo], days: Sequence[DayAdherence],
                hands: tuple[str, ...]) -> bytes:
    fig = Figure(figsize=(width_mm / 25.4, height_mm / 25.4), dpi=CHART_DPI,
                 layout="constrained")
    FigureCanvasAgg(fig)
    tam_ax, pain_ax, adherence_ax = fig.subplots(1, 3)
    _tam_chart(tam_ax, period, hands, data.tz)
    _pain_chart(pain_ax, period, data.tz)
    _adherence_chart(adherence_ax, days)
    for ax in (tam_ax, pain_ax, adherence_ax):
        _date_axis(ax, data.start, data.end)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=CHART_DPI)
    return buf.getvalue()


# --- the report ------------------------------------------------------------------------

def report_texts(data: ReportInput) -> list[str]:
    """What people typed that the report prints: names and the therapist's notes."""
    return [data.patient, data.therapist,
            *(p.created_by for p in data.prescriptions),
            *(p.note or "" for p in data.prescriptions)]


def _document(data: ReportInput) -> FPDF:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, TOP, MARGIN)
    pdf.add_font(FONT, "", PRIMARY.regular)
    pdf.add_font(FONT, "B", PRIMARY.bold)
    extra = fallbacks_for(report_texts(data))
    for f in extra:
        pdf.add_font(f.family, "", f.regular, collection_font_number=f.collection)
        pdf.add_font(f.family, "B", f.bold, collection_font_number=f.collection)
    if extra:
        pdf.set_fallback_fonts([f.family for f in extra], exact_match=False)
        if shaping_available():
            pdf.set_text_shaping(True)      # joined Arabic, reordered Hebrew, Indic
    pdf.set_title(TITLE)
    pdf.set_subject(f"{data.patient}, {data.start.isoformat()} to {data.end.isoformat()}")
    pdf.set_author(data.therapist)
    pdf.set_creator("HandCoach")
    pdf.set_creation_date(data.generated_at)
    pdf.add_page()
    return pdf


def build_report(data: ReportInput) -> bytes:
    """The report as PDF bytes: always exactly one A4 page."""
    hands = _hands(data)
    period = [replace(s, hand_side=session_hand(s, hands)) for s in data.sessions
              if data.start <= local_day(s.started_at, data.tz) <= data.end]
    days = adherence_days(data.sessions, data.prescriptions, data.start, data.end, data.tz)
    flags = patient_flags(data.sessions, data.prescriptions, data.end, data.tz)

    pdf = _document(data)
    y = _header(pdf, data, hands)
    y = _summary(pdf, y, period, days)
    y = _flags(pdf, y, flags, data.end)
    if period:
        blocks: tuple[str | None, ...] = hands or (None,)
        for hand in blocks:
            y = _hand_block(pdf, y, hand, data, period, blocks)
        chart_h = min(CHART_MAX_H, FOOTER_Y - 2.0 - y)
        if chart_h >= CHART_MIN_H:
            png = _charts_png(CONTENT_W, chart_h, data, period, days, blocks)
            pdf.image(io.BytesIO(png), x=MARGIN, y=y, w=CONTENT_W, h=chart_h)
    _font(pdf, 6.5, colour=GREY)
    _cell(pdf, MARGIN, FOOTER_Y, CONTENT_W, 3.0,
          "Angles are measured from camera video (MediaPipe): about 5° error for still poses, "
          "more in fast movement. Confirm decisions with a goniometer.")
    return bytes(pdf.output())
