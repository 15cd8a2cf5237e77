"""The A4 PDF progress report a therapist attaches to the patient's chart.

One page for a typical month, two at most: it is read between patients and filed, and it
must hold on its own what the chart needs (the prescription in force, every session of
the period with its reps, pain and key range of motion, adherence, the flags, the
patient's notes). Everything that can grow (flags, hands, notes) is capped, so nothing
overflows; the charts take the height left on the first page, and the sessions table
and the notes go on a second page when they do not fit beside them.

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
from matplotlib import dates as mdates
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from exercises.norms import NORMAL_FLEXION_DEG, NORMAL_TAM_DEG
from handcoach.storage.messages import MessageInfo
from handcoach.storage.records import PrescriptionInfo, SessionInfo, TaskLogInfo
from vision.accuracy import AccuracyTable
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
from .fonts import PRIMARY, fallbacks_for, printable_text, shaping_available
from .grading import best_tam, grade_tam
from .pdf_layout import (
    BOTTOM,
    CONTENT_W,
    FONT,
    FOOTER_Y,
    GREY,
    HEADER_FILL,
    LINE,
    MARGIN,
    PAGE_W,
    ROW,
    TOP,
)
from .pdf_layout import cell as _cell
from .pdf_layout import font as _font
from .pdf_layout import heading as _heading
from .pdf_layout import paragraph as _paragraph
from .report_sections import (
    notes_height,
    notes_lines,
    notes_section,
    prescription_height,
    prescription_section,
    sessions_height,
    sessions_rows,
    sessions_section,
)

TITLE = "HandCoach progress report"
#: lines a flag may take; five codes at most, so flags never take more than ten lines.
FLAG_LINES = 2
#: the charts' height range, mm: above the maximum they look stretched, below the
#: minimum they cannot be read (the layout above them leaves at least that much).
CHART_MAX_H = 85.0
CHART_MIN_H = 40.0
CHART_DPI = 200
#: pages at most: a month of daily sessions and notes fits on two.
MAX_PAGES = 2
FINGER_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728")


@dataclass(frozen=True)
class ReportInput:
    """What a report is built from. sessions: the patient's (any period: the report keeps
    its own and looks further back only for flags' baselines); prescriptions: every
    version, both hands; hands: the treated hand(s), from the prescriptions when empty;
    dates in the report are the patient's calendar days in `tz`; messages: the patient's
    thread (any order; the report keeps the period's)."""

    patient: str
    hands: tuple[str, ...]
    start: date
    end: date
    generated_at: datetime
    therapist: str
    sessions: Sequence[SessionInfo]
    prescriptions: Sequence[PrescriptionInfo]
    tz: tzinfo
    messages: Sequence[MessageInfo] = ()
    #: the patient's home tasks done (no camera judges them): they count in the adherence
    #: as on the Review page.
    tasks: Sequence[TaskLogInfo] = ()


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
    """What people typed that the report prints: names, the therapist's notes, the
    messages."""
    return [data.patient, data.therapist,
            *(p.created_by for p in data.prescriptions),
            *(p.note or "" for p in data.prescriptions),
            *(m.author for m in _printable(data.messages)),
            *(m.body for m in _printable(data.messages))]


def _printable(messages: Sequence[MessageInfo]) -> list[MessageInfo]:
    """The messages with what no font can print shown as '?': a note never stops the
    report."""
    return [replace(m, author=printable_text(m.author), body=printable_text(m.body))
            for m in messages]


def accuracy_statement() -> str:
    """What we measured of the angles' accuracy (vision/models/accuracy.json, made by
    benchmarks/accuracy_real.py), in the words the report prints."""
    return AccuracyTable.load().statement()


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


def _footer(pdf: FPDF, page: int, pages: int) -> None:
    """The accuracy statement (up to three lines above the page's foot), and the page
    number at the top right when there are two pages."""
    _font(pdf, 6.5, colour=GREY)
    _paragraph(pdf, FOOTER_Y - 3.0, accuracy_statement() + " Confirm decisions with a "
               "goniometer.", max_lines=3, h=3.0)
    if pages > 1:
        _cell(pdf, MARGIN, 4.0, CONTENT_W, 3.0, f"Page {page} of {pages}", align="R")


class _Flow:
    """Where the next section goes: down the first page, then (once) the second."""

    def __init__(self, pdf: FPDF, data: ReportInput, y: float) -> None:
        self.pdf, self.data, self.y = pdf, data, y

    @property
    def room(self) -> float:
        return BOTTOM - self.y

    def next_page(self) -> None:
        """The second page, under a line that says whose report it continues."""
        if self.pdf.page_no() >= MAX_PAGES:
            return
        # Each page's footer is drawn before the next page starts: fpdf2 keeps one font
        # state for the document, so text added to an earlier page later would be set
        # in whatever font the last page ended with.
        _footer(self.pdf, 1, MAX_PAGES)
        self.pdf.add_page()
        _font(self.pdf, 9, "B")
        _cell(self.pdf, MARGIN, TOP, CONTENT_W, 5.0,
              f"{TITLE}, continued: {self.data.patient}, "
              f"{self.data.start.isoformat()} to {self.data.end.isoformat()}")
        self.pdf.set_draw_color(*GREY)
        self.pdf.line(MARGIN, TOP + 6.0, PAGE_W - MARGIN, TOP + 6.0)
        self.y = TOP + 8.0

    def fit(self, height: float) -> None:
        """Go on to the second page when `height` does not fit on this one."""
        if height > self.room:
            self.next_page()


def _hand_height(hand: str | None, period: Sequence[SessionInfo]) -> float:
    """What _hand_block takes: a line, or the ROM table of 14 joints under its heading."""
    if not any(s.hand_side == hand for s in period):
        return 5.5 + LINE + 1.5
    return 5.5 + ROW * (2 + len(ANGLE_NAMES)) + 2.0


#: the fewest session rows worth starting the table with at the foot of a page.
MIN_SESSION_ROWS = 6
#: the space under the charts.
CHART_GAP = 2.0


def _rest(flow: _Flow, data: ReportInput, period: Sequence[SessionInfo],
          days: Sequence[DayAdherence], blocks: tuple[str | None, ...],
          lines: Sequence[Sequence[str]]) -> None:
    """The charts and the sessions table. All on this page when it holds them with the
    notes below (the charts as tall as the room allows); else the charts at their
    smallest and the table from here on, continued on the next page."""
    pdf = flow.pdf
    rest = sessions_height(len(period)) + notes_height(lines)
    if flow.room < CHART_MIN_H:
        flow.next_page()
    if flow.room >= CHART_MIN_H:
        chart_h = min(CHART_MAX_H, max(CHART_MIN_H, flow.room - rest - CHART_GAP))
        pdf.image(io.BytesIO(_charts_png(CONTENT_W, chart_h, data, period, days, blocks)),
                  x=MARGIN, y=flow.y, w=CONTENT_W, h=chart_h)
        flow.y += chart_h + CHART_GAP
    here = sessions_rows(flow.room)
    if here < min(MIN_SESSION_ROWS, len(period)):
        flow.next_page()
        here = sessions_rows(flow.room)
    later = sessions_rows(BOTTOM - TOP - 8.0 - min(notes_height(lines), 40.0)) \
        if pdf.page_no() < MAX_PAGES else 0
    todo = list(period)
    title = "Sessions"
    if len(todo) > here + later:
        todo = todo[len(todo) - here - later:]
        title = f"Sessions: the last {len(todo)} of {len(period)} (all in the sessions CSV)"
    flow.y, todo = sessions_section(pdf, flow.y, todo, data.tz, title, BOTTOM)
    if todo:
        flow.next_page()
        flow.y, _ = sessions_section(pdf, flow.y, todo, data.tz, "Sessions (continued)",
                                     BOTTOM)


def build_report(data: ReportInput) -> bytes:
    """The report as PDF bytes: one A4 page, or two when the sessions and notes do not fit
    on the first beside the charts."""
    hands = _hands(data)
    period = sorted((replace(s, hand_side=session_hand(s, hands)) for s in data.sessions
                     if data.start <= local_day(s.started_at, data.tz) <= data.end),
                    key=lambda s: (s.started_at, s.id))
    days = adherence_days(data.sessions, data.prescriptions, data.start, data.end, data.tz,
                          tasks=data.tasks)
    flags = patient_flags(data.sessions, data.prescriptions, data.end, data.tz)
    last_moment = day_end(data.end, data.tz) - timedelta(microseconds=1)
    plans = [plan for hand in (hands or ("left", "right"))
             if (plan := in_force(data.prescriptions, hand, last_moment))]
    notes = sorted((m for m in _printable(data.messages)
                    if data.start <= local_day(m.created_at, data.tz) <= data.end),
                   key=lambda m: (m.created_at, m.id))
    about = {s.id: s for s in data.sessions}

    pdf = _document(data)
    flow = _Flow(pdf, data, 0.0)
    flow.y = _header(pdf, data, hands)
    flow.y = _summary(pdf, flow.y, period, days)
    flow.y = _flags(pdf, flow.y, flags, data.end)
    flow.fit(prescription_height(plans, pdf))
    flow.y = prescription_section(pdf, flow.y, plans, data.tz)
    blocks: tuple[str | None, ...] = hands or (None,)
    if period:
        for hand in blocks:
            flow.fit(_hand_height(hand, period))
            flow.y = _hand_block(pdf, flow.y, hand, data, period, blocks)
    lines = notes_lines(pdf, notes, data.tz, about)
    if period:
        _rest(flow, data, period, days, blocks, lines)
    if lines:
        flow.fit(notes_height(lines[:1]))
        flow.y = notes_section(pdf, flow.y, lines, BOTTOM)
    _footer(pdf, pdf.page_no(), pdf.page_no())
    return bytes(pdf.output())
