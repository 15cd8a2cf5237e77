"""What went wrong with the results store, in words a patient (or a script) can act on.

Database drivers speak in codes and stack traces; the live app shows one line and keeps
going, the command line prints one `error:` line. Both start from `reason()`.
"""

from __future__ import annotations

DISK_FULL = "the disk is full"
UNREACHABLE = "the results database cannot be reached"
BUSY = "the results database is busy (another program is writing to it)"
READ_ONLY = "the results database is read-only"

#: what the patient can do about each reason, after "Your reps so far are kept; ".
_ADVICE = {
    DISK_FULL: "free some space.",
    UNREACHABLE: "saving resumes when it is back.",
    BUSY: "saving is retried in a moment.",
    READ_ONLY: "saving resumes once it can be written.",
}

_PATTERNS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("disk is full", "no space left", "diskfull", "disk full", "quota exceeded"), DISK_FULL),
    (("database is locked", "database table is locked", "busy"), BUSY),
    (("readonly", "read-only", "read only", "permission denied"), READ_ONLY),
    (("unable to open database file", "could not connect", "connection refused",
      "connection failed", "server closed the connection", "connection to server",
      "terminating connection", "timeout expired", "could not translate host name",
      "name or service not known", "no route to host", "network is unreachable",
      "connection is closed", "consuming input failed", "the connection is lost"),
     UNREACHABLE),
)


class StoreError(Exception):
    """The results store could not be opened or written; the message is one line."""


def reason(exc: BaseException) -> str:
    """One short clause for a driver's exception: a known cause, else its first line."""
    if isinstance(exc, StoreError) and exc.__cause__ is not None:
        exc = exc.__cause__
    inner = getattr(exc, "orig", None) or exc
    text = str(inner).strip()
    low = text.lower()
    sqlstate = str(getattr(inner, "sqlstate", "") or "")
    if sqlstate == "53100":
        return DISK_FULL
    for needles, said in _PATTERNS:
        if any(n in low for n in needles):
            return said
    first = text.splitlines()[0] if text else type(inner).__name__
    return first[:200]


def patient_message(exc: BaseException) -> str:
    """The line the app shows instead of raising: what failed, that nothing is lost."""
    why = reason(exc)
    advice = _ADVICE.get(why, "saving is retried.")
    return f"Could not save: {why}. Your reps so far are kept; {advice}"
