"""`handcoach audit export`: the audit log for an administrator (storage/audit.py).

Like `sessions export`, it reads the database as its administrator; reading the log out
is itself logged (`audit_export`).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime, time, timedelta


def add_arguments(sub: argparse._SubParsersAction) -> None:
    au = sub.add_parser("audit", help="the audit log: who viewed or changed whose data")
    cmd = au.add_subparsers(dest="audit_command", required=True, parser_class=type(au))
    ex = cmd.add_parser("export", help="print the audit log, oldest first")
    ex.add_argument("--from", dest="start", type=_date, metavar="YYYY-MM-DD",
                    help="first day (local time; default: everything)")
    ex.add_argument("--to", dest="end", type=_date, metavar="YYYY-MM-DD",
                    help="last day (default: today)")
    ex.add_argument("--format", choices=("csv", "json"), default="csv")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time()).astimezone()


def log_export(patient: str | None, detail: str) -> None:
    """The audit row of a command-line export (written before anything is printed)."""
    from handcoach.accounts.principal import COMMAND_LINE
    from handcoach.storage import Store, audit

    audit.record(Store.open(), "export", user=COMMAND_LINE, patient=patient,
                 detail=f"{detail}, {'one patient' if patient else 'every patient'}")


def run(args: argparse.Namespace) -> int:
    from handcoach.accounts.principal import COMMAND_LINE
    from handcoach.spreadsheet import write_csv
    from handcoach.storage import Store, audit

    if args.start and args.end and args.start > args.end:
        raise ValueError("--from is after --to")
    store = Store.open()
    since = _local_midnight(args.start) if args.start else None
    until = _local_midnight(args.end + timedelta(days=1)) if args.end else None
    rows = [r.row() for r in audit.read(store, since, until)]
    audit.record(store, "audit_export", user=COMMAND_LINE,
                 detail=f"{len(rows)} rows, {args.format}")
    if args.format == "json":
        json.dump(rows, sys.stdout)
        sys.stdout.write("\n")
    else:
        write_csv(sys.stdout, rows, audit.COLUMNS)
    return 0
