"""How a review.flags Flag looks on the therapist's pages: an icon and two or three words
for a table cell, the flag's own sentence where there is room."""

from __future__ import annotations

from handcoach.review.flags import (
    FORM_WARNINGS,
    MISSED_DAYS,
    OVER_PRESCRIPTION,
    PAIN_RISING,
    ROM_FALLING,
    Flag,
)

#: (icon, short words) per flag code.
FLAG_LABELS = {MISSED_DAYS: ("📅", "missed days"), PAIN_RISING: ("🤕", "pain rising"),
               ROM_FALLING: ("📉", "ROM falling"), OVER_PRESCRIPTION: ("⏫", "over the dose"),
               FORM_WARNINGS: ("✋", "form warnings")}


def flag_icon(flag: Flag) -> str:
    return FLAG_LABELS.get(flag.code, ("⚑", ""))[0]


def flag_label(flag: Flag) -> str:
    """'📅 missed days'."""
    icon, words = FLAG_LABELS.get(flag.code, ("⚑", flag.code.lower().replace("_", " ")))
    return f"{icon} {words}"


def flag_line(flag: Flag) -> str:
    """'📅 No exercise on 3 of the last 7 days'."""
    return f"{flag_icon(flag)} {flag.message}"
