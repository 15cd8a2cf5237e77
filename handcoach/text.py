"""People's names and other typed text, made safe once where they come in.

A name reaches HandCoach from many doors (`analyze --save --patient`, `report --patient`,
`users add --name`, the app's sidebar and its "Add a patient" form). Each door uses
`person_name`, so that the name saved and the name looked up are the same string: the
same letters whatever keyboard typed them (Unicode NFC: "é" as one code point or as "e"
plus an accent is one name), runs of spaces and tabs as one space, and no control
characters at all (a newline or an ESC in a name would split a CSV row or drive the
administrator's terminal; they are refused, not silently dropped, so the person typing
sees what happened).

`printable` is for what is printed to a terminal from stored text (`sessions export`,
`users list`): control characters are dropped there, since the text is already stored.
"""

from __future__ import annotations

import unicodedata

#: the longest name the store keeps (patients.name, users.name are 200 characters).
MAX_NAME = 200
#: bidirectional overrides and isolates: invisible, and they reorder what follows them
#: (a name could display as someone else's). Zero-width joiners stay: emoji and several
#: scripts need them.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: control characters kept by `printable`: tab and newline lay out text, nothing else.
_KEPT = frozenset("\t\n")


class BadName(ValueError):
    """A name that cannot be used; the message is one line for the person typing it."""


def _is_control(ch: str) -> bool:
    """C0 and C1 controls, DEL, and the bidirectional controls."""
    return unicodedata.category(ch) == "Cc" or ch in _BIDI_CONTROLS


def person_name(raw: str | None, what: str = "a name") -> str:
    """The one form of a person's name HandCoach stores and looks up.

    NFC, whitespace (any Unicode space, tabs) collapsed to single spaces and trimmed.
    Raises BadName (one line) for an empty name, one over MAX_NAME characters, or one
    holding control characters (newline, NUL, ESC, BEL, bidirectional overrides...).
    """
    text = unicodedata.normalize("NFC", raw or "")
    bad = next((ch for ch in text if _is_control(ch) and ch not in " \t"), None)
    if bad is not None:
        raise BadName(f"{what} cannot contain control characters (found U+{ord(bad):04X})")
    name = " ".join(text.split())
    if not name:
        raise BadName(f"{what} is empty")
    if len(name) > MAX_NAME:
        raise BadName(f"{what} has at most {MAX_NAME} characters")
    return name


def printable(text: str) -> str:
    """Text for a terminal: control characters (NUL, ESC, BEL, CR, DEL, C1, bidirectional
    overrides) removed, tab and newline kept."""
    return "".join(ch for ch in text if ch in _KEPT or not _is_control(ch))
