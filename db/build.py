"""Build the read-only database: apply migrations, then load the content in one transaction."""

import hashlib
import os
import sqlite3
from pathlib import Path

import sqlite_utils

from db import CONTENT_DIR, MIGRATIONS_DIR, DatabaseError, connect_readonly, dataset_info, migrate
from db.content import content_hash, load_content
from db.rows import table_rows
from db.uncovered import dictionary_version

# The code that decides what the database holds: a change here must rebuild it too, or
# `make run` would keep serving data built by the old code.
BUILD_CODE = ("build.py", "checks.py", "codes.py", "content.py", "content_schemas.py", "files.py",
              "review_content.py", "rows.py", "text.py", "uncovered.py")


def dataset_version(content_dir=CONTENT_DIR, migrations_dir=MIGRATIONS_DIR):
    """Return the version of the data the files would build: content, migrations, build code."""
    digest = hashlib.sha256()
    digest.update(content_hash(content_dir).encode())
    digest.update(migrate.level(migrations_dir).encode())
    for name in BUILD_CODE:
        digest.update((Path(__file__).parent / name).read_bytes())
    digest.update(dictionary_version().encode())  # the name dictionary is data too
    return digest.hexdigest()[:16]


def check_current(path, content_dir=CONTENT_DIR, migrations_dir=MIGRATIONS_DIR):
    """Raise DatabaseError unless the database at path holds the current dataset."""
    fix = "run `make db` (or `flask --app api db build`)"
    try:
        conn = connect_readonly(path)
    except DatabaseError as exc:
        raise DatabaseError(f"{exc}; {fix}") from None
    try:
        stored = dataset_info(conn).get("version")
    except sqlite3.DatabaseError:
        stored = None
    finally:
        conn.close()
    wanted = dataset_version(content_dir, migrations_dir)
    # An imported RxNorm release adds "+rx…" to the version; the content part must still match.
    if (stored or "").split("+")[0] != wanted:
        raise DatabaseError(
            f"database {path} holds dataset {stored or 'none'}, the files say {wanted}; {fix}"
        )
    return stored


def build(path, content_dir=CONTENT_DIR, migrations_dir=MIGRATIONS_DIR, progress=print):
    """Build a new database file and swap it in atomically; return the dataset version."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    progress(f"validating content in {content_dir}")
    content = load_content(content_dir)
    version = dataset_version(content_dir, migrations_dir)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        conn = sqlite3.connect(tmp)
        migrate.upgrade(conn, migrations_dir, progress)
        load(conn, content, version, progress)
        conn.execute("VACUUM")
        conn.close()
        # A reader that has the old file open keeps it; new connections see the new one.
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    progress(f"built {path} (dataset {version})")
    return version


def load(conn, content, version, progress=print):
    """Write every content record with sqlite-utils in one transaction."""
    db = sqlite_utils.Database(conn)
    tables = table_rows(content, version)
    with db.atomic():
        for name, rows in tables.items():
            db[name].delete_where()
            db[name].insert_all(rows)
            progress(f"  {name}: {len(rows)} rows")
        rebuild_name_index(conn)
        progress("  search indexes rebuilt")
    return version


def rebuild_name_index(conn):
    """Rebuild the FTS5 indexes over `names` (external-content tables do not follow writes)."""
    for table in ("names_words", "names_trigrams"):
        conn.execute(f"INSERT INTO {table} ({table}) VALUES ('rebuild')")
