"""Dates and times as a therapist reads them: in the clinic computer's local time zone.

Stored times are UTC. A "day" on the therapist's pages (adherence, flags, a period) is a
local calendar day, with daylight saving time handled: a fixed UTC offset taken today
would put sessions near midnight on the wrong day for half the year.
"""

from __future__ import annotations

import os
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_LOCALTIME = Path("/etc/localtime")


def local_tz() -> tzinfo:
    """The local zone with its DST rules (TZ, else /etc/localtime), else today's offset."""
    name = os.environ.get("TZ", "").lstrip(":")
    try:
        if name:
            return ZoneInfo(name)
        if _LOCALTIME.exists():
            with _LOCALTIME.open("rb") as f:
                return ZoneInfo.from_file(f, key="localtime")
    except (ZoneInfoNotFoundError, ValueError, OSError):
        pass
    return datetime.now().astimezone().tzinfo or ZoneInfo("UTC")


def today(tz: tzinfo | None = None) -> date:
    return datetime.now(tz or local_tz()).date()


def day_start(day: date, tz: tzinfo) -> datetime:
    """Local midnight starting `day`, tz-aware (a query bound)."""
    return datetime.combine(day, time(), tzinfo=tz)


def day_span(first: date, last: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """[start of first, start of the day after last): a period's query bounds."""
    return day_start(first, tz), day_start(last + timedelta(days=1), tz)


def when_text(moment: datetime | None, tz: tzinfo | None = None) -> str:
    """'2025-05-01 14:02' in local time; '-' for nothing."""
    if moment is None:
        return "-"
    return moment.astimezone(tz or local_tz()).strftime("%Y-%m-%d %H:%M")


def local_naive(moment: datetime, tz: tzinfo | None = None) -> datetime:
    """Local wall-clock time without a zone: what charts put on their time axis (Vega
    would otherwise convert UTC to the browser's zone, or show UTC)."""
    return moment.astimezone(tz or local_tz()).replace(tzinfo=None)
