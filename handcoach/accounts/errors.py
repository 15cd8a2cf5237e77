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
    """Too many wrong passwords lately from this computer (for this name, or for any);
    wait_s until the next try."""

    def __init__(self, wait_s: float) -> None:
        if wait_s < 90:
            seconds = max(1, round(wait_s))
            when = f"{seconds} second{'s' if seconds != 1 else ''}"
        else:
            minutes = round(wait_s / 60)
            when = f"{minutes} minute{'s' if minutes != 1 else ''}"
        super().__init__(f"Too many wrong passwords. Try again in {when}.")
        self.wait_s = wait_s


class SignInBusy(Exception):
    """Every password-checking slot stayed busy: the machine is loaded (or flooded)."""

    def __init__(self) -> None:
        super().__init__("HandCoach is busy just now. Please try again in a moment.")
