"""Data access for ossa: plain functions over an SQLite connection, returning dicts."""

import json
import os
import sqlite3
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# OSSA_CONTENT_DIR builds from another copy of the knowledge base (a reviewer's working copy).
CONTENT_DIR = Path(os.environ.get("OSSA_CONTENT_DIR") or ROOT / "db" / "content")
MIGRATIONS_DIR = ROOT / "migrations"


class NotFound(Exception):
    """A record, name or code that the database does not hold."""

    def __init__(self, message, *, suggestions=()):
        super().__init__(message)
        self.suggestions = list(suggestions)


class NotCovered(NotFound):
    """A medicine ossa recognises but holds no record for (or a form its record does not cover).

    `recognized` says what was recognised: {name, rxcui, reason, covered_form}, where reason is
    `not_in_knowledge_base`, `local_form` (eye, ear or skin use of a systemic medicine),
    `other_product` (another medicine sharing the ingredient), `route_not_covered` or
    `unverified_name` (a dictionary name of a covered medicine that ossa has not checked).
    """

    def __init__(self, message, *, recognized):
        super().__init__(message)
        self.recognized = recognized


class WorkLimitExceeded(Exception):
    """A request asked for more name-matching work than one request may buy."""


class DatabaseError(Exception):
    """The database file is missing, unmigrated or older than the content."""


def connect_readonly(path):
    """Open the database read-only; fail if the file does not exist."""
    path = Path(path)
    if not path.is_file():
        raise DatabaseError(f"database {path} does not exist")
    # mode=ro refuses writes and never creates the file; a swapped-in file is picked up by
    # opening a new connection, since the old one keeps the replaced inode alive.
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    return conn


def loads(text):
    """Decode a JSON column."""
    return json.loads(text) if text is not None else None


def dataset_info(conn):
    """Return the key/value pairs the build stored about the dataset."""
    return dict(conn.execute("SELECT key, value FROM dataset").fetchall())
