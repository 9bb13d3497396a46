"""Open the read-only database once per thread and hand it to the data functions."""

import threading

from flask import current_app

import db
from db.build import check_current

_local = threading.local()


def init_app(app):
    """Remember where the database is; connections open lazily."""
    app.extensions["ossa_db"] = {"path": app.config["DATABASE"], "version": None}


def check(app):
    """Refuse to start on a missing, unmigrated or outdated database (names the fix)."""
    app.extensions["ossa_db"]["version"] = check_current(app.config["DATABASE"])


def get_db():
    """Return this thread's read-only connection, opening it on first use."""
    path = current_app.extensions["ossa_db"]["path"]
    conn = getattr(_local, "conns", {}).get(path)
    if conn is None:
        conn = db.connect_readonly(path)
        _local.__dict__.setdefault("conns", {})[path] = conn
    return conn


def version():
    """Return the dataset version of the open database."""
    state = current_app.extensions["ossa_db"]
    if state["version"] is None:
        state["version"] = db.dataset_info(get_db())["version"]
    return state["version"]
