"""The PDF report's page geometry and text helpers, shared by its sections.

Everything is placed at explicit coordinates (mm on A4) with auto page breaks off: the
report decides itself what goes on which page (review/report.py), so a long note or a
long name is cut short with an ellipsis instead of pushing the rest off the page.
"""

from __future__ import annotations

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from .fonts import PRIMARY

FONT = PRIMARY.family
PAGE_W, PAGE_H = 210.0, 297.0
MARGIN = 12.0
TOP = 10.0
CONTENT_W = PAGE_W - 2 * MARGIN
FOOTER_Y = PAGE_H - 9.0
#: the lowest a section may write to: above the footer's accuracy statement (up to three
#: lines from FOOTER_Y - 3).
BOTTOM = FOOTER_Y - 5.0
LINE = 4.2
ROW = 3.7
GREY = (110, 110, 110)
HEADER_FILL = (232, 236, 242)


def font(pdf: FPDF, size: float, style: str = "", colour: tuple[int, int, int] = (0, 0, 0)
         ) -> None:
    pdf.set_font(FONT, style, size)
    pdf.set_text_color(*colour)


def fit(pdf: FPDF, text: str, width: float) -> str:
    """The text, cut short with an ellipsis if it is wider than `width` mm."""
    if pdf.get_string_width(text) <= width:
        return text
    text = text.rstrip("…")
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def cell(pdf: FPDF, x: float, y: float, w: float, h: float, text: str, align: str = "L",
         fill: bool = False) -> None:
    pdf.set_xy(x, y)
    pdf.cell(w, h, fit(pdf, text, w - 1.0), align=align, fill=fill,
             new_x=XPos.RIGHT, new_y=YPos.TOP)


def wrapped(pdf: FPDF, text: str, w: float, h: float, max_lines: int) -> list[str]:
    """The lines `text` takes at width w (at most max_lines, the last one cut short)."""
    lines = pdf.multi_cell(w, h, text, dry_run=True, output="LINES")
    if len(lines) > max_lines:
        lines = [*lines[:max_lines - 1], fit(pdf, lines[max_lines - 1] + "…", w)]
    return lines


def paragraph(pdf: FPDF, y: float, text: str, max_lines: int, x: float = MARGIN,
              w: float = CONTENT_W, h: float = LINE) -> float:
    """Wrapped text of at most `max_lines` lines (the last one cut short); returns the y
    below it."""
    for line in wrapped(pdf, text, w, h, max_lines):
        cell(pdf, x, y, w, h, line)
        y += h
    return y


def heading(pdf: FPDF, y: float, text: str, x: float = MARGIN, w: float = CONTENT_W) -> float:
    font(pdf, 10, "B")
    cell(pdf, x, y, w, 5.0, text)
    return y + 5.5


#: what a heading takes (heading()).
HEADING_H = 5.5
