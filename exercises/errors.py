"""The one error of the exercise library, program files and prescriptions."""

from __future__ import annotations


class LibraryError(ValueError):
    """A definitions or program file that cannot be used; the message is one line."""
