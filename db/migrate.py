"""Apply numbered forward-only SQL migrations, each atomically with its record."""

import hashlib
import re
from pathlib import Path

from db import MIGRATIONS_DIR

NAME = re.compile(r"[0-9]{4}_[a-z0-9_]+\.sql")


class MigrationError(Exception):
    """A migration file was edited after it was applied, or its SQL failed."""


def migration_files(directory=MIGRATIONS_DIR):
    """Return (name, sql, checksum) for every migration file, in order."""
    files = sorted(p for p in Path(directory).iterdir() if NAME.fullmatch(p.name))
    return [(p.name, p.read_text(), hashlib.sha256(p.read_bytes()).hexdigest()) for p in files]


def applied(conn):
    """Return {name: checksum} of the migrations recorded in the database."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    return dict(conn.execute("SELECT name, checksum FROM schema_migrations").fetchall())


def pending(conn, directory=MIGRATIONS_DIR):
    """Return the migrations not yet applied; raise if an applied one changed."""
    done = applied(conn)
    todo = []
    for name, sql, checksum in migration_files(directory):
        if name not in done:
            todo.append((name, sql, checksum))
        elif done[name] != checksum:
            raise MigrationError(
                f"migration {name} was edited after it was applied; "
                "add a new migration instead, or rebuild with `flask --app api db build`"
            )
    return todo


def upgrade(conn, directory=MIGRATIONS_DIR, progress=print):
    """Apply every pending migration; return the names applied."""
    conn.isolation_level = None  # we manage transactions; implicit ones would commit early
    names = []
    for name, sql, checksum in pending(conn, directory):
        progress(f"applying migration {name}")
        # executescript() commits any open transaction first, so the BEGIN goes inside the
        # script and the record is written before our COMMIT: both land together or not at all.
        try:
            conn.executescript("BEGIN;\n" + sql)
            conn.execute(
                "INSERT INTO schema_migrations (name, checksum, applied_at)"
                " VALUES (?, ?, datetime('now'))",
                (name, checksum),
            )
            conn.execute("COMMIT")
        except Exception as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise MigrationError(f"migration {name} failed: {exc}") from exc
        names.append(name)
    return names


def level(directory=MIGRATIONS_DIR):
    """Return a fingerprint of all migration files (part of the dataset version)."""
    digest = hashlib.sha256()
    for name, _sql, checksum in migration_files(directory):
        digest.update(f"{name}:{checksum}\n".encode())
    return digest.hexdigest()
