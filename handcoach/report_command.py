"""`handcoach report` and `handcoach sessions export --reps`: a therapist's paperwork from
the command line.

Like `users`, these read the results database as its administrator would (whoever can
open the database can read all of it); the app's pages read it through storage.Access
scoped to the signed-in user instead.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

#: a report's default period: the four weeks up to today (a common review interval
#: between hand-therapy visits).
DEFAULT_DAYS = 28


def add_report_arguments(sub: argparse._SubParsersAction) -> None:
    rp = sub.add_parser("report", help="a one-page PDF progress report of one patient")
    rp.add_argument("--patient", required=True, metavar="NAME")
    rp.add_argument("--from", dest="start", type=_date, metavar="YYYY-MM-DD",
                    help=f"first day (default: {DEFAULT_DAYS - 1} days before --to)")
    rp.add_argument("--to", dest="end", type=_date, metavar="YYYY-MM-DD",
                    help="last day (default: today)")
    rp.add_argument("--out", required=True, type=Path, metavar="FILE.pdf")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _cli_access():
    from handcoach.accounts import Access
    from handcoach.accounts.principal import COMMAND_LINE
    from handcoach.storage import Store

    return Access(Store.open(), COMMAND_LINE)


def _find(acc, name: str):
    from handcoach.storage import StoreError
    from handcoach.text import person_name

    wanted = person_name(name, "--patient")
    for p in acc.patients():
        if p.name == wanted:
            return p
    raise StoreError(f"no patient named {wanted!r} in {acc.store.where}")


def run_report(args: argparse.Namespace) -> int:
    from handcoach.review import ReportInput, build_report
    from handcoach.text import printable

    end = args.end or date.today()
    start = args.start or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise ValueError("--from is after --to")
    if not args.out.parent.exists():
        raise ValueError(f"folder {args.out.parent} does not exist")
    acc = _cli_access()
    patient = _find(acc, args.patient)
    tz = datetime.now().astimezone().tzinfo or timezone.utc
    data = ReportInput(patient=patient.name, hands=(), start=start, end=end,
                       generated_at=datetime.now(timezone.utc),
                       therapist=patient.therapist or "-",
                       sessions=acc.sessions(patient.id),
                       prescriptions=acc.prescriptions(patient.id), tz=tz,
                       tasks=acc.task_logs(patient.id))
    pdf = build_report(data)
    acc.log("report", patient.id, f"PDF {start} to {end}")
    args.out.write_bytes(pdf)
    print(printable(f"wrote {args.out} ({patient.name}, {start} to {end})"))
    return 0


def print_rep_export(patient: str | None, fmt: str) -> int:
    """One row per rep of every saved session (or one patient's)."""
    from handcoach.audit_command import log_export
    from handcoach.review import csv_text, rep_columns, rep_rows
    from handcoach.storage import list_sessions, load_reps

    rows = []
    for info in list_sessions(patient):
        rows.extend(rep_rows(info, load_reps(info.id)))
    log_export(patient, f"reps {fmt}, {len(rows)} rows")
    if fmt == "json":
        json.dump(rows, sys.stdout)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(csv_text(rows, rep_columns()))
    return 0
