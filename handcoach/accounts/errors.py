"""What can go wrong with an account, as one line a person can act on."""

from __future__ import annotations


class AccountError(ValueError):
    """A bad account request (a taken name, a short password, an unknown therapist)."""


class SignInRefused(Exception):
    """Wrong name or password. The message never says which, so it cannot be used to
    find out who has an account."""

    def __init__(self) -> None:
        super().__init__("Wrong user name or password.")


class TooManyAttempts(Exception):
    """Too many wrong passwords for this name lately; wait_s until the next try."""

    def __init__(self, wait_s: float) -> None:
        minutes = max(1, round(wait_s / 60))
        super().__init__(f"Too many wrong passwords. Try again in {minutes} minute"
                         f"{'s' if minutes != 1 else ''}.")
        self.wait_s = wait_s
