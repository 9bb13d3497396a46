"""Open the read-only database per thread, and follow an atomically swapped-in new file."""

import os
import threading
import time

from flask import current_app

import db
from db.build import check_current

_local = threading.local()
RECHECK_SECONDS = 0.5  # how soon a swapped-in file is noticed; a stat per request costs more


def init_app(app):
    """Remember where the database is; connections open lazily."""
    app.extensions["ossa_db"] = {"path": app.config["DATABASE"]}


def check(app):
    """Refuse to start on a missing, unmigrated or outdated database (names the fix)."""
    check_current(app.config["DATABASE"])


def _open(path):
    """Return (connection, version) for this thread, reopening when the file was replaced."""
    old = getattr(_local, "held", {}).get(path)
    now = time.monotonic()
    if old is not None and now < old[3]:
        return old
    try:
        inode = os.stat(path).st_ino
    except OSError as exc:
        raise db.DatabaseError(f"database {path} is not readable: {exc.strerror}") from None
    if old is not None and old[2] == inode:
        # The same file, perhaps rewritten in place (`db load`, an RxNorm import into it): the
        # version is read again, so ETags and cache keys follow the data in every worker.
        held = (old[0], db.dataset_info(old[0])["version"], inode, now + RECHECK_SECONDS)
        _local.held[path] = held
        return held
    # First use, or a new file was renamed over the old one (`db build`, a deploy): open it.
    # Data functions read whole results before returning, so closing the old one is safe.
    conn = db.connect_readonly(path)
    held = (conn, db.dataset_info(conn)["version"], inode, now + RECHECK_SECONDS)
    _local.__dict__.setdefault("held", {})[path] = held
    if old is not None:
        old[0].close()
    return held


def get_db():
    """Return this thread's read-only connection to the current database file."""
    return _open(current_app.extensions["ossa_db"]["path"])[0]


def version():
    """Return the dataset version of the current database file (part of every ETag)."""
    return _open(current_app.extensions["ossa_db"]["path"])[1]
