"""`handcoach users ...`: accounts from the command line.

Whoever can open the results database can already read everything in it, so the command
line acts as its administrator; it is how the first administrator is made (there is never
a default password). Passwords are typed at a hidden prompt, or piped with
--password-stdin for scripts, never given as an argument (it would stay in the shell's
history and in `ps`).
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from handcoach.storage import Store


class PasswordInputError(ValueError):
    """No way to read a password, or the two typed differ (one line)."""


def read_password(from_stdin: bool, prompt: str = "Password") -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise PasswordInputError("--password-stdin: nothing on standard input")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise PasswordInputError("no terminal to type a password on: pipe it with "
                                 "--password-stdin")
    first = getpass.getpass(f"{prompt}: ")
    if getpass.getpass(f"{prompt} again: ") != first:
        raise PasswordInputError("the two passwords differ")
    return first


def add_arguments(sub: argparse._SubParsersAction) -> None:
    users = sub.add_parser("users", help="accounts: add, list, change a password, switch off")
    cmd = users.add_subparsers(dest="users_command", required=True,
                               parser_class=type(users))
    add = cmd.add_parser("add", help="create an account (the first one: --role admin)")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=("admin", "therapist", "patient"))
    add.add_argument("--name", help="the person's name as shown (default: the user name)")
    add.add_argument("--patient", metavar="RECORD",
                     help="patient accounts: the patient record to use, e.g. a name "
                          "already saved with `analyze --save --patient` (default: --name)")
    add.add_argument("--therapist", metavar="USERNAME",
                     help="patient accounts: the therapist who will see this patient")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from the first line of standard input")
    lst = cmd.add_parser("list", help="list the accounts")
    lst.add_argument("--format", choices=("text", "csv", "json"), default="text")
    pw = cmd.add_parser("passwd", help="set a new password (signs that user out everywhere)")
    pw.add_argument("username")
    pw.add_argument("--password-stdin", action="store_true")
    for name, text in (("disable", "switch an account off (nothing is deleted)"),
                       ("enable", "switch an account back on")):
        p = cmd.add_parser(name, help=text)
        p.add_argument("username")


def run(args: argparse.Namespace) -> int:
    # Imported here: `handcoach analyze` builds this parser too, and SQLAlchemy costs
    # half a second of its start-up.
    from handcoach.accounts import add_user, set_active, set_password
    from handcoach.storage import Store

    store = Store.open()
    what = args.users_command
    if what == "add":
        password = read_password(args.password_stdin)
        info = add_user(store, args.username, password, args.role, name=args.name,
                        patient=args.patient, therapist=args.therapist)
        extra = f", patient record {info.patient!r}" if info.patient else ""
        if info.therapist:
            extra += f", therapist {info.therapist}"
        print(f"added {info.role} {info.username} ({info.name}{extra})")
    elif what == "list":
        _print_users(store, args.format)
    elif what == "passwd":
        set_password(store, args.username, read_password(args.password_stdin, "New password"))
        print(f"password of {args.username.strip().lower()} changed")
    else:
        set_active(store, args.username, what == "enable")
        print(f"{args.username.strip().lower()} {what}d")
    return 0


def _print_users(store: Store, fmt: str) -> None:
    from handcoach.accounts import list_users

    rows = [{"username": u.username, "name": u.name, "role": u.role, "active": u.active,
             "patient": u.patient, "therapist": u.therapist,
             "created": u.created_at.isoformat(timespec="seconds")}
            for u in list_users(store)]
    if fmt == "json":
        json.dump(rows, sys.stdout)
        sys.stdout.write("\n")
    elif fmt == "csv":
        from handcoach.spreadsheet import write_csv

        write_csv(sys.stdout, rows, ["username", "name", "role", "active", "patient",
                                     "therapist", "created"])
    else:
        from handcoach.text import printable

        for r in rows:
            state = "" if r["active"] else "  (switched off)"
            who = f"  patient {r['patient']!r}" if r["patient"] else ""
            if r["therapist"]:
                who += f", therapist {r['therapist']}"
            print(printable(f"{r['username']:<20} {r['role']:<9} {r['name']}{who}{state}"))


__all__ = ["PasswordInputError", "add_arguments", "read_password", "run"]
