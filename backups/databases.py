"""The database's part of a backup, by engine. SQLite: its online backup API, both ways.
PostgreSQL: pg_dump (custom format) in the snapshot the backup reads its facts in, and
pg_restore in one transaction, so a failed restore leaves the database as it was.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction

from backups.archive import DATABASE_MEMBERS
from backups.errors import BackupError

# libpq reads these from the environment; DATABASES' OPTIONS may set them for Django.
PG_ENVIRONMENT_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
}


def database_vendor() -> str:
    if connection.vendor not in DATABASE_MEMBERS:
        raise BackupError(
            f"Backups cover SQLite and PostgreSQL; this database is {connection.vendor}."
        )
    return connection.vendor


def _outside_transactions(doing: str) -> None:
    if connection.in_atomic_block:
        raise BackupError(f"Cannot {doing} inside a database transaction.")


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not installed or not on PATH: install the PostgreSQL client tools of "
            f"the server's major version (Debian: apt install postgresql-client-"
            f"{_server_major()})."
        )
    return path


def _tool_major(path: str) -> int:
    output = subprocess.run(  # noqa: S603 -- a PostgreSQL client tool found on PATH
        [path, "--version"], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"\)\s*(\d+)", output)
    if match is None:
        raise BackupError(f"Cannot tell the version of {path} from {output.strip()!r}.")
    return int(match.group(1))


def _server_major() -> int:
    connection.ensure_connection()
    return connection.pg_version // 10000


def _pg_arguments() -> list[str]:
    """Where the database is, as Django connects to it (pytest-django's test database too)."""
    settings = connection.settings_dict
    arguments = []
    if settings.get("HOST"):
        arguments += ["--host", settings["HOST"]]
    if settings.get("PORT"):
        arguments += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        arguments += ["--username", settings["USER"]]
    return [*arguments, "--dbname", settings["NAME"]]


def _pg_environment() -> dict[str, str]:
    """The password goes in the environment, never in arguments other users can list."""
    environment = dict(os.environ)
    if connection.settings_dict.get("PASSWORD"):
        environment["PGPASSWORD"] = connection.settings_dict["PASSWORD"]
    options = connection.settings_dict.get("OPTIONS") or {}
    for option, variable in PG_ENVIRONMENT_OPTIONS.items():
        if options.get(option):
            environment[variable] = str(options[option])
    return environment


def _pg_run(arguments: list[str], doing: str) -> str:
    result = subprocess.run(  # noqa: S603 -- a PostgreSQL client tool, our own arguments
        arguments, capture_output=True, text=True, env=_pg_environment()
    )
    if result.returncode != 0:
        said = " ".join(result.stderr.strip().splitlines()[-3:]) or f"exit {result.returncode}"
        raise BackupError(f"{doing} failed: {said}")
    return result.stdout


@dataclass
class Snapshot:
    """One consistent view of the database: the dump and the facts read inside agree."""

    vendor: str
    details: dict = field(default_factory=dict)
    pg_snapshot: str = ""

    def dump(self, target: Path) -> None:
        if self.vendor == "sqlite":
            with closing(sqlite3.connect(target)) as copy:
                connection.connection.backup(copy)
                # A file that stands alone (no -wal beside it) and opens with any sqlite3.
                copy.execute("PRAGMA journal_mode=DELETE")
            return
        _pg_run(
            [
                _tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={self.pg_snapshot}",
                f"--file={target}",
                *_pg_arguments(),
            ],
            "pg_dump",
        )


@contextmanager
def database_snapshot() -> Iterator[Snapshot]:
    """A transaction that sees one state of the database while the backup reads it, so the site
    may keep running: on PostgreSQL a read-only repeatable-read snapshot that pg_dump shares; on
    SQLite a read transaction that the backup API copies from."""
    vendor = database_vendor()
    _outside_transactions("back up")
    snapshot = Snapshot(vendor)
    if vendor == "sqlite":
        # Not atomic(): it begins IMMEDIATE here (a write lock), and SQLite's backup cannot read
        # through a connection holding one. A deferred transaction's first read fixes its view.
        connection.ensure_connection()
        connection.connection.execute("BEGIN")
        try:
            connection.connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
            yield snapshot
        finally:
            connection.connection.execute("ROLLBACK")
        return
    dump_major, server_major = _tool_major(_tool("pg_dump")), _server_major()
    if dump_major < server_major:
        raise BackupError(
            f"pg_dump {dump_major} cannot dump a PostgreSQL {server_major} server: install "
            f"postgresql-client-{server_major}."
        )
    snapshot.details = {"server_major": server_major, "pg_dump_major": dump_major}
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot.pg_snapshot = cursor.fetchone()[0]
        yield snapshot


def _dump_tables(dump: Path) -> set[str]:
    """The tables a custom-format dump creates in the current schema."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = cursor.fetchone()[0]
    listing = _pg_run([_tool("pg_restore"), "--list", str(dump)], "Reading the dump")
    tables = set()
    for line in listing.splitlines():
        # "215; 1259 16390 TABLE public accounts_user owner" (not "TABLE DATA ...")
        words = line.split()
        if len(words) >= 6 and words[3] == "TABLE" and words[4] == schema:
            tables.add(words[5])
    return tables


def database_load_check(dump: Path, database: dict) -> None:
    """Everything that can be known before replacing the database, so a refused restore has
    changed nothing."""
    _outside_transactions("restore")
    if database_vendor() == "sqlite":
        try:
            with closing(sqlite3.connect(f"file:{dump}?mode=ro", uri=True)) as copy:
                verdict = copy.execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.DatabaseError as error:
            verdict = str(error)
        if verdict != "ok":
            raise BackupError(f"The archive's database is damaged ({verdict}).")
        return
    restore_major, server_major = _tool_major(_tool("pg_restore")), _server_major()
    if restore_major < database.get("pg_dump_major", 0):
        raise BackupError(
            f"pg_restore {restore_major} cannot read a dump from pg_dump "
            f"{database['pg_dump_major']}: install postgresql-client-{database['pg_dump_major']}."
        )
    if server_major < database.get("server_major", 0):
        raise BackupError(
            f"The archive comes from PostgreSQL {database['server_major']}; this server is "
            f"{server_major}. Restore onto PostgreSQL {database['server_major']} or later."
        )
    # pg_restore --clean drops only what the dump holds: a table it lacks (from a migration
    # newer than the backup) would stay and make the next `migrate` fail.
    extra = sorted(set(connection.introspection.table_names()) - _dump_tables(dump))
    if extra:
        raise BackupError(
            f"The database has tables the backup does not: {', '.join(extra[:8])}. Restore "
            "into an empty database (dropdb and createdb), or drop those tables first."
        )


def database_load(dump: Path) -> None:
    """Replace the database with the dump's, in one transaction."""
    _outside_transactions("restore")
    if database_vendor() == "sqlite":
        connection.ensure_connection()
        with closing(sqlite3.connect(f"file:{dump}?mode=ro", uri=True)) as copy:
            copy.backup(connection.connection)
        connection.close()  # the next query reconnects and reads the new schema
        return
    connection.close()  # hold no lock the restore's DROP would wait for
    _pg_run(
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            *_pg_arguments(),
            str(dump),
        ],
        "pg_restore",
    )
