"""Accounts: who may sign in, with which role, and for how long.

Three roles: an administrator (creates accounts, sees every patient), a therapist (sees and
prescribes for their own patients), a patient (sees their own program and sessions).
Passwords are kept only as argon2 hashes; the first administrator is created with
`handcoach users add NAME --role admin`, never by a default password.

- `add_user`, `list_users`, `set_password`, `set_active`: the accounts themselves.
- `sign_in`: a name and password in, a `Principal` and a session token out; wrong
  passwords are rate-limited per name.
- `resume`, `sign_out`: a signed-in browser's token, which expires when idle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from handcoach.lazy import lazy_exports

#: where each public name lives, imported on first use (PEP 562): `handcoach analyze`
#: needs only AccountError, and the rest brings SQLAlchemy and argon2 (0.5 s of start-up).
_WHERE = {
    "Access": "access", "NotVisible": "errors", "PatientInfo": "access",
    "AccountError": "errors", "SignInRefused": "errors", "TooManyAttempts": "errors",
    "ABSOLUTE_LIMIT": "login", "IDLE_LIMIT": "login", "resume": "login",
    "sign_in": "login", "sign_out": "login", "Principal": "principal",
    "UserInfo": "users", "add_user": "users", "any_accounts": "users",
    "list_users": "users", "set_active": "users", "set_password": "users",
}

__all__ = [
    "Access", "NotVisible", "PatientInfo",
    "ABSOLUTE_LIMIT", "IDLE_LIMIT", "AccountError", "Principal", "SignInRefused",
    "TooManyAttempts", "UserInfo", "add_user", "any_accounts", "list_users", "resume",
    "set_active", "set_password", "sign_in", "sign_out",
]


__getattr__ = lazy_exports(__name__, _WHERE)


if TYPE_CHECKING:
    from .access import Access, PatientInfo
    from .errors import AccountError, NotVisible, SignInRefused, TooManyAttempts
    from .login import ABSOLUTE_LIMIT, IDLE_LIMIT, resume, sign_in, sign_out
    from .principal import Principal
    from .users import UserInfo, add_user, any_accounts, list_users, set_active, set_password
