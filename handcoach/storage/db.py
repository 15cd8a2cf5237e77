"""Where the results live and how a database is brought up to date.

`HANDCOACH_DB_URL` picks any SQLAlchemy URL (PostgreSQL for a clinic's shared server);
unset, results go to an SQLite file in the user's data directory, which is created. A
folder named by an explicit URL is *not* created: a missing one is most likely an
unplugged or unmounted drive, and creating it would silently split the patient's history
in two. Opening a database applies the migrations shipped in storage/migrations (Alembic,
`upgrade head`), so users never run a migration tool.

A database that exists but is not HandCoach's is refused, never taken as a fresh install
(which would open every page without a sign-in): an SQLite file that was there before
HandCoach opened it (a 0-byte file from a failed copy or restore, an empty one, another
program's) without HandCoach's schema, or any database holding other tables. A new,
empty PostgreSQL database is how a clinic starts, and is set up.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session

from .errors import StoreError, reason

log = logging.getLogger(__name__)

ENV_URL = "HANDCOACH_DB_URL"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: seconds to wait for a PostgreSQL server before calling it unreachable (a frame loop
#: that saves every 2 s must not hang on a dead network for the driver's default).
PG_CONNECT_TIMEOUT_S = 5


def default_db_path() -> Path:
    """The SQLite file used when HANDCOACH_DB_URL is unset (e.g. ~/.local/share/handcoach)."""
    from platformdirs import user_data_path

    return user_data_path("handcoach", appauthor=False) / "handcoach.db"


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration without an alembic.ini: the shipped scripts, and the
    connection to migrate (None: only to read the scripts, e.g. the head revision)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def _parse_url(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(f"{ENV_URL} is not a database URL: {url!r}") from None
    if parsed.drivername == "postgresql":
        # HandCoach ships psycopg 3; SQLAlchemy's default PostgreSQL driver is psycopg2.
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


class Store:
    """One results database. Creating it does no I/O; the first use migrates it.

    That laziness lets the live recorder start while the database is unreachable and
    catch up later.
    """

    def __init__(self, url: str | None = None) -> None:
        self._default_path: Path | None = None
        if url is None:
            url = os.environ.get(ENV_URL) or None
        if url is None:
            self._default_path = default_db_path()
            url = f"sqlite:///{self._default_path}"
        self.url = _parse_url(url)
        kwargs: dict[str, object] = {"pool_pre_ping": True}
        if self.url.get_backend_name() == "postgresql" \
                and "connect_timeout" not in self.url.query:
            kwargs["connect_args"] = {"connect_timeout": PG_CONNECT_TIMEOUT_S}
        try:
            self.engine: Engine = create_engine(self.url, **kwargs)
        except (ArgumentError, NoSuchModuleError, ImportError) as exc:
            raise StoreError(f"cannot use {ENV_URL} {self.where}: {exc}") from None
        if self.dialect == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._ready = False

    @classmethod
    def open(cls, url: str | None = None) -> Store:
        """A store that is reachable and migrated now; StoreError (one line) if not."""
        store = cls(url)
        store.migrate()
        return store

    @property
    def dialect(self) -> str:
        return self.url.get_backend_name()

    @property
    def where(self) -> str:
        """The database for messages, password hidden."""
        return self.url.render_as_string(hide_password=True)

    def migrate(self) -> None:
        """Create or upgrade the schema to the newest migration (once per Store)."""
        if self._ready:
            return
        try:
            if self._default_path is not None:
                self._default_path.parent.mkdir(parents=True, exist_ok=True)
            existed = self._sqlite_file_existed()
            with self.engine.connect() as conn:
                self._check_ours(conn, existed)
                conn.rollback()                    # the look ended its transaction
                self._upgrade(conn)
        except SQLAlchemyError as exc:
            raise StoreError(f"{reason(exc)} ({self.where})") from exc
        except OSError as exc:
            raise StoreError(f"{reason(exc)} ({self.where})") from exc
        except CommandError as exc:
            # e.g. a database written by a newer HandCoach, with a migration unknown here.
            raise StoreError(f"results database {self.where} has a schema this HandCoach "
                             f"does not know ({str(exc).splitlines()[0]})") from exc
        self._ready = True

    def _sqlite_file_existed(self) -> bool:
        """True for an SQLite file that was there before this store opened it."""
        if self.dialect != "sqlite":
            return False
        name = self.url.database or ""
        if name in ("", ":memory:") or name.startswith("file:"):
            return False
        return Path(name).exists()

    def _check_ours(self, conn: Connection, existed: bool) -> None:
        """StoreError unless the database is HandCoach's or brand new (module docstring)."""
        tables = set(inspect(conn).get_table_names())
        if "alembic_version" in tables:
            return          # ours; Alembic itself refuses a revision it does not know
        if tables:
            raise StoreError(f"results database {self.where} holds another program's tables "
                             f"({', '.join(sorted(tables)[:3])}); HandCoach does not use it")
        if existed:
            size = Path(self.url.database or "").stat().st_size
            what = "an empty file (0 bytes)" if size == 0 else "an empty database"
            raise StoreError(f"results database {self.where} is {what}, not HandCoach's: a "
                             "failed copy or restore? Restore a good copy, or move it away "
                             "to start a new one")

    def _upgrade(self, conn: Connection) -> None:
        """`alembic upgrade head` in one transaction.

        On SQLite, Alembic's batch mode rebuilds a table to alter it (copy, drop, rename);
        with foreign keys enforced, dropping the old `sessions` would cascade to every rep,
        warning and frame. Enforcement is off during the upgrade (SQLite only allows that
        outside a transaction), and the result is checked before it is committed.
        """
        sqlite = self.dialect == "sqlite"
        if sqlite:
            conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
            conn.commit()
        try:
            with conn.begin():
                command.upgrade(alembic_config(conn), "head")
                if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise StoreError(f"upgrading {self.where} would break its links between "
                                     "tables; it was left as it was")
        finally:
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys = ON")
                conn.commit()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One ORM session in one transaction: committed at the end, rolled back on error.

        Raises StoreError when the database cannot be migrated, SQLAlchemy errors when a
        statement fails.
        """
        self.migrate()
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    def close(self) -> None:
        """Release pooled connections (a Store is reusable afterwards)."""
        self.engine.dispose()
